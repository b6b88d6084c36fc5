"""Night cut-off, power failure memory, reboot, commands, the record ring and change_counter."""

from __future__ import annotations

import pytest

from comm.pile.messages import (
    CommandCode,
    CommandResult,
    ModeFlags,
    Payment,
    PileConfig,
    PortState,
    StopReason,
)
from comm.sim.pile_physics import in_window
from comm.sim.records import RECORD_CAPACITY

from .conftest import T0, cmd, ebike

MIDNIGHT = T0 - (T0 + 8 * 3600) % 86400 + 86400  # the next local midnight (UTC+8) after T0


def at(hh: int, mm: int = 0) -> float:
    return MIDNIGHT + hh * 3600 + mm * 60


@pytest.mark.parametrize(
    ("minute", "start", "end", "inside"),
    [(0, 0, 300, True), (299, 0, 300, True), (300, 0, 300, False), (1439, 0, 300, False),
     (1380, 1320, 360, True), (120, 1320, 360, True), (360, 1320, 360, False), (1319, 1320, 360, False),
     (500, 600, 600, False)],
)
def test_window_may_wrap_midnight(minute, start, end, inside):
    assert in_window(minute, start, end) is inside


def test_night_cutoff_stops_sessions_and_disables_ports(make_pile):
    cfg = PileConfig(mode=ModeFlags(night_cutoff=True), night_start_min=0, night_end_min=300)
    pile = make_pile(cfg, now=at(-1))  # 23:00
    pile.plug(1, ebike(need=3000), at(-1))
    assert pile.insert_coins(1, 2, at(-1)) == 2
    pile.advance(at(-1, 59))
    assert pile.port(1).state is PortState.CHARGING
    pile.advance(at(0, 0) + 10)
    live = pile.port(1)
    assert (live.state, live.stop_reason) == (PortState.DISABLED, StopReason.NIGHT_CUTOFF)
    assert pile.status(at(0, 1)).flags.night_cutoff
    assert all(pile.port(n).state is PortState.DISABLED for n in range(1, 11))
    assert pile.execute(cmd(CommandCode.START_PORT, port=2, minutes=30, seq=1), at(2)) is CommandResult.REFUSED
    assert pile.insert_coins(2, 1, at(2)) == 0
    pile.advance(at(5) + 10)
    assert pile.port(1).state is PortState.IDLE
    assert pile.insert_coins(2, 1, at(5, 1)) == 1


def test_night_window_across_midnight(make_pile):
    cfg = PileConfig(mode=ModeFlags(night_cutoff=True), night_start_min=22 * 60, night_end_min=6 * 60)
    pile = make_pile(cfg, now=at(-3))  # 21:00
    states = {}
    for label, t in (("21:59", at(-2, -1)), ("23:00", at(-1)), ("03:00", at(3)), ("06:01", at(6, 1))):
        pile.advance(t)
        states[label] = pile.port(1).state
    assert states == {"21:59": PortState.IDLE, "23:00": PortState.DISABLED, "03:00": PortState.DISABLED,
                      "06:01": PortState.IDLE}


def _charging_pile(make_pile, memory: bool):
    pile = make_pile(PileConfig(mode=ModeFlags(power_memory=memory)))
    for n in (1, 2):
        pile.plug(n, ebike(250, need=3000), T0)
        pile.insert_coins(n, 1, T0)
    pile.advance(T0 + 5 + 1800)  # 30 min of 180 used
    return pile


def test_power_cut_with_memory_resumes_remaining_time(make_pile):
    pile = _charging_pile(make_pile, memory=True)
    before = pile.port(1)
    assert before.remaining_min == 150
    boots = pile.identity().boot_count
    pile.power_cut(T0 + 2000)
    assert not pile.powered
    pile.unplug(2, T0 + 3000)  # a resident takes a bike while the power is off
    pile.advance(T0 + 5600)
    assert pile.record_window() == []
    pile.power_restore(T0 + 5605)
    assert pile.identity().boot_count == boots + 1
    assert pile.status(T0 + 5605).uptime_s == 0
    one = pile.port(1)
    assert one.state is PortState.CHARGING
    assert one.session_id == before.session_id
    assert one.remaining_min == 150 - round((2000 - 1805) / 60)  # only powered time counts
    pile.advance(T0 + 5640)
    assert pile.port(2).stop_reason is StopReason.UNPLUGGED
    assert pile.port(1).state is PortState.CHARGING


