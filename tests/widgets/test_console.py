"""The console window against the real engine and simulator (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from app.engine.commands import StartPort, SyncClock
from comm.pile.messages import PortState
from tests.e2e.site import BUS_PILES, Site, ebike
from widgets.app import make_backend
from widgets.bridge import EngineBridge
from widgets.main_window import MainWindow
from widgets.models.port_table_model import COL_STATE, PortTableModel


@pytest.fixture
def window(site: Site, qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    assert site.engine is not None
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    bridge = EngineBridge(site.engine)
    w = MainWindow(bridge, make_backend(site.engine), settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    bridge.close()


def port_row(w: MainWindow, code: str, number: int) -> int:
    m = w.monitor.model
    return next(i for i in range(m.rowCount()) if m.row(i).pile_code == code and m.row(i).number == number)


def test_port_table_model_is_a_well_behaved_qt_model(qtmodeltester, site: Site) -> None:  # type: ignore[no-untyped-def]
    from app.services.stations import list_stations
    from db.engine import session_factory

    with session_factory(site.db)() as s:
        stations = list_stations(s)
    model = PortTableModel()
    assert site.engine is not None
    snap = site.engine.snapshot()
    model.set_stations(stations, snap.ports, {k: v.online for k, v in snap.piles.items()})
    assert model.rowCount() == 50
    qtmodeltester.check(model)


def test_a_coin_at_a_simulated_port_changes_the_row_and_the_tile(window: MainWindow, site: Site, qtbot) -> None:  # type: ignore[no-untyped-def]
    code = BUS_PILES[1]
    window.tree.select(site.pile_ids[code])
    window.tabs.setCurrentWidget(window.monitor)
    m = window.monitor.model
    qtbot.waitUntil(lambda: m.rowCount() == 50 and m.row(port_row(window, code, 3)).online, timeout=5000)
    row = port_row(window, code, 3)
    assert m.data(m.index(row, COL_STATE)) == "Idle"
    pile = site.pile(code)
    site.on_sim(pile.plug, 3, ebike(), site.now())
    site.on_sim(pile.insert_coins, 3, 2, site.now())
    qtbot.waitUntil(lambda: m.data(m.index(row, COL_STATE)) in ("Charging", "Waiting for load"), timeout=5000)
    tile = window.monitor.pile_view.tiles[2]
    qtbot.waitUntil(lambda: tile.live is not None and tile.live.state.active, timeout=3000)
    assert window.monitor.pile_view.pile is not None and window.monitor.pile_view.pile.code == code


def test_commands_from_the_window_show_their_confirmed_outcome(window: MainWindow, site: Site, qtbot) -> None:  # type: ignore[no-untyped-def]
    code = BUS_PILES[0]
    pid = site.pile_ids[code]
    window.tree.select(pid)
    qtbot.waitUntil(lambda: window.bridge.snapshot().piles.get(pid) is not None, timeout=5000)
    site.on_sim(site.pile(code).plug, 5, ebike(), site.now())
    window._command(StartPort(pid, 5, minutes=60))
    status = window.monitor.pile_view.status
    qtbot.waitUntil(lambda: "done" in status.text(), timeout=8000)
    assert site.on_sim(site.pile(code).port, 5).state in (PortState.STARTING, PortState.CHARGING)
    site.on_sim(site.runtime.set_silent, code, True)
    window._command(SyncClock(pid))
    qtbot.waitUntil(lambda: "FAILED" in status.text(), timeout=10000)
    assert "no valid reply" in status.text()


def test_a_short_circuit_raises_an_alarm_that_can_be_acknowledged(window: MainWindow, site: Site, qtbot,  # type: ignore[no-untyped-def]
                                                                   monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    code = BUS_PILES[2]
    site.on_sim(site.pile(code).inject_short, 7, site.now())
    alarms = window.alarms
    qtbot.waitUntil(lambda: any(r.code == "port.short_circuit" and r.port_number == 7 for r in alarms._rows),
                    timeout=8000)
    assert alarms.popup.isVisible() and not alarms.popup.isModal()  # critical: a pop-up that does not block
    row = next(i for i, r in enumerate(alarms._rows) if r.code == "port.short_circuit")
    alarms.live.selectRow(row)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("cable replaced", True))
    alarms._ack()
    qtbot.waitUntil(lambda: any(r.code == "port.short_circuit" and r.acked_by for r in alarms._rows), timeout=5000)


def test_the_window_remembers_its_tab_and_selection(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert site.engine is not None
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    bridge = EngineBridge(site.engine)
    w = MainWindow(bridge, make_backend(site.engine), settings)
    qtbot.addWidget(w)
    w.tree.select(site.pile_ids[BUS_PILES[2]])
    w.tabs.setCurrentIndex(2)
    w.close()
    w2 = MainWindow(bridge, make_backend(site.engine), settings)
    qtbot.addWidget(w2)
    assert w2.tabs.currentIndex() == 2
    assert w2.tree.current() == ("pile", site.pile_ids[BUS_PILES[2]])
    bridge.close()


def test_a_station_shows_its_total_charging_power_live(window: MainWindow, site: Site, qtbot) -> None:  # type: ignore[no-untyped-def]
    code = BUS_PILES[0]
    pile = site.pile(code)
    site.on_sim(pile.plug, 2, ebike(300), site.now())
    site.on_sim(pile.insert_coins, 2, 2, site.now())
    station_id = next(iter(window.stations))
    window.tree.select(station_id)
    trend = window.trend
    assert trend.station_id == station_id and "T01" in trend.title.text()
    qtbot.waitUntil(lambda: trend.station_ring.n >= 2 and np.nanmax(trend.station_ring.ordered()[:, 3]) >= 250,
                    timeout=10000)
    qtbot.waitUntil(lambda: len(trend._shown) >= 2, timeout=3000)


def test_a_window_opened_later_shows_states_that_no_longer_change(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from widgets.station_tree import STATE_ROLE

    assert site.engine is not None
    code = BUS_PILES[1]
    site.on_sim(site.pile(code).inject_short, 8, site.now())
    port_id = next(p.port_id for s in make_backend(site.engine).stations for pile in s.piles if pile.code == code
                   for p in pile.ports if p.number == 8)
    qtbot.waitUntil(lambda: (u := site.engine.snapshot().ports.get(port_id)) is not None  # type: ignore[union-attr]
                    and u.live.state is PortState.FAULT, timeout=8000)
    bridge = EngineBridge(site.engine)
    w = MainWindow(bridge, make_backend(site.engine), QSettings(str(tmp_path / "late.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert w.tree._items[port_id].data(STATE_ROLE) == "FAULT"  # from the snapshot, without a new event
    bridge.close()


def test_a_coin_at_a_simulated_port_turns_the_map_marker_to_charging(window: MainWindow, site: Site,  # type: ignore[no-untyped-def]
                                                                      qtbot) -> None:
    import json

    from widgets.map_view import MapView

    view = window.map
    assert isinstance(view, MapView)
    code = BUS_PILES[2]
    pile_id = site.pile_ids[code]
    with qtbot.waitSignal(view.pageReady, timeout=20000):
        view.show_station(next(iter(window.stations)))

    def marker() -> dict[str, object]:
        box: list[object] = []
        view.run_js(f"JSON.stringify(CD.pileInfo({json.dumps(code)}))", box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=5000)
        return json.loads(str(box[0]))

    qtbot.waitUntil(lambda: marker()["state"] == "idle", timeout=8000)
    pile = site.pile(code)
    for n in (4, 6):
        site.on_sim(pile.plug, n, ebike(), site.now())
        site.on_sim(pile.insert_coins, n, 1, site.now())
    qtbot.waitUntil(lambda: marker()["state"] == "charging", timeout=8000)
    info = marker()
    assert info["badge"] == "2" and view.pile_state(pile_id) == ("charging", 2)
