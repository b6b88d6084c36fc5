"""Shared fixtures. Database ones: ``db_url`` (a fresh empty database, on SQLite and on PostgreSQL)
and ``db_engine`` (an engine on it, migrated to head)."""

from __future__ import annotations

import os

# Qt must know before any Qt import: no display in CI, and QtWebEngine refuses root without this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.engine import make_engine
from db.migrate import upgrade
from tests.support.memory_keyring import MemoryKeyring
from tests.support.postgres import PostgresServer, PostgresUnavailable, acquire_server


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``one_database`` run on SQLite only (their PostgreSQL twin would test the same thing again)."""
    twins = [i for i in items if i.get_closest_marker("one_database") is not None
             and getattr(i, "callspec", None) is not None and i.callspec.params.get("db_url") == "postgresql"]
    if twins:
        config.hook.pytest_deselected(items=twins)
        items[:] = [i for i in items if i not in twins]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session, started on first use.

    If none can be had, every test needing it is skipped with the reason. The skip is raised from a
    session fixture, so pytest caches it and the start is attempted only once.
    """
    try:
        server = acquire_server()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    yield server
    server.stop()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="pg", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database: a file in tmp_path, or a new database on the session server."""
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'chargedesk.db').as_posix()}"
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    with server.fresh_database() as url:
        yield url


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """``make_engine(db_url)`` with the schema migrated to head."""
    engine = make_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets a fresh in-memory keyring: none touches the OS keyring or a keyring file."""
    import keyring

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
