"""Change detection: observations in, the right events out — and nothing twice."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from app.engine.events import (
    AlarmCleared,
    AlarmKey,
    AlarmRaised,
    PileOffline,
    PileOnline,
    PileRebooted,
    PortUpdate,
    Sample,
    SessionEnded,
    SessionStarted,
)
from app.engine.state import PortRef, StateStore
from comm.pile.messages import (
    Payment,
    PileFault,
    PileFlags,
    PileIdentity,
    PileStatus,
    PortFault,
    PortLive,
    PortState,
    StopReason,
)

PILE = uuid.uuid4()
PORTS = {n: uuid.uuid4() for n in range(1, 11)}
T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
IDLE = PortLive(PortState.IDLE, 2200, 0, 0, 0, 0, 0, PortFault.NONE, StopReason.NONE, Payment.NONE, 0)
CHARGING = PortLive(PortState.CHARGING, 2200, 150, 320, 10, 2, 238, PortFault.NONE, StopReason.NONE, Payment.COIN, 41)
STATUS = PileStatus(PileFlags(), 250, 0, 1000, 0, 2200, 0, PileFault.NONE, 0, 0, 0, 0, 10)
IDENT = PileIdentity(1, 10, "ACX10A", "SN1", 1, 2, 0, 1, 7)


def store() -> StateStore:
    s = StateStore(sample_interval_s=10)
    s.add_pile(PILE, [PortRef(pid, n) for n, pid in PORTS.items()])
    return s


def of(events: list[object], kind: type) -> list:  # type: ignore[type-arg]
    return [e for e in events if isinstance(e, kind)]


def test_a_session_starts_once_and_ends_with_the_piles_totals() -> None:
    s = store()
    ev = s.on_ports(PILE, {3: CHARGING}, T0)
    (started,) = of(ev, SessionStarted)
    assert started.number == 3 and started.pile_session_id == 41 and started.payment == "COIN"
    assert started.started_at == T0 - timedelta(minutes=2) and started.minutes_bought == 240
    assert of(ev, PileOnline) and len(of(ev, PortUpdate)) == 1
    # the same session seen again, with more power: no second start
    ev = s.on_ports(PILE, {3: replace(CHARGING, power_w=350, energy_wh=60)}, T0 + timedelta(seconds=1))
    assert not of(ev, SessionStarted) and not of(ev, SessionEnded)
    done = replace(CHARGING, state=PortState.IDLE, power_w=0, energy_wh=75, stop_reason=StopReason.UNPLUGGED)
    ev = s.on_ports(PILE, {3: done}, T0 + timedelta(seconds=2))
    (ended,) = of(ev, SessionEnded)
    assert (ended.energy_wh, ended.max_power_w, ended.stop_reason) == (75, 350, "UNPLUGGED")
    assert not of(s.on_ports(PILE, {3: done}, T0 + timedelta(seconds=3)), SessionEnded)


def test_a_new_session_id_while_still_active_ends_the_old_one_first() -> None:
    s = store()
    s.on_ports(PILE, {1: CHARGING}, T0)
    ev = s.on_ports(PILE, {1: replace(CHARGING, session_id=42, elapsed_min=0)}, T0 + timedelta(minutes=1))
    assert [type(e) for e in ev if isinstance(e, SessionEnded | SessionStarted)] == [SessionEnded, SessionStarted]
    assert of(ev, SessionEnded)[0].stop_reason == "UNKNOWN"


def test_a_session_restored_from_the_database_is_continued_not_restarted() -> None:
    s = store()
    s.restore_session(PILE, 3, 41)
    assert not of(s.on_ports(PILE, {3: CHARGING}, T0), SessionStarted)


def test_port_fault_alarm_raised_once_and_cleared() -> None:
    s = store()
    short = replace(IDLE, state=PortState.FAULT, fault=PortFault.SHORT_CIRCUIT)
    ev = s.on_ports(PILE, {5: short}, T0)
    (raised,) = of(ev, AlarmRaised)
    assert raised.key == AlarmKey(PILE, 5, "port.short_circuit") and raised.severity == "critical"
    assert not of(s.on_ports(PILE, {5: short}, T0), AlarmRaised)
    (cleared,) = of(s.on_ports(PILE, {5: IDLE}, T0), AlarmCleared)
    assert cleared.key == raised.key


def test_pile_flags_and_fault_make_one_alarm_each() -> None:
    s = store()
    smoky = replace(STATUS, flags=PileFlags(mains_present=False, smoke_alarm=True), pile_fault=PileFault.SMOKE)
    ev = s.on_status(PILE, smoky, T0)
    assert sorted(a.key.code for a in of(ev, AlarmRaised)) == ["pile.mains_lost", "pile.smoke"]
    ev = s.on_status(PILE, STATUS, T0)
    assert sorted(a.key.code for a in of(ev, AlarmCleared)) == ["pile.mains_lost", "pile.smoke"]


def test_offline_raises_once_and_coming_back_clears_it() -> None:
    s = store()
    s.on_status(PILE, STATUS, T0)
    ev = s.on_offline(PILE, "no reply", T0)
    assert of(ev, PileOffline) and of(ev, AlarmRaised)[0].key.code == "pile.offline"
    assert s.on_offline(PILE, "no reply", T0) == []
    ev = s.on_status(PILE, STATUS, T0)
    assert of(ev, PileOnline) and of(ev, AlarmCleared)[0].key.code == "pile.offline"


def test_alarms_open_in_the_database_are_cleared_not_raised_again() -> None:
    s = store()
    s.restore_alarm(AlarmKey(PILE, None, "pile.offline"))
    s.restore_alarm(AlarmKey(PILE, 2, "port.overload"))
    ev = s.on_status(PILE, STATUS, T0) + s.on_ports(PILE, {2: IDLE}, T0)
    assert not of(ev, AlarmRaised)
    assert sorted(c.key.code for c in of(ev, AlarmCleared)) == ["pile.offline", "port.overload"]


def test_reboot_is_detected_from_the_boot_count() -> None:
    s = store()
    s.on_identity(PILE, IDENT, T0)
    assert not of(s.on_identity(PILE, IDENT, T0), PileRebooted)
    assert of(s.on_identity(PILE, replace(IDENT, boot_count=8), T0), PileRebooted)


def test_samples_are_downsampled_but_state_changes_always_recorded() -> None:
    s = store()
    times = [T0 + timedelta(seconds=i) for i in range(25)]
    samples = [e for t in times for e in of(s.on_ports(PILE, {1: CHARGING}, t), Sample)]
    assert [x.ts for x in samples] == [times[0], times[10], times[20]]
    stop = replace(CHARGING, state=PortState.IDLE)
    assert len(of(s.on_ports(PILE, {1: stop}, times[-1]), Sample)) == 1  # change: at once
    assert of(s.on_ports(PILE, {1: stop}, times[-1] + timedelta(seconds=60)), Sample) == []  # idle: not repeated


def test_unknown_port_numbers_are_ignored() -> None:
    s = StateStore()
    s.add_pile(PILE, [PortRef(PORTS[1], 1)])
    ev = s.on_ports(PILE, {1: IDLE, 2: CHARGING}, T0)
    assert [e.number for e in of(ev, PortUpdate)] == [1]
