"""The monthly billing report (月度计费报表) as an A4 PDF: cover, summary, daily revenue and energy, payment
ways, stations and piles, top users, meters vs sold energy, monthly-card and free use, top-ups and refunds,
open questions, signatures. Every label is Chinese with English beside it; every figure is from
``MonthlyData`` (so the tests can compare the printed text with the database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Spacer

from app.domain.money import format_money
from app.domain.settlement import WAY_NAMES
from app.reports.monthly_data import MonthlyData
from app.reports.pdf_kit import WAY_COLOURS, Cancelled, NumberedDoc, Progress, bar_chart, para, styles, table

METHODS = {"cash": ("现金", "cash"), "wechat": ("微信支付", "WeChat Pay"), "alipay": ("支付宝", "Alipay"),
           "bank": ("银行转账", "bank transfer")}  # fmt: skip
WIDTH = 174 * mm  # A4 less the margins


def kwh(wh: int) -> str:
    return f"{wh / 1000:,.1f}"


def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def way_label(way: str) -> str:
    zh, en = WAY_NAMES.get(way, (way, way))
    return f"{zh} {en}"


def scope_text(d: MonthlyData) -> tuple[str, str]:
    if d.station:
        return f"{d.station[0]} {d.station[1]}", f"station {d.station[0]}"
    return f"{d.operator}（全部小区）", "operator, all stations"


def render_monthly(d: MonthlyData, out: str | Path | BinaryIO, *, prepared_by: str = "",
                   progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> int:
    """Write the report; returns its page count. ``cancelled()`` is asked between sections."""
    st = styles()
    step = 0
    sections = 10

    def tick(label: str) -> None:
        nonlocal step
        if cancelled is not None and cancelled():
            raise Cancelled()
        step += 1
        if progress is not None:
            progress(min(95, step * 90 // sections), label)

    month_zh, month_en = f"{d.month.year}年{d.month.month}月", d.month.strftime("%B %Y")
    scope_zh, scope_en = scope_text(d)
    doc = NumberedDoc(out if not isinstance(out, str) else Path(out),
                      title=f"月度计费报表 Monthly billing report · {month_zh}", header_right=scope_zh,
                      footer_left=f"ChargeDesk · {month_en}")
    story: list[Any] = []
    t = d.stats.total
    tick("cover")
    story += _cover(d, st, month_zh, month_en, scope_zh, scope_en, prepared_by)
    tick("summary")
    story += _summary(d, st)
    tick("daily")
    story += _daily(d, st)
    tick("ways")
    story += _ways(d, st)
    tick("piles")
    story += _places(d, st)
    tick("users")
    story += _users(d, st)
    tick("meters")
    story += _meters(d, st)
    tick("cards")
    story += _cards_and_money(d, st)
    tick("signatures")
    story += _signatures(d, st, t.net_fen)
    tick("layout")
    pages = doc.render(story)
    if progress is not None:
        progress(100, "done")
    return pages


def _cover(d: MonthlyData, st: dict[str, Any], month_zh: str, month_en: str, scope_zh: str, scope_en: str,
           prepared_by: str) -> list[Any]:
    t = d.stats.total
    gen = d.generated_at.astimezone(ZoneInfo(d.tz)).strftime("%Y-%m-%d %H:%M")
    key = table([["收入 Revenue", "电量 Energy (kWh)", "充电次数 Sessions"],
                 [format_money(t.net_fen), kwh(t.energy_wh), f"{t.sessions:,}"]],
                [WIDTH / 3] * 3, font_size=13)  # fmt: skip
    key.setStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 1), (-1, 1), 18),
                  ("TOPPADDING", (0, 1), (-1, 1), 10), ("BOTTOMPADDING", (0, 1), (-1, 1), 10)])
    return [
        Spacer(1, 45 * mm), para("月度计费报表", st["title"]), para("Monthly billing report", st["cover"]),
        Spacer(1, 10 * mm), para(f"{month_zh} · {month_en}", st["cover"]),
        para(f"{scope_zh} · {scope_en}", st["cover"]), Spacer(1, 18 * mm), key, Spacer(1, 18 * mm),
        para(f"统计期间 Period: {d.start.astimezone(ZoneInfo(d.tz)).strftime('%Y-%m-%d')} — "
             f"{(d.end.astimezone(ZoneInfo(d.tz)) - timedelta(days=1)).strftime('%Y-%m-%d')}（{d.tz}）", st["cover"]),
        para(f"生成时间 Generated: {gen}" + (f" · 制表人 Prepared by: {prepared_by}" if prepared_by else ""),
             st["cover"]),
        Spacer(1, 6 * mm),
        para("按会话开始时间计入当月；收入 = 实收 − 未用时长退款。Sessions count in the month they started; "
             "revenue = paid in − refunds of unused time.", st["small"]),
        PageBreak(),
    ]


def _summary(d: MonthlyData, st: dict[str, Any]) -> list[Any]:
    t = d.stats.total
    avg = t.net_fen // t.sessions if t.sessions else 0
    util = sum(d.stats.busy_by_hour.values()) / 24 if d.stats.busy_by_hour else None
    rows = [["项目 Item", "数值 Value"],
            ["充电次数 Sessions", f"{t.sessions:,}"],
            ["售出电量 Energy sold (kWh)", kwh(t.energy_wh)],
            ["充电时长 Charging time (h)", f"{t.minutes / 60:,.1f}"],
            ["实收金额 Paid in", format_money(t.amount_fen)],
            ["未用时长退款 Refunds of unused time", format_money(t.refund_fen)],
            ["充电收入 Revenue", format_money(t.net_fen)],
            ["其中已记入账本 Of which posted to the ledger", format_money(d.settled_in_ledger_fen)],
            ["每次平均收入 Revenue per session", format_money(avg)],
            ["每次平均电量 Energy per session (kWh)", kwh(t.energy_wh // t.sessions if t.sessions else 0)],
            ["待核对 Flagged for review", f"{d.flagged:,}"],
            ["钱包未付 Unpaid by the wallet", f"{d.unpaid:,} · {format_money(d.unpaid_fen)}"]]  # fmt: skip
    if util is not None:
        rows.insert(4, ["端口利用率 Port utilisation", pct(util)])
    out: list[Any] = [para("一、汇总 Summary", st["h2"]), table(rows, [110 * mm, 64 * mm], right_cols=[1])]
    if len(d.stats.by_station) > 1:
        srows = [["小区 Station", "次数 Sessions", "电量 kWh", "收入 Revenue"]]
        for sid, sums in sorted(d.stats.by_station.items(), key=lambda kv: d.stats.station_names.get(kv[0], "")):
            srows.append([d.stats.station_names.get(sid, str(sid)), f"{sums.sessions:,}", kwh(sums.energy_wh),
                          format_money(sums.net_fen)])
        srows.append(["合计 Total", f"{t.sessions:,}", kwh(t.energy_wh), format_money(t.net_fen)])
        out += [para("各小区 By station", st["h3"]),
                table(srows, [80 * mm, 30 * mm, 30 * mm, 34 * mm], right_cols=[1, 2, 3], total_row=True)]
    return out


def _daily(d: MonthlyData, st: dict[str, Any]) -> list[Any]:
    days = sorted(d.stats.by_day.items())
    labels = [str(day.day) for day, _ in days]
    revenue = bar_chart([s.net_fen / 100 for _, s in days], labels, width=WIDTH, height=62 * mm,
                        title="每日收入 Daily revenue", unit="元 yuan")
    energy = bar_chart([s.energy_wh / 1000 for _, s in days], labels, width=WIDTH, height=62 * mm,
                       title="每日电量 Daily energy", unit="kWh", colour="#2e9d4f")
    rows = [["日期 Date", "次数 Sessions", "电量 kWh", "收入 Revenue"]]
    rows += [[day.strftime("%m-%d"), f"{s.sessions:,}", kwh(s.energy_wh), format_money(s.net_fen)] for day, s in days]
    t = d.stats.total
    rows.append(["合计 Total", f"{t.sessions:,}", kwh(t.energy_wh), format_money(t.net_fen)])
    return [PageBreak(), para("二、每日收入与电量 Daily revenue and energy", st["h2"]), revenue, Spacer(1, 4 * mm),
            energy, CondPageBreak(60 * mm), para("每日明细 Day by day", st["h3"]),
            table(rows, [40 * mm, 40 * mm, 44 * mm, 50 * mm], right_cols=[1, 2, 3], total_row=True, font_size=8)]


def _ways(d: MonthlyData, st: dict[str, Any]) -> list[Any]:
    t = d.stats.total
    order = ["qr", "card", "coin", "monthly", "free", "none"]
    rows = [["支付方式 Payment way", "次数 Sessions", "占比 Share", "电量 kWh", "实收 Paid", "退款 Refund",
             "收入 Revenue"]]
    ways = sorted(d.stats.by_way.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    for way, s in ways:
        rows.append([way_label(way), f"{s.sessions:,}", pct(s.sessions / t.sessions) if t.sessions else "-",
                     kwh(s.energy_wh), format_money(s.amount_fen), format_money(s.refund_fen),
                     format_money(s.net_fen)])
    rows.append(["合计 Total", f"{t.sessions:,}", "100.0%" if t.sessions else "-", kwh(t.energy_wh),
                 format_money(t.amount_fen), format_money(t.refund_fen), format_money(t.net_fen)])
    chart = bar_chart([s.net_fen / 100 for _, s in ways], [way_label(w) for w, _ in ways], width=WIDTH / 2,
                      height=55 * mm, title="按支付方式收入 Revenue by way", unit="元")
    for i, (way, _s) in enumerate(ways):
        chart.contents[0].bars[(0, i)].fillColor = colors.HexColor(WAY_COLOURS.get(way, "#888888"))
    return [CondPageBreak(90 * mm), para("三、按支付方式 By payment way", st["h2"]),
            table(rows, [44 * mm, 20 * mm, 18 * mm, 22 * mm, 23 * mm, 23 * mm, 24 * mm], right_cols=range(1, 7),
                  total_row=True),
            Spacer(1, 3 * mm), chart]  # fmt: skip


def _places(d: MonthlyData, st: dict[str, Any]) -> list[Any]:
    rows = [["充电桩 Pile", "次数 Sessions", "时长 Hours", "电量 kWh", "收入 Revenue"]]
    for p in d.by_pile:
        rows.append([p.code, f"{p.sessions:,}", f"{p.minutes / 60:,.1f}", kwh(p.energy_wh), format_money(p.net_fen)])
    rows.append(["合计 Total", f"{sum(p.sessions for p in d.by_pile):,}",
                 f"{sum(p.minutes for p in d.by_pile) / 60:,.1f}", kwh(sum(p.energy_wh for p in d.by_pile)),
                 format_money(sum(p.net_fen for p in d.by_pile))])  # fmt: skip
    return [PageBreak(), para("四、按充电桩 By pile", st["h2"]),
            table(rows, [50 * mm, 30 * mm, 30 * mm, 30 * mm, 34 * mm], right_cols=[1, 2, 3, 4], total_row=True,
                  font_size=8)]  # fmt: skip


def _users(d: MonthlyData, st: dict[str, Any]) -> list[Any]:
    rows = [["#", "用户 User", "住址 Address", "次数 Sessions", "电量 kWh", "金额 Paid"]]
    for i, u in enumerate(d.top_users, start=1):
        rows.append([str(i), u.name, u.address, f"{u.sessions:,}", kwh(u.energy_wh), format_money(u.net_fen)])
    if len(rows) == 1:
        rows.append(["", "（本月无记名用户充电）No named users this month", "", "", "", ""])
    return [CondPageBreak(70 * mm), para("五、充电最多的用户 Top users", st["h2"]),
            para("按收入排序；只含刷卡、扫码和包月用户（投币和免费充电不记名）。Ranked by revenue; cards, QR and "
                 "monthly users only (coins and free charging are anonymous).", st["small"]),
            table(rows, [10 * mm, 40 * mm, 40 * mm, 26 * mm, 26 * mm, 32 * mm], right_cols=[3, 4, 5])]


def _meters(d: MonthlyData, st: dict[str, Any]) -> list[Any]:
    rows = [["充电桩 Pile", "电表电量 Metered kWh", "售出电量 Sold kWh", "损耗 Loss kWh", "损耗率 Loss"]]
    for m in d.meters:
        rows.append([m.code, kwh(m.metered_wh), kwh(m.sold_wh), kwh(m.loss_wh), pct(m.loss_share)])
    metered, sold = d.metered_wh, d.sold_wh
    rows.append(["合计 Total", kwh(metered), kwh(sold), kwh(metered - sold),
                 pct((metered - sold) / metered) if metered else "-"])
    return [PageBreak(), para("六、电表电量与售出电量 Metered vs sold energy", st["h2"]),
            para("电表电量为充电桩自带电表的日读数差；差额为线路与待机损耗，以及未结算的会话。Metered energy is the "
                 "difference of the piles' own daily meter readings; the gap is line and standby losses, and sessions "
                 "not yet settled.", st["small"]),
            table(rows, [44 * mm, 34 * mm, 34 * mm, 32 * mm, 30 * mm], right_cols=[1, 2, 3, 4], total_row=True,
                  font_size=8)]  # fmt: skip


def _cards_and_money(d: MonthlyData, st: dict[str, Any]) -> list[Any]:
    out: list[Any] = [CondPageBreak(80 * mm), para("七、包月卡与免费充电 Monthly cards and free charging", st["h2"])]
    rows = [["类别 Kind", "次数 Sessions", "电量 kWh", "时长 Hours", "卡数 Cards"]]
    for way in ("monthly", "free"):
        s = d.stats.by_way.get(way)
        cards = f"{d.card_holders[way]:,}" if way in d.card_holders else "-"
        rows.append([way_label(way), f"{s.sessions if s else 0:,}", kwh(s.energy_wh if s else 0),
                     f"{(s.minutes if s else 0) / 60:,.1f}", cards])
    out.append(table(rows, [50 * mm, 30 * mm, 30 * mm, 30 * mm, 34 * mm], right_cols=[1, 2, 3, 4]))
    out += [para("八、充值与退款（账本）Top-ups and refunds (ledger)", st["h2"])]
    if d.station is not None:
        out.append(para("钱包充值与退款在服务台办理，属运营商整体，见运营商月报。Wallet top-ups and refunds are made "
                        "at the desk for the whole operator: see the operator's report.", st["small"]))
        return out
    for title, lines in (("充值 Top-ups", d.topups), ("退款 Refunds", d.refunds)):
        rows = [[title, "笔数 Count", "金额 Amount"]]
        for m in lines:
            zh, en = METHODS.get(m.method, (m.method, m.method))
            rows.append([f"{zh} {en}", f"{m.count:,}", format_money(m.amount_fen)])
        rows.append(["合计 Total", f"{sum(m.count for m in lines):,}", format_money(sum(m.amount_fen for m in lines))])
        out += [table(rows, [80 * mm, 40 * mm, 54 * mm], right_cols=[1, 2], total_row=True), Spacer(1, 3 * mm)]
    return out


def _signatures(d: MonthlyData, st: dict[str, Any], revenue_fen: int) -> list[Any]:
    line = "_" * 22
    rows = [["制表 Prepared by", "审核 Checked by", "负责人 Approved by"], [line, line, line],
            ["日期 Date: ________", "日期 Date: ________", "日期 Date: ________"]]
    sig = table(rows, [WIDTH / 3] * 3, font_size=9.5)
    sig.setStyle([("TOPPADDING", (0, 1), (-1, 1), 16), ("BACKGROUND", (0, 0), (-1, 0), None),
                  ("LINEBELOW", (0, 0), (-1, -1), 0, None)])
    note = (f"本报表所列收入合计 {format_money(revenue_fen)}，经核对无误。"
            f"The revenue in this report totals {format_money(revenue_fen)} and has been checked.")
    return [Spacer(1, 8 * mm), KeepTogether([para("九、签字 Signatures", st["h2"]), para(note, st["body"]),
                                             Spacer(1, 4 * mm), sig])]


def generated_label(when: datetime, tz: str) -> str:
    return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
