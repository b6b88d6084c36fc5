"""The card reader's own thread: the serial port is never touched from the GUI thread.

One worker owns the reader (``comm.pn532.device.Reader``: opens it, finds it again after a replug) and
runs the desk's card jobs one at a time; between jobs it looks for a card every ``poll_s`` seconds and
reports a newly placed card (``cardPlaced``) or an empty reader (``cardRemoved``). Results come back on
the GUI thread through signals, like widgets.ops.run_background.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from comm.pn532.device import PN532, Reader
from comm.pn532.errors import NoCard, NoReader, ReaderError, TwoCards
from widgets import ops


class ReaderWorker(QObject):
    cardPlaced = Signal(str)  # UID
    cardRemoved = Signal()
    readerStatus = Signal(bool, object)  # connected, "port · firmware" or the error

    def __init__(self, reader: Reader, *, poll_s: float = 0.4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.poll_s = poll_s
        self._jobs: queue.Queue[int | None] = queue.Queue()  # keys of widgets.ops jobs
        self._uid: str | None = None
        self._connected: bool | None = None
        self._thread = threading.Thread(target=self._loop, name="card-reader", daemon=True)
        self._stop = threading.Event()
        self.polling = True

    @property
    def started(self) -> bool:
        return self._thread.is_alive() or self._stop.is_set()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self._stop.set()
        self._jobs.put(None)
        self._thread.join(3.0)

    def submit(self, fn: Callable[[PN532], Any], on_success: Callable[[Any], Any],
               on_failure: Callable[[Exception], Any]) -> None:  # fmt: skip
        """Run ``fn(reader device)`` on the reader thread; the callbacks run on the GUI thread."""
        self._jobs.put(ops.enlist(fn, on_success, on_failure, self))

    # -- the reader thread ---------------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            self._serve()
        except RuntimeError:  # the view (and this QObject) was deleted without stop(): end quietly
            self._stop.set()
        finally:
            self.reader.disconnect()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                job = self._jobs.get(timeout=self.poll_s)
            except queue.Empty:
                if self.polling:
                    self._poll()
                continue
            if job is None:
                return
            # The job stays in widgets.ops' table until the GUI thread has called back: what it held is released
            # there (a widget freed on this thread can deadlock the console: widgets/gc_gui.py).
            fn = ops.borrow(job)
            try:
                value, ok = self.reader.run(fn), True
            except Exception as exc:  # delivered to the caller, never lost
                self._status_from(exc)
                value, ok = exc, False
            else:
                self._set_connected(True)
            del fn
            ops.store(job, ok, value)
            del value
            ops.signal(job)

    def _poll(self) -> None:
        try:
            uid = self.reader.run(lambda d: d.select_uid().hex().upper())
        except (NoCard, TwoCards):
            uid = None
        except ReaderError as exc:
            self._status_from(exc)
            self._stop.wait(1.5)  # no reader: look again a little later
            return
        self._set_connected(True)
        if uid != self._uid:
            self._uid = uid
            if uid is None:
                self.cardRemoved.emit()
            else:
                self.cardPlaced.emit(uid)

    def _set_connected(self, ok: bool, text: object = "") -> None:
        if ok and self._connected is not True:
            dev = self.reader.device
            text = f"{dev.port} · {dev.firmware}" if dev is not None else ""
        if ok != self._connected or not ok:
            self._connected = ok
            self.readerStatus.emit(ok, text)

    def _status_from(self, exc: Exception) -> None:
        if isinstance(exc, NoReader) or not self.reader.connected:
            self._set_connected(False, exc)
