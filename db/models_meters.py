"""Meters and the station's live load: the transformer meter and pile meters on RS-485 (M1.3, M9.1).

A meter sits on a ``bus`` (one serial port; meters and piles do not share a port: the engine owns
each port with one task) at an ``address``: the Modbus unit id for Modbus meters, the 12-digit
address for DL/T 645-2007 meters. ``meter_reading`` and ``station_load`` are downsampled,
append-only and local (not synced), like ``port_sample``.
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
    String,
    UniqueConstraint,
    Uuid,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncedMixin
from db.models import Bus, Pile, Station
from db.types import UTCDateTime

Code = String(24)
BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite auto-increments only INTEGER PRIMARY KEY


class Meter(SyncedMixin, Base):
    """An energy meter: ``kind`` transformer (the community's supply) or pile (one pile's supply)."""

    __tablename__ = "meter"
    __table_args__ = (
        UniqueConstraint("bus_id", "address"),
        CheckConstraint("kind IN ('transformer', 'pile')", name="kind"),
        CheckConstraint("protocol IN ('modbus-rtu', 'dlt645')", name="protocol"),
        CheckConstraint("multiplier >= 1", name="multiplier_positive"),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("station.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. "XC01-M0"
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(Code)  # comm.meters.messages.MeterKind
    protocol: Mapped[str] = mapped_column(Code)  # comm.meters.messages.MeterProtocol
    model: Mapped[str] = mapped_column(String(32))  # register-map name (SDM630 …) or "DLT645"
    bus_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bus.id"))
    address: Mapped[str] = mapped_column(String(12))  # Modbus unit id, or the DL/T 645 address digits
    pile_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pile.id"))  # what a pile meter measures
    multiplier: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))  # CT × PT ratio
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_energy_wh: Mapped[int | None] = mapped_column(BigInteger)
    last_power_w: Mapped[int | None] = mapped_column(Integer)

    station: Mapped[Station] = relationship()
    bus: Mapped[Bus] = relationship()
    pile: Mapped[Pile | None] = relationship()


class MeterReadingRow(Base):
    """A downsampled meter reading (远程抄表 history)."""

    __tablename__ = "meter_reading"
    __table_args__ = (Index(None, "meter_id", "ts"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    meter_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("meter.id", ondelete="CASCADE"))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    energy_wh: Mapped[int] = mapped_column(BigInteger)
    power_w: Mapped[int] = mapped_column(Integer)
    voltage_dv: Mapped[int] = mapped_column(Integer)
    current_ca: Mapped[int] = mapped_column(Integer)


class StationLoadRow(Base):
    """The station's load, downsampled: limit, transformer reading, charging and other load (W).

    ``transformer_w``/``other_w`` are NULL while the transformer meter is silent (charging is still known).
    """

    __tablename__ = "station_load"
    __table_args__ = (Index(None, "station_id", "ts"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    station_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("station.id", ondelete="CASCADE"))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    limit_w: Mapped[int] = mapped_column(Integer)
    transformer_w: Mapped[int | None] = mapped_column(Integer)
    charging_w: Mapped[int] = mapped_column(Integer)
    other_w: Mapped[int | None] = mapped_column(Integer)
