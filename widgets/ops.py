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
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the caller's failure handler, never lost
            self.relay.failed.emit(exc)
        else:
            self.relay.succeeded.emit(result)


_live: set[_Relay] = set()  # keep relays alive until their job reports


def _relay(on_success: Callable[[T], Any], on_failure: Callable[[Exception], Any] | None,
           parent: QObject | None) -> _Relay:
    relay = _Relay(parent)
    _live.add(relay)

    def ok(result: object) -> None:
        _live.discard(relay)
        on_success(result)  # type: ignore[arg-type]

    def bad(exc: object) -> None:
        _live.discard(relay)
        if on_failure is not None:
            on_failure(exc)  # type: ignore[arg-type]

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
    relay = _relay(on_success, on_failure, parent)

    def finished(f: concurrent.futures.Future[T]) -> None:
        try:
            try:
                result = f.result()
            except Exception as exc:  # includes a cancelled future
                relay.failed.emit(exc)
            else:
                relay.succeeded.emit(result)
        except RuntimeError:  # the window that asked is gone (its relay with it): nobody to tell
            _live.discard(relay)

    fut.add_done_callback(finished)
