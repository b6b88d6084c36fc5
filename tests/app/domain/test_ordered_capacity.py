"""Spare capacity from the transformer meter: the delay, the noise, a silent meter, an overload."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.ordered_capacity import (
    CapacitySettings,
    CapacitySource,
    MeterReading,
    estimated_capacity,
    spare_capacity,
)
from app.domain.ordered_charging import ChargeRequest, Kind, allocate

NOW = 1_750_000_000
CFG = CapacitySettings(limit_w=200_000, margin_w=5_000, fallback_w=20_000, meter_delay_s=30, stale_after_s=180,
                       period_s=60)


def readings(loads: list[int], step_s: int = 60, end: int = NOW) -> list[MeterReading]:
    return [MeterReading(end - (len(loads) - 1 - i) * step_s, w) for i, w in enumerate(loads)]


def test_fresh_flat_meter() -> None:
    cap = spare_capacity(readings([150_000] * 10), NOW, CFG)
    assert cap.source is CapacitySource.METER
    assert cap.spare_w == 200_000 - 5_000 - 150_000
    assert cap.forecast_w[0] == cap.spare_w and len(cap.forecast_w) == CFG.horizon_steps + 1


def test_silent_or_stale_meter_falls_back_to_the_static_budget() -> None:
    assert spare_capacity([], NOW, CFG).source is CapacitySource.FALLBACK
    stale = spare_capacity(readings([100_000] * 5, end=NOW - 181), NOW, CFG)
    assert stale.source is CapacitySource.FALLBACK and stale.spare_w == 20_000
    assert set(stale.forecast_w) == {20_000}
    # The fallback never exceeds what the limit itself leaves.
    tight = spare_capacity([], NOW, CapacitySettings(limit_w=10_000, margin_w=2_000, fallback_w=50_000))
    assert tight.spare_w == 8_000
    # A reading from the future (clock skew) is not trusted either.
    assert spare_capacity(readings([1] * 3, end=NOW + 600), NOW, CFG).source is CapacitySource.FALLBACK


def test_overload_leaves_no_spare_and_the_allocation_sheds_everything() -> None:
    cap = spare_capacity(readings([150_000] * 9 + [230_000]), NOW, CFG)  # a neighbour's heater: above the limit
    assert cap.spare_w == 0
    reqs = [ChargeRequest(key=f"p{i}", kind=Kind.EBIKE, power_w=300, arrived_s=NOW - 600, running=True)
            for i in range(8)]
    assert allocate(reqs, cap, NOW).allocated_w == 0


def test_a_rising_load_is_extrapolated_over_the_reading_age_and_the_period() -> None:
    rising = readings([100_000 + 1000 * i for i in range(30)])  # +1 kW per minute
    cap = spare_capacity(rising, NOW + 60, CFG)
    newest = rising[-1].other_load_w
    gap = 60 + CFG.meter_delay_s + CFG.period_s
    assert cap.other_load_w is not None and cap.other_load_w >= newest + 1000 * gap // 60
    assert cap.rise_w_per_h == 60_000
    assert list(cap.forecast_w) == sorted(cap.forecast_w, reverse=True) and cap.forecast_w[-1] < cap.forecast_w[0]
    # A falling load is never extrapolated downwards.
    falling = spare_capacity(readings([200_000 - 1000 * i for i in range(30)]), NOW, CFG)
    assert falling.other_load_w == 200_000 - 29_000 and set(falling.forecast_w) == {falling.spare_w}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400_000), min_size=1, max_size=60), st.integers(0, 400))
def test_estimate_never_below_the_newest_reading(loads: list[int], age: int) -> None:
    cap = spare_capacity(readings(loads), NOW + age, CFG)
    if age > CFG.stale_after_s:
        assert cap.source is CapacitySource.FALLBACK
        return
    assert cap.other_load_w is not None and cap.other_load_w >= loads[-1]
    assert 0 <= cap.spare_w <= max(CFG.limit_w - CFG.margin_w - loads[-1], 0)
    assert all(0 <= f <= cap.spare_w for f in cap.forecast_w)


def test_noise_allowance_grows_with_the_spread_but_one_jump_does_not_inflate_it() -> None:
    quiet = spare_capacity(readings([150_000 + (500 if i % 2 else -500) for i in range(40)]), NOW, CFG)
    noisy = spare_capacity(readings([150_000 + (5000 if i % 2 else -5000) for i in range(40)]), NOW, CFG)
    assert noisy.spare_w < quiet.spare_w
    heater = [150_000] * 40
    heater[20:26] = [160_000] * 6  # switched on for 6 minutes, seen, and off again
    assert spare_capacity(readings(heater), NOW, CFG).spare_w == spare_capacity(readings([150_000] * 40), NOW,
                                                                                CFG).spare_w


def test_without_a_meter_the_household_estimate_is_marked() -> None:
    cap = estimated_capacity(120_000, CFG)
    assert cap.source is CapacitySource.ESTIMATE and cap.spare_w == 75_000 and cap.other_load_w == 120_000
