"""Ordered charging in the console: the Ordered charging tab and the Monitor table show who charges, who waits
and until when — against the real engine and simulator (a station without a transformer meter: the configured
household estimate)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select, update

from app.engine.ordered import OrderedTuning
from app.engine.runtime import EngineSettings
from db.engine import session_factory
from db.models import Station
from db.models_ordered import OrderedSetting
from tests.e2e.site import FAST, TCP_PILES, Site, ebike
from widgets.app import make_backend
from widgets.bridge import EngineBridge
from widgets.main_window import MainWindow
from widgets.models.port_table_model import COL_ORDER


@pytest.fixture
def window(site: Site, qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    site.stop_engine()
    with session_factory(site.db)() as s, s.begin():
        station_id = s.scalar(select(Station.id))
        s.execute(update(Station).values(charging_limit_w=4_000))
        s.add(OrderedSetting(station_id=station_id, enabled=True, household_w=2_500, period_s=60))
    site.start_engine(EngineSettings(tuning=FAST.tuning, sample_interval_s=1.0, flush_interval_s=0.2,
                                     hub_interval_s=0.05, ordered=OrderedTuning(period_s=0.5, retry_s=0.2,
                                                                                 plan_steps=4)))
    assert site.engine is not None
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    bridge = EngineBridge(site.engine)
    w = MainWindow(bridge, make_backend(site.engine), settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    bridge.close()


def test_queued_and_charging_ports_in_the_ordered_tab_and_the_monitor_table(window: MainWindow, site: Site,
                                                                            qtbot) -> None:  # type: ignore[no-untyped-def]
    code = TCP_PILES[0]
    pile = site.pile(code)
    for n in range(1, 9):  # 8 × 300 W into 4 kW − 2.5 kW of household: some must wait
        site.on_sim(pile.plug, n, ebike(rated_w=300, need_wh=800), site.now())
        site.on_sim(pile.insert_coins, n, 1, site.now())
    view = window.ordered_view
    window.tree.select(window.stations[next(iter(window.stations))].station_id)
    window.tabs.setCurrentWidget(view)

    def statuses() -> set[str]:
        return {view.table.item(i, 1).text() for i in range(view.table.rowCount())}

    qtbot.waitUntil(lambda: view.table.rowCount() == 8 and statuses() == {"Charging", "Queued"}, timeout=15_000)
    assert "estimated" in view.summary.text()  # no transformer meter here: the household estimate, marked
    st = window.bridge.snapshot().ordered[window.ordered_view.station.station_id]  # type: ignore[union-attr]
    assert st.source == "estimate" and st.allocated_w <= st.spare_w == 1_500
    window.tabs.setCurrentWidget(window.monitor)
    m = window.monitor.model
    qtbot.waitUntil(lambda: any(m.data(m.index(i, COL_ORDER)).startswith("Queued") for i in range(m.rowCount())),
                    timeout=5_000)
    texts = [m.data(m.index(i, COL_ORDER)) for i in range(m.rowCount()) if m.row(i).pile_code == code]
    assert sum(t.startswith("Charging") for t in texts) + sum(t.startswith("Queued") for t in texts) == 8
