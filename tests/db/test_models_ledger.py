"""The database's own guards of the ledger and the audit chain, on both backends (no services involved)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_factory, session_scope
from db.models_audit import GENESIS_HASH, AuditHead
from db.models_ledger import JournalEntry, JournalTxn, LedgerAccount
from db.models_people import ChargingUser, StaffAccount, StaffRole
from db.types import utcnow


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return session_factory(db_engine)


def _staff(s: Session) -> StaffAccount:
    a = StaffAccount(login=f"a{uuid.uuid4().hex[:6]}", display_name="x", password_hash="h")
    s.add(a)
    s.flush()
    return a


def _txn(actor_id: uuid.UUID, key: str) -> dict[str, object]:
    return {"id": uuid.uuid4(), "idempotency_key": key, "fingerprint": "f", "kind": "topup", "amount_fen": 1,
            "reference": "", "memo": "", "actor_id": actor_id, "posted_at": utcnow()}  # fmt: skip


def test_migration_seeds_the_empty_chain_head(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        head = s.get_one(AuditHead, 1)
        assert (head.last_seq, head.last_hash) == (0, GENESIS_HASH)
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.add(AuditHead(id=2, last_seq=0, last_hash=GENESIS_HASH))  # one head only


def test_idempotency_key_is_unique(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        actor = _staff(s).id
        s.execute(insert(JournalTxn), [_txn(actor, "k1")])
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.execute(insert(JournalTxn), [_txn(actor, "k1")])


def test_wallets_never_negative_and_entries_never_zero(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        user = ChargingUser(name="张三")
        s.add(user)
        s.flush()
        wallet = LedgerAccount(code=f"wallet:{user.id}", kind="wallet", name="w", normal_sign=-1, user_id=user.id,
                               balance_fen=0)  # fmt: skip
        cash = LedgerAccount(code="cash", kind="asset", name="c", normal_sign=1, balance_fen=0)
        s.add_all([wallet, cash])
    with session_scope(factory) as s:
        s.get_one(LedgerAccount, cash.id).balance_fen = -5  # system accounts may go either way
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.get_one(LedgerAccount, wallet.id).balance_fen = -1
    with session_scope(factory) as s:
        actor = _staff(s).id
        txn = _txn(actor, "k")
        s.execute(insert(JournalTxn), [txn])
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.execute(insert(JournalEntry), [{"txn_id": txn["id"], "account_id": cash.id, "amount_fen": 0,
                                          "balance_after_fen": 0, "posted_at": utcnow()}])  # fmt: skip


def test_one_wallet_per_user_and_roles_go_with_their_account(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        user = ChargingUser(name="李四")
        s.add(user)
        s.flush()
        s.add(LedgerAccount(code="w1", kind="wallet", name="w", normal_sign=-1, user_id=user.id, balance_fen=0))
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.add(LedgerAccount(code="w2", kind="wallet", name="w", normal_sign=-1, user_id=user.id, balance_fen=0))
    with session_scope(factory) as s:
        a = _staff(s)
        a.roles = [StaffRole(role="card_admin"), StaffRole(role="finance_admin")]
    with session_scope(factory) as s:
        s.delete(s.get_one(StaffAccount, a.id))
    with session_scope(factory) as s:
        assert s.scalars(select(StaffRole)).all() == []
