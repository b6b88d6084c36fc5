"""The ordered-charging allocation: the limit, on/off ports, priority, starvation, hysteresis, determinism."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.domain.ordered_capacity import Capacity
from app.domain.ordered_charging import (
    CAR_MAX_A,
    CAR_MIN_A,
    AllocationSettings,
    ChargeRequest,
    Kind,
    Override,
    Reason,
    Status,
    allocate,
    car_setpoint,
    estimate,
)

NOW = 1_750_000_000
PERIOD = 60
ST = AllocationSettings(period_s=PERIOD)


@st.composite
def requests(draw: st.DrawFn, max_size: int = 40) -> list[ChargeRequest]:
    n = draw(st.integers(0, max_size))
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(list(Kind)))
        power = draw(st.integers(100, 400)) if kind is Kind.EBIKE else draw(st.integers(500, 1400)) \
            if kind is Kind.TRIKE else draw(st.integers(1400, 7400))
        declared = draw(st.booleans())
        out.append(ChargeRequest(
            key=f"p{i:03d}", kind=kind, power_w=power, arrived_s=NOW - draw(st.integers(0, 6 * 3600)),
            running=draw(st.booleans()), priority=draw(st.integers(0, 2)),
            departure_s=NOW + draw(st.integers(-600, 12 * 3600)) if declared else None,
            need_wh=draw(st.integers(50, 20_000)) if declared else None,
            delivered_wh=draw(st.integers(0, 2000)),
            paid_min=draw(st.one_of(st.none(), st.integers(30, 720))),
            waited_s=draw(st.integers(0, 4 * 3600)),
            override=draw(st.sampled_from([Override.NONE] * 6 + [Override.RUN, Override.HOLD])),
        ))
    return out


@st.composite
def capacities(draw: st.DrawFn) -> Capacity:
    spare = draw(st.integers(-5000, 60_000))
    falling = draw(st.lists(st.integers(0, 5000), min_size=0, max_size=24))
    forecast = [max(spare, 0)]
    for drop in falling:
        forecast.append(max(forecast[-1] - drop, 0))
    return Capacity(max(spare, 0), Capacity.flat(0).source, None, 100_000, tuple(forecast), 300)


@settings(max_examples=300, deadline=None)
@given(requests(), capacities())
def test_never_above_the_spare_capacity_and_ports_never_throttled(reqs: list[ChargeRequest], cap: Capacity) -> None:
    alloc = allocate(reqs, cap, NOW, ST)
    assert len(alloc.decisions) == len(reqs)
    assert alloc.allocated_w == sum(d.power_w for d in alloc.decisions) <= cap.spare_w
    for r, d in zip(reqs, alloc.decisions, strict=True):
        assert d.key == r.key
        if r.kind.on_off:
            assert d.power_w in (0, r.power_w)  # on/off: all or nothing
            assert d.current_da is None
        elif d.power_w:
            assert CAR_MIN_A * 10 <= d.current_da <= CAR_MAX_A * 10  # type: ignore[operator]
            assert d.power_w <= min(r.power_w, d.current_da * 23)  # type: ignore[operator]
        else:
            assert d.current_da == 0
        assert (d.status is Status.CHARGING) == (d.power_w > 0)
        if r.override is Override.HOLD:
            assert d.status is Status.HELD and d.power_w == 0


@settings(max_examples=150, deadline=None)
@given(requests(), capacities(), st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_the_input_order(reqs: list[ChargeRequest], cap: Capacity,
                                                         rnd: random.Random) -> None:
    first = allocate(reqs, cap, NOW, ST)
    assert allocate(list(reqs), cap, NOW, ST) == first
    shuffled = list(reqs)
    rnd.shuffle(shuffled)
    assert allocate(shuffled, cap, NOW, ST).by_key() == first.by_key()


def _urgent(r: ChargeRequest) -> bool:
    """Must run now to finish in time (a declared vehicle that cannot finish at all is not 'must run')."""
    e = estimate(r, NOW, ST)
    return (e.laxity_s < PERIOD and not (e.laxity_s < 0 and e.declared)) or r.override is Override.RUN


@settings(max_examples=300, deadline=None)
@given(requests(), capacities())
def test_priority_when_capacity_is_short(reqs: list[ChargeRequest], cap: Capacity) -> None:
    """A port that must run now and is left waiting for lack of room never waits for a less important port of
    at least its power (that port's room would have fitted it)."""
    alloc = allocate(reqs, cap, NOW, ST).by_key()
    for h in reqs:
        dh = alloc[h.key]
        if not (h.kind.on_off and _urgent(h) and dh.reason is Reason.NO_CAPACITY and h.override is Override.NONE):
            continue
        for low in reqs:
            if not low.kind.on_off or alloc[low.key].power_w == 0 or low.override is Override.RUN:
                continue
            less_important = low.priority < h.priority or not _urgent(low)
            assert not (less_important and low.power_w >= h.power_w), (h, low)


@given(st.lists(st.integers(0, 2), min_size=2, max_size=30), st.integers(0, 30))
def test_high_priority_first_among_vehicles_that_must_run_now(prios: list[int], room: int) -> None:
    reqs = [ChargeRequest(key=f"p{i:02d}", kind=Kind.EBIKE, power_w=200, arrived_s=NOW - 600, priority=p,
                          need_wh=400, delivered_wh=0, departure_s=NOW + 2 * 3600)  # laxity 0: must run
            for i, p in enumerate(prios)]
    alloc = allocate(reqs, Capacity.flat(room * 200), NOW, ST)
    charging = [r.priority for r, d in zip(reqs, alloc.decisions, strict=True) if d.power_w]
    assert len(charging) == min(room, len(reqs))
    assert sorted(charging, reverse=True) == sorted(prios, reverse=True)[:len(charging)]


def test_waiting_grows_urgency_no_starvation() -> None:
    """A normal user's port waits while high-priority users keep arriving with time to spare; it still runs
    before its (estimated) departure."""
    normal = ChargeRequest(key="normal", kind=Kind.EBIKE, power_w=200, arrived_s=NOW, paid_min=720)
    waiting = [normal]
    started_at = None
    for step in range(0, 12 * 60):
        now = NOW + step * PERIOD
        arrivals = [ChargeRequest(key=f"hi{step:04d}", kind=Kind.EBIKE, power_w=200, arrived_s=now, priority=2,
                                  paid_min=720)]
        present = waiting + arrivals
        alloc = allocate(present, Capacity.flat(200), now, ST)
        run = {d.key for d in alloc.decisions if d.power_w}
        if "normal" in run:
            started_at = now
            break
        # Whoever ran charged for a period and stays until full; the normal port keeps waiting.
        waiting = [replace(r, running=r.key in run, waited_s=r.waited_s + (0 if r.key in run else PERIOD),
                           delivered_wh=r.delivered_wh + (200 * PERIOD // 3600 if r.key in run else 0))
                   for r in present if (r.key in run and r.delivered_wh < 600) or r.key == "normal"]
    assert started_at is not None and started_at > NOW  # it did wait for the first high-priority user
    e = estimate(normal, NOW, ST)
    assert started_at <= e.deadline_s - e.remaining_wh * 3600 // 200  # and still in time to finish


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(100, 400), st.integers(50, 600), st.integers(1, 12)), min_size=1, max_size=25),
       st.integers(400, 3000))
