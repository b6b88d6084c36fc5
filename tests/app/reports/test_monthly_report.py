"""The monthly report's printed figures equal the database's and the ledger's; every page renders."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain.errors import PermissionDenied
from app.domain.money import format_money
from app.domain.permissions import Role
from app.reports.pdf_kit import Cancelled
from app.services import reports
from db.models_billing import Settlement
from db.models_ledger import JournalTxn, LedgerAccount
from tests.app.reports.conftest import Month


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def render_pages(path: Path, tmp: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(path), str(tmp / "page")], check=True)
    return sorted(tmp.glob("page-*.png"))


def test_the_operator_report_prints_the_databases_totals(month: Month, tmp_path: Path) -> None:
    desk = month.desk
    fin = desk.by_role[Role.FINANCE_ADMIN]
    out = tmp_path / "operator.pdf"
    seen: list[int] = []
    result = reports.monthly_report(fin, desk.db, month.month, out, progress=lambda p, _label: seen.append(p))
    assert seen == sorted(seen) and seen[-1] == 100
    with desk.db() as s:
        q = select(func.count(), func.sum(Settlement.net_fen), func.sum(Settlement.energy_wh)).where(
            Settlement.started_at >= month.start, Settlement.started_at < month.end)
        n, revenue, energy = (int(v or 0) for v in s.execute(q).one())
        ledger_revenue = s.scalar(select(LedgerAccount.balance_fen).where(LedgerAccount.code == "revenue:charging"))
        topups = s.scalar(select(func.sum(JournalTxn.amount_fen)).where(JournalTxn.kind == "topup"))
    assert n > 50 and (result.sessions, result.revenue_fen, result.energy_wh) == (n, revenue, energy)
    text = pdf_text(out)
    flat = re.sub(r"\s+", " ", text)
    assert f"{n:,}" in flat and format_money(revenue) in flat and f"{energy / 1000:,.1f}" in flat
    # What the settlements posted is what the ledger's revenue account holds (no hand-made charges here).
    assert f"Of which posted to the ledger {format_money(int(ledger_revenue or 0))}" in flat
    assert format_money(int(topups or 0)) in flat and "¥12.00" in flat  # desk top-ups and the cash refund
    for heading in ("月度计费报表", "汇总 Summary", "每日收入与电量", "按支付方式", "按充电桩", "充电最多的用户",
                    "电表电量与售出电量", "包月卡与免费充电", "充值与退款", "签字 Signatures"):
        assert heading in flat, heading
    pages = render_pages(out, tmp_path)
    assert len(pages) == result.pages >= 6
    assert f"Page {result.pages} of {result.pages}" in flat
    fonts = subprocess.run(["pdffonts", str(out)], check=True, capture_output=True, text=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in line for line in rows), fonts  # every font embedded (WenQuanYi subsets)


def test_a_station_report_covers_that_station_only(month: Month, tmp_path: Path) -> None:
    desk = month.desk
    out = tmp_path / "xc02.pdf"
    result = reports.monthly_report(desk.by_role[Role.FINANCE_ADMIN], desk.db, month.month, out, station="XC02")
    with desk.db() as s:
        revenue = s.scalar(select(func.sum(Settlement.net_fen)).where(
            Settlement.station_id == month.billing.stations["XC02"], Settlement.started_at >= month.start,
            Settlement.started_at < month.end))
    assert result.revenue_fen == int(revenue or 0)
    flat = re.sub(r"\s+", " ", pdf_text(out))
    assert "XC02 春秋苑" in flat and "XC01-P01" not in flat and format_money(result.revenue_fen) in flat
    assert "see the operator's report" in flat  # desk money is the operator's, not a station's
    assert len(render_pages(out, tmp_path)) == result.pages


def test_cancel_stops_before_a_file_is_written_and_roles_are_checked(month: Month, tmp_path: Path) -> None:
    desk = month.desk
    out = tmp_path / "never.pdf"
    with pytest.raises(Cancelled):
        reports.monthly_report(desk.by_role[Role.FINANCE_ADMIN], desk.db, month.month, out, cancelled=lambda: True)
    assert not out.exists()
    with pytest.raises(PermissionDenied):
        reports.monthly_report(desk.by_role[Role.CARD_ADMIN], desk.db, month.month, out)


def test_the_cli_writes_the_report(month: Month, tmp_path: Path, db_url: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    out = tmp_path / "cli.pdf"
    assert main(["report", "monthly", "--month", month.month, "--station", "XC01", "-o", str(out), "--db", db_url]) == 0
    assert "pages" in capsys.readouterr().out and out.stat().st_size > 10_000
    assert main(["report", "monthly", "--month", "2026-13", "-o", str(out), "--db", db_url]) == 1
    assert main(["report", "qr-labels", "--station", "XC01", "-o", str(tmp_path / "q.pdf"), "--db", db_url]) == 0
