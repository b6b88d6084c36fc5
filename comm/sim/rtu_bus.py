"""A simulated RS-485 bus on a serial pseudo-terminal: several piles answer by unit id.

The console opens the pty's device path exactly as it would open /dev/ttyUSB0. A pty moves bytes
instantly, so this bus keeps a wire timeline: a reply is not written before the request and the
reply could have crossed the wire at the configured baud rate (11-bit characters, 3.5-character
gaps, device turnaround). Faults are injectable while running: CRC noise, silent or slow piles.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU

from comm.sim.pty_line import PtyLine, corrupt_one_byte
from comm.sim.slave import PileRegisterServer

log = logging.getLogger(__name__)

BITS_PER_CHAR = 11  # start + 8 data + parity/2nd stop + stop, as the Modbus serial spec counts


def char_time(baudrate: int) -> float:
    return BITS_PER_CHAR / baudrate


def frame_gap(baudrate: int) -> float:
    """t3.5: the silence that ends a frame (fixed 1.75 ms above 19200 baud)."""
    return 0.00175 if baudrate > 19200 else 3.5 * char_time(baudrate)


@dataclass
class BusFaults:
    noise_rate: float = 0.0  # probability that a reply has one corrupted byte
    silent: set[int] = field(default_factory=set)  # unit ids that never answer
    slow_s: dict[int, float] = field(default_factory=dict)  # extra turnaround per unit id
    # The next N replies to register writes (function 16) from a unit are garbled after the pile carried the
    # write out: the case that leaves a master unsure whether a command landed.
    garbled_writes: Counter[int] = field(default_factory=Counter)


@dataclass
class BusStats:
    requests: int = 0
    replies: int = 0
    corrupted: int = 0
    garbage_bytes: int = 0
    unanswered: int = 0
    per_unit: Counter[int] = field(default_factory=Counter)  # requests addressed to each unit id
    wire_bytes: int = 0  # request + reply bytes that crossed the line (for utilisation figures)
    frames: int = 0


class RtuBusServer(PtyLine):
    """Serves the piles of one RS-485 line on a pseudo-terminal."""

    def __init__(
        self,
        servers: dict[int, PileRegisterServer],
        *,
        baudrate: int = 9600,
        turnaround_s: float = 0.002,
        link: Path | None = None,
        rng: random.Random | None = None,
        is_powered: Callable[[int], bool] | None = None,
    ) -> None:
        self.servers = servers
        self.baudrate = baudrate
        self.turnaround_s = turnaround_s
        super().__init__(link, "bus")
        self.rng = rng or random.Random(0)
        self.is_powered = is_powered or (lambda unit: True)
        self.faults = BusFaults()
        self.stats = BusStats()
        self._framer = FramerRTU(DecodePDU(is_server=True))
        self._buf = b""
        self._first_byte_at = 0.0
        self._bus_free_at = 0.0
        self._flush_handle: asyncio.TimerHandle | None = None

    # -- receive -------------------------------------------------------------------------------
    def _on_readable(self) -> None:
        loop = asyncio.get_running_loop()
        data = self._read()
        if data is None:
            return
        now = loop.time()
        if not self._buf:
            self._first_byte_at = now
        self._buf += data
        self._parse(now)
        if self._flush_handle:
            self._flush_handle.cancel()
        if self._buf:
            # An incomplete frame followed by silence is discarded, as t1.5/t3.5 say on a real line.
            self._flush_handle = loop.call_later(max(0.05, 2 * frame_gap(self.baudrate)), self._drop_partial)

    def _drop_partial(self) -> None:
        if self._buf:
            self.stats.garbage_bytes += len(self._buf)
            self._buf = b""

    def _parse(self, now: float) -> None:
        while self._buf:
            try:
                used, pdu = self._framer.handleFrame(self._buf, 0, 0)
            except Exception:
                self.stats.garbage_bytes += len(self._buf)
                self._buf = b""
                return
            if pdu is None:
                if used:
                    self.stats.garbage_bytes += used
                    self._buf = self._buf[used:]
                    continue
                return
            req_len = used
            self._buf = self._buf[used:]
            self.stats.requests += 1
            self.stats.wire_bytes += req_len
            self.stats.frames += 1
            self._answer(pdu, req_len, now)

    # -- reply ---------------------------------------------------------------------------------
    def _answer(self, pdu: object, req_len: int, now: float) -> None:
        unit = getattr(pdu, "dev_id", 0)
        self.stats.per_unit[unit] += 1
        server = self.servers.get(unit)
        ct = char_time(self.baudrate)
        # The request occupied the wire from when it could start until its last byte.
        req_start = max(self._first_byte_at, self._bus_free_at)
        req_end = req_start + req_len * ct
        if server is None or unit in self.faults.silent or not self.is_powered(unit):
            self.stats.unanswered += 1
            self._bus_free_at = req_end + frame_gap(self.baudrate)
            return
        reply = server.handle(pdu)  # type: ignore[arg-type]
        frame = self._framer.buildFrame(reply)
        if getattr(pdu, "function_code", 0) == 16 and self.faults.garbled_writes[unit] > 0:
            self.faults.garbled_writes[unit] -= 1
            frame = corrupt_one_byte(frame, self.rng)
            self.stats.corrupted += 1
        elif self.faults.noise_rate and self.rng.random() < self.faults.noise_rate:
            frame = corrupt_one_byte(frame, self.rng)
            self.stats.corrupted += 1
        turnaround = frame_gap(self.baudrate) + self.turnaround_s + self.faults.slow_s.get(unit, 0.0)
        done_at = req_end + turnaround + len(frame) * ct
        self.stats.wire_bytes += len(frame)
        self.stats.frames += 1
        self._bus_free_at = done_at + frame_gap(self.baudrate)
        self._send_after(frame, max(0.0, done_at - now))

    def _replied(self) -> None:
        self.stats.replies += 1
