"""Work handed to the thread pool never frees a widget there (a widget destroyed off the GUI thread can deadlock
the console): what the job held comes back with its outcome and is released on the GUI thread."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

from PySide6.QtWidgets import QLabel

from widgets.ops import run_background


def _freed_on(qtbot, fails: bool) -> str:  # type: ignore[no-untyped-def]
    where: list[str] = []

    def make_job() -> Callable[[], str]:
        label = QLabel("held only by the job")
        weakref.finalize(label, lambda: where.append(threading.current_thread().name))

        def job() -> str:
            if fails:
                raise ValueError("the database is gone")
            return label.text()
        return job

    outcomes: list[object] = []
    # (the failure handler keeps only the message: an exception's traceback would keep the job's frame alive)
    run_background(make_job(), outcomes.append, lambda exc: outcomes.append(str(exc)))  # the job holds the widget
    qtbot.waitUntil(lambda: bool(outcomes) and bool(where), timeout=5_000)
    assert outcomes[0] == ("the database is gone" if fails else "held only by the job")
    return where[0]


def test_a_widget_held_only_by_a_background_job_is_freed_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert _freed_on(qtbot, fails=False) == threading.main_thread().name


def test_also_when_the_job_fails(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert _freed_on(qtbot, fails=True) == threading.main_thread().name
