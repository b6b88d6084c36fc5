"""The schedule ahead of ordered charging: the allocation played forward over the capacity forecast.

Pure. Gives the station chart its charging load per step ahead and every vehicle its expected start
and expected finish ("预计完成"), assuming nobody new arrives, nobody leaves early, each vehicle needs
what is declared or estimated, and the spare capacity follows the forecast (flat after it ends).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from app.domain.ordered_capacity import Capacity
from app.domain.ordered_charging import AllocationSettings, ChargeRequest, allocate


@dataclass(frozen=True, slots=True)
class PlanStep:
    at_s: int
    charging_w: int  # what the plan draws in this step
    spare_w: int  # the forecast spare capacity


@dataclass(frozen=True, slots=True)
class Plan:
    steps: tuple[PlanStep, ...]
    start_s: dict[str, int]  # expected start (now for those charging now); absent: not within the horizon
    done_s: dict[str, int]  # expected finish; absent: not within the horizon


def plan_ahead(requests: Sequence[ChargeRequest], capacity: Capacity, now_s: int,
               settings: AllocationSettings | None = None, *, steps: int = 24) -> Plan:
    st = replace(settings or AllocationSettings(), period_s=capacity.step_s)
    step_s = max(capacity.step_s, 1)
    forecast = list(capacity.forecast_w) or [capacity.spare_w]
    present = list(requests)
    out: list[PlanStep] = []
    start: dict[str, int] = {}
    done: dict[str, int] = {}
    for k in range(steps):
        if not present:
            out.append(PlanStep(now_s + k * step_s, 0, forecast[min(k, len(forecast) - 1)]))
            continue
        t = now_s + k * step_s
        ahead = tuple(forecast[min(k + i, len(forecast) - 1)] for i in range(max(len(forecast) - k, 1)))
        cap = replace(capacity, spare_w=ahead[0], forecast_w=ahead)
        alloc = allocate(present, cap, t, st)
        out.append(PlanStep(t, alloc.allocated_w, ahead[0]))
        nxt: list[ChargeRequest] = []
        for r, d in zip(present, alloc.decisions, strict=True):
            if d.power_w:
                start.setdefault(r.key, t)
                left = d.estimate.remaining_wh
                got = d.power_w * step_s // 3600
                if got >= left:
                    done[r.key] = t + left * 3600 // max(d.power_w, 1)
                    continue
                nxt.append(replace(r, running=True, delivered_wh=r.delivered_wh + got,
                                   running_s=r.running_s + step_s))
            else:
                nxt.append(replace(r, running=False, waited_s=r.waited_s + step_s, running_s=0))
        present = nxt
    return Plan(tuple(out), start, done)
