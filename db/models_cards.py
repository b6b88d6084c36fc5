"""The card desk: IC cards and the operations made on them (M4).

``card`` is the card register and the sub-ledger of the money on cards: ``balance_fen`` and ``counter`` are
what the card held when the desk last saw it (the ledger account ``liability:cards`` is their sum).
``card_op`` is the desk's journal of card operations, written *before* the card is touched (``pending``)
and finished after the card was read back (``done``) or found unchanged (``rolled_back``), so a card
pulled away mid-write is settled on its next tap. ``op_no`` is also written onto the card (the seal).
``card_blacklist`` is the list of card numbers the piles must refuse, with a version that goes up in the
same transaction as every change of its content; ``pile_blacklist`` is what each pile holds of it (written
by the engine, which pushes the list to every pile whose version differs).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncedMixin
from db.types import UTCDateTime, utcnow

Code = String(24)
BigId = BigInteger().with_variant(Integer, "sqlite")


class Card(SyncedMixin, Base):
    __tablename__ = "card"
    __table_args__ = (
        CheckConstraint("balance_fen >= 0", name="balance_not_negative"),
        CheckConstraint("deposit_fen >= 0", name="deposit_not_negative"),
    )

    card_no: Mapped[int] = mapped_column(BigInteger, unique=True)  # printed on the card and written in it
    uid: Mapped[str] = mapped_column(String(16), index=True)  # the chip's UID, hex
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charging_user.id"), index=True)
    kind: Mapped[str] = mapped_column(Code)  # stored | monthly | free | staff
    state: Mapped[str] = mapped_column(Code, index=True)  # issuing | active | lost | returned | replaced
    deposit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    balance_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    monthly_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # returned, lost or replaced
    replaced_by: Mapped[int | None] = mapped_column(BigInteger)  # the new card's number
    note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))


class CardOp(Base):
    """One desk operation on a card: intent (pending) → done | rolled_back."""

    __tablename__ = "card_op"
    __table_args__ = (Index(None, "card_no", "created_at"),)

    op_no: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    card_no: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(Code)  # issue | topup | monthly | ungrey | return | replace | loss | sync
    state: Mapped[str] = mapped_column(Code, index=True)  # pending | done | rolled_back
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    method: Mapped[str | None] = mapped_column(Code)
    old_balance_fen: Mapped[int | None] = mapped_column(BigInteger)
    new_balance_fen: Mapped[int | None] = mapped_column(BigInteger)
    old_counter: Mapped[int | None] = mapped_column(Integer)
    new_counter: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON: deposit, user, lock, record, reason, …
    note: Mapped[str] = mapped_column(Text, default="")  # what the clerk was told when it finished
    receipt_no: Mapped[str | None] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CardBlacklist(Base):
    """The blacklist the piles must hold: one row (id 1), absent until the first card is blacklisted.

    ``cards`` is a JSON array of card numbers, most recently blacklisted first, so a pile with a smaller
    table gets the newest ones. Local to this site's database, derived from the card states (not synced)."""

    __tablename__ = "card_blacklist"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("list_version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    list_version: Mapped[int] = mapped_column(BigInteger)
    cards: Mapped[str] = mapped_column(Text, default="[]")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class PileBlacklist(Base):
    """Which blacklist version a pile holds, as it reported (every poll) or confirmed by read-back after a push.
    Written by the engine; ``error`` is the last failed push (cleared by the next confirmed one)."""

    __tablename__ = "pile_blacklist"

    pile_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("pile.id", ondelete="CASCADE"), primary_key=True)
    list_version: Mapped[int] = mapped_column(BigInteger, default=0)
    entries: Mapped[int | None] = mapped_column(Integer)  # confirmed by read-back (None: only the version seen)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the pile last reported this version
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last confirmed push
    error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
