"""A small simulated site on real transports, its database, and an engine polling it.

One RS-485 bus (pseudo-terminal, 9600 baud) with three piles and two Ethernet piles on TCP.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import select

from app.engine.poller import PollTuning
from app.engine.runtime import Engine, EngineSettings
from app.services.provisioning import BusPlan, PilePlan, StationPlan, provision
from comm.sim.pile_model import SimPile
from comm.sim.runtime import SimClock, SimRuntime, SimThread
from comm.sim.vehicles import Vehicle, VehicleKind
from db.engine import session_factory
from db.models import Pile

FAST = EngineSettings(
    tuning=PollTuning(active_interval_s=0.3, idle_interval_s=0.6, offline_retry_s=2.0, backoff_max_s=8.0),
    sample_interval_s=1.0, flush_interval_s=0.2, health_interval_s=0.5, hub_interval_s=0.05,
)
BUS_PILES = ("T01-P01", "T01-P02", "T01-P03")
TCP_PILES = ("T01-P11", "T01-P12")


def ebike(rated_w: float = 300.0, need_wh: float = 800.0) -> Vehicle:
    return Vehicle(kind=VehicleKind.EBIKE, rated_w=rated_w, need_wh=need_wh, float_w=8.0, battery_v=48, pf=0.95)


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


@dataclass
class Site:
    db: SqlEngine
    sim: SimThread
    clock: SimClock
    device: str
    tcp_ports: dict[str, int]
    pile_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    engine: Engine | None = None

    @property
    def runtime(self) -> SimRuntime:
        return self.sim.runtime

    def pile(self, code: str) -> SimPile:
        return self.runtime.pile(code)

    def on_sim(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.sim.call(fn, *args)

    def start_engine(self, settings: EngineSettings = FAST) -> Engine:
        self.engine = Engine(self.db, settings=settings)
        self.engine.start()
        return self.engine

    def stop_engine(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            self.engine = None

    def now(self) -> float:
        return self.clock.now()


def build_site(db: SqlEngine, *, speed: float = 1.0) -> Site:
    clock = SimClock(speed)
    runtime = SimRuntime(clock, tick_s=0.1)
    sim = SimThread(runtime)
    rng = random.Random(7)

    def make(code: str, unit: int) -> SimPile:
        return SimPile(code=code, serial=f"SN-{code}", unit_id=unit, rng=random.Random(rng.random()), now=clock.now())

    device = sim.run(runtime.add_bus("bus-1", [make(c, i) for i, c in enumerate(BUS_PILES, start=1)]))
    tcp_ports = {c: sim.run(runtime.add_tcp(make(c, 1))) for c in TCP_PILES}
    sim.run(runtime.start_ticking())
    plan = StationPlan(
        code="T01", name="测试小区", charging_limit_w=60_000,
        buses=(BusPlan("bus-1", device, timeout_ms=300),),
        piles=tuple(PilePlan(c, c, ("ebike",) * 10, bus="bus-1", unit_id=i) for i, c in enumerate(BUS_PILES, 1))
        + tuple(PilePlan(c, c, ("ebike",) * 10, host="127.0.0.1", tcp_port=p) for c, p in tcp_ports.items()),
    )
    from db.migrate import upgrade

    upgrade(db)
    factory = session_factory(db)
    with factory() as s, s.begin():
        provision(s, operator_code="TEST", operator_name="测试运营商", stations=[plan])
    with factory() as s:
        ids = {p.code: p.id for p in s.scalars(select(Pile))}
    return Site(db, sim, clock, device, tcp_ports, ids)
