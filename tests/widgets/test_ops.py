"""Work handed to the thread pool never frees a widget there (a widget destroyed off the GUI thread can deadlock
the console): what the job held comes back with its outcome and is released on the GUI thread."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtWidgets import QLabel

from widgets.ops import LatestLoad, run_background


def _freed_on(qtbot, fails: bool, jobs: int = 100) -> set[str]:  # type: ignore[no-untyped-def]
    """Where the widgets held only by `jobs` background jobs were freed. Many jobs at once: the race (the GUI
    thread done with an outcome before the worker has let go of the job) shows in some of them."""
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
    for _ in range(jobs):
        run_background(make_job(), outcomes.append, lambda exc: outcomes.append(str(exc)))  # the job holds the widget
    qtbot.waitUntil(lambda: len(outcomes) == jobs and len(where) == jobs, timeout=10_000)
    assert set(outcomes) == {"the database is gone" if fails else "held only by the job"}
    return set(where)


def test_a_widget_held_only_by_a_background_job_is_freed_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert _freed_on(qtbot, fails=False) == {threading.main_thread().name}


def test_also_when_the_job_fails(qtbot) -> None:  # type: ignore[no-untyped-def]
    assert _freed_on(qtbot, fails=True) == {threading.main_thread().name}


def test_nobody_is_called_back_once_the_window_that_asked_has_closed(qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    window = QLabel("the asking window")
    called: list[object] = []
    run_background(lambda: release.wait(5) and "late answer", called.append, called.append, parent=window)
    window.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=5_000)
    seen: list[object] = []
    run_background(lambda: "on time", seen.append)  # the pool and the hub still work
    release.set()
    qtbot.waitUntil(lambda: seen == ["on time"], timeout=5_000)
    qtbot.wait(300)
    assert called == []


def test_a_reload_asked_for_while_one_runs_runs_once_more_after_it_and_answers_land_in_order(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Alarms raised between two flushes: the list must end up as the database is after the last request."""
    parent = QLabel("a view")
    state = {"db": 0, "runs": 0}
    shown: list[int] = []

    def load() -> int:
        state["runs"] += 1
        seen = state["db"]
        time.sleep(0.05)
        return seen

    loader = LatestLoad(load, shown.append, parent=parent)
    for version in range(1, 6):
        state["db"] = version
        loader.request()
    qtbot.waitUntil(lambda: bool(shown) and shown[-1] == 5, timeout=5_000)
    qtbot.wait(200)
    assert state["runs"] == 2 and shown == sorted(shown) and shown[-1] == 5


def test_a_filtered_reload_runs_with_the_newest_filter_asked_for(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A clerk types "张", "张三", "张三丰" faster than the search answers: the list shown last is for "张三丰",
    and the middle search is never run (it was overtaken before it started)."""
    parent = QLabel("a view")
    ran: list[str] = []
    shown: list[str] = []

    def search(text: str) -> str:
        ran.append(text)
        time.sleep(0.05)
        return text

    loader = LatestLoad(search, shown.append, parent=parent)
    for text in ("张", "张三", "张三丰"):
        loader.request(text)
    qtbot.waitUntil(lambda: shown[-1:] == ["张三丰"], timeout=5_000)
    qtbot.wait(200)
    assert ran == ["张", "张三丰"] and shown == ["张", "张三丰"]
