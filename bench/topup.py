"""Top-up: wallet top-ups per second through the service (ledger + audit) vs raw inserts of the same rows.

For each backend (a SQLite file; a throwaway PostgreSQL server, started like the tests do, when the
binaries are there) one run posts N cash top-ups with ``app.services.wallets.top_up`` — each one
transaction: role re-check, receipt number, journal row, two entries, two cached balances, audit
record on the locked chain head. The rows it wrote (journal_txn, journal_entry, audit_record) are then
inserted again into a fresh schema with the bare driver: once with one transaction per top-up (the
same number of commits — the like-for-like baseline) and once in a single transaction (the floor).
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from app.domain import passwords
from app.domain.permissions import Role
from app.domain.residents import UserDraft
from app.services import accounts, users, wallets
from db.engine import make_engine, session_factory
from db.migrate import upgrade

TABLES = ("journal_txn", "journal_entry", "audit_record")


def _ours(engine: Engine, n: int) -> float:
    db = session_factory(engine)
    passwords.configure(time_cost=1, memory_cost=8)  # set-up only: the timed loop never hashes
    accounts.create_base_account(db, login="boss", display_name="bench", password="bench password")
    boss = accounts.login(db, "boss", "bench password")
    accounts.create_account(boss, db, login="desk1", display_name="desk", password="bench password",
                            roles=[Role.CARD_ADMIN])  # fmt: skip
    desk = accounts.login(db, "desk1", "bench password")
    uid = users.register_user(boss, db, UserDraft(name="张三")).user_id
    start = time.perf_counter()
    for i in range(n):
        wallets.top_up(desk, db, user_id=uid, amount_fen=500, method="cash", idempotency_key=f"bench-{i}")
    return time.perf_counter() - start


def _rows(engine: Engine) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """The rows the top-ups wrote, as the driver returns them (ready to insert again as they are)."""
    out = {}
    with engine.connect() as conn:
        for table in TABLES:
            where = " WHERE action = 'wallet.topup'" if table == "audit_record" else ""
            result = conn.exec_driver_sql(f"SELECT * FROM {table}{where} ORDER BY 1")
            names = list(result.keys())
            cols = [c for c in names if c != "id" or table == "journal_txn"]  # let the raw inserts number rows
            idx = [names.index(c) for c in cols]
            out[table] = (cols, [tuple(r[i] for i in idx) for r in result])
    return out


def _raw(engine: Engine, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]], *, per_topup: bool) -> float:
    """Insert the same rows with the bare DB-API connection; FK checks off (the referenced rows aren't there)."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        sqlite = engine.dialect.name == "sqlite"
        mark = "?" if sqlite else "%s"
        cur.execute("PRAGMA foreign_keys=OFF" if sqlite else "SET session_replication_role = replica")
        raw.commit()
        sql = {t: f"INSERT INTO {t} ({', '.join(c)}) VALUES ({', '.join([mark] * len(c))})"
               for t, (c, _) in rows.items()}  # fmt: skip
        txns = rows["journal_txn"][1]
        entries: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        txn_col = rows["journal_entry"][0].index("txn_id")
        for e in rows["journal_entry"][1]:
            entries[e[txn_col]].append(e)
        audits = rows["audit_record"][1]
        start = time.perf_counter()
        if per_topup:
            for txn, audit in zip(txns, audits, strict=True):
                cur.execute(sql["journal_txn"], txn)
                cur.executemany(sql["journal_entry"], entries[txn[0]])
                cur.execute(sql["audit_record"], audit)
                raw.commit()
        else:
            for table in TABLES:
                cur.executemany(sql[table], rows[table][1])
            raw.commit()
        return time.perf_counter() - start
    finally:
        raw.close()


def _measure(name: str, fresh: Callable[[], Any], n: int) -> list[str]:
    with fresh() as url:
        engine = make_engine(url)
        upgrade(engine)
        ours = _ours(engine, n)
        rows = _rows(engine)
        engine.dispose()
    raws = []
    for per_topup in (True, False):
        with fresh() as url:
            engine = make_engine(url)
            upgrade(engine)
            raws.append(_raw(engine, rows, per_topup=per_topup))
            engine.dispose()
    per_commit, floor = raws
    return [
        f"{name}: service top_up (ledger + audit, 1 txn each): {n / ours:8,.0f} top-ups/s",
        f"{name}: raw inserts, same rows, 1 txn each          : {n / per_commit:8,.0f} top-ups/s"
        f"   → service/raw = {per_commit / ours:.2f}",
        f"{name}: raw executemany, same rows, 1 txn in all     : {n / floor:8,.0f} top-ups/s"
        f"   → service/raw = {floor / ours:.3f}",
    ]


@contextmanager
def _sqlite_file() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / f'{uuid.uuid4().hex}.db'}"


def run(*, quick: bool = False) -> list[str]:
    n = 300 if quick else 2000
    lines = [f"{n} cash top-ups of one wallet, one desk"]
    lines += _measure("SQLite    ", _sqlite_file, n)
    try:
        from tests.support.postgres import PostgresUnavailable, acquire_server
    except ImportError:  # an installed ChargeDesk without the tests
        return [*lines, "PostgreSQL: skipped (tests/support not importable)"]
    try:
        server = acquire_server()
    except PostgresUnavailable as exc:
        return [*lines, f"PostgreSQL: skipped ({exc})"]
    try:
        lines += _measure("PostgreSQL", server.fresh_database, n)
    finally:
        server.stop()
    return lines
