"""Ordered charging (有序充电): who charges in the next control period, within the spare capacity.

Pure and deterministic: the same requests, capacity and settings give the same allocation. Integers at
the interface: W, Wh, seconds (Unix time), amperes.

E-bike and tricycle ports are on/off (a port that runs draws its full power); car piles take any current
from 6 to 32 A or nothing. Every session gets an urgency from its laxity — the time left before its
(declared or estimated) departure minus the time it still needs at full power:

  0. must run   laxity below one control period: if it waits now it cannot finish. Highest priority
                first, then the smallest power (when not all fit, that finishes the most vehicles);
  1. doomed     cannot finish even at full power: it still gets what is left of its need, after the
                vehicles that can still finish, before the ones with time to spare;
  2. slack      by effective laxity = laxity − priority bonus − waiting bonus − hysteresis for a port
                that already runs. Waiting shrinks laxity (no starvation: a waiting vehicle ends up
                in class 0); the hysteresis keeps a running port running rather than swapping it for
                a waiting one that still has time. A car keeps its share the same way (`car_hysteresis_s`
                in proportion to the current it is allowed now): two cars do not swap their currents every
                period as their laxities cross.

A port that does not run yet starts only if the capacity forecast keeps room for its remaining run
(admission), so ports are not started into an evening peak that would switch them off again; what
room is left now is still filled with the less patient ones (laxity under `fill_laxity_s`).
Nothing is ever allocated above the spare capacity: when it falls (a neighbour's heater, a silent meter)
the least urgent running ports are shed in this very period.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.ordered_capacity import Capacity

VOLTS = 230  # car piles: single phase
CAR_MIN_A, CAR_MAX_A = 6, 32


class Kind(StrEnum):
    EBIKE = "ebike"
    TRIKE = "trike"
    CAR = "car"

    @property
    def on_off(self) -> bool:
        return self is not Kind.CAR


class Override(StrEnum):
    NONE = "none"
    RUN = "run"  # staff: run first (still never above the spare capacity)
    HOLD = "hold"  # staff: keep it off


class Status(StrEnum):
    CHARGING = "charging"
    QUEUED = "queued"
    HELD = "held"  # held by a manual override


class Reason(StrEnum):
    MUST_RUN = "must_run"
    RUNNING = "running"
    ADMITTED = "admitted"
    FILLED = "filled"
    OVERRIDE_RUN = "override_run"
    OVERRIDE_HOLD = "override_hold"
    NO_CAPACITY = "no_capacity"  # it does not fit in the spare capacity now
    PEAK_AHEAD = "peak_ahead"  # it fits now, but the forecast would switch it off again soon
    BELOW_MIN = "below_min"  # car: less than 6 A left
    SATISFIED = "satisfied"  # its declared need is delivered


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a vehicle class needs when the user declared nothing (Wh, seconds of stay)."""

    need_wh: int
    stay_s: int


DEFAULTS: dict[Kind, Defaults] = {
    Kind.EBIKE: Defaults(600, 4 * 3600),
    Kind.TRIKE: Defaults(2500, 4 * 3600),
    Kind.CAR: Defaults(15000, 10 * 3600),
}


@dataclass(frozen=True, slots=True)
class ChargeRequest:
    """One vehicle plugged in at the station (a session, running or queued)."""

    key: str  # stable id (the port), the final tie-break
    kind: Kind
    power_w: int  # on/off: the port's power (measured; last measured when queued); car: its maximum
    arrived_s: int
    running: bool = False  # drawing power now
    priority: int = 0  # 0 normal; higher first (user group, paid priority)
    departure_s: int | None = None  # declared
    need_wh: int | None = None  # declared energy for the whole session
    delivered_wh: int = 0  # this session so far
    paid_min: int | None = None  # prepaid charging minutes (e-bike coins / card), when known
    soc_pct: int | None = None  # car: state of charge, when known
    capacity_wh: int | None = None  # car: battery size, when known
    target_soc_pct: int = 100
    waited_s: int = 0  # time spent queued by this controller
    running_s: int = 0  # how long it has been running without a break
    min_power_w: int = CAR_MIN_A * VOLTS  # car only
    phases: int = 1  # car only: the current limit applies per phase
    allowed_w: int | None = None  # car only: what its current limit lets it draw now (None: not known)
    override: Override = Override.NONE


