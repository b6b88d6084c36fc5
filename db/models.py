"""The tables of the station/pile/port slice.

Units are in the column names and are integers: money ``_fen``, energy ``_wh``, power ``_w``,
voltage ``_dv`` (0.1 V), current ``_ca`` (0.01 A). Only coordinates and site-plan positions are floats.
Vocabulary columns are short strings (see ``db.enums``), never database enums.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncedMixin
from db.types import UTCDateTime, utcnow

# Short vocabulary strings: wide enough for any enum value name, narrow enough to index cheaply.
Code = String(24)


class Operator(SyncedMixin, Base):
    """The company running the piles; owns stations."""

    __tablename__ = "operator"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))

    stations: Mapped[list[Station]] = relationship(back_populates="operator")


class Station(SyncedMixin, Base):
    """A residential community (小区) with its piles and its transformer limit."""

    __tablename__ = "station"

    operator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operator.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(255), default="", server_default=text("''"))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    site_plan: Mapped[str | None] = mapped_column(String(255))  # image file name
    site_plan_w: Mapped[int | None] = mapped_column(Integer)  # pixels
    site_plan_h: Mapped[int | None] = mapped_column(Integer)
    # Transformer capacity that charging may use; the ordered-charging controller keeps below it.
    charging_limit_w: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", server_default="Asia/Shanghai")

    operator: Mapped[Operator] = relationship(back_populates="stations")
    buses: Mapped[list[Bus]] = relationship(back_populates="station")
    piles: Mapped[list[Pile]] = relationship(back_populates="station", order_by="Pile.code")


class Bus(SyncedMixin, Base):
    """One RS-485 line, i.e. one serial port; several piles share it by unit id."""

    __tablename__ = "bus"
    __table_args__ = (
        UniqueConstraint("station_id", "name"),
        CheckConstraint("parity IN ('N', 'E', 'O')", name="parity"),
        CheckConstraint("stopbits IN (1, 2)", name="stopbits"),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("station.id"))
    name: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(255))  # /dev/ttyUSB0, COM3, or a pty path
    baudrate: Mapped[int] = mapped_column(Integer, default=9600, server_default=text("9600"))
    parity: Mapped[str] = mapped_column(String(1), default="N", server_default="N")
    stopbits: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    timeout_ms: Mapped[int] = mapped_column(Integer, default=300, server_default=text("300"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    station: Mapped[Station] = relationship(back_populates="buses")
    piles: Mapped[list[Pile]] = relationship(back_populates="bus")


class Pile(SyncedMixin, Base):
    """A charging pile: a multi-port e-bike pile (Modbus RTU/TCP) or a car wallbox (OCPP 1.6J)."""

    __tablename__ = "pile"
    __table_args__ = (
        # NULLs are distinct in both SQLite and PostgreSQL, so TCP/OCPP piles (no bus) never clash.
        UniqueConstraint("bus_id", "unit_id"),
        CheckConstraint("protocol <> 'modbus-rtu' OR (bus_id IS NOT NULL AND unit_id IS NOT NULL)", name="rtu_address"),
        CheckConstraint("protocol <> 'modbus-tcp' OR (host IS NOT NULL AND tcp_port IS NOT NULL)", name="tcp_address"),
        CheckConstraint("unit_id IS NULL OR unit_id BETWEEN 1 AND 247", name="unit_id_range"),
        CheckConstraint("tcp_port IS NULL OR tcp_port BETWEEN 1 AND 65535", name="tcp_port_range"),
    )

    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("station.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. "XC01-P03"
    name: Mapped[str] = mapped_column(String(128))
    model: Mapped[str] = mapped_column(String(32))  # register-map name, e.g. "ACX10A"
    protocol: Mapped[str] = mapped_column(Code)  # db.enums.Protocol
    bus_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("bus.id"))
    unit_id: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))
    tcp_port: Mapped[int | None] = mapped_column(Integer)
    # Read from the pile (identity block / BootNotification), so unknown until first contact.
    serial_no: Mapped[str | None] = mapped_column(String(64))
    firmware: Mapped[str | None] = mapped_column(String(64))
    boot_count: Mapped[int | None] = mapped_column(Integer)
    pos_x: Mapped[float | None] = mapped_column(Float)  # site-plan pixels
    pos_y: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    station: Mapped[Station] = relationship(back_populates="piles")
    bus: Mapped[Bus | None] = relationship(back_populates="piles")
    ports: Mapped[list[Port]] = relationship(
        back_populates="pile", order_by="Port.number", cascade="all, delete-orphan", passive_deletes=True
    )


class Port(SyncedMixin, Base):
    """One charging outlet of a pile."""

    __tablename__ = "port"
    __table_args__ = (
        UniqueConstraint("pile_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1..n as printed on the pile
    vehicle_class: Mapped[str] = mapped_column(Code)  # db.enums.VehicleClass
    qr_id: Mapped[str] = mapped_column(String(64), unique=True)  # the id printed in the port's QR code
    max_power_w: Mapped[int | None] = mapped_column(Integer)

    pile: Mapped[Pile] = relationship(back_populates="ports")
    sessions: Mapped[list[ChargeSession]] = relationship(back_populates="port")


class PortSample(Base):
    """Downsampled live values of a port: high volume, append-only, local only (not synced)."""

    __tablename__ = "port_sample"
    __table_args__ = (Index(None, "port_id", "ts"),)

    # SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    port_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("port.id", ondelete="CASCADE"))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16))
    voltage_dv: Mapped[int] = mapped_column(Integer)
    current_ca: Mapped[int] = mapped_column(Integer)
    power_w: Mapped[int] = mapped_column(Integer)
    energy_wh: Mapped[int] = mapped_column(Integer)


class ChargeSession(SyncedMixin, Base):
    """A charging session as seen live by the console (the pile's record is ``OfflineRecord``)."""

    __tablename__ = "charge_session"
    __table_args__ = (
        UniqueConstraint("port_id", "pile_session_id"),
        Index(None, "started_at"),
    )

    port_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("port.id"))
    pile_session_id: Mapped[int] = mapped_column(BigInteger)  # the pile's own session id
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(Code, default="active", server_default="active")  # SessionStatus
    payment: Mapped[str] = mapped_column(Code)
    energy_wh: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    max_power_w: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    minutes_bought: Mapped[int | None] = mapped_column(Integer)
    stop_reason: Mapped[str | None] = mapped_column(Code)

    port: Mapped[Port] = relationship(back_populates="sessions")


