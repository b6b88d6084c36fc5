"""The double-entry ledger: accounts, journal transactions and their entries, receipt counters.

Entry amounts are integer fen, debit positive and credit negative, so every transaction's entries sum
to zero. ``ledger_account.balance_fen`` is a cache of the account's *natural* balance
(``normal_sign * sum(entries)``: a wallet holding ¥10 reads +1000) kept in the same transaction as the
entries; tests check it against the entries. Rows are append-only: nothing here is ever updated except
the cached balance and the receipt counter.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base
from db.types import UTCDateTime, utcnow

Code = String(24)
# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer, "sqlite")


class LedgerAccount(Base):
    """A ledger account: a user's wallet, or one of the operator's system accounts (cash drawer, …)."""

    __tablename__ = "ledger_account"
    __table_args__ = (
        CheckConstraint("normal_sign IN (1, -1)", name="normal_sign"),
        # The backstop of the no-overdraft rule (the service checks first, atomically, with a clear error).
        CheckConstraint("kind <> 'wallet' OR balance_fen >= 0", name="wallet_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # "wallet:<user uuid>", "cash", "clearing:wechat"
    kind: Mapped[str] = mapped_column(Code)  # wallet | asset | revenue | expense
    name: Mapped[str] = mapped_column(String(128))
    # +1 debit-normal (assets, expenses), -1 credit-normal (wallets are money owed to users, revenue).
    normal_sign: Mapped[int] = mapped_column(SmallInteger)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charging_user.id"), unique=True)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JournalTxn(Base):
    """One balanced posting: a top-up, charge, refund, adjustment or transfer.

    ``idempotency_key`` is UNIQUE: a retried request inserts the same key, hits the constraint and gets
    the first result back; under concurrency the database, not a pre-check, decides who posted.
    ``fingerprint`` hashes the request so reusing a key for a *different* request is refused.
    """

    __tablename__ = "journal_txn"
    __table_args__ = (Index(None, "posted_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(Code)  # topup | charge | refund | adjust | transfer
    method: Mapped[str | None] = mapped_column(Code)  # cash | wechat | alipay | bank (top-ups, refunds)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # the amount moved, as the user typed it (signed for adjust)
    reference: Mapped[str] = mapped_column(String(128), default="")
    memo: Mapped[str] = mapped_column(Text, default="")  # the reason of an adjustment or refund
    receipt_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_account.id"), index=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entries: Mapped[list[JournalEntry]] = relationship(back_populates="txn", order_by="JournalEntry.id")


class JournalEntry(Base):
    """One leg of a transaction; ``balance_after_fen`` is the account's natural balance right after it."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        CheckConstraint("amount_fen <> 0", name="amount_nonzero"),
        Index(None, "account_id", "posted_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    txn_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_txn.id"), index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ledger_account.id"))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    balance_after_fen: Mapped[int] = mapped_column(BigInteger)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)  # = the txn's, repeated for the statement index

    txn: Mapped[JournalTxn] = relationship(back_populates="entries")


class ReceiptCounter(Base):
    """The last receipt number issued by each staff account.

    Bumped inside the posting's transaction, so a rolled-back posting (including a replayed
    idempotency key) rolls its number back too: numbers per operator are gap-free.
    """

    __tablename__ = "receipt_counter"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_account.id"), primary_key=True)
    last_no: Mapped[int] = mapped_column(BigInteger, default=0)
