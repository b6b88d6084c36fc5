"""Sessions on one simulated pile: payment, tiers, auto-stops and the protections of M2."""

from __future__ import annotations

from dataclasses import replace

import pytest

from comm.pile.messages import (
    CommandCode,
    CommandResult,
    ModeFlags,
    Payment,
    PileConfig,
    PileFault,
    PortFault,
    PortState,
    StopReason,
)
from comm.sim.cards import CardKind
from comm.sim.pile_model import SwipeResult
from comm.sim.vehicles import charge_time_s, short_circuit

from .conftest import T0, cmd, ebike, heater, owed, trike


@pytest.mark.parametrize(
    ("rated", "tier", "minutes"),
    [(150.0, 1, 240), (250.0, 2, 180), (600.0, 3, 120), (900.0, 4, 90), (1400.0, 5, 60)],
)
def test_power_tier_decides_minutes_per_coin(make_pile, rated, tier, minutes):
    pile = make_pile()
    pile.plug(1, trike(rated) if rated > 400 else ebike(rated), T0)
    assert pile.insert_coins(1, 1, T0) == 1
    assert pile.port(1).state is PortState.STARTING
    pile.advance(T0 + 4)
    assert pile.port(1).state is PortState.STARTING  # still measuring the load
    pile.advance(T0 + 6)
    live = pile.port(1)
    assert live.state is PortState.CHARGING
    assert live.remaining_min == minutes
    assert live.payment is Payment.COIN
    assert pile.session(1).tier == tier


def test_coins_add_time_and_cap_at_max_session(make_pile):
    pile = make_pile(PileConfig(max_session_min=600))
    pile.plug(1, ebike(250), T0)
    pile.insert_coins(1, 1, T0)
    pile.advance(T0 + 5)
    assert pile.port(1).remaining_min == 180
    assert pile.insert_coins(1, 2, T0 + 65) == 2  # 1 min used, 3 coins at tier 2 buy 540
    assert pile.port(1).remaining_min == 540 - 1
    assert pile.insert_coins(1, 2, T0 + 70) == 1  # the 4th coin reaches the 600 cap, the 5th drops out
    assert pile.session(1).bought_min == 600
    assert pile.session(1).coin_fen == 400


def test_second_swipe_refunds_unused_part_to_the_card(make_pile, cards):
    pile = make_pile()
    pile.plug(1, ebike(250), T0)
    assert pile.swipe_card(1, 1001, T0) is SwipeResult.STARTED
    assert cards.balance(1001) == 900
    pile.advance(T0 + 5 + 3600)  # one hour of the 180 bought
    assert pile.swipe_card(1, 1001, T0 + 5 + 3600) is SwipeResult.REFUNDED
    # 100 fen × 120/180 = 66.67 → 66 (rounded down)
    assert cards.balance(1001) == 966
    [rec] = pile.record_window()
    assert (rec.stop_reason, rec.amount_fen, rec.refund_fen, rec.card_no) == (StopReason.CARD_REFUND, 100, 66, 1001)
    assert (rec.minutes_bought, rec.minutes_used, rec.tier) == (180, 60, 2)
    assert pile.port(1).state is PortState.IDLE


def test_swipe_without_refund_mode_adds_time_and_other_cards_are_busy(make_pile, cards):
    pile = make_pile(PileConfig(mode=ModeFlags(refund_on_swipe=False)))
    pile.plug(1, ebike(250), T0)
    pile.swipe_card(1, 1001, T0)
    pile.advance(T0 + 5)
    assert pile.swipe_card(1, 1001, T0 + 5) is SwipeResult.ADDED
    assert pile.port(1).remaining_min == 360
    assert cards.balance(1001) == 800
    assert pile.swipe_card(1, 1002, T0 + 6) is SwipeResult.BUSY
    assert pile.swipe_card(2, 1002, T0 + 6) is SwipeResult.INSUFFICIENT  # 50 fen < 100
    assert pile.swipe_card(2, 4242, T0 + 6) is SwipeResult.UNKNOWN_CARD
    cards.set_blacklisted(1002)
    assert pile.swipe_card(2, 1002, T0 + 6) is SwipeResult.BLACKLISTED
    assert cards.balance(1002) == 50


