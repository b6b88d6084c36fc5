"""The map tab in a real QWebEngineView (offscreen): loads offline, follows engine batches through a real
EngineBridge, reports clicks and drags, searches by name, state and distance.

The engine is a test double here (subscribe/snapshot/submit); the full engine + simulator path is
covered by the console tests.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.engine.events import Event, PileUpdate, PortUpdate
from app.engine.hub import Snapshot
from app.map_page import Near, pile_latlon
from comm.pile.messages import Payment, PortFault, PortLive, PortState, StopReason
from tests.support.map_fixtures import pile_id, sample_stations
from widgets.bridge import EngineBridge
from widgets.map_view import MapView

# widgets/look.py STATE_COLOURS: IDLE #9aa5b1, CHARGING #2e9d4f, FAULT #d9343a, OFFLINE #4a4a4a
COLOURS = {"idle": "rgb(154, 165, 177)", "charging": "rgb(46, 157, 79)", "fault": "rgb(217, 52, 58)",
           "offline": "rgb(74, 74, 74)"}
LOAD_TIMEOUT_MS = 30_000


class FakeEngine:
    """subscribe / snapshot / submit, like app.engine.runtime.Engine; publish() delivers from another thread."""

    def __init__(self) -> None:
        self.subscribers: list[Callable[[list[Event]], None]] = []
        self.snap = Snapshot()

    def subscribe(self, callback: Callable[[list[Event]], None]) -> Callable[[], None]:
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)

    def snapshot(self) -> Snapshot:
        return self.snap

    def submit(self, cmd: object) -> Future[object]:
        f: Future[object] = Future()
        f.set_result(None)
        return f

    def publish(self, events: list[Event]) -> None:
        t = threading.Thread(target=lambda: [cb(events) for cb in list(self.subscribers)])
        t.start()
        t.join()


def port(code: str, number: int, state: PortState) -> PortUpdate:
    live = PortLive(state, 2200, 150 if state.active else 0, 330 if state.active else 0, 12, 5, 60,
                    PortFault.OVERLOAD if state is PortState.FAULT else PortFault.NONE, StopReason.NONE,
                    Payment.COIN, 7)
    pid = pile_id(code)
    return PortUpdate(pid, uuid.uuid5(pid, str(number)), number, live, datetime.now(UTC))


class Saver:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[uuid.UUID, float, float]] = []
        self.fail = fail

    def __call__(self, pid: uuid.UUID, x: float, y: float) -> None:
        self.calls.append((pid, x, y))
        if self.fail:
            raise ValueError("database is locked")


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def saver() -> Saver:
    return Saver()


@pytest.fixture
def view(qtbot: QtBot, tmp_path: Path, engine: FakeEngine, saver: Saver) -> Iterator[MapView]:
    bridge = EngineBridge(engine)
    v = MapView(bridge, sample_stations(), page_dir=tmp_path / "map", save_position=saver,
                site_plan_dir=tmp_path / "plans")
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitUntil(lambda: v.ready, timeout=LOAD_TIMEOUT_MS)
    yield v
    bridge.close()


def js(qtbot: QtBot, view: MapView, script: str) -> object:
    box: list[object] = []
    view.run_js(script, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def info(qtbot: QtBot, view: MapView, code: str) -> dict[str, object]:
    raw = js(qtbot, view, f"JSON.stringify(CD.pileInfo({json.dumps(code)}))")
    assert isinstance(raw, str)
    return json.loads(raw)


def show(qtbot: QtBot, view: MapView, station_id: uuid.UUID | None) -> None:
    with qtbot.waitSignal(view.pageReady, timeout=LOAD_TIMEOUT_MS):
        view.show_station(station_id)


def test_page_loads_offline_with_all_piles(qtbot: QtBot, view: MapView) -> None:
    with qtbot.waitSignal(view.view.loadFinished, timeout=LOAD_TIMEOUT_MS) as blocker:
        view.show_station(sample_stations()[0].station_id)
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: view.ready, timeout=LOAD_TIMEOUT_MS)
    assert js(qtbot, view, "typeof L === 'object' && L.version") == "1.9.4"
    assert js(qtbot, view, "Object.keys(CD.piles).sort().join(',')") == "TA01-P01,TA01-P02,TA01-P03,TA01-P04"
    assert js(qtbot, view, "document.querySelectorAll('.leaflet-image-layer').length") == 1
    assert view.guard.blocked == []  # not a single request left the machine
    p1 = info(qtbot, view, "TA01-P01")
    assert (p1["x"], p1["y"]) == (110, 180) and p1["state"] == "idle" and p1["colour"] == COLOURS["idle"]
    assert info(qtbot, view, "TA01-P04")["state"] == "offline"  # stored flag, no engine news yet


def test_overview_shows_communities_and_piles(qtbot: QtBot, view: MapView) -> None:
    assert js(qtbot, view, "CD.data.mode") == "overview"
    assert js(qtbot, view, "Object.keys(CD.stations).sort().join(',')") == "TA01,TB02"
    assert js(qtbot, view, "Object.keys(CD.piles).length") == 6
    counts = json.loads(str(js(qtbot, view, "JSON.stringify(CD.stationInfo('TA01'))")))["counts"]
    assert counts == {"idle": 3, "charging": 0, "fault": 0, "offline": 1}
    # a click on a community opens its site plan
    with qtbot.waitSignal(view.pageReady, timeout=LOAD_TIMEOUT_MS):
        js(qtbot, view, "CD.stations['TB02'].marker.fire('click'); true")
    assert js(qtbot, view, "CD.data.station") == "TB02"
    assert view.station_box.currentText() == "春秋苑 (TB02)"


def test_port_updates_through_the_bridge_recolour_the_marker(qtbot: QtBot, view: MapView, engine: FakeEngine) -> None:
    show(qtbot, view, sample_stations()[0].station_id)
    js(qtbot, view, "window.probe = 42; true")  # would be gone if the page were reloaded
    engine.publish([port("TA01-P01", 1, PortState.CHARGING), port("TA01-P01", 2, PortState.STARTING),
                    port("TA01-P02", 3, PortState.FAULT)])
    qtbot.waitUntil(lambda: info(qtbot, view, "TA01-P01")["state"] == "charging", timeout=5000)
    p1, p2 = info(qtbot, view, "TA01-P01"), info(qtbot, view, "TA01-P02")
    assert p1["colour"] == COLOURS["charging"] and p1["badge"] == "2" and p1["badgeShown"] is True
    assert p2["colour"] == COLOURS["fault"] and p2["badgeShown"] is False
    assert view.pile_state(pile_id("TA01-P01")) == ("charging", 2)

    engine.publish([port("TA01-P01", 2, PortState.IDLE)])
    qtbot.waitUntil(lambda: info(qtbot, view, "TA01-P01")["badge"] == "1", timeout=5000)

    engine.publish([PileUpdate(pile_id("TA01-P01"), False, None, datetime.now(UTC))])
    qtbot.waitUntil(lambda: info(qtbot, view, "TA01-P01")["state"] == "offline", timeout=5000)
    p1 = info(qtbot, view, "TA01-P01")
    assert p1["colour"] == COLOURS["offline"] and p1["badgeShown"] is False
    assert js(qtbot, view, "window.probe") == 42  # updated in place, the page was not reloaded


def test_the_snapshot_colours_the_first_page(qtbot: QtBot, tmp_path: Path, engine: FakeEngine) -> None:
    engine.snap.ports[uuid.uuid4()] = port("TB02-P02", 4, PortState.CHARGING)
    bridge = EngineBridge(engine)
    v = MapView(bridge, sample_stations(), page_dir=tmp_path / "map", save_position=Saver())
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.ready, timeout=LOAD_TIMEOUT_MS)
    assert info(qtbot, v, "TB02-P02")["state"] == "charging"
    bridge.close()


def test_new_station_data_rewrites_the_page(qtbot: QtBot, view: MapView) -> None:
    a, b = sample_stations()
    show(qtbot, view, a.station_id)
    fewer = replace(a, piles=a.piles[:2], name="莲城花园二期")
    with qtbot.waitSignal(view.pageReady, timeout=LOAD_TIMEOUT_MS):
        view.set_stations([fewer, b])
    assert js(qtbot, view, "Object.keys(CD.piles).sort().join(',')") == "TA01-P01,TA01-P02"
    assert view.station_box.itemText(1) == "莲城花园二期 (TA01)"


def test_clicking_a_marker_activates_the_pile(qtbot: QtBot, view: MapView) -> None:
    show(qtbot, view, sample_stations()[0].station_id)
    with qtbot.waitSignal(view.pileActivated, timeout=5000) as blocker:
        assert js(qtbot, view, "CD.clickPile('TA01-P02')") is True
    assert blocker.args == [pile_id("TA01-P02")]


def test_select_pile_focuses_it_and_switches_community(qtbot: QtBot, view: MapView) -> None:
    a, _b = sample_stations()
    show(qtbot, view, a.station_id)
    with qtbot.waitSignal(view.pageReady, timeout=LOAD_TIMEOUT_MS):
        view.select_pile(pile_id("TB02-P01"))
    qtbot.waitUntil(lambda: js(qtbot, view, "CD.selected") == "TB02-P01", timeout=5000)
    assert js(qtbot, view, "CD.data.station") == "TB02"


def drag(qtbot: QtBot, view: MapView, code: str, x: float, y: float) -> None:
    # what Leaflet's marker drag ends with: the marker at its new place, then "dragend"
    js(qtbot, view, f"var m = CD.piles[{json.dumps(code)}].marker; "
                    f"m.setLatLng([CD.data.plan.h - {y}, {x}]); m.fire('dragend'); true")


def test_dragging_in_edit_mode_saves_the_position(qtbot: QtBot, view: MapView, saver: Saver) -> None:
    show(qtbot, view, sample_stations()[0].station_id)
    drag(qtbot, view, "TA01-P01", 600, 300)  # not in edit mode: ignored
    qtbot.wait(300)
    assert saver.calls == []

    view.edit_button.setChecked(True)
    qtbot.waitUntil(lambda: info(qtbot, view, "TA01-P01")["draggable"] is True, timeout=5000)
    drag(qtbot, view, "TA01-P01", 600.4, 300.2)
    qtbot.waitUntil(lambda: len(saver.calls) == 1, timeout=5000)
    assert saver.calls == [(pile_id("TA01-P01"), 600.4, 300.2)]
    qtbot.waitUntil(lambda: "saved" in view.message.text(), timeout=5000)
    # the unplaced pile can be put on the plan, and positions count for the distance search at once
    drag(qtbot, view, "TA01-P04", 50, 60)
    qtbot.waitUntil(lambda: len(saver.calls) == 2, timeout=5000)
    hits = view.search(near=Near((55, 60), 20, sample_stations()[0].station_id))
    assert [h.code for h in hits] == ["TA01-P04"]


def test_a_failed_save_puts_the_marker_back(qtbot: QtBot, view: MapView, saver: Saver) -> None:
    saver.fail = True
    show(qtbot, view, sample_stations()[0].station_id)
    view.edit_button.setChecked(True)
    qtbot.waitUntil(lambda: info(qtbot, view, "TA01-P02")["draggable"] is True, timeout=5000)
    drag(qtbot, view, "TA01-P02", 700, 500)
    qtbot.waitUntil(lambda: "database is locked" in view.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: info(qtbot, view, "TA01-P02")["x"] == 250, timeout=5000)
    assert info(qtbot, view, "TA01-P02")["y"] == 180
    assert saver.calls == [(pile_id("TA01-P02"), 700, 500)]


def test_search_by_name_and_state_highlights_and_lists(qtbot: QtBot, view: MapView, engine: FakeEngine) -> None:
    view.search_edit.setText("春秋")
    qtbot.waitUntil(lambda: [h.code for h in view.hits] == ["TB02-P01", "TB02-P02"], timeout=5000)
    assert view.results.isVisible() and view.results.topLevelItemCount() == 2
    qtbot.waitUntil(lambda: info(qtbot, view, "TB02-P01")["hit"] is True, timeout=5000)
    assert info(qtbot, view, "TA01-P01")["hit"] is False

    view.search_edit.clear()
    engine.publish([port("TA01-P03", 1, PortState.FAULT)])
    qtbot.waitUntil(lambda: view.pile_state(pile_id("TA01-P03"))[0] == "fault", timeout=5000)
    view.state_box.setCurrentIndex(view.state_box.findData("fault"))
    qtbot.waitUntil(lambda: [h.code for h in view.hits] == ["TA01-P03"], timeout=5000)
    view.state_box.setCurrentIndex(view.state_box.findData("offline"))
    assert [h.code for h in view.hits] == ["TA01-P04"]

    with qtbot.waitSignal(view.pileActivated, timeout=5000) as blocker:
        view.results.itemActivated.emit(view.results.topLevelItem(0), 0)
    assert blocker.args == [pile_id("TA01-P04")]
    view.clear_search()
    assert view.hits == [] and not view.results.isVisible()
    qtbot.waitUntil(lambda: info(qtbot, view, "TA01-P01")["hit"] is None, timeout=5000)


def test_search_near_a_point_clicked_on_the_site_plan(qtbot: QtBot, view: MapView) -> None:
    show(qtbot, view, sample_stations()[0].station_id)
    view.near_button.setChecked(True)
    view.radius_spin.setValue(200)
    # a click on the plan at (120, 180): through Leaflet's click and the channel
    js(qtbot, view, "CD.map.fire('click', {latlng: L.latLng(CD.data.plan.h - 180, 120)}); true")
    qtbot.waitUntil(lambda: bool(view.hits), timeout=5000)
    assert [(h.code, round(h.distance or 0)) for h in view.hits] == [("TA01-P01", 10), ("TA01-P02", 130)]
    assert view.results.topLevelItem(0).text(3) == "10 px"
    assert js(qtbot, view, "!!CD.circle && Math.round(CD.circle.getRadius())") == 200
    view.radius_spin.setValue(50)
    assert [h.code for h in view.hits] == ["TA01-P01"]


def test_search_near_a_point_on_the_overview_in_metres(qtbot: QtBot, view: MapView) -> None:
    a, _ = sample_stations()
    view.near_button.setChecked(True)
    view.radius_spin.setValue(20)
    at = pile_latlon(a, (250, 180))
    assert at is not None
    js(qtbot, view, f"CD.map.fire('click', {{latlng: L.latLng({at[0]}, {at[1]})}}); true")
    qtbot.waitUntil(lambda: bool(view.hits), timeout=5000)
    assert [h.code for h in view.hits] == ["TA01-P02"]
    view.radius_spin.setValue(2000)
    assert {h.station_code for h in view.hits} == {"TA01", "TB02"}
    assert view.hits[0].code == "TA01-P02" and view.results.topLevelItem(0).text(3) == "0 m"


def test_the_offline_guard_lets_only_the_configured_tile_host_through(qtbot: QtBot) -> None:
    from widgets.map_web import OfflineGuard

    assert not OfflineGuard(None)._tile("tile.openstreetmap.org")
    guard = OfflineGuard("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert guard._tile("a.tile.example.org") and guard._tile("c.tile.example.org")
    assert not guard._tile("example.org") and not guard._tile("tile.example.org.evil.net")
    plain = OfflineGuard("https://tiles.example.net/{z}/{x}/{y}.png")
    assert plain._tile("tiles.example.net") and not plain._tile("a.tiles.example.net")
