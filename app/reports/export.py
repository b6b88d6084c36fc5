"""Transactions for accounting: CSV (UTF-8 with BOM, so Excel opens the Chinese right) and XLSX (openpyxl:
numbers as numbers, yuan with two decimals, a totals row, a sheet by payment way).

Money leaves as yuan with exactly two decimals, computed from integer fen (never through a float sum):
``Decimal(fen) / 100``.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from app.domain.settlement import WAY_NAMES
from app.services.transactions import Totals, TxnRow

HEADERS = ("开始 Start", "结束 End", "小区 Station", "充电桩 Pile", "端口 Port", "支付方式 Way", "用户 User",
           "卡号 Card", "时长 Minutes", "电量 Energy (kWh)", "实收 Paid (元)", "退款 Refund (元)", "收入 Revenue (元)",
           "状态 Status", "差异 Flags", "停止原因 Stop reason")  # fmt: skip


def yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _cells(r: TxnRow, tz: ZoneInfo) -> list[object]:
    zh, en = WAY_NAMES.get(r.way, (r.way, r.way))
    return [r.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), r.ended_at.astimezone(tz).strftime(
        "%Y-%m-%d %H:%M:%S"), r.station_code, r.pile_code, r.port_number, f"{zh} {en}", r.user_name,
        r.card_no or "", r.minutes_used, Decimal(r.energy_wh) / 1000, yuan(r.amount_fen), yuan(r.refund_fen),
        yuan(r.net_fen), r.status, " ".join(r.flags), r.stop_reason]  # fmt: skip


def _total(t: Totals) -> list[object]:
    return ["合计 Total", "", "", "", "", "", "", "", t.minutes, Decimal(t.energy_wh) / 1000, yuan(t.amount_fen),
            yuan(t.refund_fen), yuan(t.net_fen), f"{t.sessions}", "", ""]  # fmt: skip


def write_csv(rows: Sequence[TxnRow], totals: Totals, path: Path, *, tz: str = "Asia/Shanghai") -> int:
    zone = ZoneInfo(tz)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        for r in rows:
            w.writerow(_cells(r, zone))
        w.writerow(_total(totals))
    return len(rows)


def write_xlsx(rows: Sequence[TxnRow], totals: Totals, path: Path, *, tz: str = "Asia/Shanghai") -> int:
    zone = ZoneInfo(tz)
    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = "交易明细 Transactions"
    ws.append(list(HEADERS))
    head = PatternFill("solid", fgColor="EEF3F9")
    for c in ws[1]:
        c.font, c.fill = Font(bold=True), head
    for r in rows:
        ws.append([float(v) if isinstance(v, Decimal) else v for v in _cells(r, zone)])
    ws.append([float(v) if isinstance(v, Decimal) else v for v in _total(totals)])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for col in ("J",):
        for c in ws[col][1:]:
            c.number_format = "#,##0.000"
    for col in ("K", "L", "M"):
        for c in ws[col][1:]:
            c.number_format = "#,##0.00"
    for i, width in enumerate((19, 19, 8, 11, 6, 14, 12, 10, 9, 11, 11, 11, 11, 9, 12, 13), start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    ws.freeze_panes = "A2"
    ways = wb.create_sheet("按支付方式 By way")
    ways.append(["支付方式 Way", "次数 Sessions", "电量 Energy (kWh)", "收入 Revenue (元)"])
    for way, t in sorted(totals.by_way.items()):
        zh, en = WAY_NAMES.get(way, (way, way))
        ways.append([f"{zh} {en}", t.sessions, t.energy_wh / 1000, float(yuan(t.net_fen))])
    wb.save(path)
    return len(rows)
