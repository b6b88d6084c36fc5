"""What the ordered-charging controller reads from and keeps in the database (on the engine's DB thread).

`load_config` reads every station's settings, overrides, ports (e-bike ports of the Modbus piles and the
connectors of the OCPP car piles), the cards whose user group has priority, and whether it has a transformer meter;
`QueueStore` writes the console-side queue of held e-bike ports (`ordered_queue`) so a restart of the
console still owes every resident the minutes they paid for.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from app.domain.ordered_charging import Kind, Override
from db.enums import Protocol, VehicleClass
from db.models import Pile, Port, Station
from db.models_meters import Meter
from db.models_ocpp import ChargePoint
from db.models_ordered import OrderedOverride, OrderedQueueRow, OrderedSetting
from db.models_people import ChargingUser, UserGroup

PortKey = tuple[uuid.UUID, int]  # (pile id, port number)


def request_key(key: PortKey) -> str:
    """The allocation's stable key of a port (its final tie-break)."""
    return f"{key[0]}:{key[1]:03d}"


_KIND: dict[str, Kind] = {VehicleClass.EBIKE: Kind.EBIKE, VehicleClass.TRIKE: Kind.TRIKE, VehicleClass.LSEV: Kind.TRIKE,
         VehicleClass.CAR: Kind.CAR}


@dataclass(frozen=True, slots=True)
class PortInfo:
    pile_id: uuid.UUID
    number: int
    port_id: uuid.UUID
    kind: Kind
    max_power_w: int | None
    max_current_a: int | None = None  # car piles: the charge point's configured maximum per phase


@dataclass(frozen=True, slots=True)
class OverrideInfo:
    action: Override | None  # None: a priority only
    priority: int
    until: datetime | None


@dataclass(frozen=True, slots=True)
class StationConfig:
    station_id: uuid.UUID
    enabled: bool
    limit_w: int
    margin_w: int
    fallback_w: int
    household_w: int
    period_s: int
    high_payments: frozenset[str]
    has_meter: bool
    ports: dict[PortKey, PortInfo] = field(default_factory=dict)
    overrides: dict[PortKey, OverrideInfo] = field(default_factory=dict)
    priority_tags: frozenset[str] = frozenset()  # car id tags (cards) of users in a group with priority


@dataclass
class Queued:
    """A port held back by the controller (mirrors an `ordered_queue` row)."""

    pile_id: uuid.UUID
    number: int
    station_id: uuid.UUID
    pile_session_id: int
    payment: str
    arrived_at: datetime
    queued_at: datetime
    paid_min: int
    owed_min: int
    energy_wh: int
    power_w: int
    priority: int
    reason: str


def load_config(session: Session, now: datetime) -> dict[uuid.UUID, StationConfig]:
    settings = {s.station_id: s for s in session.scalars(select(OrderedSetting))}
    metered = set(session.scalars(select(Meter.station_id).where(Meter.kind == "transformer",
                                                                 Meter.enabled.is_(True))))
    out: dict[uuid.UUID, StationConfig] = {}
    for st in session.scalars(select(Station)):
        s = settings.get(st.id)
        out[st.id] = StationConfig(
            st.id, bool(s and s.enabled), st.charging_limit_w, s.margin_w if s else 0, s.fallback_w if s else 0,
            s.household_w if s else 0, s.period_s if s else 60,
            frozenset(p for p in (s.high_payments if s else "").split(",") if p), st.id in metered)
    rows = session.execute(
        select(Pile.id, Pile.station_id, Port.number, Port.id, Port.vehicle_class, Port.max_power_w)
        .join(Port, Port.pile_id == Pile.id)
        .where(Pile.enabled.is_(True), Pile.protocol.in_([Protocol.MODBUS_RTU, Protocol.MODBUS_TCP]))
    )
    for pile_id, station_id, number, port_id, vclass, max_w in rows:
        if station_id in out:
            kind = _KIND.get(vclass, Kind.EBIKE)  # StrEnum keys: a plain string finds them
            out[station_id].ports[(pile_id, number)] = PortInfo(pile_id, number, port_id, kind, max_w)
    cars = session.execute(
        select(Pile.id, Pile.station_id, Port.number, Port.id, Port.max_power_w, ChargePoint.max_current_a)
        .join(Port, Port.pile_id == Pile.id).join(ChargePoint, ChargePoint.pile_id == Pile.id)
        .where(Pile.enabled.is_(True), Pile.protocol == Protocol.OCPP16)
    )
    for pile_id, station_id, number, port_id, max_w, max_a in cars:
        if station_id in out:
            out[station_id].ports[(pile_id, number)] = PortInfo(pile_id, number, port_id, Kind.CAR, max_w, max_a)
    # A user group whose code names a high-priority payment (monthly, free) gives its members' cards priority.
    groups = {p.lower() for c in out.values() for p in c.high_payments}
    if groups:
        tags = session.execute(select(ChargingUser.card_no, UserGroup.code)
                               .join(UserGroup, UserGroup.id == ChargingUser.group_id)
                               .where(UserGroup.code.in_(groups), ChargingUser.card_no.is_not(None),
                                      ChargingUser.active.is_(True))).all()
        for sid, c in out.items():
            wanted = {p.lower() for p in c.high_payments}
            out[sid] = replace(c, priority_tags=frozenset(str(t) for t, g in tags if g in wanted))
    for o in session.scalars(select(OrderedOverride).where(OrderedOverride.cleared_at.is_(None))
                             .order_by(OrderedOverride.created_at)):
        if o.station_id in out and (o.until is None or o.until > now):
            action = None if o.action == "priority" else Override(o.action)
            out[o.station_id].overrides[(o.pile_id, o.port_number)] = OverrideInfo(action, o.priority, o.until)
    return out


class QueueStore:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def load(self) -> list[Queued]:
        with self.factory() as s:
            return [Queued(r.pile_id, r.port_number, r.station_id, r.pile_session_id, r.payment,
                           _utc(r.arrived_at), _utc(r.queued_at), r.paid_min, r.owed_min, r.energy_wh,
                           r.power_w, r.priority, r.reason) for r in s.scalars(select(OrderedQueueRow))]

    def save(self, put: list[Queued], drop: list[PortKey]) -> None:
        with self.factory() as s, s.begin():
            for pile_id, number in drop + [(q.pile_id, q.number) for q in put]:
                s.execute(delete(OrderedQueueRow).where(OrderedQueueRow.pile_id == pile_id,
                                                        OrderedQueueRow.port_number == number))
            for q in put:
                s.add(OrderedQueueRow(pile_id=q.pile_id, port_number=q.number, station_id=q.station_id,
                                      pile_session_id=q.pile_session_id, payment=q.payment, arrived_at=q.arrived_at,
                                      queued_at=q.queued_at, paid_min=q.paid_min, owed_min=q.owed_min,
                                      energy_wh=q.energy_wh, power_w=q.power_w, priority=q.priority,
                                      reason=q.reason))


def _utc(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
