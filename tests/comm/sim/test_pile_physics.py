"""Integration: a fast-forward equals small ticks, energy is conserved, charge curves are sane."""

from __future__ import annotations

import random

import pytest

from comm.pile.messages import Payment, PileConfig, StopReason
from comm.sim.cards import CardBook
from comm.sim.pile_model import SimPile
from comm.sim.vehicles import VehicleKind, charge_time_s, random_vehicle

from .conftest import T0, ebike, trike


def _scenario(step_s: float) -> SimPile:
    """The same evening on one pile, advanced in steps of `step_s` (an 8 h jump for 8 h)."""
    cards = CardBook()
    cards.add(1001, 10_000)
    pile = SimPile(code="P", serial="S", unit_id=1, rng=random.Random(3), now=T0, cards=cards,
                   config=PileConfig(coin_fee_fen=50))
    pile.plug(1, ebike(250, need=600), T0)
    pile.plug(2, ebike(180, need=400, float_w=6), T0)
    pile.plug(3, trike(1000, need=2500), T0)
    pile.insert_coins(1, 4, T0)
    pile.swipe_card(2, 1001, T0)
    pile.insert_coins(3, 1, T0)  # 50 fen at tier 4: 45 minutes → TIME_UP
    t, end = T0, T0 + 8 * 3600
    while t < end:
        t = min(end, t + step_s)
        pile.advance(t)
    return pile


def test_one_big_jump_equals_many_small_ticks():
    fine, coarse = _scenario(2.0), _scenario(8 * 3600)
    # Records are numbered in write order, which sub-stepping may not reproduce for near-simultaneous
    # stops; compare them session by session.
    a = sorted(fine.ring.records(), key=lambda r: r.session_id)
    b = sorted(coarse.ring.records(), key=lambda r: r.session_id)
    assert [r.stop_reason for r in a] == [r.stop_reason for r in b] == [
        StopReason.FULL, StopReason.FULL, StopReason.TIME_UP]
    for x, y in zip(a, b, strict=True):
        assert abs(x.energy_wh - y.energy_wh) <= max(2, 0.01 * x.energy_wh)
        assert abs(x.end_time - y.end_time) <= 10
        assert (x.minutes_bought, x.tier, x.amount_fen) == (y.minutes_bought, y.tier, y.amount_fen)
    assert abs(fine.meter_wh - coarse.meter_wh) <= 5
    assert abs(fine.temp_c - coarse.temp_c) < 0.2
    assert a[2].end_time == T0 + 5 + 45 * 60  # the time-up lands on the second, whatever the step


def test_meter_equals_the_sum_of_session_energies():
    pile = _scenario(37.0)
    recs = pile.ring.records()
    assert abs(pile.meter_wh - sum(r.energy_wh for r in recs)) <= len(recs)
    assert pile.status(T0 + 8 * 3600).meter_wh == int(pile.meter_wh)
    # and with sessions still running, counted live on the ports
    live = _scenario(60.0)
    live.plug(4, trike(800, need=4000), T0 + 8 * 3600)
    live.insert_coins(4, 2, T0 + 8 * 3600)
    live.advance(T0 + 9 * 3600)
    total = sum(r.energy_wh for r in live.ring.records()) + sum(
        p.session.energy_wh for p in live.ports if p.session is not None)
    assert abs(live.meter_wh - total) <= len(live.ring.records()) + 1


def test_seeded_session_looks_mid_charge_and_pays_like_a_swipe():
    cards = CardBook()
    cards.add(7, 500)
    pile = SimPile(code="P", serial="S", unit_id=1, rng=random.Random(1), now=T0, cards=cards)
    assert pile.seed_session(1, ebike(250, need=800), T0, payment=Payment.CARD, card_no=7, elapsed_s=3600)
    live = pile.port(1)
    assert (live.payment, live.elapsed_min, live.remaining_min, live.energy_wh) == (Payment.CARD, 60, 120, 250)
    assert cards.balance(7) == 400
    assert pile.status(T0).meter_wh == 250
    assert pile.ring.by_session(live.session_id) is None and pile.ring.newest == 0  # running: no record yet


@pytest.mark.parametrize("kind", list(VehicleKind))
def test_random_vehicles_follow_their_class(kind):
    rng = random.Random(11)
    for _ in range(50):
        v = random_vehicle(kind, rng)
        if kind is VehicleKind.EBIKE:
            assert 100 <= v.rated_w <= 350 and 300 <= v.need_wh <= 1000 and v.battery_v == 48
        elif kind is VehicleKind.TRICYCLE:
            assert 500 <= v.rated_w <= 1400 and 1000 <= v.need_wh <= 4000 and v.battery_v == 60
        elif kind is VehicleKind.MISUSE:
            assert 1800 <= v.rated_w <= 2500 and v.power_w(50_000) == v.rated_w
        else:
            assert v.short and v.power_w(0) > 3500
        if kind in (VehicleKind.EBIKE, VehicleKind.TRICYCLE):
            assert 3 < v.power_w(v.need_wh) <= 20  # float: above unplug, below full detection
            assert v.power_w(0.5 * v.need_wh) == v.rated_w
            assert v.power_w(0.9 * v.need_wh) < v.rated_w
            assert 0.6 * 3600 < charge_time_s(v) < 16 * 3600
