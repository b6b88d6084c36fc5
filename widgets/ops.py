"""GUI-started work off the GUI thread (after Anki's QueryOp): run a function in the thread pool,
get its result — or a clear error — back on the GUI thread; or, for a command already on its way to the
engine (a concurrent Future), get its outcome back on the GUI thread without waiting for it.

A widget freed in a worker thread can deadlock the console (see widgets/gc_gui.py), and a background job is
often a closure over a view. So the worker never holds the last reference to anything it was given: the
job (its function, callbacks and outcome) is kept in a table the GUI thread owns; the worker borrows the
function, drops every local reference, then signals the job's key; the GUI thread takes the entry out of
the table, calls back and frees it all there.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

T = TypeVar("T")


@dataclass
class _Pending:
    fn: Callable[..., Any] | None
    on_success: Callable[[Any], Any]
    on_failure: Callable[[Exception], Any] | None
    guard: QObject | None  # the caller's parent: once Qt has destroyed it (a closed window), nobody is told
    outcome: tuple[bool, Any] | None = None


_lock = threading.Lock()
_pending: dict[int, _Pending] = {}
_keys = itertools.count(1)


class _Hub(QObject):
    """Lives on the GUI thread: a worker's `ready.emit(key)` is delivered there (a queued connection)."""

    ready = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.ready.connect(self._deliver)

    @Slot(int)
    def _deliver(self, key: int) -> None:
        with _lock:
            job = _pending.pop(key, None)
        if job is None or job.outcome is None:
            return
        ok, value = job.outcome
        if job.guard is not None and not shiboken6.isValid(job.guard):
            return  # the window that asked has closed
        if ok:
            job.on_success(value)
        elif job.on_failure is not None:
            job.on_failure(value)


_hub: _Hub | None = None


def enlist(fn: Callable[..., Any] | None, on_success: Callable[[Any], Any],
           on_failure: Callable[[Exception], Any] | None, parent: QObject | None) -> int:
    """A new job (GUI thread); returns its key. A worker runs it with `borrow`, `store` and `signal`."""
    global _hub
    if _hub is None:
        _hub = _Hub()  # the first caller is the GUI thread: the hub lives there
    key = next(_keys)
    with _lock:
        _pending[key] = _Pending(fn, on_success, on_failure, parent)
    return key


def borrow(key: int) -> Callable[..., Any]:
    """The job's function, for the worker to call (then `del` its reference before `signal`)."""
    with _lock:
        fn = _pending[key].fn
    assert fn is not None
    return fn


def store(key: int, ok: bool, value: Any) -> None:
    """Worker side: the job's outcome, kept for the GUI thread. Then `del` the local reference and `signal`."""
    with _lock:
        job = _pending.get(key)
        if job is not None:
            job.outcome = (ok, value)


def signal(key: int) -> None:
    """Worker side: tell the GUI thread the job is done (the worker holds nothing of the job's any more)."""
    try:
        if _hub is not None:
            _hub.ready.emit(key)
    except RuntimeError:  # the application is shutting down: nobody to tell
        with _lock:
            _pending.pop(key, None)


class _Job(QRunnable):
    def __init__(self, key: int) -> None:
        super().__init__()
        self._key = key

    def run(self) -> None:
        fn = borrow(self._key)
        try:
            value, ok = fn(), True
        except Exception as exc:  # delivered to the caller's failure handler, never lost
            value, ok = exc, False
        del fn
        store(self._key, ok, value)
        del value
        signal(self._key)


def run_background(fn: Callable[[], T], on_success: Callable[[T], Any],
                   on_failure: Callable[[Exception], Any] | None = None, *, parent: QObject | None = None) -> None:
    """Run `fn` in the global thread pool; call `on_success(result)` or `on_failure(exc)` on the GUI thread
    (neither once `parent`, when given, is destroyed)."""
    QThreadPool.globalInstance().start(_Job(enlist(fn, on_success, on_failure, parent)))


def when_done(fut: concurrent.futures.Future[T], on_success: Callable[[T], Any],
              on_failure: Callable[[Exception], Any] | None = None, *, parent: QObject | None = None) -> None:
    """Call `on_success(result)` or `on_failure(exc)` on the GUI thread once `fut` (e.g. a command the engine
    runs) has finished; nothing waits for it meanwhile, neither the GUI nor a pool thread."""
    key = enlist(None, on_success, on_failure, parent)

    def finished(f: concurrent.futures.Future[T]) -> None:
        try:
            value, ok = f.result(), True
        except Exception as exc:  # includes a cancelled future
            value, ok = exc, False
        store(key, ok, value)
        del value
        signal(key)

    fut.add_done_callback(finished)


class LatestLoad:
    """A view's reload, which events may ask for faster than it finishes: one runs at a time; asked again
    meanwhile, one more runs after it with the newest arguments (a filter, a selection), so the last answer
    shown is never older than the last request (two loads in flight could otherwise land out of order and
    leave a stale list on screen). ``fn`` runs on a worker thread: pass it what it needs from the widgets as
    arguments, read on the GUI thread when asking."""

    def __init__(self, fn: Callable[..., T], on_success: Callable[[T], Any],
                 on_failure: Callable[[Exception], Any] | None = None, *, parent: QObject) -> None:
        self._fn, self._on_success, self._on_failure, self._parent = fn, on_success, on_failure, parent
        self._running = self._again = False
        self._args: tuple[Any, ...] = ()

    def request(self, *args: Any) -> None:
        self._args = args
        if self._running:
            self._again = True
            return
        self._running = True
        fn = self._fn
        run_background(lambda: fn(*args), self._ok, self._bad, parent=self._parent)

    def _ok(self, value: Any) -> None:
        self._running = False
        self._on_success(value)
        self._next()

    def _bad(self, exc: Exception) -> None:
        self._running = False
        if self._on_failure is not None:
            self._on_failure(exc)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._again = False
            self.request(*self._args)
