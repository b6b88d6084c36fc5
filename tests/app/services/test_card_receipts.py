"""Card receipts (M4.5): 80 mm roll and A5 PDFs with the embedded CJK font, and reprints from the database."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.reports.card_receipt import render
from app.services import cards
from app.services.card_queries import receipt_data, receipt_of
from tests.app.services.card_bench import CTX, CardDesk
from tests.app.services.conftest import Desk


def text_of(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    f = tmp_path / "r.pdf"
    f.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, text=True, check=True).stdout


def test_top_up_receipt_on_both_papers_and_a_reprint(desk: Desk, tmp_path: Path) -> None:
    cd = CardDesk(desk)
    io, no = cd.issued(3000, deposit=1000, user=desk.user("王五"))
    r = cards.top_up(cd.clerk, desk.db, io, CTX, card_no=no, amount_fen=1500, method="wechat")
    for paper in ("80mm", "A5"):
        pdf = render(receipt_of(r, operator_name="测试物业"), paper=paper)
        assert b"/FontFile2" in pdf and b"Helvetica" not in pdf  # the TrueType subset is embedded, nothing else
        text = text_of(pdf, tmp_path)
        for expected in ("IC 卡充值收据", r.receipt_no, "王五", "¥15.00", "¥30.00", "¥45.00", "微信", "card", str(no)):
            assert expected in text, (paper, expected, text)
    again = receipt_data(cd.clerk, desk.db, r.op_no, operator_name="测试物业")
    assert (again.receipt_no, again.amount_fen, again.balance_before_fen, again.balance_after_fen) == (
        r.receipt_no, 1500, 3000, 4500)
    assert "REPRINT" in text_of(render(again), tmp_path)
    back = cards.return_card(cd.clerk, desk.db, io, CTX, card_no=no)
    text = text_of(render(receipt_of(back, operator_name="测试物业"), paper="A5"), tmp_path)
    assert "退卡" in text and "¥55.00" in text and "¥10.00" in text  # 45 balance + 10 deposit
