"""The daily close (日结) as a one- or two-page A4 PDF: money counted vs booked, energy metered vs sold per
station, the discrepancies, and signatures of the clerk and the finance officer."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from app.domain.money import format_money
from app.reports.monthly_pdf import WIDTH, kwh, pct
from app.reports.pdf_kit import NumberedDoc, para, styles, table
from app.services.daily_close import DayFigures


def render_daily_close(f: DayFigures, out: str | Path | BinaryIO, *, operator: str = "ChargeDesk") -> int:
    st = styles()
    day = f.day.isoformat()
    doc = NumberedDoc(Path(out) if isinstance(out, str) else out, title=f"日结单 Daily close · {day}",
                      header_right=operator, footer_left=f"ChargeDesk · {day}")
    closed = (f"已日结 Closed by {f.closed_by} · {f.closed_at.astimezone(ZoneInfo(f.tz)).strftime('%Y-%m-%d %H:%M')}"
              if f.closed_by and f.closed_at else "未日结（预览）Not closed yet (preview)")
    money = [["项目 Item", "账本 Ledger", "清点 Counted", "差额 Difference"],
             ["现金收入（充值）Cash in (top-ups)", format_money(f.cash_in_fen), "", ""],
             ["现金支出（退款）Cash out (refunds)", format_money(f.cash_out_fen), "", ""],
             ["钱箱应有 Cash drawer", format_money(f.cash_ledger_fen), _fen(f.cash_counted_fen),
              _diff(f.cash_counted_fen, f.cash_ledger_fen)],
             ["投币收入 Coin revenue", format_money(f.coins_settled_fen), _fen(f.coins_counted_fen),
              _diff(f.coins_counted_fen, f.coins_settled_fen)]]  # fmt: skip
    energy = [["小区 Station", "次数 Sessions", "电表 Metered kWh", "售出 Sold kWh", "损耗率 Loss"]]
    for x in f.stations:
        energy.append([f"{x.code} {x.name}", f"{x.sessions:,}", kwh(x.metered_wh), kwh(x.sold_wh),
                       pct(x.loss_share) if x.loss_share is not None else "-"])
    total_loss = (f.metered_wh - f.sold_wh) / f.metered_wh if f.metered_wh else None
    energy.append(["合计 Total", f"{sum(x.sessions for x in f.stations):,}", kwh(f.metered_wh), kwh(f.sold_wh),
                   pct(total_loss) if total_loss is not None else "-"])
    issues = [["#", "差异 Discrepancy", "金额/数量 Amount"]]
    for i, d in enumerate(f.discrepancies, start=1):
        issues.append([str(i), para(f"{d.zh}\n{d.en}", st["cell"]), d.amount])
    if not f.discrepancies:
        issues.append(["", "无差异 No discrepancies", ""])
    line = "_" * 22
    sig = table([["收银员 Cashier", "财务 Finance", "负责人 Approved by"], [line, line, line]], [WIDTH / 3] * 3,
                font_size=9.5)
    sig.setStyle([("TOPPADDING", (0, 1), (-1, 1), 16), ("BACKGROUND", (0, 0), (-1, 0), None)])
    story: list[Any] = [
        para(f"日结单 Daily close — {day}", st["h1"]), para(f"{operator} · {f.tz} · {closed}", st["body"]),
        para("一、现金与投币 Cash and coins", st["h2"]),
        table(money, [74 * mm, 34 * mm, 34 * mm, 32 * mm], right_cols=[1, 2, 3]),
        para("二、电量 Energy: metered vs sold", st["h2"]),
        table(energy, [64 * mm, 24 * mm, 30 * mm, 30 * mm, 26 * mm], right_cols=[1, 2, 3, 4], total_row=True),
        para("三、差异 Discrepancies", st["h2"]),
        table(issues, [10 * mm, 124 * mm, 40 * mm], right_cols=[2]),
        Spacer(1, 10 * mm), KeepTogether([para("四、签字 Signatures", st["h2"]), sig]),
    ]  # fmt: skip
    return doc.render(story)


def _fen(fen: int | None) -> str:
    return "" if fen is None else format_money(fen)


def _diff(counted: int | None, booked: int) -> str:
    if counted is None:
        return ""
    d = counted - booked
    return ("+" if d > 0 else "") + format_money(d)
