"""Reading work orders: the list with filters ("my orders", overdue), one order with its whole history,
a pile's maintenance history, the managers' summary, and the technicians an order can go to."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from app.domain.errors import NotFound
from app.domain.permissions import Actor, Permission, Role
from app.domain.work_orders import OPEN_STATES, WoState, is_overdue, minutes_to_repair
from app.services.unit import Db, read
from db.models import Pile, Station
from db.models_maintenance import RepairLog, WorkOrder, WorkOrderAttachment, WorkOrderStep
from db.models_people import StaffAccount, StaffRole
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class OrderInfo:
    order_id: uuid.UUID
    number: str
    title: str
    description: str
    source: str
    station_id: uuid.UUID
    station_code: str
    station_name: str
    pile_id: uuid.UUID | None
    pile_code: str | None
    port_number: int | None
    alarm_code: str | None
    severity: str
    state: WoState
    assignee_id: uuid.UUID | None
    assignee_login: str | None
    assignee_name: str | None
    created_by: str
    created_at: datetime
    due_at: datetime
    assigned_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    resolved_by: str | None
    verified_at: datetime | None
    closed_at: datetime | None
    resolution: str
    escalation_level: int
    occurrences: int
    last_occurrence_at: datetime | None
    reporter: str
    version: int

    def overdue(self, now: datetime) -> bool:
        return is_overdue(self.state, self.due_at, now)


@dataclass(frozen=True, slots=True)
class StepInfo:
    ts: datetime
    actor_login: str
    action: str
    from_state: str | None
    to_state: str | None
    note: str
    data: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class RepairInfo:
    repair_id: uuid.UUID
    ts: datetime
    actor_login: str
    cause: str
    parts: str
    minutes_spent: int
    result: str
    note: str


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    attachment_id: uuid.UUID
    order_id: uuid.UUID
    ts: datetime
    actor_login: str
    file_name: str
    sha256: str
    size_bytes: int
    content_type: str


@dataclass(frozen=True, slots=True)
class OrderDetail:
    order: OrderInfo
    steps: list[StepInfo]
    repairs: list[RepairInfo]
    attachments: list[AttachmentInfo]


@dataclass(frozen=True, slots=True)
class OrderFilter:
    states: tuple[WoState, ...] | None = None  # None = all
    station_id: uuid.UUID | None = None
    pile_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None  # "my orders"
    severity: str | None = None
    overdue_only: bool = False
    text: str = ""  # number or title contains
    since: datetime | None = None  # created at or after
    limit: int = 1000


_Assignee = aliased(StaffAccount)


def _base_query() -> Select[Any]:
    return (select(WorkOrder, Station.code, Station.name, Pile.code, _Assignee.login, _Assignee.display_name)
            .join(Station, Station.id == WorkOrder.station_id)
            .outerjoin(Pile, Pile.id == WorkOrder.pile_id)
            .outerjoin(_Assignee, _Assignee.id == WorkOrder.assignee_id))


def _info(row: Any) -> OrderInfo:
    o, st_code, st_name, pile_code, login, name = row
    return OrderInfo(o.id, o.number, o.title, o.description, o.source, o.station_id, st_code, st_name, o.pile_id,
                     pile_code, o.port_number, o.alarm_code, o.severity, WoState(o.state), o.assignee_id, login, name,
                     o.created_by, o.created_at, o.due_at, o.assigned_at, o.started_at, o.resolved_at, o.resolved_by,
                     o.verified_at, o.closed_at, o.resolution, o.escalation_level, o.occurrences,
                     o.last_occurrence_at, o.reporter, o.version)


def load_info(s: Session, order_id: uuid.UUID) -> OrderInfo:
    row = s.execute(_base_query().where(WorkOrder.id == order_id)).one_or_none()
    if row is None:
        raise NotFound("工单", "work order", order_id)
    return _info(row)


def list_orders(actor: Actor, db: Db, flt: OrderFilter = OrderFilter(), *, now: datetime | None = None
                ) -> list[OrderInfo]:
    """Matching orders: overdue first, then by due time (what needs doing soonest on top)."""
    now = now or utcnow()
    with read(db, actor, Permission.VIEW_WORK_ORDERS) as s:
        q = _base_query()
        if flt.states is not None:
            q = q.where(WorkOrder.state.in_([st.value for st in flt.states]))
        if flt.station_id is not None:
            q = q.where(WorkOrder.station_id == flt.station_id)
        if flt.pile_id is not None:
            q = q.where(WorkOrder.pile_id == flt.pile_id)
        if flt.assignee_id is not None:
            q = q.where(WorkOrder.assignee_id == flt.assignee_id)
        if flt.severity:
            q = q.where(WorkOrder.severity == flt.severity)
        if flt.overdue_only:
            q = q.where(WorkOrder.state.in_([st.value for st in OPEN_STATES]), WorkOrder.due_at < now)
        if flt.text.strip():
            like = f"%{flt.text.strip()}%"
            q = q.where(WorkOrder.number.ilike(like) | WorkOrder.title.ilike(like))
        if flt.since is not None:
            q = q.where(WorkOrder.created_at >= flt.since)
        rows = [_info(r) for r in s.execute(q.order_by(WorkOrder.created_at.desc()).limit(flt.limit))]
    open_first = {st: i for i, st in enumerate((WoState.IN_PROGRESS, WoState.ASSIGNED, WoState.NEW, WoState.RESOLVED,
                                                WoState.VERIFIED, WoState.CLOSED))}
    return sorted(rows, key=lambda o: (not o.overdue(now), open_first[o.state], o.due_at))


def get_order(actor: Actor, db: Db, order_id: uuid.UUID) -> OrderDetail:
    with read(db, actor, Permission.VIEW_WORK_ORDERS) as s:
        info = load_info(s, order_id)
        steps = [StepInfo(x.ts, x.actor_login, x.action, x.from_state, x.to_state, x.note,
                          json.loads(x.data) if x.data else None)
                 for x in s.scalars(select(WorkOrderStep).where(WorkOrderStep.order_id == order_id)
                                    .order_by(WorkOrderStep.ts, WorkOrderStep.created_at))]
        repairs = [RepairInfo(r.id, r.ts, r.actor_login, r.cause, r.parts, r.minutes_spent, r.result, r.note)
                   for r in s.scalars(select(RepairLog).where(RepairLog.order_id == order_id).order_by(RepairLog.ts))]
        files = [attachment_info(a) for a in s.scalars(select(WorkOrderAttachment).where(
            WorkOrderAttachment.order_id == order_id).order_by(WorkOrderAttachment.ts))]
        return OrderDetail(info, steps, repairs, files)


def attachment_info(a: WorkOrderAttachment) -> AttachmentInfo:
    return AttachmentInfo(a.id, a.order_id, a.ts, a.actor_login, a.file_name, a.sha256, a.size_bytes, a.content_type)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    order: OrderInfo
    repairs: list[RepairInfo]


def maintenance_history(actor: Actor, db: Db, pile_id: uuid.UUID, *, limit: int = 200) -> list[HistoryEntry]:
    """Every order of a pile, newest first, with its repair logs: what failed, what was done, by whom."""
    with read(db, actor, Permission.VIEW_WORK_ORDERS) as s:
        orders = [_info(r) for r in s.execute(_base_query().where(WorkOrder.pile_id == pile_id)
                                              .order_by(WorkOrder.created_at.desc()).limit(limit))]
        repairs: dict[uuid.UUID, list[RepairInfo]] = defaultdict(list)
        for r in s.scalars(select(RepairLog).where(RepairLog.order_id.in_([o.order_id for o in orders]))
                           .order_by(RepairLog.ts)):
            repairs[r.order_id].append(RepairInfo(r.id, r.ts, r.actor_login, r.cause, r.parts, r.minutes_spent,
                                                  r.result, r.note))
        return [HistoryEntry(o, repairs.get(o.order_id, [])) for o in orders]


@dataclass(frozen=True, slots=True)
class StationSummary:
    station_id: uuid.UUID
    code: str
    name: str
    open: int = 0
    overdue: int = 0
    raised: int = 0  # raised in the period
    resolved: int = 0  # resolved in the period
    mttr_min: float | None = None  # mean time to repair of those, minutes (raised → resolved)
    by_severity: dict[str, int] = field(default_factory=dict)  # open orders per severity


def summary(actor: Actor, db: Db, *, since: datetime, until: datetime, now: datetime | None = None
            ) -> list[StationSummary]:
    """Per station: open and overdue orders now; raised and resolved in [since, until) with their MTTR."""
    now = now or utcnow()
    with read(db, actor, Permission.VIEW_WORK_ORDERS) as s:
        stations = s.execute(select(Station.id, Station.code, Station.name).order_by(Station.code)).all()
        orders = s.scalars(select(WorkOrder).where(
            WorkOrder.state.in_([st.value for st in OPEN_STATES])
            | ((WorkOrder.created_at >= since) & (WorkOrder.created_at < until))
            | ((WorkOrder.resolved_at >= since) & (WorkOrder.resolved_at < until)))).all()
        acc: dict[uuid.UUID, dict[str, Any]] = {sid: {"open": 0, "overdue": 0, "raised": 0, "ttr": [],
                                                      "sev": defaultdict(int)} for sid, _c, _n in stations}
        for o in orders:
            a = acc[o.station_id]
            state = WoState(o.state)
            if state in OPEN_STATES:
                a["open"] += 1
                a["sev"][o.severity] += 1
                a["overdue"] += is_overdue(state, o.due_at, now)
            if since <= o.created_at < until:
                a["raised"] += 1
            if o.resolved_at is not None and since <= o.resolved_at < until:
                a["ttr"].append(minutes_to_repair(o.created_at, o.resolved_at))
        return [StationSummary(sid, code, name, a["open"], a["overdue"], a["raised"], len(a["ttr"]),
                               sum(a["ttr"]) / len(a["ttr"]) if a["ttr"] else None, dict(a["sev"]))
                for sid, code, name in stations for a in [acc[sid]]]


@dataclass(frozen=True, slots=True)
class Technician:
    account_id: uuid.UUID
    login: str
    display_name: str
    open_orders: int


def technicians(actor: Actor, db: Db) -> list[Technician]:
    """Active accounts with the maintenance role, with how many open orders each has (for dispatching)."""
    with read(db, actor, Permission.VIEW_WORK_ORDERS) as s:
        accs = s.execute(select(StaffAccount.id, StaffAccount.login, StaffAccount.display_name)
                         .join(StaffRole, StaffRole.account_id == StaffAccount.id)
                         .where(StaffRole.role == Role.MAINTENANCE.value, StaffAccount.active.is_(True))
                         .order_by(StaffAccount.login)).all()
        load: dict[uuid.UUID, int] = defaultdict(int)
        for aid in s.scalars(select(WorkOrder.assignee_id).where(
                WorkOrder.state.in_([st.value for st in OPEN_STATES]), WorkOrder.assignee_id.is_not(None))):
            load[aid] += 1
        return [Technician(a, login, name, load[a]) for a, login, name in accs]