@dataclass(frozen=True, slots=True)
class AllocationSettings:
    period_s: int = 60  # control period
    hysteresis_s: int = 7 * 24 * 3600  # a running port's head start in the slack order: never swapped for a
    # waiting vehicle that still has time (only one that must run now, or cannot finish, takes its place)
    priority_bonus_s: int = 3600  # per priority level
    car_hysteresis_s: int = 3600  # a car allowed its full power is this far ahead of one allowed none
    aging: float = 0.5  # each second queued counts as this much less laxity
    fill_laxity_s: int = 4 * 3600  # fill the spare now with queued ports less patient than this
    overdue_grace_s: int = 1800  # an estimated departure that passed: assume it is this far away
    defaults: dict[Kind, Defaults] = field(default_factory=lambda: dict(DEFAULTS))


@dataclass(frozen=True, slots=True)
class Estimate:
    remaining_wh: int
    deadline_s: int
    laxity_s: int
    declared: bool  # departure and need both declared (or known from the car)


@dataclass(frozen=True, slots=True)
class Decision:
    key: str
    status: Status
    power_w: int  # what it may draw (counted against the capacity); 0 when queued / held
    current_da: int | None  # car piles: the charging-profile limit in 0.1 A; None for on/off ports
    reason: Reason
    estimate: Estimate


@dataclass(frozen=True, slots=True)
class Allocation:
    decisions: tuple[Decision, ...]  # in the order of the requests
    spare_w: int
    allocated_w: int

    def by_key(self) -> dict[str, Decision]:
        return {d.key: d for d in self.decisions}

    def started(self, requests: Sequence[ChargeRequest]) -> list[str]:
        return [r.key for r, d in zip(requests, self.decisions, strict=True) if d.power_w and not r.running]

    def stopped(self, requests: Sequence[ChargeRequest]) -> list[str]:
        return [r.key for r, d in zip(requests, self.decisions, strict=True) if not d.power_w and r.running]


