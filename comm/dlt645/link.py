"""A serial line to DL/T 645-2007 meters: open, send one request, wait for its reply.

pyserial is blocking and portable (COM ports on Windows, /dev/ttyUSB* and pseudo-terminals on
Linux, `socket://host:port` for a serial server), so each line gets one worker thread of its own;
the asyncio side awaits it and never blocks the loop. One request at a time: RS-485 is half-duplex
and the caller (the engine's meter poller) owns the line.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import Callable
from typing import Any

import serial

from comm.dlt645.codec import (
    BROADCAST,
    WILDCARD,
    Dlt645Error,
    Frame,
    FrameScanner,
    encode_frame,
    parse_address_reply,
    read_address_request,
)

DEFAULT_BAUD = 2400  # the usual factory setting of DL/T 645-2007 meters (8 data bits, even parity)


class Dlt645LinkError(Exception):
    """Talking over the line failed."""


class Dlt645Timeout(Dlt645LinkError):
    """No valid reply in time: the meter is silent, the reply was garbled, or the line is down."""


class Dlt645Disconnected(Dlt645LinkError):
    """The serial port is not open (or went away)."""


def reply_timeout(baudrate: int, *, floor_s: float = 0.5) -> float:
    """Long enough for a 4×FE request, a 200-byte reply (11-bit characters) and a slow meter."""
    wire = (20 + 216) * 11 / baudrate
    return max(floor_s, wire + 0.3)


class Dlt645Link:
    def __init__(self, device: str, *, baudrate: int = DEFAULT_BAUD, parity: str = "E", stopbits: int = 1,
                 timeout: float | None = None, preamble: int = 4,
                 opener: Callable[..., Any] = serial.serial_for_url) -> None:
        self.device = device
        self.baudrate = baudrate
        self.parity = parity
        self.stopbits = stopbits
        self.timeout = timeout if timeout is not None else reply_timeout(baudrate)
        self.preamble = preamble
        self._opener = opener
        self._serial: Any = None
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"dlt645 {device}")
        self.garbage = 0  # bytes on the line that were not part of a valid frame

    @property
    def connected(self) -> bool:
        return self._serial is not None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            self._serial = await loop.run_in_executor(self._pool, self._open_sync)
        except (OSError, serial.SerialException, ValueError) as exc:
            raise Dlt645Disconnected(f"cannot open {self.device}: {exc}") from None

    def _open_sync(self) -> Any:
        return self._opener(self.device, baudrate=self.baudrate, bytesize=8, parity=self.parity,
                            stopbits=self.stopbits, timeout=0.02, write_timeout=2.0)

    def close(self) -> None:
        ser, self._serial = self._serial, None
        if ser is not None:
            try:
                ser.close()
            except Exception:  # closing a port that vanished: nothing left to do
                pass

    def shutdown(self) -> None:
        self.close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def transact(self, request: Frame) -> Frame:
        """Send `request`; return the first valid reply from the addressed meter."""
        if self._serial is None:
            raise Dlt645Disconnected(f"{self.device} is not open")
        raw = encode_frame(request, preamble=self.preamble)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._transact_sync, raw, request.address)

    def _transact_sync(self, raw: bytes, address: str) -> Frame:
        ser = self._serial
        if ser is None:
            raise Dlt645Disconnected(f"{self.device} is not open")
        scanner = FrameScanner()
        try:
            ser.reset_input_buffer()  # a late reply to an earlier request must not answer this one
            ser.write(raw)
            ser.flush()
            deadline = time.monotonic() + self.timeout
            while time.monotonic() < deadline:
                chunk = ser.read(max(1, ser.in_waiting))
                if not chunk:
                    continue
                for frame in scanner.feed(chunk):
                    if frame.is_reply and (address in (WILDCARD, BROADCAST) or frame.address == address):
                        self.garbage += scanner.garbage
                        return frame
        except (OSError, serial.SerialException) as exc:
            self.close()
            raise Dlt645Disconnected(f"{self.device}: {exc}") from None
        self.garbage += scanner.garbage
        raise Dlt645Timeout(f"meter {address} on {self.device}: no valid reply within {self.timeout:.2f} s")

    async def read_address(self) -> str:
        """The address of the one meter on the line (wildcard request; needs a single meter)."""
        try:
            return parse_address_reply(await self.transact(read_address_request()))
        except Dlt645Error as exc:
            raise Dlt645LinkError(f"{self.device}: bad reply to 'read address': {exc}") from exc
