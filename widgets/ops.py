"""GUI-started work off the GUI thread (after Anki's QueryOp): run a function in the thread pool,
get its result — or a clear error — back on the GUI thread."""

from __future__ import annotations

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


def run_background(fn: Callable[[], T], on_success: Callable[[T], Any],
                   on_failure: Callable[[Exception], Any] | None = None, *, parent: QObject | None = None) -> None:
    """Run `fn` in the global thread pool; call `on_success(result)` or `on_failure(exc)` on the GUI thread."""
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
    QThreadPool.globalInstance().start(_Job(fn, relay))
