"""Screenshots of the map tab: the overview of all communities and one community on its site plan.

    .venv/bin/python scripts/shoot_map.py [out_dir] [--lang zh_CN]   # sets QT_QPA_PLATFORM=offscreen itself

Uses the six simulated communities of comm/sim/community.toml (no database, no simulator) and a
fixed mix of pile states pushed through a real EngineBridge, so the pictures are the same every
run. Writes map-overview.png and map-community.png (default into docs/screenshots/).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 - before the QApplication
from PySide6.QtWidgets import QApplication

from app.engine.events import Event, PileUpdate, PortUpdate
from app.engine.hub import Snapshot
from app.services.stations import PileInfo, PortInfo, StationInfo
from comm.pile.messages import Payment, PortFault, PortLive, PortState, StopReason
from comm.sim.config import load_config
from widgets.bridge import EngineBridge
from widgets.map_view import MapView


class StaticEngine:
    def __init__(self) -> None:
        self.subscribers: list[Callable[[list[Event]], None]] = []

    def subscribe(self, cb: Callable[[list[Event]], None]) -> Callable[[], None]:
        self.subscribers.append(cb)
        return lambda: self.subscribers.remove(cb)

    def snapshot(self) -> Snapshot:
        return Snapshot()

    def submit(self, cmd: object) -> Future[object]:
        f: Future[object] = Future()
        f.set_result(None)
        return f

    def publish(self, events: list[Event]) -> None:
        for cb in list(self.subscribers):
            cb(events)


def stations() -> list[StationInfo]:
    out = []
    for st in load_config().stations:
        piles = []
        for p in st.piles:
            pid = uuid.uuid5(uuid.NAMESPACE_URL, f"chargedesk:pile:{p.code}")
            ports = tuple(PortInfo(uuid.uuid5(pid, str(n)), n, c, f"{p.code}-{n:02d}")
                          for n, c in enumerate(p.ports, 1))
            piles.append(PileInfo(pid, p.code, f"{st.name} {p.code[-3:]}", "ACX10A", "modbus-tcp", "—", None, None,
                                  True, p.x, p.y, ports))
        sid = uuid.uuid5(uuid.NAMESPACE_URL, f"chargedesk:station:{st.code}")
        out.append(StationInfo(sid, st.code, st.name, st.address, st.lat, st.lon, st.charging_limit_w, tuple(piles),
                               None, st.plan_w, st.plan_h))
    return out


def evening(all_stations: list[StationInfo]) -> list[Event]:
    """An evening peak: most piles charging a few ports, one port fault, two piles offline."""
    rng, now, events = random.Random(7), datetime.now(UTC), []
    piles = [p for s in all_stations for p in s.piles]
    for i, p in enumerate(piles):
        if i % 17 == 5:
            events.append(PileUpdate(p.pile_id, False, None, now))
            continue
        events.append(PileUpdate(p.pile_id, True, None, now))
        busy = rng.choice((0, 1, 2, 3, 4, 6))
        for port in p.ports:
            state = PortState.CHARGING if port.number <= busy else PortState.IDLE
            if i % 13 == 2 and port.number == 9:
                state = PortState.FAULT
            live = PortLive(state, 2200, 180 if state.active else 0, 390 if state.active else 0, 150, 40, 200,
                            PortFault.OVERLOAD if state is PortState.FAULT else PortFault.NONE, StopReason.NONE,
                            Payment.COIN, 1)
            events.append(PortUpdate(p.pile_id, port.port_id, port.number, live, now))
    return events


def settle(app: QApplication, view: MapView, seconds: float) -> None:
    end = time.monotonic() + 60
    while not view.ready and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    end = time.monotonic() + seconds  # let Leaflet lay out, the plans decode and the markers paint
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(Path(__file__).resolve().parents[1] / "docs" / "screenshots"))
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    try:
        from widgets.look import install_font

        install_font(app)
        if args.lang != "en":
            from widgets import i18n

            i18n.install(app, args.lang)
    except ImportError:  # the console's look module is optional for this script
        pass
    tmp = Path(tempfile.mkdtemp(prefix="chargedesk-map-"))
    engine = StaticEngine()
    bridge = EngineBridge(engine)
    data = stations()
    view = MapView(bridge, data, page_dir=tmp / "map", site_plan_dir=tmp / "plans",
                   save_position=lambda *_: None)
    view.resize(1400, 900)
    view.show()
    settle(app, view, 0.5)
    engine.publish(evening(data))
    settle(app, view, 2.5)
    view.grab().save(str(out / "map-overview.png"))
    print(out / "map-overview.png")

    view.show_station(data[0].station_id)
    settle(app, view, 2.5)
    view.select_pile(data[0].piles[2].pile_id)
    view.search_edit.setText("P1")
    settle(app, view, 1.5)
    view.grab().save(str(out / "map-community.png"))
    print(out / "map-community.png")
    if view.guard.blocked:
        print("blocked requests:", view.guard.blocked)
    bridge.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
