"""Spare capacity for ordered charging (有序充电): what charging may draw in the next control period.

Pure: readings and settings in, a `Capacity` out; no clock, no I/O. Integers: W, Wh, seconds.

    spare = limit − margin − other load (estimated for the end of the coming period)

"Other load" is the community's non-charging load: the transformer meter minus the metered charging.
A reading is already `meter_delay_s` old when it arrives and the allocation holds for `period_s`, so a
rising load is extrapolated over that whole gap (never a falling one: the estimate only errs high).
A meter that is silent or stale gives no spare at all from the meter: the station falls back to
a conservative static charging budget (`fallback_w`). When the measured load already exceeds the limit
the spare is below what charging draws, and the allocation sheds the difference in this period.
The forecast ahead (for admission and the schedule) extends the recent rise of the other load, so new
ports are not started into a capacity that is about to vanish (the evening peak).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class CapacitySource(StrEnum):
    METER = "meter"  # from a fresh meter reading
    FALLBACK = "fallback"  # meter silent or stale: the static budget
    ESTIMATE = "estimate"  # no meter at all: the configured household estimate (marked as such)


@dataclass(frozen=True, slots=True)
class MeterReading:
    at_s: int  # when the meter measured it (Unix seconds)
    other_load_w: int  # community load without the charging the console meters


@dataclass(frozen=True, slots=True)
class CapacitySettings:
    limit_w: int  # what the transformer may carry in all (household + charging)
    margin_w: int = 0  # kept free for what no meter sees in time
    fallback_w: int = 0  # static charging budget when the meter is silent or stale
    meter_delay_s: int = 0  # age of a reading when it arrives
    settle_s: int = 0  # the highest reading of this window counts: the other load is the transformer reading
    # minus the metered charging, two values read at slightly different instants (a port just switched)
    stale_after_s: int = 180  # a reading older than this is not trusted
    period_s: int = 60  # control period: the allocation holds this long
    trend_window_s: int = 1800  # how far back the rise of the other load is measured
    volatility_window_s: int = 7200  # how far back its step-to-step noise is measured
    noise_sigmas: float = 4.0  # noise allowance over the reading's age, in standard deviations
    horizon_s: int = 7200  # forecast ahead
    forecast_step_s: int = 300

    @property
    def horizon_steps(self) -> int:
        return max(self.horizon_s // max(self.forecast_step_s, 1), 0)


@dataclass(frozen=True, slots=True)
class Capacity:
    """What charging may draw now (`spare_w`, never negative) and the forecast per step ahead."""

    spare_w: int
    source: CapacitySource
    other_load_w: int | None  # the estimate used (None on the fallback)
    limit_w: int
    forecast_w: tuple[int, ...]  # spare at now + k·step_s for k = 0..horizon (k = 0 equals spare_w)
    step_s: int
    rise_w_per_h: int = 0  # recent rise of the other load (0 when falling or unknown)

    @staticmethod
    def flat(spare_w: int, *, steps: int = 0, step_s: int = 300, source: CapacitySource = CapacitySource.METER,
             limit_w: int | None = None) -> Capacity:
        """A constant capacity (tests, the fallback, a station without a forecast)."""
        spare = max(spare_w, 0)
        return Capacity(spare, source, None, spare if limit_w is None else limit_w, (spare,) * (steps + 1), step_s)


def _median(xs: Sequence[float]) -> float:
    ys = sorted(xs)
    mid = len(ys) // 2
    return ys[mid] if len(ys) % 2 else (ys[mid - 1] + ys[mid]) / 2


def _trend(readings: Sequence[MeterReading], newest: MeterReading, settings: CapacitySettings
           ) -> tuple[float, float, float]:
    """(rise W/s, never negative; spread W of one step change; mean step s) of the other load.

    Robust statistics of the step-to-step changes, so that a heater switched on and off again (a jump the
    meter saw) neither bends the trend nor makes every later period timid: the rise is the median rate
    over the trend window (what the forecast extends); the spread (the noise the load may add while a
    reading ages) is the median absolute deviation of the second differences over the volatility window,
    as the standard deviation of one step's change.
    """
    def rates(window_s: int) -> list[tuple[float, int]]:
        window = [r for r in readings if newest.at_s - r.at_s <= window_s]
        return [((b.other_load_w - a.other_load_w) / (b.at_s - a.at_s), b.at_s - a.at_s)
                for a, b in itertools.pairwise(window) if b.at_s > a.at_s]

    trend = rates(settings.trend_window_s)
    rise = max(_median([r for r, _ in trend]), 0.0) if trend else 0.0
    vol = rates(settings.volatility_window_s)
    if len(vol) < 3:
        return rise, 0.0, float(settings.period_s or 60)
    step_s = sum(dt for _, dt in vol) / len(vol)
    # Second differences of the step changes: free of the trend and of the evening curve's bend.
    bends = [(b - a) * step_s for (a, _), (b, _) in itertools.pairwise(vol)]
    center = _median(bends)
    spread = 1.4826 * _median([abs(x - center) for x in bends]) / 2**0.5
    return rise, spread, step_s


def spare_capacity(readings: Sequence[MeterReading], now_s: int, settings: CapacitySettings) -> Capacity:
    """Spare capacity from the meter readings (oldest first); fallback when the newest one is stale."""
    st = settings
    steps = st.horizon_steps
    fresh = [r for r in readings if r.at_s <= now_s]
    newest = max(fresh, key=lambda r: r.at_s) if fresh else None
    if newest is None or now_s - newest.at_s > st.stale_after_s:
        budget = max(min(st.fallback_w, st.limit_w - st.margin_w), 0)
        return Capacity(budget, CapacitySource.FALLBACK, None, st.limit_w, (budget,) * (steps + 1), st.forecast_step_s)
    ordered = sorted(fresh, key=lambda r: r.at_s)
    rise, spread, step_s = _trend(ordered, newest, st)
    # The reading is (now − at + delay) old and the decision holds one more period: over that gap the
    # load may follow its trend and add noise (noise_sigmas spreads, growing with √gap).
    gap_s = now_s - newest.at_s + st.meter_delay_s + st.period_s
    noise = st.noise_sigmas * spread * (gap_s / step_s) ** 0.5 if gap_s > 0 else 0.0
    settled = max(r.other_load_w for r in ordered if newest.at_s - r.at_s <= st.settle_s)
    other = settled + int(rise * gap_s + noise + 0.999)
    spare = st.limit_w - st.margin_w - other
    forecast = tuple(max(spare - int(rise * k * st.forecast_step_s), 0) for k in range(steps + 1))
    return Capacity(max(spare, 0), CapacitySource.METER, other, st.limit_w, forecast, st.forecast_step_s,
                    int(rise * 3600))


def estimated_capacity(other_load_w: int, settings: CapacitySettings) -> Capacity:
    """No transformer meter: the other load is a configured household estimate (shown as an estimate)."""
    st = settings
    spare = max(st.limit_w - st.margin_w - max(other_load_w, 0), 0)
    return Capacity(spare, CapacitySource.ESTIMATE, max(other_load_w, 0), st.limit_w,
                    (spare,) * (st.horizon_steps + 1), st.forecast_step_s)
