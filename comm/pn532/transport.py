"""The serial link to the reader, behind a small protocol so the driver can run over anything.

``SerialLink`` is pyserial (a USB-serial adapter, or the virtual reader's pseudo-terminal); a cable
pulled out shows up as SerialException/OSError on the next read or write, which the driver turns
into ReaderNotAnswering and a reconnect.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from comm.pn532.errors import NoReader

HSU_BAUD = 115200


class Link(Protocol):
    def write(self, data: bytes) -> None: ...

    def read(self, timeout: float) -> bytes:
        """Whatever arrives within ``timeout`` seconds (at least one byte, or b"" when nothing did)."""
        ...

    def discard_input(self) -> None: ...

    def close(self) -> None: ...


class SerialLink:
    def __init__(self, port: str, *, baudrate: int = HSU_BAUD) -> None:
        import serial

        self.port = port
        try:
            self._s = serial.Serial(port, baudrate=baudrate, bytesize=8, parity="N", stopbits=1, timeout=0.05,
                                    write_timeout=1.0)  # fmt: skip
        except (serial.SerialException, OSError, ValueError) as exc:
            raise NoReader(port, str(exc).split(":")[0][:80]) from exc

    def write(self, data: bytes) -> None:
        with _unplugged():
            self._s.write(data)
            self._s.flush()

    def read(self, timeout: float) -> bytes:
        with _unplugged():
            return self._read(timeout)

    def _read(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while True:
            waiting = self._s.in_waiting
            if waiting:
                return bytes(self._s.read(waiting))
            left = deadline - time.monotonic()
            if left <= 0:
                return b""
            self._s.timeout = min(left, 0.05)
            data = self._s.read(1)
            if data:
                return bytes(data) + (bytes(self._s.read(self._s.in_waiting)) if self._s.in_waiting else b"")

    def discard_input(self) -> None:
        with _unplugged():
            self._s.reset_input_buffer()

    def close(self) -> None:
        self._s.close()


@contextmanager
def _unplugged() -> Iterator[None]:
    """A vanished device surfaces as SerialException, OSError or termios.error: one OSError for the driver."""
    import serial

    errors: tuple[type[BaseException], ...] = (serial.SerialException,)
    try:
        import termios  # not on Windows

        errors += (termios.error,)
    except ImportError:
        pass
    try:
        yield
    except errors as exc:
        raise OSError(str(exc)) from exc
