"""Ordered charging (有序充电) as services: the station's settings (facility administrators), manual
overrides per port (monitoring administrators), and the queue as it stands — role check first, one
transaction, an audit record for every change. The engine re-reads settings and overrides every
`OrderedTuning.reload_s`, so a change takes effect within that time.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.domain.permissions import Actor, Permission
from app.services import audit
from app.services.unit import Db, read, write
from comm.pile.messages import Payment
from db.models import Pile, Station
from db.models_ordered import OrderedOverride, OrderedQueueRow, OrderedSetting
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class OrderedSettings:
    station_id: uuid.UUID
    enabled: bool = False
    limit_w: int = 0  # station.charging_limit_w: what the transformer may carry in all
    margin_w: int = 0
    fallback_w: int = 0  # static charging budget while the transformer meter is silent
    household_w: int = 0  # stations without a transformer meter: the household load assumed
    period_s: int = 60
    high_payments: tuple[str, ...] = ()  # payment ways with priority, e.g. ("MONTHLY",)


@dataclass(frozen=True, slots=True)
class OverrideView:
    id: uuid.UUID
    pile_id: uuid.UUID
    port_number: int
    action: str  # "run" | "hold" | "priority"
    priority: int
    reason: str
    created_by: str
    created_at: datetime
    until: datetime | None


@dataclass(frozen=True, slots=True)
class QueuedView:
    pile_id: uuid.UUID
    port_number: int
    queued_at: datetime
    owed_min: int
    paid_min: int
    reason: str


_LIMITS = {"limit_w": (0, 100_000_000), "margin_w": (0, 10_000_000), "fallback_w": (0, 100_000_000),
           "household_w": (0, 100_000_000), "period_s": (5, 3600)}


def _station(s: Session, station_id: uuid.UUID) -> Station:
    st = s.get(Station, station_id)
    if st is None:
        raise NotFound("站点", "station", station_id)
    return st


def _view(st: Station, row: OrderedSetting | None) -> OrderedSettings:
    if row is None:
        return OrderedSettings(st.id, limit_w=st.charging_limit_w)
    return OrderedSettings(st.id, row.enabled, st.charging_limit_w, row.margin_w, row.fallback_w, row.household_w,
                           row.period_s, tuple(p for p in row.high_payments.split(",") if p))


def get_settings(actor: Actor, db: Db, station_id: uuid.UUID) -> OrderedSettings:
    with read(db, actor, Permission.MONITOR) as s:
        st = _station(s, station_id)
        return _view(st, s.scalar(select(OrderedSetting).where(OrderedSetting.station_id == station_id)))


def update_settings(actor: Actor, db: Db, station_id: uuid.UUID, *, enabled: bool | None = None,
                    limit_w: int | None = None, margin_w: int | None = None, fallback_w: int | None = None,
                    household_w: int | None = None, period_s: int | None = None,
                    high_payments: tuple[str, ...] | None = None) -> OrderedSettings:
    numbers = {k: v for k, v in (("limit_w", limit_w), ("margin_w", margin_w), ("fallback_w", fallback_w),
                                 ("household_w", household_w), ("period_s", period_s)) if v is not None}
    for name, value in numbers.items():
        low, high = _LIMITS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(f"{name} 须为 {low}–{high} 之间的整数",
                                  f"{name} must be a whole number from {low} to {high}", field=name)
    if high_payments is not None:
        unknown = [p for p in high_payments if p not in Payment.__members__]
        if unknown:
            raise ValidationError(f"未知的支付方式：{', '.join(unknown)}",
                                  f"unknown payment ways: {', '.join(unknown)}", field="high_payments")
    with write(db, actor, Permission.MANAGE_PILES) as s:
        st = _station(s, station_id)
        row = s.scalar(select(OrderedSetting).where(OrderedSetting.station_id == station_id))
        before = _view(st, row)
        if row is None:
            row = OrderedSetting(station_id=station_id)
            s.add(row)
        if enabled is not None:
            row.enabled = enabled
        if "limit_w" in numbers:
            st.charging_limit_w = numbers.pop("limit_w")
        for name, value in numbers.items():
            setattr(row, name, value)
        if high_payments is not None:
            row.high_payments = ",".join(sorted(set(high_payments)))
        row.updated_by = actor.login
        s.flush()
        after = _view(st, row)
        audit.append(s, actor, "ordered.settings", "station", station_id, before=_json(before), after=_json(after))
        return after


def set_override(actor: Actor, db: Db, pile_id: uuid.UUID, port_number: int, action: str, *, reason: str,
                 priority: int = 0, until: datetime | None = None) -> OverrideView:
    """Run a port first, hold it, or give it a priority; replaces the port's open override."""
    if action not in ("run", "hold", "priority"):
        raise ValidationError(f"未知的操作：{action}", f"unknown action: {action}", field="action")
    if not reason.strip():
        raise ValidationError("请填写原因", "a reason is required", field="reason")
    if not 0 <= priority <= 9:
        raise ValidationError("优先级须为 0–9", "priority must be 0–9", field="priority")
    with write(db, actor, Permission.CONTROL_PORTS) as s:
        pile = s.get(Pile, pile_id)
        if pile is None:
            raise NotFound("充电桩", "pile", pile_id)
        now = utcnow()
        for old in _open(s, pile_id, port_number):
            old.cleared_at, old.cleared_by = now, actor.login
        row = OrderedOverride(station_id=pile.station_id, pile_id=pile_id, port_number=port_number, action=action,
                              priority=priority, reason=reason.strip(), created_by=actor.login, until=until)
        s.add(row)
        s.flush()
        view = _override_view(row)
        audit.append(s, actor, "ordered.override", "pile", pile_id, after=_json(view))
        return view


