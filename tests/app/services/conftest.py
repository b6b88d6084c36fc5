"""Fixtures of the service tests: a migrated database with a base account and one account per role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.domain import passwords
from app.domain.permissions import Actor, Role
from app.domain.residents import UserDraft
from app.services import accounts, users, wallets
from app.services.ledger_queries import check_ledger
from db.engine import session_factory
from db.models import Base
from db.models_audit import AuditHead

PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def cheap_hashing() -> Iterator[None]:
    """argon2 at minimum cost: the tests log in dozens of accounts; production keeps the defaults."""
    passwords.configure(time_cost=1, memory_cost=8)
    yield
    passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)


@dataclass
class Desk:
    """A console set up as at first run, with one logged-in account per role."""

    db: sessionmaker[Session]
    base: Actor
    by_role: dict[Role, Actor] = field(default_factory=dict)

    @property
    def everyone(self) -> list[Actor]:
        return [self.base, *self.by_role.values()]

    def user(self, name: str = "张三", **kw: str) -> uuid.UUID:
        return users.register_user(self.by_role[Role.FACILITY_ADMIN], self.db, UserDraft(name=name, **kw)).user_id

    def fund(self, user_id: uuid.UUID, fen: int) -> None:
        wallets.top_up(self.by_role[Role.CARD_ADMIN], self.db, user_id=user_id, amount_fen=fen, method="cash",
                       idempotency_key=f"fund-{uuid.uuid4()}")  # fmt: skip

    def snapshot(self) -> dict[str, int]:
        """Row counts of every table and the audit head: equal before and after = nothing was written."""
        with self.db() as s:
            counts = {t.name: int(s.scalar(select(func.count()).select_from(t)) or 0)
                      for t in Base.metadata.sorted_tables}  # fmt: skip
            counts["audit_head.last_seq"] = int(s.scalar(select(AuditHead.last_seq)) or 0)
            return counts

    def assert_books_ok(self) -> None:
        with self.db() as s:
            check = check_ledger(s)
        assert check.ok, check


def make_desk(engine: Engine) -> Desk:
    db = session_factory(engine)
    accounts.create_base_account(db, login="boss", display_name="物业老板", password=PASSWORD)
    base = accounts.login(db, "boss", PASSWORD)
    desk = Desk(db, base)
    for role in Role:
        login = role.value.replace("_admin", "")
        accounts.create_account(base, db, login=login, display_name=role.value, password=PASSWORD, roles=[role])
        desk.by_role[role] = accounts.login(db, login, PASSWORD)
    return desk


@pytest.fixture
def desk(db_engine: Engine) -> Desk:
    return make_desk(db_engine)
