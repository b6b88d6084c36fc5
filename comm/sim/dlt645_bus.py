"""A simulated DL/T 645-2007 meter line on a serial pseudo-terminal.

The console opens the pty's path as it would open /dev/ttyUSB0 (2400 baud, 8E1 by default). Like
rtu_bus.RtuBusServer, replies are not written before they could have crossed the wire at the line's
baud rate (11-bit characters, the meter's turnaround). Faults: silent meters and reply noise.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from comm.dlt645.codec import Frame, FrameScanner, encode_frame
from comm.sim.pty_line import PtyLine, corrupt_one_byte
from comm.sim.rtu_bus import char_time

log = logging.getLogger(__name__)


class Responder(Protocol):
    address: str

    def handle(self, frame: Frame) -> Frame | None: ...


@dataclass
class Dlt645BusStats:
    requests: int = 0
    replies: int = 0
    corrupted: int = 0
    garbage_bytes: int = 0
    wire_bytes: int = 0


@dataclass
class Dlt645Faults:
    noise_rate: float = 0.0
    silent: set[str] = field(default_factory=set)  # addresses that never answer


class Dlt645BusServer(PtyLine):
    def __init__(self, responders: list[Responder], *, baudrate: int = 2400, turnaround_s: float = 0.02,
                 preamble: int = 2, link: Path | None = None, rng: random.Random | None = None) -> None:
        self.responders = responders
        self.baudrate = baudrate
        self.turnaround_s = turnaround_s
        self.preamble = preamble
        super().__init__(link, "meter bus")
        self.rng = rng or random.Random(0)
        self.faults = Dlt645Faults()
        self.stats = Dlt645BusStats()
        self._scanner = FrameScanner()
        self._first_byte_at = 0.0
        self._bus_free_at = 0.0

    def _on_readable(self) -> None:
        loop = asyncio.get_running_loop()
        data = self._read()
        if data is None:
            return
        now = loop.time()
        if not self._scanner.pending:
            self._first_byte_at = now
        before = self._scanner.garbage
        frames = self._scanner.feed(data)
        self.stats.garbage_bytes += self._scanner.garbage - before
        for frame in frames:
            self._answer(frame, now)

    def _answer(self, frame: Frame, now: float) -> None:
        self.stats.requests += 1
        ct = char_time(self.baudrate)
        req_len = 12 + len(frame.data) + 4  # with the master's preamble
        req_end = max(self._first_byte_at, self._bus_free_at) + req_len * ct
        self._bus_free_at = req_end
        for r in self.responders:
            if r.address in self.faults.silent:
                continue
            reply = r.handle(frame)
            if reply is None:
                continue
            raw = encode_frame(reply, preamble=self.preamble)
            if self.faults.noise_rate and self.rng.random() < self.faults.noise_rate:
                raw = corrupt_one_byte(raw, self.rng)
                self.stats.corrupted += 1
            done_at = req_end + self.turnaround_s + len(raw) * ct
            self._bus_free_at = done_at
            self.stats.wire_bytes += req_len + len(raw)
            self._send_after(raw, max(0.0, done_at - now))
            return  # one meter answers (addresses are unique on a line)

    def _replied(self) -> None:
        self.stats.replies += 1
