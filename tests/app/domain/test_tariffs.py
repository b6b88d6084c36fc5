"""Tariff maths: known answers, and properties (TOU splits, band edges, minimum charge, free/monthly zero)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.tariff_scope import (
    Assignment,
    Version,
    apply_to_config,
    only_tariff_changed,
    pile_matches,
    resolve,
    version_at,
)
from app.domain.tariffs import (
    DEFAULT_BANDS,
    DEFAULT_TOU,
    Policy,
    PolicyKind,
    PowerBand,
    TouPeriod,
    Usage,
    from_json,
    minutes_for,
    period_at,
    quote,
    round_half_up,
    split_tou,
    to_json,
    validate,
)
from comm.pile.messages import ModeFlags, PileConfig

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 1, tzinfo=UTC)
TIERED = validate(Policy(PolicyKind.POWER_TIERED, bands=DEFAULT_BANDS))
TOU = validate(Policy(PolicyKind.TOU, tou=DEFAULT_TOU, service_fen_per_kwh=40))


def local(h: int, m: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 10, day, h, m, tzinfo=SH).astimezone(UTC)


# -- known answers -----------------------------------------------------------------------------------
def test_power_tiered_known_answer() -> None:
    # 300 W falls in the ≤400 W band: 180 minutes per yuan, so 240 minutes cost 133⅓ fen → 133.
    q = quote(TIERED, Usage(local(20), local(23, 59), 900, peak_power_w=300, minutes=240))
    assert q.total_fen == 133 and q.lines[0].fen == Fraction(400, 3)


def test_tou_known_answer_across_two_boundaries() -> None:
    # 20:00–23:30, 3.5 kWh evenly: 1 kWh 峰 at 0.98, 2 kWh 平 at 0.62, 0.5 kWh 谷 at 0.31 → 237.5 fen,
    # plus the service fee 3.5 × 0.40 = 140 fen: 377.5 → 378 (rounded once, half up).
    q = quote(TOU, Usage(local(20), local(23, 30), 3500))
    energy = [(ln.label, ln.quantity, ln.fen) for ln in q.lines if ln.kind == "energy"]
    assert energy == [("峰", 1000, 98), ("平", 2000, 124), ("谷", 500, Fraction(31, 2))]
    assert q.total_fen == 378


def test_tou_follows_the_power_curve_when_there_is_one() -> None:
    # All energy before 21:00 according to the samples: everything at the peak price.
    profile = ((local(20), 0), (local(20, 30), 1500), (local(21, 30), 1500))
    q = quote(replace(TOU, service_fen_per_kwh=0), Usage(local(20), local(22), 1500, profile=profile))
    assert q.total_fen == round_half_up(Fraction(1500 * 98, 1000)) == 147


def test_per_time_and_per_energy_known_answers() -> None:
    per_time = validate(Policy(PolicyKind.PER_TIME, fen_per_hour=50))
    assert quote(per_time, Usage(T0, T0 + timedelta(minutes=90), 0)).total_fen == 75
    per_kwh = validate(Policy(PolicyKind.PER_ENERGY, fen_per_kwh=120, service_fen_per_kwh=30))
    total = quote(per_kwh, Usage(T0, T0 + timedelta(hours=3), 7001)).total_fen
    assert total == round_half_up(Fraction(7001 * 150, 1000))


def test_invalid_policies_are_refused_in_both_languages() -> None:
    with pytest.raises(ValidationError) as e:
        validate(Policy(PolicyKind.POWER_TIERED, bands=DEFAULT_BANDS[:4]))
    assert "5" in e.value.zh and "bands" in e.value.en
    with pytest.raises(ValidationError):
        validate(Policy(PolicyKind.POWER_TIERED, bands=(*DEFAULT_BANDS[:4], PowerBand(900, 60))))  # not rising
    with pytest.raises(ValidationError):
        validate(Policy(PolicyKind.TOU, tou=(TouPeriod(60, 10),)))  # does not start at midnight
    with pytest.raises(ValidationError):
        validate(Policy(PolicyKind.PER_ENERGY, fen_per_kwh=0))


# -- properties ----------------------------------------------------------------------------------------
starts = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC))
durations = st.integers(min_value=0, max_value=3 * 24 * 3600)
energies = st.integers(min_value=0, max_value=60_000)
tou_tables = st.lists(st.tuples(st.integers(1, 1439), st.integers(0, 300)), max_size=8, unique_by=lambda x: x[0]).map(
    lambda xs: (TouPeriod(0, 50, "0"), *(TouPeriod(m, p, str(m)) for m, p in sorted(xs))))


@settings(max_examples=300, deadline=None)
@given(start=starts, seconds=durations, wh=energies, periods=tou_tables)
def test_tou_pieces_cover_the_session_once_and_each_lies_in_one_period(start: datetime, seconds: int, wh: int,
                                                                         periods: tuple[TouPeriod, ...]) -> None:
    end = start + timedelta(seconds=seconds)
    pieces = split_tou(periods, Usage(start, end, wh), SH)
    assert pieces[0][0] == start and pieces[-1][1] == end
    assert all(a[1] == b[0] for a, b in pairwise(pieces))  # contiguous
    assert sum(p[3] for p in pieces) == wh  # every Wh attributed exactly once
    for a, b, period, _wh in pieces:
        if b > a:
            assert period_at(periods, a + (b - a) / 2, SH) == period


@settings(max_examples=300, deadline=None)
@given(start=starts, seconds=durations, wh=energies, price=st.integers(0, 300), cut=st.integers(1, 1439))
def test_a_boundary_between_equal_prices_changes_nothing(start: datetime, seconds: int, wh: int, price: int,
                                                         cut: int) -> None:
    """Rounded once on the total: a split with the same price on both sides costs exactly the unsplit price."""
    flat = Policy(PolicyKind.PER_ENERGY, fen_per_kwh=max(price, 1))
    split = Policy(PolicyKind.TOU, tou=(TouPeriod(0, max(price, 1), "a"), TouPeriod(cut, max(price, 1), "b")))
    u = Usage(start, start + timedelta(seconds=seconds), wh)
    assert quote(split, u, SH).total_fen == quote(flat, u, SH).total_fen


@settings(max_examples=300, deadline=None)
@given(start=starts, seconds=durations, wh=energies, periods=tou_tables)
def test_tou_price_lies_between_the_cheapest_and_dearest_period(start: datetime, seconds: int, wh: int,
                                                               periods: tuple[TouPeriod, ...]) -> None:
    q = quote(Policy(PolicyKind.TOU, tou=periods), Usage(start, start + timedelta(seconds=seconds), wh), SH)
    lo, hi = min(p.fen_per_kwh for p in periods), max(p.fen_per_kwh for p in periods)
    assert Fraction(wh * lo, 1000) <= q.exact_fen <= Fraction(wh * hi, 1000)
    assert abs(q.total_fen - q.exact_fen) <= Fraction(1, 2)


@settings(max_examples=200, deadline=None)
@given(band=st.integers(0, 4), minutes=st.integers(0, 720))
def test_band_edges_belong_to_the_lower_band(band: int, minutes: int) -> None:
    edge = DEFAULT_BANDS[band].max_w
    at = quote(TIERED, Usage(T0, T0, 1, peak_power_w=edge, minutes=minutes))
    assert at.lines[0].rate == DEFAULT_BANDS[band].min_per_yuan
    above = quote(TIERED, Usage(T0, T0, 1, peak_power_w=edge + 1, minutes=minutes))
    if band + 1 < len(DEFAULT_BANDS):
        assert above.lines[0].rate == DEFAULT_BANDS[band + 1].min_per_yuan
        assert above.total_fen >= at.total_fen  # more power never costs less per minute
    else:
        assert above.total_fen == 0 and above.note  # over every band: the pile refuses the load


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(0, 5000), power=st.integers(0, 2000), fee=st.integers(10, 500), cap=st.integers(30, 1440))
def test_the_console_grants_the_same_minutes_as_the_pile(amount: int, power: int, fee: int, cap: int) -> None:
    """minutes_for agrees with the pile's own PileConfig.minutes_for at every power and amount."""
    policy = validate(Policy(PolicyKind.POWER_TIERED, bands=DEFAULT_BANDS, coin_fee_fen=fee, max_session_min=cap))
    cfg = apply_to_config(policy, PileConfig())
    assert minutes_for(policy, amount, power) == cfg.minutes_for(amount, power)
    assert minutes_for(policy, amount + fee, power) >= minutes_for(policy, amount, power)


