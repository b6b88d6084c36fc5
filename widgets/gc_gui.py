"""Python's cyclic garbage collector runs on the GUI thread only (as Anki does).

Left automatic, a collection starts in whichever thread happens to allocate — often the engine's or a pool
thread — and may free a closed dialog's widgets there. Destroying a QObject off the GUI thread while the GUI
thread holds the GIL and waits on a Qt lock deadlocks the whole console (seen: a pool thread in
~QObject waiting for the GIL, the GUI thread in ~QMenu waiting for the pool thread's lock). So automatic
collection is switched off and a timer collects here, young objects often and the whole heap rarely.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

_TICK_MS = 1_000
_MIDDLE_EVERY = 10  # ticks
_FULL_EVERY = 300  # ticks: the engine's objects are frozen (app.engine.gc_tuning), so a full pass is short


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticks = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        gc.disable()
        self._timer.start(_TICK_MS)

    def collect(self) -> None:
        self._ticks += 1
        generation = 2 if self._ticks % _FULL_EVERY == 0 else 1 if self._ticks % _MIDDLE_EVERY == 0 else 0
        gc.collect(generation)


_collector: GuiThreadCollector | None = None


def collect_on_gui_thread(app: QObject) -> GuiThreadCollector:
    """Install once per application (idempotent)."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector(app)
    return _collector
