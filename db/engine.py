"""Engine and session factories. Nothing here connects at import time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

ENV_DB_URL = "CHARGEDESK_DB_URL"
APP_NAME = "ChargeDesk"

# Applied to every new SQLite connection. WAL lets the GUI read while the engine writes;
# foreign keys are off by default in SQLite; busy_timeout makes a writer wait for the lock instead of
# failing at once; synchronous=NORMAL is safe under WAL (at worst the last commits are lost on power cut).
SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", "5000"),
    ("synchronous", "NORMAL"),
)


def default_url() -> str:
    """``$CHARGEDESK_DB_URL`` if set, else a SQLite file in the user's data directory (created)."""
    url = os.environ.get(ENV_DB_URL, "").strip()
    if url:
        return url
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'chargedesk.db').as_posix()}"


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def make_engine(url: str | URL, **kw: Any) -> Engine:
    """Create an engine for ``url``; keyword arguments go to ``create_engine``.

    SQLite connections get ``SQLITE_PRAGMAS``; PostgreSQL gets ``pool_pre_ping`` so a desk survives a
    server restart or a dropped LAN connection without a failed first query.
    """
    url = make_url(url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        kw.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kw)
    if backend == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``.

    ``expire_on_commit=False``: services copy rows into dataclasses, and after the unit of work ends the
    loaded values must stay readable without a new round trip (or a DetachedInstanceError).
    """
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
