"""Units of work for the services: one transaction per use case, role check first.

``write(db, actor, permission)`` checks the permission in memory (no I/O: a refused call touches
nothing), opens the transaction, and re-reads the actor's account inside it, so a desk that stayed
logged in after its account was disabled or lost the role is refused too. On SQLite the transaction
starts with BEGIN IMMEDIATE: a deferred transaction that reads and then writes fails at once with
"database is locked" when another desk wrote in between, instead of waiting for busy_timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from app.domain.errors import PermissionDenied
from app.domain.permissions import Actor, Permission, Role, require
from db.models_people import StaffAccount, StaffRole

Db = sessionmaker[Session]


@contextmanager
def transaction(db: Db) -> Iterator[Session]:
    """A write transaction with no actor (first run, login bookkeeping). Commits on success."""
    session = db()
    try:
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def write(db: Db, actor: Actor, permission: Permission | None) -> Iterator[Session]:
    """A write transaction on behalf of ``actor``; ``permission`` None = any active account (self-service)."""
    if permission is not None:
        require(actor, permission)
    with transaction(db) as session:
        confirm_actor(session, actor, permission)
        yield session


@contextmanager
def read(db: Db, actor: Actor, permission: Permission) -> Iterator[Session]:
    """A read-only unit of work (rolled back at the end: nothing it did can stick)."""
    require(actor, permission)
    session = db()
    try:
        confirm_actor(session, actor, permission)
        yield session
    finally:
        session.rollback()
        session.close()


_A: Table = StaffAccount.__table__  # type: ignore[assignment]
_R: Table = StaffRole.__table__  # type: ignore[assignment]
_ACTOR_NOW = (select(_A.c.active, _A.c.is_base, _R.c.role).outerjoin(_R, _R.c.account_id == _A.c.id)
              .where(_A.c.id == bindparam("aid")))  # fmt: skip


def confirm_actor(session: Session, actor: Actor, permission: Permission | None) -> None:
    """The account still exists, is active, and still holds the permission (per the database)."""
    rows = session.execute(_ACTOR_NOW, {"aid": actor.account_id}).all()
    if not rows or not rows[0].active:
        raise PermissionDenied("account_disabled", actor.login)
    if permission is None:
        return
    current = Actor(actor.account_id, actor.login, frozenset(Role(r.role) for r in rows if r.role is not None),
                    is_base=rows[0].is_base)  # fmt: skip
    require(current, permission)
