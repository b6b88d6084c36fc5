"""Ordered charging in the console: the Ordered charging tab and the Monitor table show who charges, who waits
and until when — against the real engine and simulator (a station without a transformer meter: the configured
household estimate)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select, update

from app.engine.events import OrderedPort, OrderedStatus
from app.engine.ordered import OrderedTuning
from app.engine.runtime import EngineSettings
from app.services.stations import PileInfo, PortInfo, StationInfo
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


def _car_station() -> tuple[StationInfo, OrderedStatus]:
    """A community with three car piles and an e-bike pile, and an ordered-charging step as the engine publishes
    it (app.engine.ordered: a car is charging / limited / paused / held, with the current limit in force)."""
    import time
    import uuid

    def pile(code: str, kind: str, ports: int) -> PileInfo:
        return PileInfo(uuid.uuid4(), code, code, "AC7" if kind == "car" else "ACX10A",
                        "ocpp16" if kind == "car" else "modbus_tcp", "", None, None, True, None, None,
                        tuple(PortInfo(uuid.uuid4(), n, kind, "") for n in range(1, ports + 1)))  # fmt: skip

    piles = (pile("C01", "car", 1), pile("C02", "car", 1), pile("C03", "car", 1), pile("E01", "ebike", 2))
    station = StationInfo(uuid.uuid4(), "T01", "测试小区", "", None, None, 40_000, piles)
    now = int(time.time())
    done, start = now + 2 * 3600, now + 3600

    def port(p: PileInfo, n: int, status: str, reason: str, w: int, limit_a: float | None = None,
             starts: int | None = None, ends: int | None = done) -> OrderedPort:  # fmt: skip
        return OrderedPort(p.pile_id, p.ports[n - 1].port_id, n, status, reason, w, starts, ends, 0, limit_a)

    ports = (port(piles[0], 1, "charging", "running", 7_000, 32.0, now),
             port(piles[1], 1, "limited", "no_capacity", 2_700, 11.9, now),
             port(piles[2], 1, "paused", "below_min", 0, 0.0, start),
             port(piles[3], 1, "charging", "running", 300, None, now),
             port(piles[3], 2, "queued", "no_capacity", 0, None, start))  # fmt: skip
    st = OrderedStatus(station.station_id, True, "meter", 40_000, 30_000, 10_000, 10_000, 10_000, ports,
                       ((now, 10_000, 10_000), (now + 3600, 10_000, 12_000)), datetime.now(UTC))  # fmt: skip
    return station, st


def test_car_statuses_limited_and_paused_in_the_ordered_tab_and_the_monitor(qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.engine.hub import Snapshot
    from widgets.models.port_table_model import PortTableModel, _hhmm
    from widgets.ordered_view import OrderedView

    station, st = _car_station()
    view = OrderedView()
    qtbot.addWidget(view)
    view.show_station(station, Snapshot(ordered={station.station_id: st}))
    assert view.table.rowCount() == 5
    rows = {view.table.item(i, 0).text(): [view.table.item(i, j).text() for j in range(6)]
            for i in range(view.table.rowCount())}  # fmt: skip
    assert rows["C02 #1"][1] == "Limited · 11.9 A" and rows["C02 #1"][4] == "now"
    assert rows["C03 #1"][1] == "Paused (0 A)" and rows["C03 #1"][2] == "less than 6 A free"
    assert rows["C01 #1"][1] == "Charging" and rows["E01 #2"][1] == "Queued"
    assert "3 vehicles charging, 2 waiting" in view.summary.text()  # a limited car charges; a paused one waits

    model = PortTableModel()
    model.set_stations([station], {}, {})
    model.apply([st])
    texts = {f"{model.row(i).pile_code} #{model.row(i).number}": model.data(model.index(i, COL_ORDER))
             for i in range(model.rowCount())}  # fmt: skip
    done, start = _hhmm(st.ports[1].expected_done or 0), _hhmm(st.ports[2].expected_start or 0)
    assert texts["C02 #1"] == f"Limited · 11.9 A · done ~{done}"
    assert texts["C03 #1"] == f"Paused (0 A) · starts ~{start}"
    assert texts["C01 #1"] == f"Charging · done ~{done}" and texts["E01 #2"] == f"Queued · starts ~{start}"


def test_car_statuses_in_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from app.engine.hub import Snapshot
    from widgets import i18n
    from widgets.models.port_table_model import PortTableModel, _hhmm
    from widgets.ordered_view import OrderedView

    station, st = _car_station()
    assert i18n.install(QApplication.instance(), "zh_CN")
    try:
        view = OrderedView()
        qtbot.addWidget(view)
        view.show_station(station, Snapshot(ordered={station.station_id: st}))
        statuses = {view.table.item(i, 1).text() for i in range(view.table.rowCount())}
        assert statuses == {"限流 · 11.9 A", "暂停（0 A）", "充电中", "排队中"}
        assert "3 辆充电中，2 辆等待" in view.summary.text()
        model = PortTableModel()
        model.set_stations([station], {}, {})
        model.apply([st])
        texts = {model.data(model.index(i, COL_ORDER)) for i in range(model.rowCount())}
        assert f"限流 · 11.9 A · 约 {_hhmm(st.ports[1].expected_done or 0)} 完成" in texts
        assert f"暂停（0 A） · 约 {_hhmm(st.ports[2].expected_start or 0)} 开始" in texts
    finally:
        i18n.install(QApplication.instance(), "en")