def test_power_cut_without_memory_writes_power_lost_records(make_pile):
    pile = _charging_pile(make_pile, memory=False)
    pile.power_cut(T0 + 2000)
    pile.power_restore(T0 + 9000)
    recs = pile.record_window()
    assert [r.stop_reason for r in recs] == [StopReason.POWER_LOST] * 2
    assert all(r.end_time == T0 + 2000 for r in recs)
    assert all(r.minutes_used == 33 for r in recs)
    assert pile.port(1).state is PortState.IDLE


def test_reboot_command_is_a_short_power_cut(make_pile):
    pile = _charging_pile(make_pile, memory=True)
    boots = pile.identity().boot_count
    assert pile.execute(cmd(CommandCode.REBOOT, seq=77), T0 + 2000) is CommandResult.OK
    assert pile.last_command == (CommandResult.OK, 77)
    assert pile.identity().boot_count == boots + 1
    assert pile.port(1).state is PortState.CHARGING
    forgetful = _charging_pile(make_pile, memory=False)
    forgetful.execute(cmd(CommandCode.REBOOT, seq=78), T0 + 2000)
    assert [r.stop_reason for r in forgetful.record_window()] == [StopReason.POWER_LOST] * 2


def test_remote_start_stop_and_command_results(make_pile):
    pile = make_pile()
    pile.plug(3, ebike(250), T0)
    start = cmd(CommandCode.START_PORT, port=3, amount_fen=200, seq=10)
    assert pile.execute(start, T0) is CommandResult.OK
    assert pile.last_command == (CommandResult.OK, 10)
    assert pile.execute(start, T0) is CommandResult.PORT_BUSY
    assert pile.execute(cmd(CommandCode.START_PORT, port=11, minutes=5), T0) is CommandResult.BAD_PORT
    assert pile.execute(cmd(CommandCode.START_PORT, port=4), T0) is CommandResult.BAD_ARGUMENT
    assert pile.execute(cmd(CommandCode.START_PORT, port=4, minutes=721), T0) is CommandResult.BAD_ARGUMENT
    pile.advance(T0 + 5)
    assert (pile.port(3).payment, pile.port(3).remaining_min) == (Payment.REMOTE, 360)  # 2 yuan at tier 2
    assert pile.execute(cmd(CommandCode.STOP_PORT, port=4, seq=11), T0 + 60) is CommandResult.NOT_RUNNING
    assert pile.last_command == (CommandResult.NOT_RUNNING, 11)
    assert pile.execute(cmd(CommandCode.STOP_PORT, port=3, seq=12), T0 + 65) is CommandResult.OK
    rec = pile.record_window()[0]
    assert (rec.stop_reason, rec.payment, rec.amount_fen, rec.refund_fen, rec.minutes_used) == (
        StopReason.REMOTE_STOP, Payment.REMOTE, 200, 0, 1)
    # explicit minutes: the console priced it, the tier is only recorded
    pile.execute(cmd(CommandCode.START_PORT, port=3, minutes=45, amount_fen=150), T0 + 70)
    pile.advance(T0 + 80)
    assert pile.port(3).remaining_min == 45
    assert pile.execute(cmd(CommandCode.NONE), T0 + 80) is CommandResult.BAD_ARGUMENT


def test_sync_clock_sets_the_pile_clock(make_pile):
    pile = make_pile(clock_offset_s=-400.0)
    assert pile.status(T0).clock == T0 - 400
    assert pile.execute(cmd(CommandCode.SYNC_CLOCK, arg=int(T0) + 5), T0) is CommandResult.OK
    assert pile.status(T0 + 100).clock == T0 + 105
    pile.power_cut(T0 + 200)
    pile.power_restore(T0 + 300)
    assert pile.status(T0 + 300).clock == T0 + 305  # the RTC runs on its battery


def _quick_session(pile, port: int, t: float) -> int:
    pile.execute(cmd(CommandCode.START_PORT, port=port, minutes=10), t)
    seq = pile.port(port).session_id
    pile.execute(cmd(CommandCode.STOP_PORT, port=port), t)
    return seq


