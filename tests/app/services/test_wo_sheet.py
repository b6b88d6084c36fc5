"""The printable work-order sheet: a real PDF with the order, its repairs, history and photos, CJK embedded."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.domain.errors import PermissionDenied
from app.domain.permissions import Role
from app.domain.work_orders import RepairResult, WoAction
from app.services import wo_files, wo_sheet, work_orders
from app.services.work_orders import OrderDraft, RepairDraft
from tests.app.services.conftest import Desk
from tests.app.services.test_work_orders import make_site


def photo(text: str) -> bytes:
    img = Image.new("RGB", (640, 480), "#c8d6e5")
    d = ImageDraw.Draw(img)
    d.rectangle((120, 100, 520, 380), outline="#222f3e", width=8)
    d.text((140, 120), text, fill="#ee5253")
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    return buf.getvalue()


def make_order(desk: Desk, files: Path):  # type: ignore[no-untyped-def]
    site = make_site(desk)
    duty, tech = desk.by_role[Role.MONITORING_ADMIN], desk.by_role[Role.MAINTENANCE]
    o = work_orders.raise_order(duty, desk.db, OrderDraft(
        pile_id=site.piles["S1-P01"], port_number=9, severity="critical", assignee_id=tech.account_id,
        description="9号口插头烧黑，有焦味。居民反映投币后不出电。", reporter="3栋 王先生"))
    o = work_orders.transition(tech, desk.db, o.order_id, WoAction.START, expected_version=o.version)
    work_orders.add_repair_log(tech, desk.db, o.order_id, RepairDraft(
        "插座内部接触不良，长期过热导致绝缘碳化短路", 55, RepairResult.FIXED, parts="10A 插座 ×1\n端子 ×2"))
    wo_files.add_attachment(tech, desk.db, o.order_id, photo("before"), "维修前.jpg", files_dir=files)
    wo_files.add_attachment(tech, desk.db, o.order_id, photo("after"), "维修后.jpg", files_dir=files)
    o = work_orders.transition(tech, desk.db, o.order_id, WoAction.RESOLVE, expected_version=o.version,
                               note="更换插座，测试 300 W 负载 10 分钟正常")
    return o


def test_the_sheet_is_a_pdf_with_everything_on_it(desk: Desk, tmp_path: Path) -> None:
    o = make_order(desk, tmp_path)
    pdf = wo_sheet.render_sheet(desk.by_role[Role.MAINTENANCE], desk.db, o.order_id, operator="测试运营商",
                                files_dir=tmp_path)
    assert pdf.startswith(b"%PDF")
    out = tmp_path / "sheet.pdf"
    out.write_bytes(pdf)
    if shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils not installed")
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert any("WenQuanYiMicroHei" in line and " yes " in line for line in fonts.splitlines()), fonts  # CJK embedded
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for needle in (o.number, "S1-P01", "端口 port 9", "插座内部接触不良", "10A 插座", "维修前.jpg", "处理完成",
                   "3栋 王先生", "维修人员签字"):
        assert needle in text, needle
    with pytest.raises(PermissionDenied):
        wo_sheet.render_sheet(desk.by_role[Role.CARD_ADMIN], desk.db, o.order_id)