def estimate(req: ChargeRequest, now_s: int, settings: AllocationSettings) -> Estimate:
    """Energy still needed and the deadline, from what is declared or known, else from the payment and class."""
    d = settings.defaults[req.kind]
    power = max(req.power_w, 1)
    if req.need_wh is not None:
        remaining = req.need_wh - req.delivered_wh
    elif req.soc_pct is not None and req.capacity_wh:
        remaining = req.capacity_wh * max(req.target_soc_pct - req.soc_pct, 0) // 100
    else:
        total = d.need_wh if not req.paid_min else min(d.need_wh, power * req.paid_min // 60)
        remaining = total - req.delivered_wh
    if remaining <= 0 and req.need_wh is None and req.soc_pct is None:
        remaining = max(power * settings.period_s // 3600, 1)  # still drawing: at least one more period
    remaining = max(remaining, 0)
    if req.departure_s is not None:
        deadline = req.departure_s
    else:
        stay = req.paid_min * 60 if req.paid_min else d.stay_s
        deadline = req.arrived_s + stay
        if deadline <= now_s:
            deadline = now_s + settings.overdue_grace_s
    need_s = math.ceil(remaining * 3600 / power)
    declared = req.departure_s is not None and (req.need_wh is not None or req.soc_pct is not None)
    return Estimate(remaining, deadline, deadline - now_s - need_s, declared)


def car_setpoint(want_w: int, head_w: int, req: ChargeRequest) -> tuple[int, int]:
    """(power counted, current limit in 0.1 A) for a car wanting `want_w` with `head_w` free; (0, 0) below 6 A.

    The limit is rounded up to what the car wants (a last sliver is not cut short) unless that would not
    fit; a car never draws more than its own maximum, so a limit above it counts as its maximum. The limit
    is per phase: a three-phase car draws three times its power per ampere.
    """
    step = VOLTS * max(req.phases, 1) // 10  # W per 0.1 A
    desired = min(want_w, req.power_w)
    da = min(-(-desired // step), CAR_MAX_A * 10)
    power = min(da * step, req.power_w)
    if power > head_w:
        da = min(max(head_w, 0) // step, CAR_MAX_A * 10)
        power = min(da * step, req.power_w)
    if da < CAR_MIN_A * 10 or power < req.min_power_w:
        return 0, 0
    return power, da


def _order(reqs: Sequence[ChargeRequest], ests: Sequence[Estimate], st: AllocationSettings
           ) -> list[tuple[tuple[object, ...], int]]:
    keyed = []
    for j, (r, e) in enumerate(zip(reqs, ests, strict=True)):
        if r.override is Override.RUN:
            k: tuple[object, ...] = (-1, -r.priority, r.power_w)
        elif e.laxity_s < 0 and e.declared:
            k = (1, -r.priority, not r.running, -e.laxity_s)
        elif e.laxity_s < st.period_s:  # (an estimate is never written off: it may be wrong)
            k = (0, -r.priority, r.power_w, not r.running)
        else:
            share = (st.car_hysteresis_s * min(r.allowed_w, r.power_w) // max(r.power_w, 1)
                     if r.allowed_w and not r.kind.on_off else 0)
            eff = (e.laxity_s - r.priority * st.priority_bonus_s - int(st.aging * r.waited_s)
                   - (st.hysteresis_s if r.running else 0) - share)
            k = (2, eff)
        keyed.append(((*k, r.key), j))
    keyed.sort()
    return keyed


def allocate(requests: Sequence[ChargeRequest], capacity: Capacity, now_s: int,
             settings: AllocationSettings | None = None) -> Allocation:
    """Decide every request for the coming period. Σ power_w ≤ capacity.spare_w, always."""
    st = settings or AllocationSettings()
    ests = [estimate(r, now_s, st) for r in requests]
    head = max(capacity.spare_w, 0)
    forecast = list(capacity.forecast_w) or [head]
    committed = [0] * len(forecast)
    step = max(capacity.step_s, 1)
    out: list[Decision | None] = [None] * len(requests)
    deferred: list[int] = []

    def decide(j: int, status: Status, power: int, current_da: int | None, reason: Reason) -> None:
        out[j] = Decision(requests[j].key, status, power, current_da, reason, ests[j])

    for k, j in _order(requests, ests, st):
        r, e = requests[j], ests[j]
        if r.override is Override.HOLD:
            decide(j, Status.HELD, 0, None if r.kind.on_off else 0, Reason.OVERRIDE_HOLD)
            continue
        if e.remaining_wh <= 0:
            decide(j, Status.QUEUED, 0, None if r.kind.on_off else 0, Reason.SATISFIED)
            continue
        urgent = k[0] in (-1, 0)
        if not r.kind.on_off:
            want = max(math.ceil(e.remaining_wh * 3600 / max(st.period_s, 1)), r.min_power_w)
            power, amps = car_setpoint(want, head, r)
            if power:
                head -= power
                decide(j, Status.CHARGING, power, amps, Reason.OVERRIDE_RUN if k[0] == -1 else Reason.ADMITTED)
            else:
                decide(j, Status.QUEUED, 0, 0, Reason.BELOW_MIN)
            continue
        if r.power_w > head:
            decide(j, Status.QUEUED, 0, None, Reason.NO_CAPACITY)
            continue
        steps = math.ceil(e.remaining_wh * 3600 / (r.power_w * step))
        span = min(steps, len(forecast))
        if not (urgent or r.running) and any(committed[i] + r.power_w > forecast[i] for i in range(span)):
            deferred.append(j)
            continue
        for i in range(span):
            committed[i] += r.power_w
        head -= r.power_w
        reason = (Reason.OVERRIDE_RUN if k[0] == -1 else Reason.MUST_RUN if k[0] == 0
                  else Reason.RUNNING if r.running else Reason.ADMITTED)
        decide(j, Status.CHARGING, r.power_w, None, reason)
    for j in deferred:  # fill what is free now with the impatient ones
        r = requests[j]
        # An estimated departure may be much earlier than assumed: those are never held back.
        if (ests[j].laxity_s < st.fill_laxity_s or not ests[j].declared) and r.power_w <= head:
            head -= r.power_w
            decide(j, Status.CHARGING, r.power_w, None, Reason.FILLED)
        else:
            decide(j, Status.QUEUED, 0, None, Reason.PEAK_AHEAD if r.power_w <= head else Reason.NO_CAPACITY)
    decisions = tuple(d for d in out if d is not None)
    return Allocation(decisions, max(capacity.spare_w, 0), sum(d.power_w for d in decisions))
