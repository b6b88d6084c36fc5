"""The daily close (counted vs booked, metered vs sold, discrepancies, once per day) and the QR label sheet."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import segno
from sqlalchemy import func, select

from app.domain.errors import Conflict, PermissionDenied
from app.domain.money import format_money
from app.domain.permissions import Role
from app.reports.qr_labels import COLS, ROWS, qr_matrix
from app.services import audit, daily_close, reports
from app.services.audit import AuditFilter
from db.models import Port
from db.models_billing import DailyClose, Settlement
from tests.app.reports.conftest import Month
from tests.app.reports.test_monthly_report import pdf_text, render_pages


def test_the_daily_close_lists_what_does_not_add_up_and_is_recorded_once(month: Month, tmp_path: Path) -> None:
    desk = month.desk
    fin = desk.by_role[Role.FINANCE_ADMIN]
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
    booked = daily_close.preview(fin, desk.db, today)
    assert booked.cash_in_fen >= 3000 and booked.cash_out_fen == 1200  # the fixture's cash top-up and refund
    # One settled session of yesterday, flagged as a person would find it: it must show as a discrepancy.
    yesterday = today - timedelta(days=1)
    start, end = daily_close.day_bounds(yesterday, "Asia/Shanghai")
    with desk.db() as s, s.begin():
        row = s.scalar(select(Settlement).where(Settlement.started_at >= start, Settlement.started_at < end).limit(1))
        if row is None:
            pytest.skip("no generated session yesterday (the month has just begun)")
        row.status, row.flags = "flagged", json.dumps([{"code": "energy", "zh": "电量不一致", "en": "energy differs"}])
    short = booked.cash_ledger_fen - 50  # ¥0.50 missing from the drawer
    f = daily_close.preview(fin, desk.db, today, cash_counted_fen=short)
    assert [d.code for d in f.discrepancies][:1] == ["cash"] and f.discrepancies[0].amount == "-¥0.50"
    y = daily_close.preview(fin, desk.db, yesterday, coins_counted_fen=0)
    codes = [d.code for d in y.discrepancies]
    assert "flagged" in codes and ("coins" in codes) == (y.coins_settled_fen > 0)
    assert y.sold_wh > 0 and y.metered_wh > y.sold_wh  # the generated meters run a few per cent ahead
    closed = daily_close.close_day(fin, desk.db, today, cash_counted_fen=short)
    assert closed.closed_by == fin.login
    with pytest.raises(Conflict):
        daily_close.close_day(fin, desk.db, today, cash_counted_fen=booked.cash_ledger_fen)
    with pytest.raises(PermissionDenied):
        daily_close.close_day(desk.by_role[Role.CARD_ADMIN], desk.db, yesterday, cash_counted_fen=0)
    with desk.db() as s:
        assert s.scalar(select(func.count()).select_from(DailyClose)) == 1
    trail = audit.query_audit(desk.base, desk.db, AuditFilter(action="close.day"))
    assert trail[0].after["cash_counted_fen"] == short and trail[0].after["discrepancies"][0] == "cash"
    out = tmp_path / "close.pdf"
    pages = reports.daily_close_report(fin, desk.db, today, out)
    flat = re.sub(r"\s+", " ", pdf_text(out))
    assert f"已日结 Closed by {fin.login}" in flat and format_money(booked.cash_ledger_fen) in flat and "-¥0.50" in flat
    assert "cash counted differs from the ledger" in flat
    assert len(render_pages(out, tmp_path)) == pages


def test_the_label_sheet_has_a_sticker_per_port(month: Month, tmp_path: Path) -> None:
    desk = month.desk
    out = tmp_path / "labels.pdf"
    with pytest.raises(PermissionDenied):
        reports.qr_label_sheet(desk.by_role[Role.FINANCE_ADMIN], desk.db, out)
    pages = reports.qr_label_sheet(desk.by_role[Role.FACILITY_ADMIN], desk.db, out)
    with desk.db() as s:
        ids = list(s.scalars(select(Port.qr_id)))
    assert pages == math.ceil(len(ids) / (COLS * ROWS))
    text = pdf_text(out)
    assert all(qr in text for qr in ids) and "号口" in text and "Scan to charge" in text
    assert len(render_pages(out, tmp_path)) == pages
    # What is drawn is segno's code for exactly that id (error correction M, the smallest version).
    m = qr_matrix(ids[0])
    assert m == [[bool(v) for v in row] for row in segno.make_qr(ids[0], error="m").matrix]
    assert m != qr_matrix(ids[1]) and len(m) == 21 + 4 * (segno.make_qr(ids[0], error="m").version - 1)
