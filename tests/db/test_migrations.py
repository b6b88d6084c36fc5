"""The packaged Alembic migrations: chain shape, upgrade on empty databases, no drift from the models."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Engine, Integer, MetaData, String, inspect, text
from sqlalchemy.pool import StaticPool

import db
from db.engine import make_engine
from db.migrate import (
    MigrationError,
    alembic_config,
    current_revision,
    downgrade,
    head_revision,
    migration_connection,
    needs_upgrade,
    upgrade,
)
from db.models import Base

REPO = Path(__file__).resolve().parents[2]
DB_DIR = Path(db.__file__).resolve().parent


def _schema_diff(engine: Engine, metadata: MetaData = Base.metadata) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(ctx, metadata))


def test_revision_chain_is_linear_with_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    revisions = list(script.walk_revisions())  # head first
    assert script.get_heads() == [head_revision()]
    assert len(script.get_bases()) == 1
    for newer, older in pairwise(revisions):
        assert newer.down_revision == older.revision, f"{newer.revision} does not follow {older.revision}"
    assert revisions[-1].down_revision is None
    # Every file in versions/ is a revision of the chain, named after its revision id.
    files = sorted(p.name for p in (DB_DIR / "migrations" / "versions").glob("*.py"))
    assert sorted(Path(r.path).name for r in revisions) == files
    for rev in revisions:
        assert re.fullmatch(r"\d{4}", rev.revision), rev.revision
        assert Path(rev.path).name.startswith(f"{rev.revision}_")


def test_migration_files_ship_with_the_package() -> None:
    """Everything Alembic needs at run time is covered by pyproject's package-data for ``db``."""
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["db"]
    needed = [DB_DIR / "alembic.ini", *(p for p in (DB_DIR / "migrations").rglob("*") if p.is_file())]
    needed = [p for p in needed if "__pycache__" not in p.parts]
    assert len(needed) >= 4
    for path in needed:
        rel = path.relative_to(DB_DIR).as_posix()
        assert any(fnmatch.fnmatch(rel, g) and rel.count("/") == g.count("/") for g in globs), rel
    assert Path(alembic_config().get_main_option("script_location") or "") == DB_DIR / "migrations"


def test_upgrade_from_empty_database(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        assert needs_upgrade(engine) is True
        upgrade(db_url)  # by URL: builds and disposes its own engine
        assert current_revision(engine) == head_revision()
        assert needs_upgrade(engine) is False
        tables = set(inspect(engine).get_table_names())
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        upgrade(engine)  # already at head: a no-op
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrated_schema_matches_models(db_engine: Engine) -> None:
    assert _schema_diff(db_engine) == []


def _flat(diff: list[object]) -> Iterator[tuple[Any, ...]]:
    for item in diff:
        if isinstance(item, list):  # column modifications come grouped per column
            yield from _flat(item)
        else:
            assert isinstance(item, tuple)
            yield item


def test_drift_check_can_fail(db_engine: Engine) -> None:
    """The comparison above is sensitive: a changed type, a missing index and a new column all show."""
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["operator"].c.code.type = String(40)
    alarm = drifted.tables["alarm"]
    alarm.indexes.discard(next(ix for ix in alarm.indexes if ix.name == "ix_alarm_cleared_at"))
    drifted.tables["pile"].append_column(Column("hw_rev", Integer))

    found = {
        (op[0], op[2], op[3]) if op[0] == "modify_type"
        else (op[0], op[2], op[3].name) if op[0] == "add_column"
        else (op[0], op[1].name)
        for op in _flat(_schema_diff(db_engine, drifted))
    }  # fmt: skip
    assert found == {
        ("modify_type", "operator", "code"),
        ("remove_index", "ix_alarm_cleared_at"),  # in the database, not in the (drifted) models
        ("add_column", "pile", "hw_rev"),
    }


def test_constraint_names_follow_the_convention(db_engine: Engine) -> None:
    """Both backends carry the names from the naming convention (batch migrations rely on them)."""
    insp = inspect(db_engine)
    for name, table in Base.metadata.tables.items():
        expected_uq = {c.name for c in table.constraints if c.__class__.__name__ == "UniqueConstraint"}
        expected_ck = {c.name for c in table.constraints if c.__class__.__name__ == "CheckConstraint"}
        expected_fk = {c.name for c in table.foreign_key_constraints}
        expected_ix = {ix.name for ix in table.indexes}
        assert {c["name"] for c in insp.get_unique_constraints(name)} == expected_uq, name
        assert {c["name"] for c in insp.get_check_constraints(name)} == expected_ck, name
        assert {c["name"] for c in insp.get_foreign_keys(name)} == expected_fk, name
        # PostgreSQL also lists the indexes behind unique constraints; those are checked above.
        indexes = {ix["name"] for ix in insp.get_indexes(name) if not ix.get("duplicates_constraint")}
        assert indexes == expected_ix, name
        assert insp.get_pk_constraint(name)["name"] == f"pk_{name}", name


def test_downgrade_to_base_and_up_again(db_engine: Engine) -> None:
    downgrade(db_engine, "base")
    assert current_revision(db_engine) is None
    assert set(inspect(db_engine).get_table_names()) == {"alembic_version"}
    upgrade(db_engine)
    assert current_revision(db_engine) == head_revision()
    assert _schema_diff(db_engine) == []


def test_database_from_a_newer_program_is_refused(db_engine: Engine) -> None:
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(MigrationError, match="9999"):
        needs_upgrade(db_engine)


def test_failed_migration_leaves_nothing_behind(db_engine: Engine) -> None:
    """Migrations run in one transaction on both backends (on SQLite too, despite pysqlite)."""
    with pytest.raises(RuntimeError, match="boom"), migration_connection(db_engine) as conn:
        conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
        conn.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
        raise RuntimeError("boom")
    assert "half_done" not in inspect(db_engine).get_table_names()
    assert current_revision(db_engine) == head_revision()


def test_sqlite_upgrade_leaves_foreign_keys_on(tmp_path: Path) -> None:
    """The migration switches foreign keys off on its connection; the pooled connection gets them back."""
    engine = make_engine(f"sqlite:///{tmp_path / 'one.db'}", poolclass=StaticPool)  # a single connection
    try:
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
