"""Declarative base, constraint naming convention and the synced-entity mixin."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from db.types import UTCDateTime, utcnow

# Every constraint and index gets a deterministic name, so batch migrations (SQLite table rebuilds)
# can find and drop them later, and SQLite and PostgreSQL end up with the same names.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncedMixin:
    """Columns of every row that is synced to the cloud or edited from several desks.

    A UUID key can be minted offline on any desk without collisions; ``version`` is SQLAlchemy's
    optimistic lock (every UPDATE says ``WHERE version = <loaded>``), so a stale edit raises
    ``StaleDataError`` instead of silently overwriting someone else's change.
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4, sort_order=-10)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, sort_order=10)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, sort_order=10)
    # The ORM sets and bumps it itself; the default only serves Core inserts (bulk writers).
    version: Mapped[int] = mapped_column(Integer, default=1, sort_order=10)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}
