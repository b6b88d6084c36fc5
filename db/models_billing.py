"""Billing: tariffs (versions, assignments), settlements of charging sessions, orders for app/QR starts,
daily pile meter readings and the daily close (日结).

A settlement is the money side of one pile record: UNIQUE (pile_id, seq) — the same key that makes the
record itself stored once — makes settling a record twice impossible, whatever process tries. Its columns
copy what reports aggregate (station, port, payment way, times, energy, money), so a month of statistics
is one indexed scan of this table instead of a join over records, ports, piles and the ledger.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncedMixin
from db.types import UTCDateTime, utcnow

Code = String(24)


class Tariff(SyncedMixin, Base):
    """A named tariff (资费方案); what it charges lives in its versions."""

    __tablename__ = "tariff"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(String(255), default="", server_default=text("''"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class TariffVersion(Base):
    """One version of a tariff: a policy (app.domain.tariffs, as JSON) effective from an instant. Append-only."""

    __tablename__ = "tariff_version"
    __table_args__ = (UniqueConstraint("tariff_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tariff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tariff.id"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … per tariff
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(Code)  # PolicyKind, repeated for queries
    policy_json: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TariffAssignment(SyncedMixin, Base):
    """Where a tariff applies: operator-wide (all NULL), a station, a pile, a user group, or a group at a place."""

    __tablename__ = "tariff_assignment"

    tariff_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tariff.id"), index=True)
    station_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("station.id"))
    pile_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pile.id"))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_group.id"))


class ChargeOrder(SyncedMixin, Base):
    """A session started for a charging user (console or app/QR): who pays for the pile's REMOTE session."""

    __tablename__ = "charge_order"
    __table_args__ = (Index(None, "pile_id", "port_number", "pile_session_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("charging_user.id"), index=True)
    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"))
    port_number: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    pile_session_id: Mapped[int | None] = mapped_column(BigInteger)  # known once the pile confirmed the start
    status: Mapped[str] = mapped_column(Code)  # pending | started | failed
    detail: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    created_by: Mapped[str] = mapped_column(String(64))


class Settlement(SyncedMixin, Base):
    """The money of one finished session, settled once from the pile's record."""

    __tablename__ = "settlement"
    __table_args__ = (
        UniqueConstraint("pile_id", "seq"),
        Index(None, "station_id", "started_at"),
        Index(None, "started_at"),
        Index(None, "status"),
        Index(None, "user_id"),
    )

    record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offline_record.id"), unique=True)
    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("station.id"))
    port_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("port.id"))
    port_number: Mapped[int] = mapped_column(Integer)
    session_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charge_session.id"))  # the live view, if any
    pile_session_id: Mapped[int] = mapped_column(BigInteger)
    payment: Mapped[str] = mapped_column(Code)  # coin | card | qr | free | monthly | none
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("charging_user.id"))
    card_no: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes_bought: Mapped[int] = mapped_column(Integer)
    minutes_used: Mapped[int] = mapped_column(Integer)
    energy_wh: Mapped[int] = mapped_column(Integer)
    peak_power_w: Mapped[int] = mapped_column(Integer)
    tier: Mapped[int] = mapped_column(Integer)
    stop_reason: Mapped[str] = mapped_column(Code)
    amount_fen: Mapped[int] = mapped_column(Integer)  # what was paid in (coins, card, app)
    refund_fen: Mapped[int] = mapped_column(Integer)  # unused time given back (card, app)
    net_fen: Mapped[int] = mapped_column(Integer)  # revenue: amount − refund
    tariff_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tariff_version.id"))
    txn_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("journal_txn.id"))
    status: Mapped[str] = mapped_column(Code)  # settled | flagged | unpaid
    flags: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON list of disagreements
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(Text)


class MeterDay(Base):
    """A pile's own energy meter on one local day: first and last reading seen (for losses per day)."""

    __tablename__ = "meter_day"

    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    first_wh: Mapped[int] = mapped_column(BigInteger)
    last_wh: Mapped[int] = mapped_column(BigInteger)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DailyClose(SyncedMixin, Base):
    """The day's close (日结) as the finance clerk confirmed it: counted vs booked, and what disagreed."""

    __tablename__ = "daily_close"

    day: Mapped[date] = mapped_column(Date, unique=True)
    cash_counted_fen: Mapped[int] = mapped_column(BigInteger)
    cash_ledger_fen: Mapped[int] = mapped_column(BigInteger)
    coins_counted_fen: Mapped[int | None] = mapped_column(BigInteger)
    coins_settled_fen: Mapped[int] = mapped_column(BigInteger)
    metered_wh: Mapped[int] = mapped_column(BigInteger)
    sold_wh: Mapped[int] = mapped_column(BigInteger)
    discrepancies: Mapped[str] = mapped_column(Text)  # JSON list
    closed_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
