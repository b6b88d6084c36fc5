"""The shared ordered-charging kit (../shared/ordered-charging) and our allocation as one of its policies.

The kit is imported by path, unchanged: its scenario generator, its simulator (`baselines.simulate`: the
one set of rules every algorithm is scored by), its metrics, its baselines and its LP bound. This module
adds the realistic-information variants the kit's README asks for, applied the same way to every
policy, baselines included:

  declared    the kit as it is: departures and needs declared, the limit of the step known exactly;
  undeclared  most two-wheeler users (80 %) and some car users (30 %) declare nothing: the controllers
              see an estimate from the prepaid minutes (coins bought at the pile's power tiers for what
              the battery needed, sometimes a coin more) and the vehicle class (app.domain estimate);
  meter       the transformer meter answers one step (5 min) late and drops out (≈3 % of the steps,
              1–3 steps at a time): a reading up to 15 min old is extrapolated (its trend plus a noise
              allowance growing with its age); an older one would mean the static fallback budget;
  jumps       household load jumps (a heater, a cooker: +2–6 % of the transformer for 10–60 min,
              about 12 a night), seen by the meter when they happen;
  realistic   undeclared + meter + jumps together; the meter lags on the smooth load, but a jump is seen
              in its step: the engine re-allocates at once on a reading above the limit (no waiting for
              the period). A jump no meter has seen yet is beyond any controller without a margin as
              large as the jump.

Baselines see what a plain controller would: the estimates instead of the truth, and "transformer −
last meter reading" as the limit. Ours sees the same readings through app.domain.ordered_capacity.
"""

from __future__ import annotations

import copy
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from app.domain.ordered_capacity import CapacitySettings, MeterReading, spare_capacity
from app.domain.ordered_charging import AllocationSettings, ChargeRequest, Kind, allocate, estimate
from comm.pile.messages import PileConfig

KIT_ENV = "CHARGEDESK_ORDERED_KIT"
STEP_S = 300
MARGIN = 0.0  # of the transformer, with a lagging meter (the noise allowance covers it)
VARIANTS = ("declared", "undeclared", "meter", "jumps", "realistic")
_TIERS = PileConfig().tiers


def kit_path() -> Path:
    default = Path(__file__).resolve().parents[2] / "shared" / "ordered-charging"
    return Path(os.environ.get(KIT_ENV, default))


def load_kit() -> tuple[Any, Any, Any]:
    """(scenarios, baselines, optimum) modules of the kit; ImportError when it is not there."""
    path = kit_path()
    if not (path / "baselines.py").exists():
        raise ImportError(f"ordered-charging kit not found at {path} (set {KIT_ENV})")
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
    import baselines
    import optimum
    import scenarios

    return scenarios, baselines, optimum


@dataclass
class World:
    """A scenario as the kit scores it, plus what the controllers are allowed to see of it."""

    sc: dict[str, Any]
    variant: str
    declared: np.ndarray  # bool per session
    paid_min: np.ndarray  # int per session
    observed_bg: np.ndarray  # kW per step as the meter reports it (NaN: no reading this step)
    lag: int = 0
    fallback_kw: float = 0.0
    margin_kw: float = 0.0
    info: dict[str, float] = field(default_factory=dict)


def _paid_minutes(rng: np.random.Generator, need_kwh: float, max_kw: float, onoff: bool) -> int:
    """Coins a resident inserts: enough for the battery at the pile's tier for its power, now and then one more."""
    if not onoff:
        return 0
    watts = max_kw * 1000
    per_coin = next((t.min_per_yuan for t in _TIERS if watts <= t.max_w), _TIERS[-1].min_per_yuan)
    coins = max(1, math.ceil(need_kwh / max_kw * 60 / per_coin)) + int(rng.random() < 0.3)
    return min(coins * per_coin, 720)


