"""Any sequence of resident actions, console commands and faults: never a crash, never an
out-of-range register value, card balances never negative and every fen accounted for."""

from __future__ import annotations

import random
from dataclasses import fields, replace

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from comm.pile.messages import Command, CommandCode, ModeFlags, Payment, PileConfig, PortFault
from comm.sim.cards import CardBook, CardKind
from comm.sim.pile_model import SimPile
from comm.sim.vehicles import VehicleKind, random_vehicle

from .conftest import T0

CARDS = (11, 12, 13, 14)

port_st = st.one_of(st.integers(1, 3), st.integers(1, 10))  # a few ports, so actions meet
busy = st.one_of(  # what makes sessions happen, drawn more often
    st.tuples(st.just("advance"), st.floats(0, 4 * 3600)),
    st.tuples(st.just("plug"), port_st, st.sampled_from([VehicleKind.EBIKE, VehicleKind.TRICYCLE]),
              st.integers(0, 10**6)),
    st.tuples(st.just("coins"), port_st, st.integers(1, 4)),
    st.tuples(st.just("swipe"), port_st, st.sampled_from(CARDS)),
    st.tuples(st.just("smoke"), st.just(0)),
    st.tuples(st.just("restore"),),
    st.tuples(st.just("cmd"), st.just(CommandCode.CLEAR_FAULT), st.integers(0, 3), *[st.just(0)] * 4),
)
rare = st.one_of(
    st.tuples(st.just("advance"), st.floats(0, 4 * 3600)),
    st.tuples(st.just("plug"), port_st, st.sampled_from(list(VehicleKind)), st.integers(0, 10**6)),
    st.tuples(st.just("unplug"), port_st),
    st.tuples(st.just("coins"), port_st, st.integers(0, 12)),
    st.tuples(st.just("swipe"), port_st, st.sampled_from((*CARDS, 99))),
    st.tuples(st.just("free"), port_st),
    st.tuples(st.just("short"), port_st, st.sampled_from(list(PortFault))),
    st.tuples(st.just("smoke"), st.integers(-50, 1200)),
    st.tuples(st.just("ambient"), st.integers(-200, 900)),
    st.tuples(st.just("door"), st.booleans()),
    st.tuples(st.just("cut"),),
    st.tuples(st.just("restore"),),
    st.tuples(st.just("config"), st.integers(0, 63), st.integers(0, 1439), st.integers(0, 1439),
              st.integers(10, 1440)),
    st.tuples(st.just("cmd"), st.sampled_from(list(CommandCode)), st.integers(0, 12), st.integers(0, 1440),
              st.integers(0, 0xFFFF), st.integers(0, 0xFFFFFFFF), st.integers(0, 0xFFFF)),
)
action = st.one_of(busy, busy, rare)

U16_FIELDS = ("voltage_dv", "current_ca", "power_w", "energy_wh", "elapsed_min", "remaining_min")


def _apply(pile: SimPile, a: tuple, t: float, rng: random.Random) -> float:
    kind = a[0]
    if kind == "advance":
        t += a[1]
        pile.advance(t)
    elif kind == "plug":
        pile.plug(a[1], random_vehicle(a[2], random.Random(a[3])), t)
    elif kind == "unplug":
        pile.unplug(a[1], t)
    elif kind == "coins":
        pile.insert_coins(a[1], a[2], t)
    elif kind == "swipe":
        pile.swipe_card(a[1], a[2], t)
    elif kind == "free":
        pile.press_free(a[1], t)
    elif kind == "short":
        pile.inject_port_fault(a[1], a[2], t)
    elif kind == "smoke":
        pile.set_smoke(a[1], t)
    elif kind == "ambient":
        pile.set_ambient(a[1])
    elif kind == "door":
        pile.open_door(a[1])
    elif kind == "cut":
        pile.power_cut(t)
    elif kind == "restore":
        pile.power_restore(t)
    elif kind == "config":
        bits, start, end, cap = a[1:]
        mode = ModeFlags(*[bool(bits >> i & 1) for i in range(len(fields(ModeFlags)))])
        pile.apply_config(replace(pile.config, mode=mode, night_start_min=start, night_end_min=end,
                                  max_session_min=cap))
    else:
        code, port, minutes, amount, arg, seq = a[1:]
        if code is CommandCode.ACK_RECORDS:
            arg = rng.randint(0, pile.records_header().newest + 1)
        pile.execute(Command(code, port, minutes, amount, arg, seq), t)
    return t


def _check(pile: SimPile, t: float, cards: CardBook, start_total: int) -> None:
    st_ = pile.status(t)
    for name in ("temperature_dc",):
        assert -32768 <= getattr(st_, name) <= 32767
    for name in ("smoke_level", "total_power_w", "mains_voltage_dv", "charging_mask", "change_counter"):
        assert 0 <= getattr(st_, name) <= 0xFFFF, name
    for name in ("meter_wh", "clock", "record_newest", "record_acked", "uptime_s"):
        assert 0 <= getattr(st_, name) <= 0xFFFFFFFF, name
    for n in range(1, 11):
        live = pile.port(n)
        for name in U16_FIELDS:
            assert 0 <= getattr(live, name) <= 0xFFFF, name
        assert 0 <= live.session_id <= 0xFFFFFFFF
    assert all(c.balance_fen >= 0 for c in cards)
    assert cards.total_fen() == start_total + sum(e.delta_fen for e in cards.journal if e.reason != "issue")
    recs = pile.ring.records()
    for r in recs:
        assert 0 <= r.refund_fen <= r.amount_fen
        assert r.minutes_used <= r.minutes_bought
    # every fen taken from a card is in a card session, every fen given back is a card record's refund
    debited = -sum(e.delta_fen for e in cards.journal if e.reason == "swipe")
    refunded = sum(e.delta_fen for e in cards.journal if e.reason == "refund")
    card_recs = [r for r in recs if r.payment is Payment.CARD]
    running = sum(p.session.card_fen for p in pile.ports if p.session is not None)
    if len(recs) < pile.ring.capacity:  # nothing overwritten yet: the books must balance exactly
        assert refunded == sum(r.refund_fen for r in card_recs)
        ended_card_fen = debited - running
        assert ended_card_fen >= refunded


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(action, min_size=10, max_size=60), st.integers(0, 2**32))
def test_random_sequences_keep_the_pile_sane(actions, seed):
    cards = CardBook()
    cards.add(11, 1000)
    cards.add(12, 50)
    cards.add(13, kind=CardKind.MONTHLY, monthly_until=T0 + 30 * 86400)
    cards.add(14, 500, blacklisted=True)
    start_total = cards.total_fen()
    pile = SimPile(code="P", serial="S", unit_id=1, rng=random.Random(seed), now=T0, cards=cards,
                   config=PileConfig())
    rng, t = random.Random(seed), T0
    for n, card in ((1, 11), (2, 13)):  # start with two sessions running, so actions meet them
        pile.plug(n, random_vehicle(VehicleKind.EBIKE, rng), t)
        pile.swipe_card(n, card, t)
    pile.insert_coins(3, 2, t)
    for a in actions:
        t = _apply(pile, a, t, rng)
        _check(pile, t, cards, start_total)
    event(f"records: {min(len(pile.ring.records()), 5)}")
