"""Schema migrations, run by the application itself (``chargedesk db upgrade``, start-up checks).

The Alembic files live inside the package (``db/alembic.ini``, ``db/migrations/``), so an installed
ChargeDesk can migrate its own database without a checkout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from db.engine import make_engine

_PACKAGE_DIR = Path(__file__).resolve().parent

# pg_advisory_xact_lock key ("CHGDESK1"): two desks starting at once must not both run a migration.
_PG_MIGRATION_LOCK = 0x4348_4744_4553_4B31


class MigrationError(RuntimeError):
    """The database can't be brought to (or judged against) this program's schema."""


def alembic_config() -> Config:
    """The Alembic config of the packaged migrations, wherever the package is installed."""
    cfg = Config(str(_PACKAGE_DIR / "alembic.ini"))
    # ConfigParser interpolates '%': escape it in case the install path contains one.
    cfg.set_main_option("script_location", str(_PACKAGE_DIR / "migrations").replace("%", "%%"))
    return cfg


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision this program knows (raises if the chain has several heads)."""
    head = _script().get_current_head()
    if head is None:
        raise MigrationError("no migrations found in the package")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    """True if the database is behind this program's head.

    Raises MigrationError if the database is at a revision this program doesn't know: it was
    migrated by a newer ChargeDesk, and upgrading or writing to it could damage it.
    """
    current = current_revision(engine)
    if current is None:
        return True
    script = _script()
    if current not in {rev.revision for rev in script.walk_revisions()}:
        raise MigrationError(f"database is at revision {current!r}, unknown to this ChargeDesk (newer?)")
    return current != head_revision()


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction for running migrations; committed when the block ends.

    SQLite: follows SQLite's own procedure for schema changes. Batch migrations rebuild a table
    (copy, drop, rename); with foreign keys ON the drop would cascade or fail, and the pragma is a
    no-op inside a transaction, so it is switched off first, the whole run is one BEGIN IMMEDIATE
    transaction (the pysqlite driver would otherwise run DDL outside any transaction, leaving a
    half-migrated file after a crash), foreign_key_check runs before COMMIT, and the pragma is
    restored because the connection goes back to the pool.
    PostgreSQL: DDL is transactional; an advisory lock serialises desks migrating at the same time.
    """
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
                yield conn
            return
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(f"migration left dangling foreign keys: {broken[:5]}")
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def run_on_engine(engine: Engine, fn: Callable[[Connection], None]) -> None:
    """Run ``fn`` (env.py's migration runner) on a migration connection of ``engine``."""
    with migration_connection(engine) as conn:
        fn(conn)


def _run_command(target: str | URL | Engine, fn: Callable[..., None], revision: str) -> None:
    """Run an Alembic command on one migration connection (env.py picks it up from the config)."""
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        with migration_connection(engine) as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            fn(cfg, revision)
    finally:
        if engine is not target:  # we built it, so we dispose of it
            engine.dispose()


def upgrade(target: str | URL | Engine, revision: str = "head") -> None:
    """Bring the database at ``target`` (a URL or an Engine) up to ``revision``; a no-op if there."""
    _run_command(target, command.upgrade, revision)


def downgrade(target: str | URL | Engine, revision: str) -> None:
    """Take the database back to ``revision`` ("base" drops everything). For tests and recovery."""
    _run_command(target, command.downgrade, revision)
