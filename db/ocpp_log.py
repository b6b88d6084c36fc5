"""Fast append of the OCPP message log (every message in and out: thousands per second on a busy site).

Like db.samples: values converted once the way the column types store them, one executemany through
the driver, so the writer thread spends its time in SQLite/PostgreSQL rather than holding the GIL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection

# (identity, ts, direction, message_type, action, unique_id, payload)
MessageRow = tuple[str, datetime, str, int, str | None, str, str]

_COLUMNS = "identity, ts, direction, message_type, action, unique_id, payload"


def insert_messages(conn: Connection, rows: Sequence[MessageRow]) -> None:
    if not rows:
        return
    for row in rows:
        if row[1].tzinfo is None:
            raise ValueError(f"naive message timestamp {row[1].isoformat()} refused")
    if conn.dialect.name == "sqlite":
        params = [(i, ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f"), d, t, a, u, p)
                  for i, ts, d, t, a, u, p in rows]
        conn.exec_driver_sql(f"INSERT INTO ocpp_message ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", params)
    else:
        conn.exec_driver_sql(f"INSERT INTO ocpp_message ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)", list(rows))
