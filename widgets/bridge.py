"""The one place engine events become Qt signals (DESIGN §2).

The engine calls `_deliver` on its own thread with a coalesced batch (≤ 5 per second); emitting a
signal from there is safe — Qt queues it to the GUI thread, where views apply the batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal

from app.engine.commands import CommandOutcome, PileCommand
from app.engine.events import Event
from app.engine.hub import Snapshot


class EngineFacade(Protocol):
    def submit(self, cmd: PileCommand) -> object: ...  # concurrent.futures.Future[CommandOutcome]
    def subscribe(self, callback: Callable[[list[Event]], None]) -> Callable[[], None]: ...
    def snapshot(self) -> Snapshot: ...


class EngineBridge(QObject):
    batch = Signal(object)  # list[Event], on the GUI thread
    commandDone = Signal(object, object)  # (PileCommand, CommandOutcome), on the GUI thread

    def __init__(self, engine: EngineFacade, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._unsubscribe = engine.subscribe(self._deliver)

    def _deliver(self, events: list[Event]) -> None:
        self.batch.emit(events)

    def snapshot(self) -> Snapshot:
        return self.engine.snapshot()

    def submit(self, cmd: PileCommand, done: Callable[[CommandOutcome], None] | None = None, *,
               via: Callable[[PileCommand], object] | None = None) -> None:
        """Hand a command to the engine (or to `via`, a service that checks the role and audits); `done`
        runs on the GUI thread with the confirmed outcome. `via` may raise (e.g. PermissionDenied)."""
        fut = (via or self.engine.submit)(cmd)

        def finished(f: object) -> None:
            outcome: CommandOutcome = f.result()  # type: ignore[attr-defined]
            self.commandDone.emit(cmd, outcome)

        if done is not None:
            def on_done(c: object, outcome: object) -> None:
                if c is cmd:
                    self.commandDone.disconnect(on_done)
                    done(outcome)  # type: ignore[arg-type]

            self.commandDone.connect(on_done)
        fut.add_done_callback(finished)  # type: ignore[attr-defined]

    def close(self) -> None:
        self._unsubscribe()
