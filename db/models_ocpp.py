"""OCPP 1.6J charge points (car AC piles, M1.2): registration, transactions, reservations, message log.

A charge point connects as ``ws://<console>:<port>/ocpp/<identity>``. Once approved it has a
``pile`` (protocol "ocpp16", one ``port`` per connector, vehicle class "car"), so its sessions, samples,
alarms and events are the same rows as an e-bike port's. Passwords (security profiles 1 and 2) are
never stored here in plain text: ``password_hash`` is a salted PBKDF2 hash, the key itself lives in
the OS keyring of the desk that set it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncedMixin
from db.models import Pile, Station
from db.types import UTCDateTime, utcnow

Code = String(24)
BigId = BigInteger().with_variant(Integer, "sqlite")


class ChargePoint(SyncedMixin, Base):
    """A charge point known to the central system; ``status`` is its registration: accepted, pending
    (connected but not approved by staff yet) or rejected."""

    __tablename__ = "charge_point"
    __table_args__ = (
        CheckConstraint("security_profile IN (0, 1, 2)", name="security_profile"),
        CheckConstraint("status IN ('accepted', 'pending', 'rejected')", name="status"),
    )

    identity: Mapped[str] = mapped_column(String(48), unique=True)
    pile_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pile.id"), unique=True)
    station_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("station.id"))
    status: Mapped[str] = mapped_column(Code, default="pending", server_default="pending")
    security_profile: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    connectors: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    max_current_a: Mapped[int] = mapped_column(Integer, default=32, server_default=text("32"))
    vendor: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(64))
    serial_no: Mapped[str | None] = mapped_column(String(64))
    firmware: Mapped[str | None] = mapped_column(String(64))
    local_list_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_boot_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pile: Mapped[Pile | None] = relationship()
    station: Mapped[Station | None] = relationship()


class OcppTransaction(Base):
    """A charging transaction; ``id`` is the OCPP transactionId handed to the charge point.

    UNIQUE (charge point, connector, started_at): a StartTransaction sent again after a reconnect (the
    charge point never saw our answer) finds its transaction instead of opening a second one.
    """

    __tablename__ = "ocpp_transaction"
    __table_args__ = (
        UniqueConstraint("charge_point_id", "connector_id", "started_at"),
        Index(None, "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    charge_point_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("charge_point.id"))
    connector_id: Mapped[int] = mapped_column(Integer)
    id_tag: Mapped[str] = mapped_column(String(20))
    auth_status: Mapped[str] = mapped_column(Code)  # the idTagInfo status we answered
    meter_start: Mapped[int] = mapped_column(BigInteger)  # Wh register of the charge point
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the charge point's timestamp
    meter_stop: Mapped[int | None] = mapped_column(BigInteger)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stop_reason: Mapped[str | None] = mapped_column(Code)
    reservation_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Code, default="active", server_default="active")  # active | ended
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    charge_point: Mapped[ChargePoint] = relationship()


class OcppReservation(Base):
    """A ReserveNow sent from the console; ``id`` is the OCPP reservationId."""

    __tablename__ = "ocpp_reservation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    charge_point_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("charge_point.id"))
    connector_id: Mapped[int] = mapped_column(Integer)
    id_tag: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(Code)  # the charge point's answer, then "cancelled" / "used"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OcppMessage(Base):
    """Every OCPP-J message to and from a charge point, as sent on the wire (the console's message log)."""

    __tablename__ = "ocpp_message"
    __table_args__ = (Index(None, "identity", "ts"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    identity: Mapped[str] = mapped_column(String(48))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    direction: Mapped[str] = mapped_column(String(3))  # "in" (from the charge point) | "out"
    message_type: Mapped[int] = mapped_column(Integer)  # 2 CALL, 3 CALLRESULT, 4 CALLERROR
    action: Mapped[str | None] = mapped_column(String(48))
    unique_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
