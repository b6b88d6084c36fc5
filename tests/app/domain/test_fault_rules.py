"""Fault rules: persistence, flapping, one trigger per episode."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.fault_rules import DEFAULT_RULES, FaultRule, FaultWatch, alarm_title

T0 = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
RULES = {"port.line_fault": FaultRule("port.line_fault", 30, "major", flap_count=3, flap_window_s=600),
         "port.short_circuit": FaultRule("port.short_circuit", 0, "critical")}


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def test_a_fault_must_persist_before_it_triggers_and_triggers_once() -> None:
    w: FaultWatch[str] = FaultWatch(RULES)
    w.raised("k", "port.line_fault", at(0), "LINE_FAULT")
    assert w.due(at(29)) == []
    [t] = w.due(at(30))
    assert (t.key, t.reason, t.severity, t.since, t.detail) == ("k", "persisted", "major", at(0), "LINE_FAULT")
    assert w.due(at(300)) == []  # same episode: once
    w.raised("k", "port.line_fault", at(301))  # a repeated raise while open is the same episode
    assert w.due(at(400)) == []


def test_a_short_episode_is_forgotten_and_unruled_codes_are_ignored() -> None:
    w: FaultWatch[str] = FaultWatch(RULES)
    w.raised("k", "port.line_fault", at(0))
    w.cleared("k", at(10))
    assert w.due(at(100)) == []
    w.raised("o", "port.overload", at(0))  # no rule: an appliance, not a pile fault
    assert w.due(at(1000)) == [] and not w.is_open("o")


def test_zero_persistence_triggers_at_once_and_again_for_a_new_episode() -> None:
    w: FaultWatch[str] = FaultWatch(RULES)
    w.raised("k", "port.short_circuit", at(0))
    assert [t.reason for t in w.due(at(0))] == ["persisted"]
    w.cleared("k", at(5))
    w.raised("k", "port.short_circuit", at(6000))
    assert len(w.due(at(6000))) == 1  # a new episode triggers again (the service folds it into the open order)


def test_a_flapping_port_triggers_once_per_window() -> None:
    w: FaultWatch[str] = FaultWatch(RULES)
    triggers = []
    for i in range(12):  # 5 s faults every 40 s: no episode persists 30 s
        w.raised("k", "port.line_fault", at(40 * i))
        triggers += w.due(at(40 * i + 1))
        w.cleared("k", at(40 * i + 5))
        triggers += w.due(at(40 * i + 6))
    assert [(t.reason, t.raises) for t in triggers] == [("flapping", 3)]  # 480 s of flapping < one 600 s window
    assert triggers[0].since == at(0)


@settings(max_examples=200)
@given(st.lists(st.tuples(st.floats(1, 500), st.floats(0.5, 29)), min_size=1, max_size=30))
def test_short_episodes_trigger_only_by_flapping(gaps: list[tuple[float, float]]) -> None:
    """Episodes shorter than the persistence never trigger as 'persisted'; a flapping trigger needs
    flap_count raises within the window; never two flapping triggers within one window."""
    w: FaultWatch[str] = FaultWatch(RULES)
    t, raises, fired = 0.0, [], []
    for gap, length in gaps:
        t += gap
        w.raised("k", "port.line_fault", at(t))
        raises.append(t)
        for trig in w.due(at(t + length / 2)):
            fired.append((t + length / 2, trig))
        t += length
        w.cleared("k", at(t))
        fired += [(t, trig) for trig in w.due(at(t))]
    assert all(trig.reason == "flapping" for _, trig in fired)
    for when, trig in fired:
        assert sum(1 for r in raises if when - 600 <= r <= when) >= 3 and trig.raises >= 3
    for (a, _), (b, _) in itertools.pairwise(fired):
        assert b - a > 600


def test_default_rules_cover_the_engine_alarm_codes_but_overload() -> None:
    from app.engine.state import FLAG_ALARMS, MAINS_ALARM, OFFLINE_ALARM, PILE_FAULT_ALARMS, PORT_FAULT_ALARMS

    codes = {c for c, _ in [*PORT_FAULT_ALARMS.values(), *PILE_FAULT_ALARMS.values(), *FLAG_ALARMS.values(),
                            OFFLINE_ALARM, MAINS_ALARM]}
    assert set(DEFAULT_RULES) == codes - {"port.overload"}
    assert alarm_title("port.short_circuit", "XC01-P03", 9) == "XC01-P03 #9 短路 / short circuit"