def make_world(scenarios: Any, seed: int, size: str, variant: str) -> World:
    sc = scenarios.generate(seed, size)
    rng = np.random.default_rng(10_000 + seed)
    n, steps = len(sc["sessions"]), sc["meta"]["n_steps"]
    transformer = float(sc["meta"]["transformer_kw"])
    bg = np.array(sc["background_kw"], dtype=float)
    jumps = np.zeros(steps)
    if variant in ("jumps", "realistic"):
        sc = copy.deepcopy(sc)
        for _ in range(rng.poisson(12)):
            start, length = int(rng.integers(0, steps)), int(rng.integers(2, 13))
            jumps[start:start + length] += transformer * rng.uniform(0.02, 0.06)
        bg = bg + jumps
        sc["background_kw"] = [round(float(x), 3) for x in bg]
        sc["limit_kw"] = [round(float(max(transformer - x, 0.0)), 3) for x in bg]
        bg = np.array(sc["background_kw"])
    sessions = sc["sessions"]
    undeclared_p = {"ebike": 0.8, "trike": 0.8, "car": 0.3}
    hidden = variant in ("undeclared", "realistic")
    declared = np.array([not hidden or rng.random() >= undeclared_p[s["kind"]] for s in sessions], dtype=bool)
    paid = np.array([_paid_minutes(rng, s["energy_kwh"], s["max_kw"], s["onoff"]) for s in sessions], dtype=int)
    observed = bg.copy()
    lag = 0
    if variant in ("meter", "realistic"):
        lag = 1  # the smooth load a step late; a jump at once (the engine re-allocates on an over-limit reading)
        smooth = bg - jumps
        observed = np.concatenate([[smooth[0]], smooth[:-1]]) + jumps
        t = 0
        while t < steps:
            if rng.random() < 0.015:
                length = int(rng.integers(1, 4))
                observed[t:t + length] = np.nan
                t += length
            t += 1
    # Static budget for a silent meter: what is left above a design household peak 5 % over nominal.
    nominal_peak = transformer / sc["meta"]["ports"].get("margin", 1.06)
    fallback = max(transformer - 1.05 * nominal_peak, 0.0)
    margin = MARGIN * transformer if lag else 0.0
    del n
    return World(sc, variant, declared, paid, observed, lag, fallback, margin)