def test_monthly_card_and_free_mode(make_pile, cards):
    cards.add(2001, kind=CardKind.MONTHLY, monthly_until=T0 + 86400)
    cards.add(2002, kind=CardKind.MONTHLY, monthly_until=T0 - 1)
    pile = make_pile(PileConfig(mode=ModeFlags(free_mode=True), max_session_min=480, free_min=120))
    pile.plug(1, ebike(), T0)
    pile.plug(2, ebike(), T0)
    assert pile.swipe_card(1, 2001, T0) is SwipeResult.STARTED
    assert pile.swipe_card(3, 2002, T0) is SwipeResult.EXPIRED
    assert pile.press_free(2, T0) is True
    assert pile.press_free(2, T0) is False  # already running
    pile.advance(T0 + 5)
    one, two = pile.port(1), pile.port(2)
    assert (one.payment, one.remaining_min) == (Payment.MONTHLY, 480)
    assert (two.payment, two.remaining_min) == (Payment.FREE, 120)
    assert pile.insert_coins(2, 1, T0 + 6) == 0  # nothing to buy on a free session
    assert pile.status(T0).flags.free_mode
    pile.swipe_card(1, 2001, T0 + 600)
    rec = pile.ring.by_session(one.session_id)
    assert (rec.payment, rec.amount_fen, rec.refund_fen, rec.tier) == (Payment.MONTHLY, 0, 0, 0)
    off = make_pile(PileConfig(mode=ModeFlags(monthly_card=False)))
    assert off.swipe_card(1, 2001, T0) is SwipeResult.MONTHLY_OFF
    assert off.press_free(1, T0) is False


def test_unplug_stops_after_30_seconds(make_pile):
    pile = make_pile()
    pile.plug(1, ebike(), T0)
    pile.insert_coins(1, 1, T0)
    pile.advance(T0 + 600)
    pile.unplug(1, T0 + 600)
    pile.advance(T0 + 629)
    assert pile.port(1).state is PortState.CHARGING
    assert pile.port(1).power_w == 0
    pile.advance(T0 + 631)
    live = pile.port(1)
    assert (live.state, live.stop_reason) == (PortState.IDLE, StopReason.UNPLUGGED)
    rec = pile.ring.by_session(live.session_id)
    assert rec.end_time == T0 + 630
    assert rec.stop_reason is StopReason.UNPLUGGED


def test_full_stops_after_full_stop_min_and_clears_billing_time(make_pile):
    pile = make_pile(PileConfig(full_stop_min=10, max_session_min=720))
    pile.plug(1, ebike(200, need=300, float_w=8), T0)
    pile.insert_coins(1, 3, T0)  # 720 minutes, far more than needed
    t = T0
    while pile.port(1).power_w > 30:  # watch the taper like the console would
        t += 10
        pile.advance(t)
    assert abs((t - T0) - charge_time_s(ebike(200, need=300, float_w=8), full_below_w=30)) < 60
    pile.advance(t + 599)
    assert pile.port(1).state is PortState.CHARGING
    pile.advance(t + 601)
    live = pile.port(1)
    assert (live.state, live.stop_reason, live.remaining_min) == (PortState.IDLE, StopReason.FULL, 0)
    rec = pile.ring.by_session(live.session_id)
    assert rec.stop_reason is StopReason.FULL
    assert rec.end_time == round(t + 600)
    assert rec.minutes_used < rec.minutes_bought == 720
    assert 285 <= rec.energy_wh <= 305  # the taper ends at the need; full is declared a little before


def test_time_up(make_pile):
    pile = make_pile(PileConfig(coin_fee_fen=10))  # 10 fen at tier 2 buys 18 minutes
    pile.plug(1, ebike(250, need=2000), T0)
    pile.insert_coins(1, 1, T0)
    pile.advance(T0 + 5 + 18 * 60 - 1)
    assert pile.port(1).state is PortState.CHARGING
    pile.advance(T0 + 5 + 18 * 60 + 1)
    rec = pile.ring.by_session(pile.port(1).session_id)
    assert (rec.stop_reason, rec.minutes_used, rec.energy_wh) == (StopReason.TIME_UP, 18, 75)


