"""The Alarms tab reloads its list from the database after the engine's flushes: whichever flush stored a new
alarm, the list shows it, even when the flush's report shares a hub batch with the alarm and nothing is written
after it (a quiet community at night)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from app.engine.events import AlarmKey, AlarmRaised, DatabaseHealth, Event
from app.services.alarms import AlarmInfo
from widgets.alarm_view import AlarmsView

PILE = uuid.uuid4()
NOW = datetime(2026, 11, 26, 21, 0, tzinfo=UTC)


def _view(qtbot, stored: list[AlarmInfo], loads: list[int]) -> AlarmsView:  # type: ignore[no-untyped-def]
    def load_open() -> list[AlarmInfo]:
        loads.append(len(stored))
        return list(stored)

    view = AlarmsView(load_open=load_open, load_history=lambda *a: [], acknowledge=lambda *a: None,  # type: ignore[arg-type,return-value]
                      pile_codes={PILE: "T01-P02"})
    qtbot.addWidget(view)
    view.mute.setChecked(True)
    qtbot.waitUntil(lambda: len(loads) == 1)
    return view


def _alarm() -> tuple[AlarmRaised, AlarmInfo]:
    raised = AlarmRaised(AlarmKey(PILE, 2, "port.overload"), "major", "port 2 overload", NOW)
    row = AlarmInfo(uuid.uuid4(), PILE, "T01-P02", 2, "port.overload", "major", NOW, None, None, None, "")
    return raised, row


def flushed() -> DatabaseHealth:
    return DatabaseHealth(True, "ok", 0, NOW)


def test_the_flush_reported_in_the_same_batch_as_the_alarm_is_enough(qtbot) -> None:  # type: ignore[no-untyped-def]
    stored: list[AlarmInfo] = []
    loads: list[int] = []
    view = _view(qtbot, stored, loads)
    raised, row = _alarm()
    stored.append(row)  # that flush stored it; nothing is written afterwards
    batch: list[Event] = [raised, flushed()]
    view.apply(batch)
    qtbot.waitUntil(lambda: len(view._rows) == 1, timeout=3000)
    assert view.live.item(0, 3).text() == "2"


def test_an_alarm_stored_by_the_third_flush_after_it_is_still_shown(qtbot) -> None:  # type: ignore[no-untyped-def]
    """One flush finished just before the alarm (its report in the alarm's batch), one was under way; the third
    stored it."""
    stored: list[AlarmInfo] = []
    loads: list[int] = []
    view = _view(qtbot, stored, loads)
    raised, row = _alarm()
    view.apply([raised, flushed()])
    qtbot.waitUntil(lambda: len(loads) == 2)
    view.apply([flushed()])
    qtbot.waitUntil(lambda: len(loads) == 3)
    stored.append(row)
    view.apply([flushed()])
    qtbot.waitUntil(lambda: len(view._rows) == 1, timeout=3000)
    view.apply([flushed()])  # after that, flushes do not reload the list
    qtbot.wait(200)
    assert loads == [0, 0, 0, 1]
