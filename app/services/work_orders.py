"""Work orders as services (M8.1): raise (by hand or by fault rule), move through the state machine,
repair logs, notes, escalation of overdue orders. Reading is in ``wo_queries``, photos in ``wo_files``.

Every call checks the role first, runs in one transaction, and writes a ``work_order_step`` row
(who, when, from, to, note) for what it changed; notifications are queued in the same transaction.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import ConcurrentEdit, Conflict, NotFound, ValidationError
from app.domain.fault_rules import Trigger, alarm_title
from app.domain.permissions import Actor, Permission, Role, allows, permissions_of, require
from app.domain.work_orders import (
    ACTIVE_STATES,
    NOTE_REQUIRED,
    OPEN_STATES,
    SEVERITIES,
    RepairResult,
    Who,
    WoAction,
    WoSource,
    WoState,
    check_may,
    due_at,
    escalation_level,
    next_state,
)
from app.engine.events import AlarmKey
from app.services import notifications as notify
from app.services.unit import Db, transaction, write
from app.services.wo_queries import OrderInfo, load_info
from db.models import Alarm, Pile, Station
from db.models_maintenance import RepairLog, WorkOrder, WorkOrderStep
from db.models_people import StaffAccount, StaffRole
from db.types import utcnow

LOCAL_TZ = ZoneInfo(os.environ.get("CHARGEDESK_TZ", "Asia/Shanghai"))
SYSTEM = "system"  # actor_login of what the console does by itself (orders raised by rule, escalation)
DISPATCH_INBOX = f"role:{Role.MONITORING_ADMIN.value}"  # the person on duty sees new fault orders


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """What a person raising an order fills in. From an alarm, ``alarm_id`` alone is enough."""

    title: str = ""
    severity: str = ""  # default: the alarm's, else major
    source: WoSource = WoSource.PILE
    station_id: uuid.UUID | None = None
    pile_id: uuid.UUID | None = None
    port_number: int | None = None
    alarm_id: uuid.UUID | None = None
    description: str = ""
    reporter: str = ""  # a complaint: who complained and how to reach them
    assignee_id: uuid.UUID | None = None  # assign at once (dispatchers only)


@dataclass(frozen=True, slots=True)
class RepairDraft:
    cause: str
    minutes_spent: int
    result: RepairResult
    parts: str = ""
    note: str = ""


def _step(s: Session, order: WorkOrder, actor_login: str, action: str, now: datetime, *,
          from_state: str | None = None, to_state: str | None = None, note: str = "",
          data: dict[str, object] | None = None) -> None:
    s.add(WorkOrderStep(order_id=order.id, ts=now, actor_login=actor_login, action=action, from_state=from_state,
                        to_state=to_state, note=note,
                        data=None if data is None else json.dumps(data, ensure_ascii=False, default=str)))


def _number(s: Session, now: datetime) -> str:
    prefix = f"WO{now.astimezone(LOCAL_TZ):%Y%m%d}-"  # the office's date, as printed on the sheet
    last = s.scalar(select(func.max(WorkOrder.number)).where(WorkOrder.number.startswith(prefix)))
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def _new_order(s: Session, *, title: str, severity: str, source: WoSource, station_id: uuid.UUID,
               pile_id: uuid.UUID | None, port: int | None, alarm_code: str | None, alarm_id: uuid.UUID | None,
               description: str, reporter: str, created_by: str, now: datetime) -> WorkOrder:
    order = WorkOrder(number=_number(s, now), title=title[:200], description=description, source=source.value,
                      station_id=station_id, pile_id=pile_id, port_number=port, alarm_code=alarm_code,
                      alarm_id=alarm_id, reporter=reporter, severity=severity, state=WoState.NEW.value,
                      created_by=created_by, created_at=now, due_at=due_at(now, severity), last_occurrence_at=now)
    s.add(order)
    s.flush()
    _step(s, order, created_by, "created", now, to_state=WoState.NEW.value,
          note=description, data={"source": source.value, "severity": severity})
    return order


def _retrying(fn):  # type: ignore[no-untyped-def]
    """Two desks numbering an order in the same instant clash on the unique number: try again."""
    for attempt in range(3):
        try:
            return fn()
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def raise_order(actor: Actor, db: Db, draft: OrderDraft, *, now: datetime | None = None) -> OrderInfo:
    """Raise an order by hand: from an alarm, a pile or a resident's complaint."""
    require(actor, Permission.RAISE_WORK_ORDERS)
    if draft.assignee_id is not None:
        require(actor, Permission.ASSIGN_WORK_ORDERS)
    if draft.severity and draft.severity not in SEVERITIES:
        raise ValidationError(f"未知的严重程度：{draft.severity}", f"unknown severity: {draft.severity}",
                              field="severity")

    def once() -> OrderInfo:
        when = now or utcnow()
        with write(db, actor, Permission.RAISE_WORK_ORDERS) as s:
            pile_id, port, station_id = draft.pile_id, draft.port_number, draft.station_id
            code, severity, source, title = None, draft.severity, draft.source, draft.title.strip()
            if draft.alarm_id is not None:
                alarm = s.get(Alarm, draft.alarm_id)
                if alarm is None:
                    raise NotFound("告警", "alarm", draft.alarm_id)
                pile_id, port, code, source = alarm.pile_id, alarm.port_number, alarm.code, WoSource.ALARM
                severity = severity or alarm.severity
                existing = _active_for(s, AlarmKey(alarm.pile_id, alarm.port_number, alarm.code))
                if existing is not None:
                    raise Conflict(f"该故障已有工单 {existing.number}",
                                   f"this fault already has order {existing.number}")
            pile = s.get(Pile, pile_id) if pile_id is not None else None
            if pile_id is not None and pile is None:
                raise NotFound("充电桩", "pile", pile_id)
            station_id = pile.station_id if pile is not None else station_id
            if station_id is None or s.get(Station, station_id) is None:
                raise ValidationError("请选择小区或充电桩", "choose a community or a pile", field="station")
            if not title:
                if code and pile is not None:
                    title = alarm_title(code, pile.code, port)
                elif pile is not None:
                    title = f"{pile.code}" + (f" #{port}" if port else "") + " 报修 / repair"
                else:
                    raise ValidationError("请填写标题", "a title is needed", field="title")
            order = _new_order(s, title=title, severity=severity or "major", source=source, station_id=station_id,
                               pile_id=pile_id, port=port, alarm_code=code, alarm_id=draft.alarm_id,
                               description=draft.description, reporter=draft.reporter, created_by=actor.login,
                               now=when)
            if draft.assignee_id is not None:
                _apply(s, actor, order, WoAction.ASSIGN, draft.assignee_id, "", when)
            s.flush()
            return load_info(s, order.id)

    return _retrying(once)  # type: ignore[no-any-return]


