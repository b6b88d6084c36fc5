"""`chargedesk demo`: a fresh demo database, the simulated community, the engine, a live summary.

Everything runs in this one process but talks over the real transports: the piles sit on
pseudo-terminal RS-485 buses and TCP sockets, and the engine polls them like real hardware.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from app.engine.runtime import Engine
from app.services.stations import list_stations
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


def run_demo(args: argparse.Namespace) -> int:
    logging.getLogger().setLevel(logging.WARNING)  # the summary is the output; warnings still show
    config = load_config(args.config)
    db_url = args.db or demo_db_url(fresh=not args.keep)
    run_dir = Path(tempfile.mkdtemp(prefix="chargedesk-demo-"))
    print(f"ChargeDesk demo: starting a simulated community of {len(config.stations)} stations and "
          f"{len(config.piles)} piles …", flush=True)
    site = SimulatedSite(config, run_dir=run_dir, speed=args.speed)
    sim = SimThread(site.runtime)
    engine: Engine | None = None
    try:
        endpoints = sim.run(site.start())
        provision_site(db_url, config, endpoints)
        engine = Engine(db_url)
        engine.start()
        with session_factory(engine.sql)() as s:
            stations = list_stations(s)
        print(f"database: {db_url}", flush=True)
        if args.once is not None:
            time.sleep(args.once)
            print(render_summary(stations, engine.snapshot(), datetime.now(UTC)))
            return 0
        interactive = sys.stdout.isatty()
        while True:
            text = render_summary(stations, engine.snapshot(), datetime.now(UTC))
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
        if engine is not None:
            engine.stop()
        sim.close()