def test_no_load_stops_after_60_seconds_and_gives_the_card_back(make_pile, cards):
    pile = make_pile()
    pile.swipe_card(1, 1001, T0)
    pile.advance(T0 + 59)
    assert pile.port(1).state is PortState.STARTING
    pile.advance(T0 + 61)
    assert pile.port(1).stop_reason is StopReason.NO_LOAD
    assert cards.balance(1001) + owed(cards, 1001) == 1000
    assert pile.record_window()[0].refund_fen == 100


def test_overload_is_refused_without_charge(make_pile, cards):
    pile = make_pile()
    pile.plug(1, heater(2000), T0)
    assert pile.swipe_card(1, 1001, T0) is SwipeResult.STARTED
    live = pile.port(1)
    assert (live.state, live.stop_reason, live.fault) == (PortState.IDLE, StopReason.OVERLOAD, PortFault.NONE)
    assert cards.balance(1001) == 1000
    rec = pile.record_window()[0]
    assert (rec.energy_wh, rec.refund_fen, rec.peak_power_w) == (0, 100, 0)
    # above every power tier but under the port limit: refused after measuring
    wide = make_pile(PileConfig(max_port_power_w=2500))
    wide.plug(1, heater(1800), T0)
    wide.insert_coins(1, 1, T0)
    wide.advance(T0 + 6)
    assert wide.port(1).stop_reason is StopReason.OVERLOAD
    assert wide.record_window()[0].peak_power_w == 1800


def test_short_circuit_latches_until_clear_fault(make_pile):
    pile = make_pile()
    pile.plug(1, ebike(), T0)
    pile.insert_coins(1, 1, T0)
    pile.advance(T0 + 60)
    pile.inject_short(1, T0 + 60)
    live = pile.port(1)
    assert (live.state, live.fault) == (PortState.FAULT, PortFault.SHORT_CIRCUIT)
    assert live.stop_reason is StopReason.SHORT_CIRCUIT
    pile.advance(T0 + 3600)
    assert pile.port(1).state is PortState.FAULT
    assert pile.insert_coins(1, 1, T0 + 3600) == 0
    assert pile.execute(cmd(CommandCode.START_PORT, port=1, minutes=60, seq=5), T0 + 3600) is CommandResult.PORT_FAULT
    assert pile.execute(cmd(CommandCode.CLEAR_FAULT, port=1, seq=6), T0 + 3601) is CommandResult.OK
    assert pile.port(1).state is PortState.IDLE
    # a shorted charger plugged into a running port trips on its own
    pile.unplug(1, T0 + 3602)
    pile.plug(1, short_circuit(), T0 + 3602)
    pile.insert_coins(1, 1, T0 + 3603)
    assert pile.port(1).fault is PortFault.SHORT_CIRCUIT


def test_self_test_port_faults_stop_with_port_fault(make_pile):
    pile = make_pile()
    pile.plug(2, ebike(), T0)
    pile.insert_coins(2, 1, T0)
    pile.inject_port_fault(2, PortFault.LINE_FAULT, T0 + 30)
    live = pile.port(2)
    assert (live.state, live.fault, live.stop_reason) == (PortState.FAULT, PortFault.LINE_FAULT, StopReason.PORT_FAULT)
    assert pile.execute(cmd(CommandCode.CLEAR_FAULT, port=2), T0 + 40) is CommandResult.OK
    assert pile.port(2).state is PortState.IDLE


def test_over_temperature_stops_all_and_recovers_with_hysteresis(make_pile):
    pile = make_pile(PileConfig(over_temp_dc=700))
    for n in (1, 2, 3):
        pile.plug(n, ebike(300, need=5000), T0)
        pile.insert_coins(n, 3, T0)
    pile.set_ambient(700)  # a heat wave around the cabinet
    t = T0
    while not pile.status(t).flags.over_temp:
        t += 60
        pile.advance(t)
        assert t < T0 + 4 * 3600
    st = pile.status(t)
    assert st.pile_fault is PileFault.OVER_TEMP and 700 <= st.temperature_dc < 710
    assert all(pile.port(n).stop_reason is StopReason.OVER_TEMP for n in (1, 2, 3))
    assert pile.insert_coins(4, 1, t) == 0
    pile.set_ambient(250)
    while pile.status(t).flags.over_temp:
        assert pile.status(t).temperature_dc > 600  # still cooling down: no restart
        t += 30
        pile.advance(t)
    assert pile.status(t).temperature_dc <= 600
    assert pile.insert_coins(4, 1, t) == 1


