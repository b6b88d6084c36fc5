"""Transaction search, session detail and statistics agree with each other and with the settlements."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.domain.errors import ConcurrentEdit, PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.reports.export import write_csv, write_xlsx
from app.services import statistics, transactions
from app.services.transactions import TxnFilter
from db.models_billing import Settlement
from tests.app.reports.conftest import Month


def test_filters_totals_and_statistics_agree(month: Month) -> None:
    desk, b = month.desk, month.billing
    fin = desk.by_role[Role.FINANCE_ADMIN]
    everything = TxnFilter(start=month.start, end=month.end, limit=50)
    page = transactions.search(fin, desk.db, everything)
    with desk.db() as s:
        n, net = s.execute(select(func.count(), func.sum(Settlement.net_fen)).where(
            Settlement.started_at >= month.start, Settlement.started_at < month.end)).one()
    assert page.truncated and len(page.rows) == 50 and (page.totals.sessions, page.totals.net_fen) == (n, net)
    assert sum(w.sessions for w in page.totals.by_way.values()) == n
    assert [r.started_at for r in page.rows] == sorted((r.started_at for r in page.rows), reverse=True)
    coins = transactions.search(fin, desk.db, TxnFilter(start=month.start, end=month.end, ways=frozenset({"coin"}),
                                                        station_id=b.stations["XC01"]))  # fmt: skip
    assert coins.rows and {(r.way, r.station_code) for r in coins.rows} == {("coin", "XC01")}
    assert coins.totals.sessions == page.totals.by_way["coin"].sessions - transactions.search(
        fin, desk.db, TxnFilter(start=month.start, end=month.end, ways=frozenset({"coin"}),
                                station_id=b.stations["XC02"])).totals.sessions
    carded = next(r for r in page.rows if r.card_no)
    by_card = transactions.search(fin, desk.db, TxnFilter(card_no=carded.card_no))
    assert by_card.rows and all(r.card_no == carded.card_no for r in by_card.rows)
    named = next(r for r in transactions.search(fin, desk.db, TxnFilter(ways=frozenset({"qr"}))).rows if r.user_name)
    assert all(r.user_name == named.user_name for r in transactions.search(
        fin, desk.db, TxnFilter(user_text=named.user_name)).rows)
    st = statistics.statistics(fin, desk.db, TxnFilter(start=month.start, end=month.end))
    assert st.total.sessions == n and st.total.net_fen == net
    assert sum(x.sessions for x in st.by_day.values()) == sum(x.sessions for x in st.by_hour.values()) == n
    assert sum(x.net_fen for x in st.by_way.values()) == sum(x.net_fen for x in st.by_station.values()) == net
    assert st.by_hour[20].sessions > st.by_hour[4].sessions  # the evening peak
    assert sum(p[2].sessions for p in st.by_port) == n and all(0 <= p[3] <= 1 for p in st.by_port)
    assert 0 < max(st.busy_by_hour.values()) <= 1
    with pytest.raises(PermissionDenied):
        transactions.search(desk.by_role[Role.MONITORING_ADMIN], desk.db, everything)
    with pytest.raises(ValidationError):
        transactions.search(fin, desk.db, TxnFilter(ways=frozenset({"bitcoin"})))


def test_drill_down_and_review(month: Month) -> None:
    desk = month.desk
    fin = desk.by_role[Role.FINANCE_ADMIN]
    rows = transactions.search(fin, desk.db, TxnFilter(limit=5000)).rows
    with_curve = None
    for r in rows[:200]:
        d = transactions.session_detail(fin, desk.db, r.settlement_id)
        if d.curve:
            with_curve = d
            break
    assert with_curve is not None, "the newest day's sessions have samples"
    assert with_curve.curve[0][0] >= with_curve.row.started_at and max(p for _t, p, _e in with_curve.curve) > 0
    paid = next(r for r in rows if r.way == "coin")
    d = transactions.session_detail(fin, desk.db, paid.settlement_id)
    assert d.txn is not None and d.txn[2] == paid.net_fen and paid.pile_code in d.txn[1]
    transactions.review(fin, desk.db, paid.settlement_id, note="核对无误 checked", expected_version=paid.version)
    with pytest.raises(ConcurrentEdit):
        transactions.review(fin, desk.db, paid.settlement_id, note="again", expected_version=paid.version)
    assert transactions.session_detail(fin, desk.db, paid.settlement_id).reviewed == f"{fin.login}: 核对无误 checked"


def test_exports_carry_every_row_and_the_totals(month: Month, tmp_path: Path) -> None:
    desk = month.desk
    fin = desk.by_role[Role.FINANCE_ADMIN]
    flt = TxnFilter(start=month.start, end=month.end)
    rows = transactions.all_rows(fin, desk.db, flt)
    totals = transactions.search(fin, desk.db, flt).totals
    csv_path, xlsx_path = tmp_path / "t.csv", tmp_path / "t.xlsx"
    assert write_csv(rows, totals, csv_path) == len(rows)
    lines = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == len(rows) + 2 and lines[-1].startswith("合计 Total")
    assert write_xlsx(rows, totals, xlsx_path) == len(rows)
    wb = openpyxl.load_workbook(xlsx_path)
    sheet = wb.worksheets[0]
    assert sheet.max_row == len(rows) + 2
    net_col = [c.value for c in sheet[1]].index("收入 Revenue (元)") + 1
    assert sheet.cell(sheet.max_row, net_col).value == pytest.approx(totals.net_fen / 100)
    assert "按支付方式 By way" in wb.sheetnames
