"""Tariffs, Transactions, Statistics and Reports in the window, as the roles that use them, on the live site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import tariffs
from app.services.history_seed import generate_history
from app.services.settlement import settle_pending
from db.engine import session_factory
from tests.e2e.site import BUS_PILES, TCP_PILES, Site
from tests.widgets.staff import staff, window
from widgets.main_window import MainWindow


def history(site: Site, days: int = 3) -> None:
    db = session_factory(site.db)
    end = datetime.now(UTC) - timedelta(minutes=10)
    with db() as s, s.begin():
        generate_history(s, start=end - timedelta(days=days), end=end, sessions_per_port_day=1.0,
                         samples_since=end - timedelta(days=1))
    settle_pending(db)


def titles(w: MainWindow) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def test_finance_edits_compares_and_pushes_a_tariff(site: Site, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    people = staff(site, "fin", "clerk", "fac")
    assert not {"Tariffs", "Transactions", "Reports"} & set(titles(window(site, people["clerk"], qtbot, tmp_path)))
    fac = window(site, people["fac"], qtbot, tmp_path)
    assert "Reports" in titles(fac) and not fac.reports.monthly_box.isVisibleTo(fac.reports)
    assert fac.reports.labels_box.isVisibleTo(fac.reports)
    w = window(site, people["fin"], qtbot, tmp_path)
    assert {"Tariffs", "Transactions", "Statistics", "Reports"} <= set(titles(w))
    view = w.tariffs
    view.code.setText("EB")
    view.name.setText("电动车")
    view.editor.coin.setText("0.50")
    view.buttons["save"].click()
    qtbot.waitUntil(lambda: len(view.rows) == 1 and view.current() is not None, timeout=5000)
    assert view.compare.rowCount() == 6 and view.compare.item(0, 1).text() != "—"
    db = session_factory(site.db)
    tariffs.assign(people["fin"], db, view.rows[0].tariff_id)
    view.refresh()
    qtbot.waitUntil(lambda: bool(view.rows and view.rows[0].assignments), timeout=5000)
    view.editor.bands.item(0, 1).setText("300")  # an edit: the sample sessions are priced again
    qtbot.waitUntil(lambda: view.compare.item(2, 3).text() not in ("¥0.00", "—"), timeout=3000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view._push()
    qtbot.waitUntil(lambda: view.pushed.rowCount() == 5, timeout=30_000)
    assert {view.pushed.item(i, 1).text() for i in range(5)} == {"written"}
    for code in (*BUS_PILES, *TCP_PILES):
        assert site.on_sim(lambda c=code: site.pile(c).config.coin_fee_fen) == 50


def test_transactions_statistics_and_reports(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "fin", "clerk", "fac")
    history(site)
    w = window(site, people["fin"], qtbot, tmp_path)
    tv = w.transactions
    tv.since.setDate(tv.since.date().addDays(-40))
    tv.refresh()
    qtbot.waitUntil(lambda: tv.page is not None and tv.page.totals.sessions > 20, timeout=10_000)
    assert tv.table.rowCount() == len(tv.page.rows) and "sessions" in tv.totals.text()
    tv.table.selectRow(0)
    qtbot.waitUntil(lambda: tv.current is not None, timeout=5000)
    assert tv.current.row.pile_code in tv.detail.text()
    out = tmp_path / "t.csv"
    tv.export_to(out, "csv")
    qtbot.waitUntil(lambda: out.exists() and "rows written" in tv.status.text(), timeout=10_000)
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == tv.page.totals.sessions + 2
    sv = w.statistics
    sv.since.setDate(tv.since.date())
    sv.refresh()
    qtbot.waitUntil(lambda: sv.stats is not None and sv.stats.total.sessions == tv.page.totals.sessions,
                    timeout=10_000)
    assert sv.ports.rowCount() == 50
    rv = w.reports
    rv.month.setDate(rv.month.date().addMonths(1))  # this month: the history is in it (or in the last one)
    pdf = tmp_path / "m.pdf"
    steps: list[int] = []
    rv._relay.moved.connect(lambda p, _l: steps.append(p))
    rv.generate_monthly(pdf)
    qtbot.waitUntil(lambda: rv.last_result is not None, timeout=20_000)
    assert pdf.stat().st_size > 10_000 and steps[-1] == 100 and rv.progress.value() == 100
    # Cancel pressed while it runs: set from the first progress report, in the worker's own thread (so the
    # timing is certain), exactly as the Cancel button sets it from the GUI thread.
    rv._relay.moved.connect(lambda *_: rv._cancel.set(), Qt.ConnectionType.DirectConnection)
    never = tmp_path / "never.pdf"
    rv.generate_monthly(never)
    qtbot.waitUntil(lambda: rv.make.isEnabled(), timeout=20_000)
    assert "cancelled" in rv.status.text() and not never.exists() and rv.progress.value() == 0
    rv.cash.setText("0")
    rv.preview()
    qtbot.waitUntil(lambda: rv.figures is not None, timeout=5000)
    assert rv.issues.rowCount() >= 1