def test_record_seq_is_monotonic_across_power_cuts_and_acks_are_idempotent(make_pile):
    pile = make_pile()
    seqs = [_quick_session(pile, 1, T0 + i) for i in range(3)]
    pile.power_cut(T0 + 10)
    pile.power_restore(T0 + 20)
    pile.execute(cmd(CommandCode.REBOOT), T0 + 21)
    seqs += [_quick_session(pile, 2, T0 + 30 + i) for i in range(4)]
    assert seqs == list(range(1, 8))
    assert [r.seq for r in pile.record_window()] == [1, 2, 3, 4]
    assert pile.execute(cmd(CommandCode.ACK_RECORDS, arg=2), T0 + 40) is CommandResult.OK
    assert [r.seq for r in pile.record_window()] == [3, 4, 5, 6]
    assert pile.execute(cmd(CommandCode.ACK_RECORDS, arg=2), T0 + 41) is CommandResult.OK  # repeated
    assert pile.execute(cmd(CommandCode.ACK_RECORDS, arg=1), T0 + 41) is CommandResult.OK
    assert pile.records_header().acked == 2
    assert pile.execute(cmd(CommandCode.ACK_RECORDS, arg=8), T0 + 42) is CommandResult.BAD_ARGUMENT
    pile.execute(cmd(CommandCode.ACK_RECORDS, arg=7), T0 + 43)
    assert pile.record_window() == []
    h = pile.records_header()
    assert (h.oldest, h.newest, h.acked, h.capacity, h.lost) == (1, 7, 7, RECORD_CAPACITY, 0)
    assert pile.status(T0 + 43).record_acked == 7


def test_records_are_numbered_in_write_order_and_carry_their_session_id(make_pile):
    pile = make_pile()
    pile.execute(cmd(CommandCode.START_PORT, port=1, minutes=10), T0)
    pile.execute(cmd(CommandCode.START_PORT, port=2, minutes=10), T0)
    assert (pile.port(1).session_id, pile.port(2).session_id) == (1, 2)
    pile.execute(cmd(CommandCode.STOP_PORT, port=2), T0 + 1)  # the later session ends first
    assert [(r.seq, r.session_id, r.port) for r in pile.record_window()] == [(1, 2, 2)]
    pile.execute(cmd(CommandCode.ACK_RECORDS, arg=1), T0 + 2)
    assert pile.records_header().acked == 1 and pile.record_window() == []
    pile.execute(cmd(CommandCode.STOP_PORT, port=1), T0 + 3)  # session 1's record is not skipped
    assert [(r.seq, r.session_id, r.port) for r in pile.record_window()] == [(2, 1, 1)]
    pile.execute(cmd(CommandCode.ACK_RECORDS, arg=2), T0 + 4)
    h = pile.records_header()
    assert (h.newest, h.acked) == (2, 2)
    assert pile.port(3).session_id == 0 and pile.execute(cmd(CommandCode.START_PORT, port=3, minutes=5), T0 + 5)
    assert pile.port(3).session_id == 3  # session ids never repeat either


def test_ring_overflow_counts_lost_records(make_pile):
    pile = make_pile()
    for i in range(RECORD_CAPACITY + 44):
        _quick_session(pile, 1 + i % 10, T0 + i)
    h = pile.records_header()
    assert (h.oldest, h.newest, h.acked, h.lost) == (45, 300, 44, 44)
    assert pile.record_window()[0].seq == 45
    pile.execute(cmd(CommandCode.ACK_RECORDS, arg=300), T0 + 400)
    assert pile.records_header().lost == 44 and pile.record_window() == []


def test_change_counter_bumps_on_port_changes(make_pile):
    pile = make_pile()
    c0 = pile.status(T0).change_counter
    pile.plug(1, ebike(), T0)
    assert pile.status(T0).change_counter == c0  # plugging in changes no register state
    pile.insert_coins(1, 1, T0)  # IDLE → STARTING
    c1 = pile.status(T0).change_counter
    assert c1 == c0 + 1
    pile.advance(T0 + 10)  # STARTING → CHARGING
    c2 = pile.status(T0 + 10).change_counter
    assert c2 == c1 + 1
    pile.advance(T0 + 100)
    assert pile.status(T0 + 100).change_counter == c2  # charging along: no change
    pile.inject_short(1, T0 + 100)  # stop + fault
    assert pile.status(T0 + 100).change_counter == c2 + 1
    pile.set_smoke(500, T0 + 110)  # pile fault
    assert pile.status(T0 + 110).change_counter == c2 + 2