def clear_override(actor: Actor, db: Db, pile_id: uuid.UUID, port_number: int) -> int:
    """Clear the port's open override; returns how many were cleared."""
    with write(db, actor, Permission.CONTROL_PORTS) as s:
        rows = _open(s, pile_id, port_number)
        now = utcnow()
        for row in rows:
            row.cleared_at, row.cleared_by = now, actor.login
        if rows:
            audit.append(s, actor, "ordered.override_cleared", "pile", pile_id,
                         before=[_json(_override_view(r)) for r in rows])
        return len(rows)


def overrides(actor: Actor, db: Db, station_id: uuid.UUID) -> list[OverrideView]:
    with read(db, actor, Permission.MONITOR) as s:
        rows = s.scalars(select(OrderedOverride).where(OrderedOverride.station_id == station_id,
                                                       OrderedOverride.cleared_at.is_(None))
                         .order_by(OrderedOverride.created_at))
        return [_override_view(r) for r in rows]


def queue(actor: Actor, db: Db, station_id: uuid.UUID) -> list[QueuedView]:
    with read(db, actor, Permission.MONITOR) as s:
        rows = s.scalars(select(OrderedQueueRow).where(OrderedQueueRow.station_id == station_id)
                         .order_by(OrderedQueueRow.queued_at))
        return [QueuedView(r.pile_id, r.port_number, r.queued_at, r.owed_min, r.paid_min, r.reason) for r in rows]


def _open(s: Session, pile_id: uuid.UUID, port_number: int) -> list[OrderedOverride]:
    return list(s.scalars(select(OrderedOverride).where(
        OrderedOverride.pile_id == pile_id, OrderedOverride.port_number == port_number,
        OrderedOverride.cleared_at.is_(None))))


def _override_view(r: OrderedOverride) -> OverrideView:
    return OverrideView(r.id, r.pile_id, r.port_number, r.action, r.priority, r.reason, r.created_by, r.created_at,
                        r.until)


def _json(v: object) -> dict[str, object]:
    return {k: (str(x) if isinstance(x, uuid.UUID | datetime) else list(x) if isinstance(x, tuple) else x)
            for k, x in asdict(v).items()}  # type: ignore[call-overload]