def _active_for(s: Session, key: AlarmKey) -> WorkOrder | None:
    port = WorkOrder.port_number.is_(None) if key.port_number is None else WorkOrder.port_number == key.port_number
    return s.scalars(select(WorkOrder).where(
        WorkOrder.pile_id == key.pile_id, port, WorkOrder.alarm_code == key.code,
        WorkOrder.state.in_([st.value for st in ACTIVE_STATES])).order_by(WorkOrder.created_at.desc()).limit(1)
    ).first()


def raise_from_fault(db: Db, trigger: Trigger[AlarmKey], *, now: datetime | None = None) -> tuple[OrderInfo, bool]:
    """A fault rule fired (app.domain.fault_rules): raise an order, or fold the trigger into the key's
    active order (one order per fault, however often it flaps). Returns (order, newly raised)."""
    key = trigger.key

    def once() -> tuple[OrderInfo, bool]:
        when = now or utcnow()
        with transaction(db) as s:
            order = _active_for(s, key)
            if order is not None:
                order.occurrences += 1
                order.last_occurrence_at = when
                note = ("故障反复出现" if trigger.reason == "flapping" else "故障再次出现") + \
                       (" — 已处理的工单请复查 / the fault is back after the order was resolved"
                        if order.state == WoState.RESOLVED.value else "")
                _step(s, order, SYSTEM, "occurrence", when, note=note,
                      data={"reason": trigger.reason, "raises": trigger.raises, "since": trigger.since.isoformat()})
                s.flush()
                return load_info(s, order.id), False
            pile = s.get(Pile, key.pile_id)
            if pile is None:
                raise NotFound("充电桩", "pile", key.pile_id)
            port_cond = Alarm.port_number.is_(None) if key.port_number is None else Alarm.port_number == key.port_number
            alarm_id = s.scalar(select(Alarm.id).where(Alarm.pile_id == key.pile_id, port_cond, Alarm.code == key.code)
                                .order_by(Alarm.raised_at.desc()).limit(1))
            why = (f"{trigger.raises} 次/times within the flap window" if trigger.reason == "flapping"
                   else f"since {trigger.since:%Y-%m-%d %H:%M:%S} UTC")
            title = alarm_title(key.code, pile.code, key.port_number)
            order = _new_order(s, title=title, severity=trigger.severity, source=WoSource.FAULT,
                               station_id=pile.station_id, pile_id=pile.id, port=key.port_number, alarm_code=key.code,
                               alarm_id=alarm_id, description=f"{trigger.detail} ({trigger.reason}: {why})".strip(),
                               reporter="", created_by=SYSTEM, now=when)
            station = s.get(Station, pile.station_id)
            notify.enqueue(s, notify.Channel.IN_APP, DISPATCH_INBOX, f"{order.number} {title}",
                           "新故障工单，请派单 / a new fault order is waiting to be assigned", order_id=order.id,
                           dedup_key=f"wo:{order.id}:new", now=when)
            if trigger.severity in ("critical", "major"):
                sms = notify.render_sms(notify.get_settings(s).sms_template, title=title, number=order.number,
                                        station=station.name if station else "", pile=pile.code,
                                        port=key.port_number or "",
                                        time=f"{when.astimezone(LOCAL_TZ):%m-%d %H:%M}",
                                        detail=trigger.detail if " " in trigger.detail else "")  # not a bare code
                notify.sms_to_duty(s, sms, f"{order.number} {title}", dedup_key=f"wo:{order.id}:sms",
                                   order_id=order.id, now=when)
            s.flush()
            return load_info(s, order.id), True

    return _retrying(once)  # type: ignore[no-any-return]


