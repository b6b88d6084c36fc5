"""`chargedesk demo`: a fresh demo database, the simulated community, the engine, a live summary.

Everything runs in this one process but talks over the real transports: the piles sit on
pseudo-terminal RS-485 buses and TCP sockets, and the engine polls them like real hardware.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from app.domain.permissions import Actor
from app.engine.devices import DeviceSettings
from app.engine.ocpp_server import OcppSettings
from app.engine.runtime import Engine, EngineSettings
from app.services.demo_seed import DemoResident, seed_demo
from app.services.history_seed import seed_demo_history
from app.services.om_workers import MaintenanceWorkers, start_workers
from app.services.settlement_worker import SettlementWorker
from app.services.stations import list_stations
from app.services.unit import Db
from app.sim_cli import provision_site
from app.summary import render_summary
from comm.sim.config import load_config
from comm.sim.runtime import SimThread
from comm.sim.site import SimulatedSite
from db.engine import session_factory

log = logging.getLogger("chargedesk.demo")


def demo_db_url(fresh: bool) -> str:
    data = Path(platformdirs.user_data_dir("ChargeDesk", appauthor=False))
    data.mkdir(parents=True, exist_ok=True)
    path = data / "demo.db"
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{path}{suffix}").unlink()
    return f"sqlite:///{path.as_posix()}"


@dataclass
class DemoRun:
    """A running demo: the simulated community on its own thread, the engine, the database."""

    site: SimulatedSite
    sim: SimThread
    engine: Engine
    db_url: str
    actor: Actor  # the demo signs in as the operator's base account
    worker: SettlementWorker | None = None  # settles the piles' records as they arrive
    om: MaintenanceWorkers | None = None  # faults → work orders, notifications (app/services/om_workers.py)

    def stop(self) -> None:
        try:
            if self.om is not None:
                self.om.stop()
            if self.worker is not None:
                self.worker.stop()
            self.engine.stop()
        finally:
            self.sim.close()


def start_demo(*, config: str | None = None, speed: float | None = None, db_url: str | None = None,
               keep: bool = False) -> DemoRun:
    cfg = load_config(config)
    url = db_url or demo_db_url(fresh=not keep)
    run_dir = Path(tempfile.mkdtemp(prefix="chargedesk-demo-"))
    site = SimulatedSite(cfg, run_dir=run_dir, speed=speed, car_piles=DEMO_CAR_PILES)
    sim = SimThread(site.runtime)
    try:
        endpoints = sim.run(site.start())
        provision_site(url, cfg, endpoints)
        ocpp_port = _free_port()
        engine = Engine(url, settings=EngineSettings(devices=DeviceSettings(ocpp=OcppSettings(
            host="127.0.0.1", port=ocpp_port, file_dir=str(run_dir / "ocpp-files")))))
        engine.start()
        actor = seed_demo(session_factory(engine.sql), demo_residents(site))
        seed_demo_orders(engine, actor)
        enable_demo_ordered(session_factory(engine.sql), actor)
        seed_demo_history(session_factory(engine.sql))  # a month of sessions for statistics and reports
        worker = SettlementWorker(session_factory(engine.sql)).attach(engine).start()
        om = start_workers(engine)
        sim.run(site.start_cars(f"ws://127.0.0.1:{ocpp_port}/ocpp/"))  # car piles connect to the engine
    except BaseException:
        sim.close()
        raise
    return DemoRun(site, sim, engine, url, actor, worker, om)


def seed_demo_orders(engine: Engine, actor: Actor) -> None:
    """A month of work orders (once per demo database): the Work orders tab and its summary have content."""
    from app.services.demo_maintenance import seed_work_orders
    from app.services.demo_seed import DEMO_PASSWORD

    db = session_factory(engine.sql)
    with db() as s:
        stations = list_stations(s)
    seed_work_orders(db, actor, stations, DEMO_PASSWORD)


def enable_demo_ordered(db: Db, actor: Actor) -> None:
    """Ordered charging on in every community of a new demo database (a kept one keeps its operator's choice):
    the evening peak of the simulated households meets the charging, and the Ordered charging tab has work."""
    from app.services import ordered

    with db() as s:
        stations = list_stations(s)
    for st in stations:
        now = ordered.get_settings(actor, db, st.station_id)
        if now.enabled or now.margin_w or now.fallback_w:
            continue  # configured before: not ours to change
        limit = now.limit_w or 0
        if limit <= 0:
            continue  # no transformer limit entered: nothing to keep within
        ordered.update_settings(actor, db, st.station_id, enabled=True, margin_w=max(limit // 25, 500),
                                fallback_w=limit // 2, period_s=60, high_payments=("MONTHLY",))


DEMO_CAR_PILES = 12  # two OCPP car piles per community


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_residents(site: SimulatedSite) -> list[DemoResident]:
    return [DemoResident(r.name, "", str(r.building), str(r.unit), r.room, r.vehicle.kind.value
                         if r.vehicle.kind.value in ("ebike", "trike") else "ebike",
                         str(r.card_no) if r.card_no else None, r.balance_fen)
            for people in site.community.residents.values() for r in people]


def run_demo(args: argparse.Namespace) -> int:
    """The text-mode demo: a live summary in the terminal."""
    logging.getLogger().setLevel(logging.WARNING)  # the summary is the output; warnings still show
    print("ChargeDesk demo: starting a simulated community …", flush=True)
    run = start_demo(config=args.config, speed=args.speed, db_url=args.db, keep=args.keep)
    try:
        with session_factory(run.engine.sql)() as s:
            stations = list_stations(s)
        print(f"database: {run.db_url}", flush=True)
        if args.once is not None:
            time.sleep(args.once)
            print(render_summary(stations, run.engine.snapshot(), datetime.now(UTC)))
            return 0
        interactive = sys.stdout.isatty()
        while True:
            text = render_summary(stations, run.engine.snapshot(), datetime.now(UTC))
            if interactive:
                sys.stdout.write("\x1b[H\x1b[2J" + text + "\n\nCtrl-C to stop.\n")
            else:
                sys.stdout.write(text + "\n\n")
            sys.stdout.flush()
            time.sleep(1.0 if interactive else 10.0)
    except KeyboardInterrupt:
        print("\nstopping …")
        return 0
    finally:
        run.stop()