class Observer:
    """What every controller sees at step t: the last meter reading, the estimates for undeclared users."""

    def __init__(self, world: World, S: Any) -> None:
        self.w, self.S = world, S
        self.last_t: int | None = None
        tk = float(world.sc["meta"]["transformer_kw"])
        self.transformer_kw = tk
        self.readings: list[MeterReading] = []

    def meter(self, t: int) -> None:
        v = self.w.observed_bg[t]
        if not np.isnan(v):
            self.readings.append(MeterReading(t * STEP_S, round(v * 1000)))  # stamped on arrival
            self.readings = self.readings[-24:]
            self.last_t = t

    def naive_limit(self, t: int, limit: float) -> float:
        if self.w.lag == 0 and not np.isnan(self.w.observed_bg[t]):
            return limit
        if not self.readings:
            return self.w.fallback_kw
        return max(self.transformer_kw - self.readings[-1].other_load_w / 1000, 0.0)

    def estimates(self, t: int, idx: np.ndarray, rem: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(departure step, remaining kWh) as a controller sees them: declared, or estimated by the domain."""
        S, w = self.S, self.w
        dep = S.dep[idx].astype(float).copy()
        r = rem[idx].copy()
        settings = AllocationSettings(period_s=STEP_S)
        for j, i in enumerate(idx):
            if w.declared[i]:
                continue
            req = _request(S, w, int(i), t, rem, running=False, declare=False)
            e = estimate(req, t * STEP_S, settings)
            dep[j] = max(e.deadline_s / STEP_S, t + 1)
            r[j] = max(e.remaining_wh / 1000, 1e-6)
        return dep, r


def _kind(S: Any, i: int) -> Kind:
    return Kind(str(S.kind[i]))


def _request(S: Any, w: World, i: int, t: int, rem: np.ndarray, *, running: bool, declare: bool,
             waited: int = 0, ran: int = 0) -> ChargeRequest:
    need_wh = round(S.need[i] * 1000)
    left_wh = math.ceil(rem[i] * 1000 - 1e-6)
    delivered = max(need_wh - left_wh, 0)
    kind = _kind(S, i)
    return ChargeRequest(
        key=f"{i:06d}", kind=kind, power_w=round(S.pmax[i] * 1000), arrived_s=int(S.arr[i]) * STEP_S,
        running=running, priority=int(S.high[i]),
        departure_s=int(S.dep[i]) * STEP_S if declare else None,
        need_wh=delivered + left_wh if declare else None, delivered_wh=delivered,
        paid_min=int(w.paid_min[i]) or None, waited_s=waited, running_s=ran,
        min_power_w=round(S.pmin[i] * 1000) if kind is Kind.CAR else 0,
    )


Policy = Callable[[int, Any, np.ndarray, np.ndarray, float], np.ndarray]


def ours(world: World, S: Any, timings: list[float], settings: AllocationSettings | None = None,
         **capacity: int) -> Policy:
    """Our allocation as a kit policy (a fresh one per run: it remembers what ran and the meter readings)."""
    st = settings or AllocationSettings(period_s=STEP_S)
    obs = Observer(world, S)
    cap = replace(_capacity_settings(world, obs), **capacity)
    running: set[int] = set()
    queued_since: dict[int, int] = {}
    running_since: dict[int, int] = {}

    def policy(t: int, S: Any, idx: np.ndarray, rem: np.ndarray, limit: float) -> np.ndarray:
        t0 = time.perf_counter()
        obs.meter(t)
        capacity = spare_capacity(obs.readings, t * STEP_S, cap)
        reqs = []
        for i in idx:
            ii = int(i)
            if ii not in running:
                queued_since.setdefault(ii, t)
            waited = (t - queued_since.get(ii, t)) * STEP_S
            ran = (t - running_since[ii]) * STEP_S if ii in running else 0
            reqs.append(_request(S, world, ii, t, rem, running=ii in running, declare=bool(world.declared[ii]),
                                 waited=waited, ran=ran))
        alloc = allocate(reqs, capacity, t * STEP_S, st)
        p = np.array([d.power_w / 1000 for d in alloc.decisions])
        running.clear()
        running.update(int(i) for i, d in zip(idx, alloc.decisions, strict=True) if d.power_w)
        for i in running:
            queued_since.pop(i, None)
            running_since.setdefault(i, t)
        for i in list(running_since):
            if i not in running:
                del running_since[i]
        timings.append(time.perf_counter() - t0)
        return p

    return policy


def _capacity_settings(world: World, obs: Observer) -> CapacitySettings:
    return CapacitySettings(limit_w=round(obs.transformer_kw * 1000), margin_w=round(world.margin_kw * 1000),
                            fallback_w=round(world.fallback_kw * 1000), meter_delay_s=world.lag * STEP_S,
                            stale_after_s=3 * STEP_S, period_s=0, forecast_step_s=STEP_S)  # fmt: skip


def baseline(world: World, S: Any, base: Policy, timings: list[float], *, guarded: bool = False) -> Policy:
    """A kit baseline seeing what a plain controller sees (estimates, the naive meter limit).

    guarded: it sees our spare capacity (app.domain.ordered_capacity) instead of the naive limit — the
    baseline's ordering with our meter handling, to tell the two apart.
    """
    obs = Observer(world, S)
    view = copy.copy(S)
    cap = _capacity_settings(world, obs)

    def policy(t: int, S: Any, idx: np.ndarray, rem: np.ndarray, limit: float) -> np.ndarray:
        t0 = time.perf_counter()
        obs.meter(t)
        if guarded:
            seen_limit = spare_capacity(obs.readings, t * STEP_S, cap).spare_w / 1000
        else:
            seen_limit = obs.naive_limit(t, limit)
        dep, r = obs.estimates(t, idx, rem)
        view.dep = S.dep.astype(float).copy()
        view.dep[idx] = dep
        seen_rem = rem.copy()
        seen_rem[idx] = r
        p = base(t, view, idx, seen_rem, seen_limit)
        timings.append(time.perf_counter() - t0)
        return np.asarray(p, dtype=float)

    return policy