def _may_assign_to(s: Session, assignee_id: uuid.UUID) -> StaffAccount:
    acc = s.get(StaffAccount, assignee_id)
    if acc is None or not acc.active:
        raise ValidationError("只能派给在用的账号", "orders go to active accounts only", field="assignee")
    roles = frozenset(Role(r) for r in s.scalars(select(StaffRole.role).where(StaffRole.account_id == acc.id)))
    if not (acc.is_base or Permission.HANDLE_WORK_ORDERS in permissions_of(roles)):
        raise ValidationError(f"{acc.login} 不是运维人员", f"{acc.login} is not a maintenance technician",
                              field="assignee")
    return acc


def _apply(s: Session, actor: Actor, order: WorkOrder, action: WoAction, assignee_id: uuid.UUID | None,
           note: str, now: datetime) -> None:
    state = WoState(order.state)
    if action is WoAction.ASSIGN and assignee_id is None:
        raise ValidationError("请选择运维人员", "choose a technician", field="assignee")
    if action in NOTE_REQUIRED and not note.strip():
        raise ValidationError("请填写说明", "a note is needed for this step", field="note")
    who = Who(permissions_of(actor.roles), is_base=actor.is_base, is_assignee=order.assignee_id == actor.account_id,
              assigns_self=assignee_id == actor.account_id, resolved_it=order.resolved_by == actor.login)
    check_may(action, state, who)
    target = next_state(state, action, has_assignee=order.assignee_id is not None)
    data: dict[str, object] | None = None
    if action is WoAction.ASSIGN:
        acc = _may_assign_to(s, assignee_id)  # type: ignore[arg-type]
        data = {"assignee": acc.login, "previous": str(order.assignee_id) if order.assignee_id else None}
        order.assignee_id, order.assigned_at = acc.id, now
        notify.enqueue(s, notify.Channel.IN_APP, str(acc.id), f"{order.number} {order.title}",
                       f"派给您的工单 / assigned to you by {actor.login}" + (f": {note}" if note else ""),
                       order_id=order.id, now=now)
    elif action is WoAction.START:
        order.started_at = now
    elif action is WoAction.RESOLVE:
        if not s.scalar(select(func.count()).select_from(RepairLog).where(RepairLog.order_id == order.id)):
            raise ValidationError("请先填写维修记录", "log the repair (cause, parts, time, result) first",
                                  field="repair_log")
        order.resolved_at, order.resolved_by, order.resolution = now, actor.login, note.strip()
    elif action is WoAction.VERIFY:
        order.verified_at = now
    elif action in (WoAction.CLOSE, WoAction.CANCEL):
        order.closed_at = now
    elif action is WoAction.REOPEN:
        order.resolved_at = order.verified_at = order.closed_at = None
        order.resolved_by, order.escalation_level = None, 0
        order.due_at = due_at(now, order.severity)  # a fresh SLA from the reopening
        if order.assignee_id is not None:
            notify.enqueue(s, notify.Channel.IN_APP, str(order.assignee_id), f"{order.number} {order.title}",
                           f"工单被重新打开 / reopened by {actor.login}: {note}", order_id=order.id, now=now)
    order.state = target.value
    _step(s, order, actor.login, action.value, now, from_state=state.value, to_state=target.value, note=note,
          data=data)


def transition(actor: Actor, db: Db, order_id: uuid.UUID, action: WoAction, *, expected_version: int,
               assignee_id: uuid.UUID | None = None, note: str = "", now: datetime | None = None) -> OrderInfo:
    """Move an order one step. ``expected_version``: the version the caller saw (another desk's change
    in between raises ConcurrentEdit, nothing written)."""
    if action in (WoAction.START, WoAction.RESOLVE):
        needed = Permission.HANDLE_WORK_ORDERS
    elif action is WoAction.ASSIGN and assignee_id == actor.account_id and not allows(
            actor, Permission.ASSIGN_WORK_ORDERS):
        needed = Permission.HANDLE_WORK_ORDERS  # a technician taking a new order
    else:
        needed = Permission.ASSIGN_WORK_ORDERS
    require(actor, needed)
    with write(db, actor, needed) as s:
        order = _load(s, order_id, expected_version)
        _apply(s, actor, order, action, assignee_id, note, now or utcnow())
        s.flush()
        return load_info(s, order.id)


