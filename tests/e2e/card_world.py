"""A community whose piles read the desk's IC cards: a card book shared by the simulated piles and the desk,
an RS-485 bus (and, if asked, one Ethernet pile), the site provisioned, and a card desk on the same database.
Used by the card desk and the blacklist end-to-end tests."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from app.services.provisioning import BusPlan, PilePlan, StationPlan, provision
from comm.sim.mifare_cards import MifareCardBook
from comm.sim.pile_model import SimPile
from comm.sim.runtime import SimClock, SimRuntime, SimThread
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.models import Pile
from tests.app.services.card_bench import CTX, CardDesk
from tests.app.services.conftest import make_desk
from tests.e2e.site import Site

World = tuple[Site, CardDesk, MifareCardBook]


@contextmanager
def card_world(tmp_path: Path, bus: tuple[str, ...], tcp: str | None = None, *, seed: int = 3) -> Iterator[World]:
    from app.domain import passwords

    passwords.configure(time_cost=1, memory_cost=8)  # the desk's staff sign in many times: cheap hashes here
    db = make_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    upgrade(db)
    book = MifareCardBook(CTX.master, operator_code=CTX.operator_code, operator_name=CTX.operator_name)
    clock = SimClock(1.0)
    runtime = SimRuntime(clock, tick_s=0.1)
    sim = SimThread(runtime)
    rng = random.Random(seed)

    def make(code: str, unit: int) -> SimPile:
        return SimPile(code=code, serial=f"SN-{code}", unit_id=unit, rng=random.Random(rng.random()), now=clock.now(),
                       cards=book)  # type: ignore[arg-type]  # fmt: skip

    device = sim.run(runtime.add_bus("bus-1", [make(c, i) for i, c in enumerate(bus, start=1)]))
    tcp_ports = {tcp: sim.run(runtime.add_tcp(make(tcp, 1)))} if tcp else {}
    sim.run(runtime.start_ticking())
    piles = [PilePlan(c, c, ("ebike",) * 10, bus="bus-1", unit_id=i) for i, c in enumerate(bus, 1)]
    piles += [PilePlan(c, c, ("ebike",) * 10, host="127.0.0.1", tcp_port=p) for c, p in tcp_ports.items()]
    plan = StationPlan(code="T01", name="测试小区", charging_limit_w=60_000,
                       buses=(BusPlan("bus-1", device, timeout_ms=300),), piles=tuple(piles))
    with session_factory(db)() as s, s.begin():
        provision(s, operator_code=CTX.operator_code, operator_name=CTX.operator_name, stations=[plan])
    with session_factory(db)() as s:
        ids = {p.code: p.id for p in s.scalars(select(Pile))}
    site = Site(db, sim, clock, device, tcp_ports, ids)
    try:
        yield site, CardDesk(make_desk(db)), book
    finally:
        site.stop_engine()
        sim.close()
        db.dispose()
        passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)
