"""Residents, the arrival process and the whole simulated community."""

from __future__ import annotations

import random

import pytest

from comm.pile.messages import Payment, PileFault, PortFault, PortState
from comm.sim.community import Community, Fault
from comm.sim.config import load_config
from comm.sim.residents import ArrivalProcess, initial_occupancy, local_hour, make_residents

from .conftest import T0

EVENING = T0 - 5 * 3600  # 18:06:40 local (UTC+8)


@pytest.fixture(scope="module")
def cfg():
    return load_config()


def test_residents_are_seeded_and_plausible(cfg):
    station = cfg.stations[0]
    a = make_residents(station, 80, random.Random(5), card_base=10_000_000)
    b = make_residents(station, 80, random.Random(5), card_base=10_000_000)
    assert a == b
    assert len({r.rid for r in a}) == 80
    r = a[0]
    assert 2 <= len(r.name) <= 3 and "号楼" in r.home and len(r.phone) == 11 and "****" in r.phone
    cards = [r.card_no for r in a if r.card_no]
    assert len(set(cards)) == len(cards) and all(c >= 10_000_000 for c in cards)
    kinds = {r.vehicle.kind.value for r in a}
    assert "ebike" in kinds


def test_arrivals_peak_in_the_evening_and_most_evening_bikes_stay_overnight(cfg):
    station = cfg.stations[0]
    people = make_residents(station, 400, random.Random(1), card_base=1)
    process = ArrivalProcess(station, people)
    day0 = T0 - (T0 + 8 * 3600) % 86400  # local midnight
    arrivals = list(process.arrivals(day0, day0 + 7 * 86400, random.Random(2)))
    assert [a.time for a in arrivals] == sorted(a.time for a in arrivals)
    per_day = len(arrivals) / 7
    assert 0.45 * 400 < per_day < 0.65 * 400
    hours = [int(local_hour(a.time, 480)) for a in arrivals]
    evening = sum(1 for h in hours if 18 <= h < 22) / len(hours)
    night = sum(1 for h in hours if 1 <= h < 5) / len(hours)
    assert evening > 0.4 and night < 0.03
    late = [a for a in arrivals if 19 <= local_hour(a.time, 480) < 22]
    overnight = sum(1 for a in late if local_hour(a.time + a.stay_s, 480) < 10 and a.stay_s > 8 * 3600)
    assert overnight / len(late) > 0.6
    assert {a.payment for a in arrivals} >= {Payment.COIN, Payment.CARD, Payment.MONTHLY}
    trikes = [a for a in arrivals if a.vehicle.kind.value == "trike"]
    assert trikes and all(station.piles and a.port >= 1 for a in trikes)


def test_initial_occupancy_is_about_a_third(cfg):
    station = cfg.stations[0]
    process = ArrivalProcess(station, make_residents(station, 83, random.Random(1), card_base=1))
    seeds = initial_occupancy(process, EVENING, random.Random(3))
    assert 0.3 * 120 <= len(seeds) <= 0.36 * 120
    assert len({(a.pile, a.port) for a, _ in seeds}) == len(seeds)
    assert all(a.time + a.stay_s > EVENING and elapsed > 0 for a, elapsed in seeds)


def test_community_starts_alive_and_runs_a_day(cfg):
    c = Community(cfg, now=EVENING)
    assert len(c.piles) == 72 and len(c.all_residents()) == 500
    busy = c.busy_ports()
    assert 0.28 * 720 <= busy <= 0.36 * 720
    meter0 = sum(p.meter_wh for p in c.piles.values())
    c.advance(EVENING + 24 * 3600)
    st = c.stats
    assert st.started > 150 and st.departures > st.started
    assert set(st.by_payment) >= {"COIN", "CARD", "MONTHLY", "FREE"}
    energy = sum(p.meter_wh for p in c.piles.values()) - meter0
    assert 100_000 < energy < 1_000_000  # 500 residents × 0.55 sessions × ~0.6 kWh ≈ 165 kWh a day
    assert all(b.balance_fen >= 0 for b in c.cards)
    night = [p for p in c.piles.values() if p.config.mode.night_cutoff]
    assert night and any(r.stop_reason.value == "NIGHT_CUTOFF" for p in night for r in p.ring.records())


def test_same_seed_same_evening_whatever_the_tick(cfg):
    a, b = Community(cfg, now=EVENING), Community(cfg, now=EVENING)
    t = EVENING
    while t < EVENING + 2 * 3600:
        t += 30
        a.advance(t)
    b.advance(EVENING + 2 * 3600)
    assert a.stats == b.stats
    for code in ("XC01-P01", "XC04-P12", "XC06-P03"):
        ra = [(r.seq, r.stop_reason, r.port) for r in a.pile(code).ring.records()]
        rb = [(r.seq, r.stop_reason, r.port) for r in b.pile(code).ring.records()]
        assert ra == rb
    assert abs(sum(p.meter_wh for p in a.piles.values()) - sum(p.meter_wh for p in b.piles.values())) < 50


def test_fault_injection_by_pile_code(cfg):
    c = Community(cfg, now=EVENING)
    code = "XC02-P03"
    pile = c.pile(code)
    running = next(n for n in range(1, 11) if pile.session(n) is not None)
    c.inject(code, Fault.SHORT, EVENING + 10, port=running)
    assert pile.port(running).fault is PortFault.SHORT_CIRCUIT
    c.inject(code, "smoke", EVENING + 20)
    assert pile.status(EVENING + 20).pile_fault is PileFault.SMOKE
    assert all(pile.session(n) is None for n in range(1, 11))
    c.inject(code, Fault.POWER_CUT, EVENING + 30)
    assert not pile.powered
    c.inject(code, Fault.POWER_RESTORE, EVENING + 40)
    assert pile.powered
    c.inject("XC03-P01", Fault.OVERLOAD, EVENING + 50, port=2)
    assert c.pile("XC03-P01").port(2).stop_reason.value == "OVERLOAD"
    c.inject("XC03-P01", Fault.LINE_FAULT, EVENING + 55, port=3)
    assert c.pile("XC03-P01").port(3).fault is PortFault.LINE_FAULT
    c.inject("XC03-P01", Fault.DOOR_OPEN, EVENING + 60)
    assert c.pile("XC03-P01").status(EVENING + 60).flags.door_open
    with pytest.raises(KeyError):
        c.inject("NOPE", Fault.SHORT, EVENING + 60)
    with pytest.raises(ValueError):
        c.inject(code, "earthquake", EVENING + 60)
    assert pile.port_state(running) is PortState.FAULT