def _load(s: Session, order_id: uuid.UUID, expected_version: int | None = None) -> WorkOrder:
    order = s.get(WorkOrder, order_id)
    if order is None:
        raise NotFound("工单", "work order", order_id)
    if expected_version is not None and order.version != expected_version:
        raise ConcurrentEdit("工单", "work order")
    return order


def add_note(actor: Actor, db: Db, order_id: uuid.UUID, note: str, *, now: datetime | None = None) -> None:
    if not note.strip():
        raise ValidationError("备注不能为空", "the note is empty", field="note")
    with write(db, actor, Permission.RAISE_WORK_ORDERS) as s:
        order = _load(s, order_id)
        _step(s, order, actor.login, "note", now or utcnow(), note=note.strip())


def add_diagnosis(actor: Actor, db: Db, order_id: uuid.UUID, summary: str, data: dict[str, object], *,
                  now: datetime | None = None) -> None:
    """A remote diagnosis (fault registers, events, self-test) recorded in the order."""
    with write(db, actor, Permission.DIAGNOSE_PILES) as s:
        order = _load(s, order_id)
        _step(s, order, actor.login, "diagnosis", now or utcnow(), note=summary, data=data)


def add_repair_log(actor: Actor, db: Db, order_id: uuid.UUID, draft: RepairDraft, *,
                   now: datetime | None = None) -> uuid.UUID:
    """The technician's report: cause, parts replaced, minutes spent, result (while working on it)."""
    if not draft.cause.strip():
        raise ValidationError("请填写故障原因", "the cause is needed", field="cause")
    if draft.minutes_spent < 0 or draft.minutes_spent > 100_000:
        raise ValidationError("用时无效", "minutes spent out of range", field="minutes_spent")
    with write(db, actor, Permission.HANDLE_WORK_ORDERS) as s:
        order = _load(s, order_id)
        if order.assignee_id != actor.account_id and not actor.is_base:
            raise ValidationError("只能为指派给自己的工单填写维修记录", "only the assigned technician logs repairs",
                                  field="order")
        if order.state != WoState.IN_PROGRESS.value:
            raise ValidationError("请先开始处理工单", "start the order before logging repairs", field="state")
        when = now or utcnow()
        log = RepairLog(order_id=order.id, ts=when, actor_login=actor.login, cause=draft.cause.strip(),
                        parts=draft.parts.strip(), minutes_spent=draft.minutes_spent, result=draft.result.value,
                        note=draft.note.strip())
        s.add(log)
        _step(s, order, actor.login, "repair", when, note=draft.cause.strip(),
              data={"minutes": draft.minutes_spent, "result": draft.result.value, "parts": draft.parts.strip()})
        s.flush()
        return log.id


def escalate_overdue(db: Db, *, now: datetime | None = None) -> list[OrderInfo]:
    """Raise the escalation level of late orders (system sweep, every minute or so); notify on each new
    level: the person on duty in the console and by SMS, and the technician."""
    when = now or utcnow()
    out: list[OrderInfo] = []
    with transaction(db) as s:
        late = s.scalars(select(WorkOrder).where(WorkOrder.state.in_([st.value for st in OPEN_STATES]),
                                                 WorkOrder.due_at < when)).all()
        for order in late:
            level = escalation_level(WoState(order.state), order.due_at, when, order.severity)
            if level <= order.escalation_level:
                continue
            order.escalation_level, order.escalated_at = level, when
            _step(s, order, SYSTEM, "escalated", when, note=f"超时未处理，升级至 {level} 级 / overdue, escalated to "
                  f"level {level}", data={"level": level, "due_at": order.due_at.isoformat()})
            subject = f"{order.number} 超时 / overdue L{level}: {order.title}"
            notify.enqueue(s, notify.Channel.IN_APP, DISPATCH_INBOX, subject, "工单超时 / order overdue",
                           order_id=order.id, dedup_key=f"wo:{order.id}:esc{level}", now=when)
            if order.assignee_id is not None:
                notify.enqueue(s, notify.Channel.IN_APP, str(order.assignee_id), subject, "工单超时 / order overdue",
                               order_id=order.id, dedup_key=f"wo:{order.id}:esc{level}:tech", now=when)
            notify.sms_to_duty(s, f"【充电运营台】工单{subject}", subject, dedup_key=f"wo:{order.id}:esc{level}:sms",
                               order_id=order.id, now=when)
            s.flush()
            out.append(load_info(s, order.id))
    return out
