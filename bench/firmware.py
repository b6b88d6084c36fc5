"""Firmware transfer: time to send an image to a pile over a simulated 9600-baud RS-485 bus vs the wire limit.

One pile on a pseudo-terminal bus that honours the baud rate; the real engine polls it (idle, every
5 s) and the upgrade service sends the image block by block through the engine, as in the console.
Measured: the transfer phase (BEGIN → last block stored → VERIFY read back) and the whole upgrade
(with the reboot and confirmation). Wire limits for that image size, 11-bit characters:
  * payload: the image's bytes alone on the wire (no protocol at all);
  * framed: every FC16 block request (255 bytes for a full 240-byte block) and its 8-byte reply,
    with a 3.5-character gap after each frame — what Modbus RTU needs at the least.
Ratios printed are limit ÷ achieved (1.0 = the line never idle).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from app.domain import passwords
from app.domain.permissions import Role
from app.engine.runtime import Engine
from app.services import accounts
from app.services.firmware import FirmwareUpgrade, Progress, UpgradeSettings
from app.services.provisioning import BusPlan, PilePlan, StationPlan, provision
from comm.pile.firmware import FirmwareImage
from comm.sim.pile_model import SimPile
from comm.sim.rtu_bus import char_time, frame_gap
from comm.sim.runtime import SimClock, SimRuntime, SimThread
from db.engine import make_engine, session_factory
from db.migrate import upgrade

BAUD = 9600
BLOCK = 240


def wire_limits(size: int, baud: int = BAUD) -> tuple[float, float]:
    """(payload-only seconds, framed Modbus RTU seconds) for an image of ``size`` bytes."""
    ct, gap = char_time(baud), frame_gap(baud)
    full, rest = divmod(size, BLOCK)
    request = 9 + 2 * 123  # addr, fc, start, count, byte count, 123 registers, CRC: every block writes all 123
    exchanges = full + (1 if rest else 0)
    framed = exchanges * ((request + 8) * ct + 2 * gap)
    return size * ct, framed


def measure(size: int) -> dict[str, float]:
    clock = SimClock()
    runtime = SimRuntime(clock)
    sim = SimThread(runtime)
    pile = SimPile(code="FW-P01", serial="SN1", unit_id=1, rng=random.Random(1), now=clock.now())
    pile.boot_s = 2.0
    device = sim.run(runtime.add_bus("bus", [pile], baudrate=BAUD, turnaround_s=0.002))
    sim.run(runtime.start_ticking())
    marks: dict[str, float] = {}

    def progress(p: Progress) -> None:
        marks.setdefault(p.phase, time.monotonic())

    with tempfile.TemporaryDirectory() as tmp:
        db = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(db)
        factory = session_factory(db)
        with factory() as s, s.begin():
            provision(s, operator_code="B", operator_name="bench", stations=[StationPlan(
                "B", "bench", 100_000, buses=(BusPlan("bus", device, baudrate=BAUD),),
                piles=(PilePlan(pile.code, pile.code, ("ebike",) * 10, bus="bus", unit_id=1),))])
        passwords.configure(time_cost=1, memory_cost=8)
        accounts.create_base_account(factory, login="boss", display_name="bench", password="bench-pass-1")
        base = accounts.login(factory, "boss", "bench-pass-1")
        accounts.create_account(base, factory, login="tech", display_name="tech", password="bench-pass-1",
                                roles=[Role.MAINTENANCE])
        tech = accounts.login(factory, "tech", "bench-pass-1")
        engine = Engine(db)
        engine.start()
        try:
            time.sleep(1.5)  # the pile is found
            pid = next(iter(engine._pile_line))
            img = FirmwareImage("ACX10A", (1, 3, 0), random.Random(size).randbytes(size))
            t0 = time.monotonic()
            [result] = FirmwareUpgrade(tech, factory, engine, img, [pid], on_progress=progress,
                                       settings=UpgradeSettings(poll_s=0.2)).run(3600)
            t1 = time.monotonic()
        finally:
            engine.stop()
            sim.close()
            db.dispose()
    if result.transfers != 1 or result.outcome.value != "upgraded":
        raise RuntimeError(f"upgrade did not go cleanly: {result}")
    return {"transfer": marks["verify"] - marks["transfer"], "total": t1 - t0}


def run(*, quick: bool = False) -> list[str]:
    lines = []
    for size in (8 * 1024,) if quick else (8 * 1024, 64 * 1024):
        m = measure(size)
        payload, framed = wire_limits(size)
        lines.append(f"image {size // 1024} KiB at {BAUD} baud: transfer {m['transfer']:.1f} s "
                     f"({size / m['transfer']:.0f} B/s), whole upgrade with reboot {m['total']:.1f} s")
        lines.append(f"  wire limit: payload only {payload:.1f} s, framed Modbus RTU {framed:.1f} s → "
                     f"ratio {payload / m['transfer']:.2f} (payload) / {framed / m['transfer']:.2f} (framed)")
    return lines
