"""Work orders (M8.1): the state machine, who may move an order, SLA due times and escalation.

Pure: no I/O, no clock (times come in as arguments). The services apply these rules inside one
transaction and record every step with who and when.

    new ──assign──► assigned ──start──► in_progress ──resolve──► resolved ──verify──► verified ──close──► closed
     │                ▲  │                  │                       │                    │
     │                └──┴──── assign ◄─────┘ (hand over)           └──── reopen ────────┴──► assigned (or new)
     └──cancel──► closed ◄──cancel── assigned                       closed ──reopen──► assigned (or new)

Verification is four-eyes: whoever resolved an order cannot verify it (the base account excepted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.errors import ChargeDeskError
from app.domain.permissions import Permission


class WoState(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    VERIFIED = "verified"
    CLOSED = "closed"


class WoAction(StrEnum):
    ASSIGN = "assign"  # also re-assign and hand over; a technician may take a new order for themself
    START = "start"
    RESOLVE = "resolve"
    VERIFY = "verify"
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"  # a duplicate or a false alarm: closed without repair


class WoSource(StrEnum):
    FAULT = "fault"  # raised by rule from a pile fault
    ALARM = "alarm"  # raised by hand from an alarm
    PILE = "pile"  # raised by hand from a pile
    COMPLAINT = "complaint"  # a resident's complaint


class RepairResult(StrEnum):
    FIXED = "fixed"
    WORKAROUND = "workaround"
    NOT_FIXED = "not_fixed"
    NO_FAULT_FOUND = "no_fault_found"


# Orders a technician still has to work on (the SLA clock runs, "my orders" lists them).
OPEN_STATES = frozenset({WoState.NEW, WoState.ASSIGNED, WoState.IN_PROGRESS})
# Orders that absorb a recurrence of their fault instead of a new order being raised.
ACTIVE_STATES = OPEN_STATES | {WoState.RESOLVED}

_TRANSITIONS: dict[tuple[WoState, WoAction], WoState] = {
    (WoState.NEW, WoAction.ASSIGN): WoState.ASSIGNED,
    (WoState.ASSIGNED, WoAction.ASSIGN): WoState.ASSIGNED,
    (WoState.IN_PROGRESS, WoAction.ASSIGN): WoState.ASSIGNED,
    (WoState.ASSIGNED, WoAction.START): WoState.IN_PROGRESS,
    (WoState.IN_PROGRESS, WoAction.RESOLVE): WoState.RESOLVED,
    (WoState.RESOLVED, WoAction.VERIFY): WoState.VERIFIED,
    (WoState.VERIFIED, WoAction.CLOSE): WoState.CLOSED,
    (WoState.RESOLVED, WoAction.REOPEN): WoState.ASSIGNED,
    (WoState.VERIFIED, WoAction.REOPEN): WoState.ASSIGNED,
    (WoState.CLOSED, WoAction.REOPEN): WoState.ASSIGNED,
    (WoState.NEW, WoAction.CANCEL): WoState.CLOSED,
    (WoState.ASSIGNED, WoAction.CANCEL): WoState.CLOSED,
}
NOTE_REQUIRED = frozenset({WoAction.RESOLVE, WoAction.REOPEN, WoAction.CANCEL})

STATE_NAMES: dict[WoState, tuple[str, str]] = {
    WoState.NEW: ("新建", "new"), WoState.ASSIGNED: ("已派单", "assigned"),
    WoState.IN_PROGRESS: ("处理中", "in progress"), WoState.RESOLVED: ("已处理", "resolved"),
    WoState.VERIFIED: ("已验收", "verified"), WoState.CLOSED: ("已关闭", "closed"),
}  # fmt: skip
ACTION_NAMES: dict[WoAction, tuple[str, str]] = {
    WoAction.ASSIGN: ("派单", "assign"), WoAction.START: ("开始处理", "start"),
    WoAction.RESOLVE: ("处理完成", "resolve"), WoAction.VERIFY: ("验收", "verify"), WoAction.CLOSE: ("关闭", "close"),
    WoAction.REOPEN: ("重新打开", "reopen"), WoAction.CANCEL: ("作废", "cancel"),
}  # fmt: skip


class IllegalTransition(ChargeDeskError):
    def __init__(self, state: WoState, action: WoAction) -> None:
        s, a = STATE_NAMES[state], ACTION_NAMES[action]
        super().__init__(f"工单状态为「{s[0]}」，不能「{a[0]}」",
                         f"an order that is {s[1]} cannot take the step '{a[1]}'")
        self.state, self.action = state, action


class NotAllowed(ChargeDeskError):
    """The account holds the permission in general, but not for this order (not its technician, four-eyes)."""


def next_state(state: WoState, action: WoAction, *, has_assignee: bool) -> WoState:
    """The state after ``action``, or IllegalTransition. A reopened order goes back to its technician,
    or to new when it never had one (a cancelled new order)."""
    target = _TRANSITIONS.get((state, action))
    if target is None:
        raise IllegalTransition(state, action)
    if action is WoAction.REOPEN and not has_assignee:
        return WoState.NEW
    return target


def legal_actions(state: WoState) -> list[WoAction]:
    return [a for (s, a) in _TRANSITIONS if s is state]


@dataclass(frozen=True, slots=True)
class Who:
    """What the rules need to know about the acting account and the order."""

    permissions: frozenset[Permission]
    is_base: bool = False
    is_assignee: bool = False  # the order is assigned to this account
    assigns_self: bool = False  # ASSIGN: the new assignee is this account
    resolved_it: bool = False  # this account resolved the order


def check_may(action: WoAction, state: WoState, who: Who) -> None:
    """Raise NotAllowed unless ``who`` may take ``action`` on an order in ``state``.

    Dispatchers (assign permission) assign, verify, close, cancel and reopen; technicians (handle
    permission) start and resolve their own orders and may take a new one for themselves.
    """
    if who.is_base:
        return
    perms = who.permissions
    dispatch = Permission.ASSIGN_WORK_ORDERS in perms
    handle = Permission.HANDLE_WORK_ORDERS in perms
    if action is WoAction.ASSIGN:
        if dispatch or (handle and who.assigns_self and state is WoState.NEW):
            return
        raise NotAllowed("只有调度人员可以派单；运维人员只能领取新工单", "only a dispatcher assigns orders; a "
                         "technician may only take a new order for themself")
    if action in (WoAction.START, WoAction.RESOLVE):
        if handle and who.is_assignee:
            return
        raise NotAllowed("只有被指派的运维人员可以处理此工单",
                         "only the technician the order is assigned to may do this")
    if not dispatch:
        raise NotAllowed("只有调度人员可以验收、关闭、作废或重新打开工单",
                         "only a dispatcher verifies, closes, cancels or reopens orders")
    if action is WoAction.VERIFY and who.resolved_it:
        raise NotAllowed("处理人不能验收自己的工单", "whoever resolved an order cannot verify it")


# ---------------------------------------------------------------------------------- SLA
SEVERITIES = ("critical", "major", "minor", "warning", "info")
DEFAULT_SLA_HOURS: dict[str, float] = {"critical": 4, "major": 24, "minor": 72, "warning": 168, "info": 168}
MAX_ESCALATION = 3


def sla_hours(severity: str, sla: dict[str, float] | None = None) -> float:
    table = sla or DEFAULT_SLA_HOURS
    return table.get(severity, table.get("major", 24.0))


def due_at(created_at: datetime, severity: str, sla: dict[str, float] | None = None) -> datetime:
    return created_at + timedelta(hours=sla_hours(severity, sla))


def is_overdue(state: WoState, due: datetime, now: datetime) -> bool:
    """Late: still open (not resolved) after its due time."""
    return state in OPEN_STATES and now > due


def escalation_level(state: WoState, due: datetime, now: datetime, severity: str,
                     sla: dict[str, float] | None = None) -> int:
    """0 on time; 1 once overdue; one more level per further half SLA period late (at most 3)."""
    if not is_overdue(state, due, now):
        return 0
    half = timedelta(hours=sla_hours(severity, sla) / 2)
    return min(MAX_ESCALATION, 1 + int((now - due) / half))


def minutes_to_repair(created_at: datetime, resolved_at: datetime) -> float:
    return max(0.0, (resolved_at - created_at).total_seconds() / 60)
