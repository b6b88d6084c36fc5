"""Runs simulated piles on real transports with a ticking simulated clock.

`SimRuntime` owns the asyncio side: RS-485 buses on pseudo-terminals, Ethernet piles on TCP
sockets, the physics tick, and fault injection by pile code. `SimThread` hosts a runtime on its
own thread and loop, so the demo and the tests can run it beside the engine; every action from
another thread is marshalled onto the simulator loop (SimPile is not thread-safe).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from comm.pile.codec import PileCodec
from comm.pile.register_map import load_map
from comm.sim.pile_model import SimPile
from comm.sim.rtu_bus import RtuBusServer
from comm.sim.slave import PileRegisterServer
from comm.sim.tcp_server import TcpPileServer

T = TypeVar("T")


class SimClock:
    """Simulated Unix time: starts at the wall clock and runs `speed` times as fast."""

    def __init__(self, speed: float = 1.0, start: float | None = None) -> None:
        self.speed = speed
        self._t0 = time.time() if start is None else start
        self._m0 = time.monotonic()

    def now(self) -> float:
        return self._t0 + (time.monotonic() - self._m0) * self.speed

    def set_speed(self, speed: float) -> None:
        self._t0, self._m0, self.speed = self.now(), time.monotonic(), speed

    def skip(self, seconds: float) -> None:
        """Jump ahead (tests, training): the piles integrate the gap on their next advance."""
        self._t0 += seconds


class _FreshServer(PileRegisterServer):
    """Brings the pile's physics up to the moment of each request, so a read is never stale."""

    def handle(self, req: Any) -> Any:
        self.pile.advance(self.clock())  # type: ignore[attr-defined]
        return super().handle(req)


@dataclass
class SimBusHandle:
    name: str
    server: RtuBusServer
    piles: dict[int, SimPile]


@dataclass
class SimTcpHandle:
    code: str
    server: TcpPileServer
    pile: SimPile


class SimRuntime:
    def __init__(self, clock: SimClock | None = None, *, tick_s: float = 0.25,
                 on_tick: Callable[[float], None] | None = None) -> None:
        self.clock = clock or SimClock()
        self.tick_s = tick_s
        self.on_tick = on_tick  # e.g. Community.advance: arrivals, departures
        self.buses: dict[str, SimBusHandle] = {}
        self.tcp: dict[str, SimTcpHandle] = {}
        self.piles: dict[str, SimPile] = {}
        self._codecs: dict[str, PileCodec] = {}
        self._tick_task: asyncio.Task[None] | None = None

    def _codec(self, model: str) -> PileCodec:
        if model not in self._codecs:
            self._codecs[model] = PileCodec(load_map(model))
        return self._codecs[model]

    def _server(self, pile: SimPile) -> PileRegisterServer:
        return _FreshServer(pile, self._codec(pile.model), self.clock.now)

    async def add_bus(self, name: str, piles: list[SimPile], *, baudrate: int = 9600, link: Path | None = None,
                      turnaround_s: float = 0.002) -> str:
        """Start one RS-485 bus; returns the device path the console opens."""
        by_unit = {p.unit_id: p for p in piles}
        server = RtuBusServer(
            {u: self._server(p) for u, p in by_unit.items()}, baudrate=baudrate, link=link,
            turnaround_s=turnaround_s, is_powered=lambda unit: by_unit[unit].powered,
        )
        device = await server.start()
        self.buses[name] = SimBusHandle(name, server, by_unit)
        self.piles |= {p.code: p for p in piles}
        return device

    async def add_tcp(self, pile: SimPile, *, host: str = "127.0.0.1", port: int = 0) -> int:
        """Start one Ethernet pile; returns its TCP port."""
        server = TcpPileServer(self._server(pile), host=host, port=port, is_powered=lambda: pile.powered)
        bound = await server.start()
        self.tcp[pile.code] = SimTcpHandle(pile.code, server, pile)
        self.piles[pile.code] = pile
        return bound

    async def start_ticking(self) -> None:
        self._tick_task = asyncio.create_task(self._tick_loop())

    async def stop(self) -> None:
        if self._tick_task is not None:
            self._tick_task.cancel()
        for b in self.buses.values():
            await b.server.stop()
        for t in self.tcp.values():
            await t.server.stop()

    async def _tick_loop(self) -> None:
        while True:
            self.tick()
            await asyncio.sleep(self.tick_s)

    def tick(self) -> None:
        now = self.clock.now()
        if self.on_tick is not None:
            self.on_tick(now)
        for pile in self.piles.values():
            pile.advance(now)

    # -- fault injection (simulator loop) ------------------------------------------------------
    def pile(self, code: str) -> SimPile:
        try:
            return self.piles[code]
        except KeyError:
            raise KeyError(f"no simulated pile {code!r}") from None

    def _bus_of(self, code: str) -> SimBusHandle | None:
        pile = self.pile(code)
        return next((b for b in self.buses.values() if b.piles.get(pile.unit_id) is pile), None)

    def set_silent(self, code: str, silent: bool = True) -> None:
        """The pile stops answering (a cut A/B wire, a dead controller) but keeps charging."""
        bus = self._bus_of(code)
        if bus is not None:
            (bus.server.faults.silent.add if silent else bus.server.faults.silent.discard)(self.pile(code).unit_id)
        else:
            self.tcp[code].server.silent = silent

    def set_slow(self, code: str, seconds: float) -> None:
        bus = self._bus_of(code)
        if bus is not None:
            bus.server.faults.slow_s[self.pile(code).unit_id] = seconds
        else:
            self.tcp[code].server.slow_s = seconds

    def set_noise(self, line: str, rate: float) -> None:
        """Corrupt this fraction of replies on a bus (by bus name) or a TCP pile (by code)."""
        if line in self.buses:
            self.buses[line].server.faults.noise_rate = rate
        else:
            self.tcp[line].server.noise_rate = rate

    def garble_write_replies(self, code: str, count: int = 1) -> None:
        """The pile's replies to its next ``count`` register writes are garbled (the writes still land)."""
        bus = self._bus_of(code)
        if bus is None:
            raise ValueError(f"{code} is not on an RS-485 bus")
        bus.server.faults.garbled_writes[self.pile(code).unit_id] += count

    def power_cut(self, code: str) -> None:
        pile = self.pile(code)
        pile.power_cut(self.clock.now())
        if code in self.tcp:
            self.tcp[code].server.drop_connections()

    def power_restore(self, code: str) -> None:
        self.pile(code).power_restore(self.clock.now())


class SimThread:
    """A SimRuntime on its own thread and event loop."""

    def __init__(self, runtime: SimRuntime) -> None:
        self.runtime = runtime
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="chargedesk-sim", daemon=True)
        self._thread.start()

    def run(self, coro: Any, timeout: float = 30.0) -> Any:
        """Run a coroutine on the simulator loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Callable[..., T], *args: Any, timeout: float = 10.0, **kw: Any) -> T:
        """Call fn on the simulator loop (where the piles live) and return its result."""
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()

        def job() -> None:
            try:
                fut.set_result(fn(*args, **kw))
            except BaseException as exc:
                fut.set_exception(exc)

        self.loop.call_soon_threadsafe(job)
        return fut.result(timeout)

    def close(self) -> None:
        if self.loop.is_running():
            try:
                self.run(self.runtime.stop(), timeout=10)
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self._thread.join(10)
        self.loop.close()
