"""GUI-started work off the GUI thread (after Anki's QueryOp): run a function in the thread pool,
get its result — or a clear error — back on the GUI thread; or, for a command already on its way to the
engine (a concurrent Future), get its outcome back on the GUI thread without waiting for it."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

T = TypeVar("T")


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable, Generic[T]):
    def __init__(self, fn: Callable[[], T], relay: _Relay) -> None:
        super().__init__()
        # The function (a closure over a view, often) and the relay travel back to the GUI thread with the
        # outcome, so their last references — and any widget they keep alive — are dropped there: a widget
        # freed in a pool thread can deadlock the console (see widgets/gc_gui.py).
        self._parts: list[Any] = [fn, relay]

    def run(self) -> None:
        fn, relay = self._parts
        self._parts.clear()
        try:
            result = fn()
        except Exception as exc:  # delivered to the caller's failure handler, never lost
            relay.failed.emit((exc, fn, relay))
        else:
            relay.succeeded.emit((result, fn, relay))


_live: set[_Relay] = set()  # keep relays alive until their job reports


def _relay(on_success: Callable[[T], Any], on_failure: Callable[[Exception], Any] | None,
           parent: QObject | None) -> _Relay:
    relay = _Relay(parent)
    _live.add(relay)

    # Payloads are (outcome, *what the sender held): the extra references end here, on the GUI thread.
    def ok(payload: tuple[Any, ...]) -> None:
        _live.discard(relay)
        on_success(payload[0])

    def bad(payload: tuple[Any, ...]) -> None:
        _live.discard(relay)
        if on_failure is not None:
            on_failure(payload[0])

    relay.succeeded.connect(ok)
    relay.failed.connect(bad)
    return relay


def run_background(fn: Callable[[], T], on_success: Callable[[T], Any],
                   on_failure: Callable[[Exception], Any] | None = None, *, parent: QObject | None = None) -> None:
    """Run `fn` in the global thread pool; call `on_success(result)` or `on_failure(exc)` on the GUI thread."""
    QThreadPool.globalInstance().start(_Job(fn, _relay(on_success, on_failure, parent)))


def when_done(fut: concurrent.futures.Future[T], on_success: Callable[[T], Any],
              on_failure: Callable[[Exception], Any] | None = None, *, parent: QObject | None = None) -> None:
    """Call `on_success(result)` or `on_failure(exc)` on the GUI thread once `fut` (e.g. a command the engine
    runs) has finished; nothing waits for it meanwhile, neither the GUI nor a pool thread."""
    held = [_relay(on_success, on_failure, parent)]  # emptied by the callback: the future keeps no relay

    def finished(f: concurrent.futures.Future[T]) -> None:
        relay = held.pop()
        try:
            try:
                result = f.result()
            except Exception as exc:  # includes a cancelled future
                relay.failed.emit((exc, relay))
            else:
                relay.succeeded.emit((result, relay))
        except RuntimeError:  # the window that asked is gone (its relay with it): nobody to tell
            _live.discard(relay)

    fut.add_done_callback(finished)