paid_policies = st.sampled_from([
    TIERED, TOU, Policy(PolicyKind.PER_TIME, fen_per_hour=60), Policy(PolicyKind.PER_ENERGY, fen_per_kwh=100),
])


@settings(max_examples=300, deadline=None)
@given(policy=paid_policies, minimum=st.integers(0, 500), start=starts, seconds=durations, wh=energies,
       power=st.integers(0, 1500), minutes=st.integers(0, 720))
def test_minimum_charge(policy: Policy, minimum: int, start: datetime, seconds: int, wh: int, power: int,
                        minutes: int) -> None:
    u = Usage(start, start + timedelta(seconds=seconds), wh, peak_power_w=power, minutes=minutes)
    plain = quote(policy, u, SH)
    with_min = quote(replace(policy, minimum_fen=minimum), u, SH)
    if plain.note:  # a load over every band is refused by the pile: nothing to charge, minimum or not
        assert with_min.total_fen == plain.total_fen == 0
    elif wh > 0 or minutes > 0:
        assert with_min.total_fen == max(plain.total_fen, minimum)
        assert with_min.minimum_applied == (plain.total_fen < minimum)
    else:
        assert with_min.total_fen == plain.total_fen == 0  # nothing delivered: nothing to pay, not even the minimum


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from([PolicyKind.FREE, PolicyKind.MONTHLY]), minimum=st.integers(0, 500), start=starts,
       seconds=durations, wh=energies, power=st.integers(0, 5000))
