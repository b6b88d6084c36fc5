"""Ordered charging: our allocation vs FCFS / EDF / LLF / priority-LLF on the shared kit's scenarios.

Every policy runs in the kit's own simulator and is scored by its metrics against the LP bound (scipy
HiGHS): priority-weighted energy ÷ LP bound, vehicles fully charged by departure (all / high / normal
priority), minutes over the limit, off-switches per session (1.00 = every session switched off only
at its end) and the allocation time per step. Seeds 1–3 (means; "min over" is the sum), sizes small,
large, small-tight, large-tight, and the realistic-information variants of bench/ordered_kit.py.
Last: one allocation at 1 200 e-bike ports + 20 car piles (the target is < 1 s per step).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from app.domain.ordered_capacity import Capacity
from app.domain.ordered_charging import ChargeRequest, Kind, allocate
from bench.ordered_kit import VARIANTS, baseline, load_kit, make_world, ours

SIZES = ("small", "large", "small-tight", "large-tight")
SEEDS = (1, 2, 3)
BASELINES = ("fcfs", "edf", "llf", "prio-llf")
HEAD = (f"{'set':<12} {'variant':<11} {'controller':<9} {'wE/LP':>7} {'sat%':>6} {'sat%hi':>6} {'sat%no':>6} "
        f"{'min over':>8} {'off/sess':>8} {'ms/step':>8} {'max ms':>7}")


def _score(B: Any, sc: dict[str, Any], policy: Any, timings: list[float], bound: float) -> dict[str, float]:
    P, E = B.simulate(sc, policy)
    m = B.metrics(sc, P, E, "", 0.0, bound)
    S = B.Sessions(sc)
    deliv = E.sum(axis=1)
    sat = deliv >= S.need - 1e-3 - 1e-6 * S.need
    m["sat_high"] = 100.0 * float(sat[S.high].mean()) if S.high.any() else float("nan")
    m["sat_normal"] = 100.0 * float(sat[~S.high].mean())
    m["ms"] = 1000.0 * float(np.mean(timings)) if timings else 0.0
    m["ms_max"] = 1000.0 * float(np.max(timings)) if timings else 0.0
    return m


def run_set(size: str, variant: str, seeds: tuple[int, ...]) -> dict[str, list[dict[str, float]]]:
    scenarios, B, optimum = load_kit()
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in (*BASELINES, "ours")}
    for seed in seeds:
        world = make_world(scenarios, seed, size, variant)
        S = B.Sessions(world.sc)
        bound = optimum.solve(world.sc, integer=False)["objective"]
        for name in BASELINES:
            timings: list[float] = []
            rows[name].append(_score(B, world.sc, baseline(world, S, B.POLICIES[name], timings), timings, bound))
        if world.lag or variant != "declared":
            timings = []
            pol = baseline(world, S, B.POLICIES["llf"], timings, guarded=True)
            rows.setdefault("llf+guard", []).append(_score(B, world.sc, pol, timings, bound))
        timings = []
        rows["ours"].append(_score(B, world.sc, ours(world, S, timings), timings, bound))
    return rows


def _line(size: str, variant: str, name: str, ms: list[dict[str, float]]) -> str:
    def mean(k: str) -> float:
        return float(np.nanmean([m[k] for m in ms]))

    return (f"{size:<12} {variant:<11} {name:<9} {mean('ratio_lp'):7.4f} {mean('pct_sat'):6.1f} "
            f"{mean('sat_high'):6.1f} {mean('sat_normal'):6.1f} {sum(m['min_over'] for m in ms):8.0f} "
            f"{mean('switches_per_session'):8.2f} {mean('ms'):8.2f} {max(m['ms_max'] for m in ms):7.1f}")


def scale_step(ebikes: int = 1200, cars: int = 20, repeats: int = 5) -> tuple[float, float]:
    """(mean, max) seconds of one allocation for a full station at the evening peak."""
    rng = random.Random(1)
    now = 20 * 3600
    reqs = []
    for i in range(ebikes):
        reqs.append(ChargeRequest(key=f"e{i:05d}", kind=Kind.EBIKE if i % 10 else Kind.TRIKE,
                                  power_w=rng.randint(100, 350) if i % 10 else rng.randint(500, 1400),
                                  arrived_s=now - rng.randint(0, 4 * 3600), running=rng.random() < 0.6,
                                  priority=int(rng.random() < 0.15), paid_min=rng.choice((180, 240, 360, 480)),
                                  delivered_wh=rng.randint(0, 300), waited_s=rng.randint(0, 3600),
                                  departure_s=now + rng.randint(1800, 12 * 3600) if rng.random() < 0.2 else None))
    for i in range(cars):
        reqs.append(ChargeRequest(key=f"c{i:03d}", kind=Kind.CAR, power_w=rng.choice((3300, 6600, 7000)),
                                  arrived_s=now - rng.randint(0, 3 * 3600), running=rng.random() < 0.5,
                                  need_wh=rng.randint(5000, 30000), departure_s=now + rng.randint(6, 12) * 3600))
    cap = Capacity(150_000, Capacity.flat(0).source, 250_000, 400_000,
                   tuple(150_000 - 2_000 * k for k in range(25)), 300)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        allocate(reqs, cap, now)
        times.append(time.perf_counter() - t0)
    return float(np.mean(times)), float(np.max(times))


def run(quick: bool = False) -> Iterator[str]:
    try:
        load_kit()
    except ImportError as exc:
        yield f"skipped: {exc}"
        return
    seeds = (1,) if quick else SEEDS
    variants = ("declared", "realistic") if quick else VARIANTS
    yield f"seeds {', '.join(map(str, seeds))}; wE/LP = weighted energy ÷ LP bound; min over summed over seeds"
    yield HEAD
    for variant in variants:
        for size in SIZES:
            rows = run_set(size, variant, seeds)
            for name, ms in rows.items():
                yield _line(size, variant, name, ms)
    mean_s, max_s = scale_step()
    yield (f"one allocation, 1 200 e-bike/trike ports + 20 car piles: {mean_s * 1000:.1f} ms mean, "
           f"{max_s * 1000:.1f} ms max")
