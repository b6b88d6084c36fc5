"""Alembic environment of the ChargeDesk schema.

Two ways in: ``db.migrate`` passes an open connection in ``config.attributes["connection"]`` (the
application migrating itself; the caller owns the transaction), or the ``alembic`` command line, which
gets a URL from ``-x url=...``, ``CHARGEDESK_DB_URL`` or ``db.engine.default_url()``.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from db.engine import default_url, make_engine
from db.models import Base

config = context.config
target_metadata = Base.metadata

# SQLite can't ALTER most things: batch mode rebuilds the table (named constraints make that safe).
# compare_type makes autogenerate notice type changes, e.g. a widened String.
CONFIGURE_OPTS = {"target_metadata": target_metadata, "render_as_batch": True, "compare_type": True}


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or (
        config.get_main_option("sqlalchemy.url") or default_url()
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade head --sql``) instead of running it."""
    context.configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"}, **CONFIGURE_OPTS)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **CONFIGURE_OPTS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Command-line use: configure logging from the ini (never when embedded: it would reset the
    # application's loggers) and run through db.migrate so SQLite gets the same safe procedure.
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = make_engine(_url())
    try:
        from db.migrate import run_on_engine

        run_on_engine(engine, _run)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
