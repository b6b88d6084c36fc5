"""Ordered charging (有序充电, MISSION M9): settings per station, staff overrides, and the console-side queue.

``ordered_setting`` and ``ordered_override`` are edited from the desks (synced, audited by the services);
``ordered_queue`` is the engine's memory of e-bike ports it holds back: the pile only knows on/off, so a
queued port is stopped at the pile and the minutes the resident paid for are kept here until the
controller starts the port again for exactly those minutes (local only, like ``port_sample``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncedMixin
from db.types import UTCDateTime

Code = String(24)


class OrderedSetting(SyncedMixin, Base):
    """Ordered charging of one station; the limit itself is ``station.charging_limit_w``."""

    __tablename__ = "ordered_setting"
    __table_args__ = (
        CheckConstraint("margin_w >= 0 AND fallback_w >= 0 AND household_w >= 0", name="watts_positive"),
        CheckConstraint("period_s BETWEEN 5 AND 3600", name="period_range"),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("station.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    margin_w: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))  # kept free
    fallback_w: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))  # silent meter budget
    household_w: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))  # no meter: estimate
    period_s: Mapped[int] = mapped_column(Integer, default=60, server_default=text("60"))
    high_payments: Mapped[str] = mapped_column(String(64), default="", server_default=text("''"))  # "MONTHLY,…"
    updated_by: Mapped[str | None] = mapped_column(String(64))


class OrderedOverride(SyncedMixin, Base):
    """A staff decision about one port: run first, hold, or a priority; open while ``cleared_at`` is NULL."""

    __tablename__ = "ordered_override"
    __table_args__ = (
        Index(None, "station_id", "cleared_at"),
        CheckConstraint("action IN ('run', 'hold', 'priority')", name="action"),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("station.id"))
    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"))
    port_number: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(Code)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    reason: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    created_by: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by: Mapped[str | None] = mapped_column(String(64))


class OrderedQueueRow(Base):
    """An e-bike port the controller holds back, with what its resident paid for (local, not synced)."""

    __tablename__ = "ordered_queue"
    __table_args__ = (PrimaryKeyConstraint("pile_id", "port_number"), Index(None, "station_id"))

    pile_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("pile.id", ondelete="CASCADE"))
    port_number: Mapped[int] = mapped_column(Integer)
    station_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("station.id", ondelete="CASCADE"))
    pile_session_id: Mapped[int] = mapped_column(BigInteger)  # the session the resident started
    payment: Mapped[str] = mapped_column(Code)
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the resident plugged in and paid
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_min: Mapped[int] = mapped_column(Integer)  # charging minutes bought
    owed_min: Mapped[int] = mapped_column(Integer)  # of those, not yet charged
    energy_wh: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))  # delivered so far
    power_w: Mapped[int] = mapped_column(Integer)  # last measured (what it will draw)
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    reason: Mapped[str] = mapped_column(Code)