@example([(100, 50, 1)] * 18 + [(100, 50, 12), (100, 113, 1), (100, 239, 1), (201, 226, 1)], 400)  # a finite
# hysteresis once let a vehicle with 21 h to spare take the place of one 7 minutes from done
def test_constant_capacity_no_port_switched_off_before_done(spec: list[tuple[int, int, int]], room: int) -> None:
    """Hysteresis: with a constant capacity and vehicles with time to spare, a port that started runs to the end."""
    reqs = [ChargeRequest(key=f"p{i:02d}", kind=Kind.EBIKE, power_w=p, arrived_s=NOW, need_wh=need,
                          departure_s=NOW + 24 * 3600 + h * 3600) for i, (p, need, h) in enumerate(spec)]
    delivered = {r.key: 0 for r in reqs}
    running: set[str] = set()
    for step in range(2000):
        now = NOW + step * PERIOD
        present = [replace(r, running=r.key in running, delivered_wh=delivered[r.key]) for r in reqs
                   if delivered[r.key] < (r.need_wh or 0)]
        if not present:
            break
        alloc = allocate(present, Capacity.flat(room), now, ST)
        now_running = {d.key for d in alloc.decisions if d.power_w}
        assert not (running - now_running) & {r.key for r in present}, "a running port was switched off"
        for r in present:
            if r.key in now_running:
                delivered[r.key] = min(delivered[r.key] + r.power_w * PERIOD // 3600 + 1, r.need_wh or 0)
        running = now_running
    assert all(delivered[r.key] >= (r.need_wh or 0) for r in reqs if r.power_w <= room)


def test_sheds_within_one_period_when_the_spare_capacity_vanishes() -> None:
    reqs = [ChargeRequest(key=f"p{i}", kind=Kind.EBIKE, power_w=300, arrived_s=NOW, running=True)
            for i in range(5)] + [ChargeRequest(key="car", kind=Kind.CAR, power_w=7000, arrived_s=NOW, running=True)]
    alloc = allocate(reqs, Capacity.flat(0), NOW, ST)
    assert alloc.allocated_w == 0
    assert set(alloc.stopped(reqs)) == {r.key for r in reqs}
    half = allocate(reqs, Capacity.flat(700), NOW, ST)
    assert half.allocated_w <= 700 and len(half.stopped(reqs)) == 4


def test_peak_ahead_defers_a_patient_port_but_not_an_urgent_one() -> None:
    falling = Capacity(2000, Capacity.flat(0).source, None, 10_000, (2000, 1000, 0, 0, 0), 300)
    patient = ChargeRequest(key="a", kind=Kind.EBIKE, power_w=300, arrived_s=NOW, need_wh=600,
                            departure_s=NOW + 12 * 3600)
    urgent = ChargeRequest(key="b", kind=Kind.EBIKE, power_w=300, arrived_s=NOW, need_wh=600,
                           departure_s=NOW + 2 * 3600 + 30)
    alloc = allocate([patient, urgent], falling, NOW, ST).by_key()
    assert alloc["b"].status is Status.CHARGING and alloc["b"].reason is Reason.MUST_RUN
    assert alloc["a"].status is Status.QUEUED and alloc["a"].reason is Reason.PEAK_AHEAD


def test_estimates_from_payment_and_class() -> None:
    r = ChargeRequest(key="a", kind=Kind.EBIKE, power_w=200, arrived_s=NOW - 3600, paid_min=240, delivered_wh=100)
    e = estimate(r, NOW, ST)
    assert e.remaining_wh == min(600, 200 * 4) - 100 and e.deadline_s == NOW - 3600 + 240 * 60
    assert not e.declared
    overdue = estimate(replace(r, paid_min=30), NOW, ST)  # bought 30 min an hour ago and still here
    assert overdue.deadline_s == NOW + ST.overdue_grace_s and overdue.remaining_wh > 0
    car = ChargeRequest(key="c", kind=Kind.CAR, power_w=7000, arrived_s=NOW, soc_pct=40, capacity_wh=60_000,
                        departure_s=NOW + 8 * 3600)
    assert estimate(car, NOW, ST).remaining_wh == 36_000 and estimate(car, NOW, ST).declared


@given(st.integers(0, 10_000), st.integers(-100, 10_000), st.integers(1380, 7400))
def test_car_setpoint(want: int, head: int, max_w: int) -> None:
    r = ChargeRequest(key="c", kind=Kind.CAR, power_w=max_w, arrived_s=NOW)
    power, da = car_setpoint(want, head, r)
    if power:
        assert CAR_MIN_A * 10 <= da <= CAR_MAX_A * 10
        assert power <= max(head, 0) and power <= max_w and power == min(da * 23, max_w)
    else:
        assert da == 0


def test_a_three_phase_car_is_limited_per_phase() -> None:
    r = ChargeRequest(key="c", kind=Kind.CAR, power_w=3 * 32 * 230, arrived_s=NOW, phases=3,
                      min_power_w=3 * CAR_MIN_A * 230)
    power, da = car_setpoint(100_000, 11_000, r)
    assert power == da * 69 <= 11_000 and da == 11_000 // 69  # 15.9 A on each of three phases
    assert car_setpoint(100_000, 3 * 6 * 230 - 1, r) == (0, 0)  # below 6 A per phase: nothing


def test_two_cars_keep_their_shares_as_their_laxities_cross() -> None:
    """Filling the capacity car by car, the full car's laxity grows and the limited one's shrinks: without the
    car hysteresis they swapped currents every period (a charging profile to each car every minute)."""
    spare = Capacity.flat(12_000)
    a = ChargeRequest(key="a", kind=Kind.CAR, power_w=7360, arrived_s=NOW, running=True, delivered_wh=5_000)
    b = ChargeRequest(key="b", kind=Kind.CAR, power_w=7360, arrived_s=NOW, running=True, delivered_wh=4_000)
    first = allocate([a, b], spare, NOW, ST).by_key()
    part = first["a"].power_w
    assert first["b"].power_w == 7360 and 12_000 - 7360 - 23 < part <= 12_000 - 7360  # b needs more: it goes first
    for period in range(1, 30):  # a falls behind minute by minute; the shares stay
        a = replace(a, delivered_wh=a.delivered_wh + part * PERIOD // 3600, allowed_w=part)
        b = replace(b, delivered_wh=b.delivered_wh + 7360 * PERIOD // 3600, allowed_w=7360)
        d = allocate([a, b], spare, NOW + period * PERIOD, ST).by_key()
        assert d["b"].power_w == 7360, period
    no_hysteresis = replace(ST, car_hysteresis_s=0)
    assert allocate([a, b], spare, NOW + 30 * PERIOD, no_hysteresis).by_key()["a"].power_w == 7360  # swapped