def test_free_and_monthly_cost_nothing(kind: PolicyKind, minimum: int, start: datetime, seconds: int, wh: int,
                                       power: int) -> None:
    q = quote(Policy(kind, minimum_fen=minimum, fen_per_kwh=99, bands=DEFAULT_BANDS),
              Usage(start, start + timedelta(seconds=seconds), wh, peak_power_w=power), SH)
    assert q.total_fen == 0 and q.lines == ()


@given(policy=paid_policies, minimum=st.integers(0, 500))
def test_json_round_trip(policy: Policy, minimum: int) -> None:
    p = replace(policy, minimum_fen=minimum)
    assert from_json(to_json(p)) == p


# -- versions, assignments, the pile part ---------------------------------------------------------------
def test_the_version_in_force_is_the_latest_that_started() -> None:
    v1, v2, v3 = (Version(n, T0 + timedelta(days=d), TIERED) for n, d in ((1, 0), (2, 10), (3, 20)))
    assert version_at([v3, v1, v2], T0 - timedelta(seconds=1)) is None
    assert version_at([v3, v1, v2], T0 + timedelta(days=10)) == v2
    assert version_at([v3, v1, v2], T0 + timedelta(days=99)) == v3


ids = st.sampled_from([uuid.UUID(int=i) for i in range(1, 4)])
opt_ids = st.none() | ids


@settings(max_examples=300, deadline=None)
@given(assignments=st.lists(st.builds(Assignment, tariff_id=st.uuids(), station_id=opt_ids, pile_id=opt_ids,
                                      group_id=opt_ids), max_size=8),
       station=ids, pile=ids, group=opt_ids)
def test_the_most_specific_matching_assignment_wins(assignments: list[Assignment], station: uuid.UUID,
                                                    pile: uuid.UUID, group: uuid.UUID | None) -> None:
    won = resolve(assignments, station_id=station, pile_id=pile, group_id=group)
    matching = [a for a in assignments if a.matches(station, pile, group)]
    if not matching:
        assert won is None
        return
    assert won is not None and won in matching
    assert all(a.specificity <= won.specificity for a in matching)
    if any(a.group_id is not None for a in matching):
        assert won.group_id == group  # a group's own tariff beats any place's


@settings(max_examples=100, deadline=None)
@given(fee=st.integers(10, 1000), cap=st.integers(1, 1440), free=st.booleans(),
       night=st.booleans(), temp=st.integers(300, 900))
def test_the_pile_part_changes_only_tariff_fields(fee: int, cap: int, free: bool, night: bool, temp: int) -> None:
    before = PileConfig(over_temp_dc=temp, mode=ModeFlags(night_cutoff=night))
    policy = validate(Policy(PolicyKind.FREE if free else PolicyKind.POWER_TIERED, bands=DEFAULT_BANDS,
                             coin_fee_fen=fee, swipe_fee_fen=fee, max_session_min=cap))
    after = apply_to_config(policy, before)
    assert only_tariff_changed(before, after) and pile_matches(policy, after)
    assert after.over_temp_dc == temp and after.mode.night_cutoff == night and after.mode.free_mode == free
    assert not only_tariff_changed(before, replace(after, over_temp_dc=temp + 1))
