"""GUI under load: 5 000 (and 500) ports updating at 1 Hz with the Monitor and Map tabs open.

A feeder thread publishes a PortUpdate for every port every second through the engine's real
EventHub (coalescing, ≤ 5 batches/s) into the real bridge and main window, offscreen. Printed:
event-loop lag p50/p99 (a 5 ms timer's lateness), updates delivered vs generated (the newest
value of every port must arrive: coalesced, never dropped), and the GUI thread's CPU share.
"""

from __future__ import annotations

import os
import resource
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


def _stations(n_ports: int):  # type: ignore[no-untyped-def]
    from app.services.stations import PileInfo, PortInfo, StationInfo

    piles_per_station = 50
    stations = []
    n_piles = n_ports // 10
    for s in range(max(1, n_piles // piles_per_station)):
        piles = []
        for p in range(piles_per_station):
            ports = tuple(PortInfo(uuid.uuid4(), k, "ebike", f"S{s}P{p}-{k}") for k in range(1, 11))
            piles.append(PileInfo(uuid.uuid4(), f"S{s:02d}-P{p:02d}", f"pile {p}", "ACX10A", "modbus-tcp", "-",
                                  None, None, True, 100.0 + p * 20, 300.0, ports))
        stations.append(StationInfo(uuid.uuid4(), f"S{s:02d}", f"压测小区{s:02d}", "", 34.0 + s * 0.002, 113.85,
                                    100_000, tuple(piles), None, 1200, 800))
    return stations


class FeedEngine:
    """Engine facade fed by a thread: every port once per second, through the real EventHub."""

    def __init__(self, stations) -> None:  # type: ignore[no-untyped-def]
        import asyncio

        from app.engine.hub import EventHub

        self.stations = stations
        self.hub = EventHub(0.2)
        self.loop = asyncio.new_event_loop()
        self.generated = 0
        self.last: dict[uuid.UUID, int] = {}
        self._stop = threading.Event()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start_hub(), self.loop).result()

    async def _start_hub(self) -> None:
        import asyncio

        self.task = asyncio.get_running_loop().create_task(self.hub.run())

    def subscribe(self, cb):  # type: ignore[no-untyped-def]
        return self.hub.subscribe(cb)

    def snapshot(self):  # type: ignore[no-untyped-def]
        return self.hub.snapshot()

    def submit(self, cmd):  # type: ignore[no-untyped-def]
        raise RuntimeError("not in this benchmark")

    def feed(self, seconds: float) -> None:
        from app.engine.events import PileUpdate, PortUpdate
        from comm.pile.messages import Payment, PortFault, PortLive, PortState, StopReason

        piles = [p for s in self.stations for p in s.piles]
        now = datetime.now(UTC)
        self.loop.call_soon_threadsafe(self.hub.publish, [PileUpdate(p.pile_id, True, None, now) for p in piles])
        tick = 0
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self._stop.is_set():
            t0 = time.monotonic()
            now = datetime.now(UTC)
            events = []
            for p in piles:
                for port in p.ports:
                    watts = 100 + (tick * 7 + port.number * 13) % 300
                    live = PortLive(PortState.CHARGING, 2200, watts * 100 // 220, watts, tick, tick // 60, 100,
                                    PortFault.NONE, StopReason.NONE, Payment.COIN, 1)
                    events.append(PortUpdate(p.pile_id, port.port_id, port.number, live, now))
                    self.last[port.port_id] = watts
            self.generated += len(events)
            # publish in slices like the pollers do (one pile at a time)
            for i in range(0, len(events), 10):
                self.loop.call_soon_threadsafe(self.hub.publish, events[i : i + 10])
            tick += 1
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))

    def close(self) -> None:
        import asyncio

        self._stop.set()

        async def stop_hub() -> None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop_hub(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)


def _measure(n_ports: int, seconds: float) -> list[str]:
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer

    from app.engine.events import PortUpdate
    from widgets.app import make_app
    from widgets.bridge import EngineBridge
    from widgets.main_window import Backend, MainWindow

    app = make_app()
    stations = _stations(n_ports)
    engine = FeedEngine(stations)
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"chargedesk-bench-gui-{os.getpid()}"
    backend = Backend("bench", stations, lambda: [], lambda *a: [], lambda *a: None,  # type: ignore[arg-type,return-value]
                      lambda *a: None, lambda *a: [], lambda *a: None, "bench", map_dir=tmp)  # type: ignore[arg-type,return-value]
    bridge = EngineBridge(engine)  # type: ignore[arg-type]
    delivered: dict[uuid.UUID, int] = {}
    bridge.batch.connect(lambda evs: delivered.update(
        {e.port_id: e.live.power_w for e in evs if isinstance(e, PortUpdate)}))
    w = MainWindow(bridge, backend, QSettings(str(tmp / "ui.ini"), QSettings.Format.IniFormat))
    w.resize(1600, 1000)
    w.show()
    w.tree.select(stations[0].station_id)
    w.tabs.setCurrentWidget(w.monitor)
    lags: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        lags.append(max(0.0, (now - last[0]) / 1e6 - 5.0))
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    feeder = threading.Thread(target=engine.feed, args=(seconds,), daemon=True)
    cpu0 = resource.getrusage(resource.RUSAGE_THREAD).ru_utime + resource.getrusage(resource.RUSAGE_THREAD).ru_stime
    t0 = time.monotonic()
    feeder.start()
    # switch to the map half-way: both tabs must stay responsive
    switched = False
    while feeder.is_alive():
        app.processEvents()
        if not switched and time.monotonic() - t0 > seconds / 2:
            w.tabs.setCurrentWidget(w.map)
            switched = True
        time.sleep(0.001)
    end = time.monotonic() + 1.5  # let the last batch arrive
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    wall = time.monotonic() - t0
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    timer.stop()
    engine.close()
    same = sum(1 for pid, watts in engine.last.items() if delivered.get(pid) == watts)
    lags.sort()
    p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]  # noqa: E731
    w.close()
    bridge.close()
    w.deleteLater()  # destroyed now, on the GUI thread, not by the garbage collector at exit
    bridge.deleteLater()
    app.processEvents()
    app.sendPostedEvents(None, 0)
    return [
        f"{n_ports} ports at 1 Hz for {seconds:.0f} s ({engine.generated} updates generated), Monitor then Map tab",
        f"event-loop lag p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {lags[-1]:.1f} ms (target p99 < 16 ms)",
        f"newest value delivered for {same}/{len(engine.last)} ports = {same / max(len(engine.last), 1):.3f} "
        f"(must be 1.000)",
        f"GUI thread CPU {cpu / wall:.1%} of one core",
    ]


def run(*, quick: bool = False) -> list[str]:
    seconds = 8.0 if quick else 20.0
    return _measure(500, seconds / 2) + _measure(5000, seconds)
