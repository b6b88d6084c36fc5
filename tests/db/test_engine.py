"""Engine factory, SQLite pragmas, default database location, session scope."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from db.engine import default_url, make_engine, session_factory, session_scope
from db.enums import VehicleClass
from db.models import Operator, Port
from tests.db import builders


def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as first, engine.connect() as second:  # two pooled connections
            for conn in (first, second):
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert (tmp_path / "p.db-wal").exists()
    finally:
        engine.dispose()


def test_postgres_engine_pings_before_use() -> None:
    engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # never connects
    assert engine.pool._pre_ping is True
    assert make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_pre_ping=False).pool._pre_ping is False


def test_foreign_keys_are_enforced(db_engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(session_factory(db_engine)) as s:
        s.add(Port(pile_id=uuid.uuid4(), number=1, vehicle_class=VehicleClass.EBIKE, qr_id="Q-orphan"))
    with session_scope(session_factory(db_engine)) as s:
        assert s.scalar(select(func.count()).select_from(Port)) == 0


def test_session_scope_commits_or_rolls_back(db_engine: Engine) -> None:
    factory = session_factory(db_engine)
    with session_scope(factory) as s:
        kept = builders.operator(s, code="KEEP")
    with pytest.raises(RuntimeError), session_scope(factory) as s:
        builders.operator(s, code="DROP")
        s.flush()  # really sent to the database, then rolled back
        raise RuntimeError("abort the unit of work")
    with session_scope(factory) as s:
        assert s.scalars(select(Operator.code)).all() == ["KEEP"]
    assert kept.code == "KEEP"  # expire_on_commit=False: still readable after the scope closed


def test_default_url_honours_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHARGEDESK_DB_URL", "postgresql+psycopg://desk@db.example/chargedesk")
    assert default_url() == "postgresql+psycopg://desk@db.example/chargedesk"


def test_default_url_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHARGEDESK_DB_URL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))  # Windows, for completeness
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "appdata"))
    url = default_url()
    assert url.startswith("sqlite:///")
    path = Path(url.removeprefix("sqlite:///"))
    if sys.platform.startswith("linux"):
        assert path == tmp_path / "xdg" / "ChargeDesk" / "chargedesk.db"
    assert path.name == "chargedesk.db"
    assert path.is_relative_to(tmp_path)
    assert path.parent.is_dir()  # created, so SQLite can create the file
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
    assert path.exists()