def test_smoke_stops_everything_and_latches(make_pile):
    pile = make_pile()
    pile.plug(1, ebike(), T0)
    pile.insert_coins(1, 1, T0)
    pile.set_smoke(200, T0 + 60)
    st = pile.status(T0 + 60)
    assert st.flags.smoke_alarm and st.pile_fault is PileFault.SMOKE
    assert pile.port(1).stop_reason is StopReason.SMOKE
    assert pile.execute(cmd(CommandCode.CLEAR_FAULT, port=0, seq=1), T0 + 61) is CommandResult.REFUSED
    pile.set_smoke(0, T0 + 120)
    assert pile.status(T0 + 120).flags.smoke_alarm  # latched
    assert pile.insert_coins(1, 1, T0 + 120) == 0
    assert pile.execute(cmd(CommandCode.CLEAR_FAULT, port=0, seq=2), T0 + 121) is CommandResult.OK
    assert pile.status(T0 + 121).pile_fault is PileFault.NONE
    no_detector = make_pile(PileConfig(mode=ModeFlags(smoke_detector=False)))
    no_detector.set_smoke(900, T0)
    assert not no_detector.status(T0).flags.smoke_alarm


def test_door_open_is_reported_not_enforced(make_pile):
    pile = make_pile()
    pile.open_door(True)
    st = pile.status(T0)
    assert st.flags.door_open and st.pile_fault is PileFault.DOOR_OPEN
    assert pile.insert_coins(1, 1, T0) == 1


def test_voltage_and_current_are_plausible(make_pile):
    pile = make_pile()
    for n in range(1, 11):
        pile.plug(n, ebike(300, need=5000), T0)
        pile.insert_coins(n, 1, T0)
    pile.advance(T0 + 60)
    st = pile.status(T0 + 60)
    assert st.total_power_w == 3000
    assert 2150 <= st.mains_voltage_dv <= 2300
    live = pile.port(1)
    assert live.voltage_dv == st.mains_voltage_dv
    assert live.current_ca == round(300 / (live.voltage_dv / 10 * 0.95) * 100)
    assert st.charging_mask == 0x3FF


def test_pile_power_limit_refuses_new_starts(make_pile):
    pile = make_pile(PileConfig(max_pile_power_w=1500))
    pile.plug(1, trike(900), T0)
    pile.plug(2, trike(800), T0)
    pile.insert_coins(1, 1, T0)
    pile.insert_coins(2, 1, T0)
    pile.advance(T0 + 10)
    st = pile.status(T0 + 10)
    assert st.flags.pile_overload and st.total_power_w == 1700
    assert pile.execute(cmd(CommandCode.START_PORT, port=3, minutes=30), T0 + 10) is CommandResult.REFUSED
    assert pile.insert_coins(3, 1, T0 + 10) == 0
    pile.execute(cmd(CommandCode.STOP_PORT, port=2), T0 + 20)
    assert not pile.status(T0 + 20).flags.pile_overload
    assert pile.execute(cmd(CommandCode.START_PORT, port=3, minutes=30), T0 + 20) is CommandResult.OK


def test_config_applies_to_new_sessions_and_flags_at_once(make_pile):
    pile = make_pile()
    pile.plug(1, ebike(250), T0)
    pile.insert_coins(1, 1, T0)
    pile.advance(T0 + 10)
    rev = pile.config_revision
    slow = PileConfig(tiers=tuple(replace(t, min_per_yuan=t.min_per_yuan // 2) for t in PileConfig().tiers),
                      mode=ModeFlags(free_mode=True))
    pile.apply_config(slow)
    assert pile.config_revision == rev + 1
    assert pile.status(T0 + 10).flags.free_mode
    assert pile.port(1).remaining_min == 180  # the running session keeps the tiers it started with
    pile.plug(2, ebike(250), T0 + 10)
    pile.insert_coins(2, 1, T0 + 10)
    pile.advance(T0 + 20)
    assert pile.port(2).remaining_min == 90
    pile.apply_config(replace(slow, mode=ModeFlags(night_cutoff=True), night_start_min=0, night_end_min=1439))
    assert pile.port(1).stop_reason is StopReason.NIGHT_CUTOFF  # at once, not at the next tick
