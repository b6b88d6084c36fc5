"""Ingest: port samples per second through the engine's batch writer vs raw sqlite3 executemany.

Both write the same rows into the same schema (migrated by Alembic) in files on the same disk, in
one run; the ratio is what the ORM layer, UUID conversion and UTC handling cost. Target ≥ 0.5.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from app.engine.writer import BatchWriter
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.models import Operator, Pile, Port, Station

BATCH = 5_000  # one flush of the engine's writer: ~720 ports × a few seconds of samples


def _fixture(db_path: Path, ports: int) -> list[uuid.UUID]:
    eng = make_engine(f"sqlite:///{db_path}")
    upgrade(eng)
    ids = [uuid.uuid4() for _ in range(ports)]
    with session_factory(eng)() as s, s.begin():
        op = Operator(code="B", name="b")
        s.add(op)
        s.flush()
        st = Station(operator_id=op.id, code="B", name="b", charging_limit_w=1)
        s.add(st)
        s.flush()
        pile = Pile(station_id=st.id, code="B1", name="b", model="ACX10A", protocol="modbus-tcp", host="h", tcp_port=1)
        s.add(pile)
        s.flush()
        if ids:
            s.execute(insert(Port), [{"id": pid, "version": 1, "pile_id": pile.id, "number": i + 1,
                                      "vehicle_class": "ebike", "qr_id": str(pid)} for i, pid in enumerate(ids)])
    eng.dispose()
    return ids


def run(*, quick: bool = False) -> list[str]:
    total = 50_000 if quick else 200_000
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        ours, raw = Path(tmp) / "ours.db", Path(tmp) / "raw.db"
        ports = _fixture(ours, 720)
        _fixture(raw, 0)
        rows = [(ports[i % 720], t0 + timedelta(seconds=i // 720), "CHARGING", 2200 + i % 50, 140, 300, i % 900)
                for i in range(total)]
        # ours: the engine's BatchWriter, one transaction per batch, as in production
        eng = make_engine(f"sqlite:///{ours}")
        writer = BatchWriter(session_factory(eng))
        start = time.perf_counter()
        for i in range(0, total, BATCH):
            writer.write((rows[i : i + BATCH], [], [], {}))
        ours_s = time.perf_counter() - start
        eng.dispose()
        # raw: sqlite3 executemany of the same values, pre-converted to what SQLite stores
        con = sqlite3.connect(raw)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA foreign_keys=OFF")
        tuples = [(r[0].hex, r[1].strftime("%Y-%m-%d %H:%M:%S.%f"), *r[2:]) for r in rows]
        start = time.perf_counter()
        for i in range(0, total, BATCH):
            with con:
                con.executemany("INSERT INTO port_sample (port_id, ts, state, voltage_dv, current_ca, power_w, "
                                "energy_wh) VALUES (?, ?, ?, ?, ?, ?, ?)", tuples[i : i + BATCH])
        raw_s = time.perf_counter() - start
        con.close()
    return [
        f"{total} samples in batches of {BATCH}",
        f"engine batch writer (converts every value)  : {total / ours_s:,.0f} samples/s",
        f"raw sqlite3 executemany (pre-converted tuples):   {total / raw_s:,.0f} samples/s",
        f"ratio {raw_s / ours_s:.2f} (target ≥ 0.5)",
    ]