class OfflineRecord(SyncedMixin, Base):
    """A transaction record stored by the pile, kept exactly as received.

    UNIQUE (pile_id, seq) is what makes "stored exactly once" hold: re-reading a record after a crash
    (before the pile's read pointer was acknowledged) hits the constraint instead of duplicating money.
    """

    __tablename__ = "offline_record"
    __table_args__ = (
        UniqueConstraint("pile_id", "seq"),
        Index(None, "start_time"),
    )

    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"))
    seq: Mapped[int] = mapped_column(BigInteger)  # the pile's record number (write order)
    session_id: Mapped[int] = mapped_column(BigInteger)  # = ChargeSession.pile_session_id of that session
    port_number: Mapped[int] = mapped_column(Integer)
    start_time: Mapped[datetime] = mapped_column(UTCDateTime)
    end_time: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes_bought: Mapped[int] = mapped_column(Integer)
    minutes_used: Mapped[int] = mapped_column(Integer)
    energy_wh: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    refund_fen: Mapped[int] = mapped_column(Integer)
    payment: Mapped[str] = mapped_column(Code)
    card_no: Mapped[int | None] = mapped_column(BigInteger)
    stop_reason: Mapped[str] = mapped_column(Code)
    peak_power_w: Mapped[int] = mapped_column(Integer)
    tier: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pile: Mapped[Pile] = relationship()


class PileEvent(SyncedMixin, Base):
    """Event log per pile: online/offline, reboots, lost records, config writes, commands."""

    __tablename__ = "pile_event"
    __table_args__ = (Index(None, "pile_id", "ts"),)

    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"))
    port_number: Mapped[int | None] = mapped_column(Integer)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(Code, default="info", server_default="info")  # Severity
    detail: Mapped[str | None] = mapped_column(Text)  # free text or JSON

    pile: Mapped[Pile] = relationship()


class Alarm(SyncedMixin, Base):
    """A fault or warning; open while ``cleared_at`` is NULL.

    The engine keeps at most one open alarm per (pile_id, port_number, code); a partial unique index
    would enforce it but is not portable, so the rule lives in the engine and this table only indexes.
    """

    __tablename__ = "alarm"
    __table_args__ = (
        Index(None, "cleared_at"),
        Index(None, "pile_id", "code"),
    )

    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"))
    port_number: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(48))  # e.g. "port.short_circuit", "pile.smoke"
    severity: Mapped[str] = mapped_column(Code)  # Severity
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acked_by: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)

    pile: Mapped[Pile] = relationship()


class PileCommand(SyncedMixin, Base):
    """Every command sent to a pile, with its outcome (NULL while pending)."""

    __tablename__ = "pile_command"
    __table_args__ = (Index(None, "pile_id", "issued_at"),)

    pile_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pile.id"))
    port_number: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(48))
    args: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # JSON
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Code)  # CommandOutcome; NULL while pending
    detail: Mapped[str | None] = mapped_column(Text)

    pile: Mapped[Pile] = relationship()


# The tables of the people, ledger and audit slices live in their own modules; importing them here puts
# them on Base.metadata for everything that imports db.models (Alembic's env.py, create_all, tests).
from db import (  # noqa: E402, F401
    models_audit,
    models_billing,  # tariffs, settlements, meter days, daily close
    models_cards,  # IC cards and card desk operations
    models_ledger,
    models_maintenance,
    models_meters,  # meters, station load
    models_ocpp,  # OCPP charge points
    models_ordered,  # ordered charging: settings, overrides, queue
    models_people,
)
