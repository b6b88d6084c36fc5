"""The printable work-order sheet (PDF): what the technician takes to the pile and signs.

Labels are bilingual (中文 / English) so one sheet serves every desk. The CJK font is embedded
(WenQuanYi Micro Hei, TrueType), so the sheet prints the same on any PC or printer. Photos attached
to the order are printed small at the end (their hash is checked first; a damaged one is named, not
printed).
"""

from __future__ import annotations

import io
import os
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.domain.fault_rules import ALARM_NAMES
from app.domain.permissions import Actor
from app.domain.work_orders import ACTION_NAMES, STATE_NAMES, WoAction, WoState
from app.services import wo_files
from app.services.unit import Db
from app.services.wo_queries import OrderDetail, get_order

FONT_FILE = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"
FONT = "WQYMicroHei"
TZ = ZoneInfo(os.environ.get("CHARGEDESK_TZ", "Asia/Shanghai"))
SEVERITY = {"critical": "紧急 critical", "major": "严重 major", "minor": "一般 minor", "warning": "提示 warning",
            "info": "信息 info"}
SOURCE = {"fault": "故障自动 fault rule", "alarm": "告警 alarm", "pile": "充电桩 pile", "complaint": "投诉 complaint"}
RESULT = {"fixed": "已修复 fixed", "workaround": "临时处理 workaround", "not_fixed": "未修复 not fixed",
          "no_fault_found": "未发现故障 no fault found"}
STEP = {"created": "创建 created", "note": "备注 note", "repair": "维修记录 repair", "attachment": "附件 attachment",
        "occurrence": "故障再现 recurred", "escalated": "超时升级 escalated", "diagnosis": "远程诊断 diagnosis"}


@cache
def _font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT


def _t(dt: datetime | None) -> str:
    return "" if dt is None else dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _state(s: str | None) -> str:
    if not s:
        return ""
    zh, en = STATE_NAMES[WoState(s)]
    return f"{zh} {en}"


def _step(a: str) -> str:
    if a in WoAction.__members__.values():
        zh, en = ACTION_NAMES[WoAction(a)]
        return f"{zh} {en}"
    return STEP.get(a, a)


def render_sheet(actor: Actor, db: Db, order_id: uuid.UUID, *, operator: str = "", files_dir: Path | None = None,
                 now: datetime | None = None) -> bytes:
    """The sheet of one order as PDF bytes (view_work_orders)."""
    detail = get_order(actor, db, order_id)
    photos: list[tuple[str, bytes | None]] = []
    for a in detail.attachments:
        if not a.content_type.startswith("image/"):
            continue
        try:
            photos.append((a.file_name, wo_files.open_attachment(actor, db, a.attachment_id, files_dir=files_dir)[1]))
        except wo_files.AttachmentDamaged:
            photos.append((a.file_name, None))
    return build_pdf(detail, photos, operator=operator, printed_by=actor.login, now=now or datetime.now(TZ))


