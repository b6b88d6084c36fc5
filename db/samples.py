"""Fast append of port samples: the one write on the hot path.

Samples arrive by the thousand every flush. SQLAlchemy's per-row parameter processing costs more
than SQLite itself, so this converts each value once, the way the column types store it (UUID as
32 hex digits and UTC text on SQLite; native uuid and timestamptz on PostgreSQL), and hands the
driver one executemany. tests/db/test_samples.py proves the rows read back through the ORM equal.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

# (port_id, ts, state, voltage_dv, current_ca, power_w, energy_wh)
SampleRow = tuple[uuid.UUID, datetime, str, int, int, int, int]

_COLUMNS = "port_id, ts, state, voltage_dv, current_ca, power_w, energy_wh"


def insert_samples(conn: Connection, rows: Sequence[SampleRow]) -> None:
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        utc = UTC
        params = [
            (pid.hex, ts.astimezone(utc).strftime("%Y-%m-%d %H:%M:%S.%f"), st, v, c, p, e)
            for pid, ts, st, v, c, p, e in _checked(rows)
        ]
        conn.exec_driver_sql(f"INSERT INTO port_sample ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", params)
    else:
        conn.exec_driver_sql(
            f"INSERT INTO port_sample ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)", list(_checked(rows))
        )


def _checked(rows: Sequence[SampleRow]) -> Sequence[SampleRow]:
    # The same rule as UTCDateTime: a naive timestamp is refused, never stored as if it were UTC.
    for row in rows:
        if row[1].tzinfo is None:
            raise ValueError(f"naive sample timestamp {row[1].isoformat()} refused")
    return rows
