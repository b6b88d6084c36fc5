"""Rows the ledger and the user register need before the first posting: system accounts, wallets, groups.

Called inside other services' transactions (first run, user registration); not use cases themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.journal import NORMAL_SIGN, SYSTEM_ACCOUNTS, AccountKind, SystemAccount, wallet_code
from db.models_ledger import LedgerAccount
from db.models_people import UserGroup

DEFAULT_GROUPS: tuple[tuple[str, str], ...] = (
    ("resident", "普通住户 / resident"),
    ("staff", "员工 / staff"),
    ("free", "免费 / free"),
    ("monthly", "包月 / monthly"),
)


def ensure_ledger_accounts(session: Session, accounts: Iterable[SystemAccount]) -> None:
    """Make the system accounts that are missing, in the caller's transaction.

    Two desks (or two settlement workers) may both find an account missing and insert it at the same moment;
    each insert is in its own savepoint, so the loser's duplicate only means the row is there now and the
    caller's transaction goes on (PostgreSQL would otherwise abort the whole transaction)."""
    have = set(session.scalars(select(LedgerAccount.code).where(LedgerAccount.user_id.is_(None))))
    for acc in accounts:
        if acc.code in have:
            continue
        try:
            with session.begin_nested():
                session.add(LedgerAccount(code=acc.code, kind=acc.kind, name=acc.name,
                                          normal_sign=NORMAL_SIGN[acc.kind], balance_fen=0))  # fmt: skip
        except IntegrityError:
            pass


def ensure_system_accounts(session: Session) -> None:
    ensure_ledger_accounts(session, SYSTEM_ACCOUNTS)


def seed_default_groups(session: Session) -> list[str]:
    have = set(session.scalars(select(UserGroup.code)))
    added = [code for code, _ in DEFAULT_GROUPS if code not in have]
    for code, name in DEFAULT_GROUPS:
        if code in added:
            session.add(UserGroup(code=code, name=name))
    session.flush()
    return added


def create_wallets(session: Session, users: list[tuple[uuid.UUID, str]]) -> None:
    """One wallet per new user (id, name), in the caller's transaction; one executemany for imports."""
    if users:
        session.execute(insert(LedgerAccount), [
            {"id": uuid.uuid4(), "code": wallet_code(uid), "kind": AccountKind.WALLET.value, "name": name[:128],
             "normal_sign": NORMAL_SIGN[AccountKind.WALLET], "user_id": uid, "balance_fen": 0}
            for uid, name in users
        ])  # fmt: skip
