"""RS-485 utilisation: achieved polling on one simulated 9600-baud bus vs the wire limit.

Eight piles with every port charging share one pseudo-terminal bus that honours the baud rate.
The real engine polls them as fast as it may. The wire limit is computed from the bytes that
actually crossed (11-bit characters) plus one 3.5-character gap per frame; utilisation is that
wire time divided by the elapsed time. Target ≥ 0.85.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from app.engine.poller import PollTuning
from app.engine.runtime import Engine, EngineSettings
from app.services.provisioning import BusPlan, PilePlan, StationPlan, provision
from comm.sim.pile_model import SimPile
from comm.sim.rtu_bus import char_time, frame_gap
from comm.sim.runtime import SimClock, SimRuntime, SimThread
from comm.sim.vehicles import VehicleKind, random_vehicle
from db.engine import make_engine, session_factory
from db.migrate import upgrade

BAUD = 9600
PILES = 8


def run(*, quick: bool = False) -> list[str]:
    seconds = 8.0 if quick else 20.0
    clock = SimClock()
    runtime = SimRuntime(clock)
    sim = SimThread(runtime)
    rng = random.Random(1)
    piles = [SimPile(code=f"B-P{u:02d}", serial=f"SN{u}", unit_id=u, rng=random.Random(u), now=clock.now())
             for u in range(1, PILES + 1)]
    for p in piles:  # every port charging: the poller must read all ports of every pile, every visit
        for n in range(1, 11):
            p.plug(n, random_vehicle(VehicleKind.EBIKE, rng), clock.now())
            p.insert_coins(n, 4, clock.now())
    device = sim.run(runtime.add_bus("bus", piles, baudrate=BAUD, turnaround_s=0.002))
    sim.run(runtime.start_ticking())
    with tempfile.TemporaryDirectory() as tmp:
        db = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(db)
        with session_factory(db)() as s, s.begin():
            provision(s, operator_code="B", operator_name="bench", stations=[StationPlan(
                "B", "bench", 100_000, buses=(BusPlan("bus", device, baudrate=BAUD),),
                piles=tuple(PilePlan(p.code, p.code, ("ebike",) * 10, bus="bus", unit_id=p.unit_id) for p in piles))])
        engine = Engine(db, settings=EngineSettings(tuning=PollTuning(active_interval_s=0.0, idle_interval_s=0.0)))
        engine.start()
        stats = runtime.buses["bus"].server.stats
        time.sleep(2.0)  # identities read, ports seen
        b0, f0, r0, t0 = stats.wire_bytes, stats.frames, stats.requests, time.monotonic()
        time.sleep(seconds)
        b1, f1, r1, t1 = stats.wire_bytes, stats.frames, stats.requests, time.monotonic()
        engine.stop()
        sim.close()
        db.dispose()
    elapsed = t1 - t0
    wire = (b1 - b0) * char_time(BAUD) + (f1 - f0) * frame_gap(BAUD)
    requests = r1 - r0
    return [
        f"{PILES} piles × 10 charging ports on one bus at {BAUD} baud, {elapsed:.1f} s",
        f"requests answered: {requests} ({requests / elapsed:.2f}/s), "
        f"{(b1 - b0) / max(requests, 1):.0f} bytes per request + reply",
        f"full pile refreshes: {requests / 2 / elapsed:.2f}/s → "
        f"each pile every {2 * PILES * elapsed / max(requests, 1):.2f} s",
        f"wire-limited time {wire:.2f} s of {elapsed:.2f} s elapsed → utilisation {wire / elapsed:.3f} (target ≥ 0.85)",
    ]