def build_pdf(detail: OrderDetail, photos: list[tuple[str, bytes | None]], *, operator: str, printed_by: str,
              now: datetime) -> bytes:
    font = _font()
    base = ParagraphStyle("b", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    small = ParagraphStyle("s", parent=base, fontSize=8, leading=10)
    title = ParagraphStyle("t", parent=base, fontSize=16, leading=20)
    head = ParagraphStyle("h", parent=base, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4)
    P = lambda text, st=base: Paragraph(escape(str(text)).replace("\n", "<br/>"), st)  # noqa: E731
    o = detail.order
    story: list[object] = [
        P(f"充电桩维修工单 Work order  {o.number}", title),
        P(f"{operator}   打印 printed {now.astimezone(TZ):%Y-%m-%d %H:%M} · {printed_by}", small),
        Spacer(1, 4 * mm),
    ]
    where = (o.pile_code or "") + (f" 端口 port {o.port_number}" if o.port_number else "")
    alarm = " / ".join(ALARM_NAMES.get(o.alarm_code, (o.alarm_code, ""))) if o.alarm_code else ""
    rows = [
        ("标题 Title", o.title, "状态 State", _state(o.state.value)),
        ("小区 Community", f"{o.station_code} {o.station_name}", "充电桩 Pile", where),
        ("严重程度 Severity", SEVERITY.get(o.severity, o.severity), "来源 Source", SOURCE.get(o.source, o.source)),
        ("告警 Alarm", alarm + (f"（{o.occurrences} 次 times）" if o.occurrences > 1 else ""),
         "报修人 Reported by", o.reporter or o.created_by),
        ("创建 Raised", f"{_t(o.created_at)} · {o.created_by}", "期限 Due", _t(o.due_at)
         + (f"  超时 L{o.escalation_level}" if o.escalation_level else "")),
        ("派给 Technician", f"{o.assignee_name or ''} {o.assignee_login or ''}".strip(), "派单 Assigned",
         _t(o.assigned_at)),
        ("处理完成 Resolved", f"{_t(o.resolved_at)} {o.resolved_by or ''}".strip(), "验收 Verified",
         _t(o.verified_at)),
    ]
    info = Table([[P(a, small), P(b), P(c, small), P(d)] for a, b, c, d in rows],
                 colWidths=[31 * mm, 59 * mm, 31 * mm, 59 * mm])
    info.setStyle(_grid(font, header=False, shade_cols=(0, 2)))
    story += [info]
    if o.description:
        story += [P("故障描述 Description", head), P(o.description)]
    if o.resolution:
        story += [P("处理结果 Resolution", head), P(o.resolution)]
    story.append(P("维修记录 Repair log", head))
    rep = [[P(x, small) for x in ("时间 Time", "人员 By", "原因 Cause", "更换部件 Parts", "用时 Min", "结果 Result")]]
    rep += [[P(_t(r.ts), small), P(r.actor_login, small), P(r.cause), P(r.parts), P(str(r.minutes_spent)),
             P(RESULT.get(r.result, r.result), small)] for r in detail.repairs] or [[P("—")] + [""] * 5]
    story.append(_table(rep, [28, 24, 48, 40, 12, 28], font))
    story.append(P("处理过程 History", head))
    log = [[P(x, small) for x in ("时间 Time", "人员 By", "步骤 Step", "状态 State", "说明 Note")]]
    log += [[P(_t(x.ts), small), P(x.actor_login, small), P(_step(x.action), small),
             P(_state(x.to_state), small), P(x.note[:400], small)] for x in detail.steps]
    story.append(_table(log, [28, 24, 30, 28, 70], font))
    if photos:
        story.append(P("照片 Photos", head))
        cells = []
        for name, data in photos:
            if data is None:
                cells.append(P(f"{name}: 文件已损坏 file damaged", small))
                continue
            try:
                w, h = ImageReader(io.BytesIO(data)).getSize()
                scale = min(42 * mm / w, 32 * mm / h)
                cells.append([Image(io.BytesIO(data), w * scale, h * scale), P(name, small)])
            except Exception:  # not an image reportlab can read
                cells.append(P(f"{name}", small))
        grid = [cells[i:i + 4] + [""] * (4 - len(cells[i:i + 4])) for i in range(0, len(cells), 4)]
        story.append(Table(grid, colWidths=[45 * mm] * 4))
    sign = Table([[P("维修人员签字 Technician", small), "", P("验收人签字 Verified by", small), ""],
                  [P("日期 Date", small), "", P("日期 Date", small), ""]],
                 colWidths=[40 * mm, 50 * mm, 40 * mm, 50 * mm], rowHeights=[12 * mm, 8 * mm])
    sign.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font),
                              ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                              ("LINEBELOW", (3, 0), (3, -1), 0.5, colors.black),
                              ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story += [Spacer(1, 4 * mm), KeepTogether(sign)]
    buf = io.BytesIO()

    def footer(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawString(18 * mm, 10 * mm, f"{o.number} · {o.title[:60]}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc.page} 页 page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=f"{o.number} {o.title}", author=operator or "ChargeDesk")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)  # type: ignore[arg-type]
    return buf.getvalue()


def _grid(font: str, *, header: bool = True, shade_cols: tuple[int, ...] = ()) -> TableStyle:
    style = [("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")))
    for c in shade_cols:
        style.append(("BACKGROUND", (c, 0), (c, -1), colors.HexColor("#f2f2f2")))
    return TableStyle(style)


def _table(rows: list[list[object]], widths_mm: list[int], font: str) -> Table:
    t = Table(rows, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    t.setStyle(_grid(font))
    return t
