"""A simulated DL/T 645-2007 meter line on a serial pseudo-terminal.

The console opens the pty's path as it would open /dev/ttyUSB0 (2400 baud, 8E1 by default). Like
rtu_bus.RtuBusServer, replies are not written before they could have crossed the wire at the line's
baud rate (11-bit characters, the meter's turnaround). Faults: silent meters and reply noise.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import random
import tty
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from comm.dlt645.codec import Frame, FrameScanner, encode_frame
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


class Dlt645BusServer:
    def __init__(self, responders: list[Responder], *, baudrate: int = 2400, turnaround_s: float = 0.02,
                 preamble: int = 2, link: Path | None = None, rng: random.Random | None = None) -> None:
        self.responders = responders
        self.baudrate = baudrate
        self.turnaround_s = turnaround_s
        self.preamble = preamble
        self.link = link
        self.rng = rng or random.Random(0)
        self.faults = Dlt645Faults()
        self.stats = Dlt645BusStats()
        self._scanner = FrameScanner()
        self._master = self._slave = -1
        self._first_byte_at = 0.0
        self._bus_free_at = 0.0
        self._tasks: set[asyncio.Task[None]] = set()
        self.device = ""

    async def start(self) -> str:
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.device = os.ttyname(self._slave)
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
            self.link.symlink_to(self.device)
        asyncio.get_running_loop().add_reader(self._master, self._on_readable)
        return str(self.link or self.device)

    async def stop(self) -> None:
        if self._master >= 0:
            asyncio.get_running_loop().remove_reader(self._master)
        for task in list(self._tasks):
            task.cancel()
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = -1
        if self.link is not None:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()

    def _on_readable(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            data = os.read(self._master, 4096)
        except BlockingIOError:
            return
        except OSError as exc:
            if exc.errno != errno.EIO:  # EIO: nobody holds the other end yet
                log.warning("meter bus read failed: %s", exc)
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
                i = self.rng.randrange(len(raw))
                raw = raw[:i] + bytes([raw[i] ^ (1 << self.rng.randrange(8))]) + raw[i + 1 :]
                self.stats.corrupted += 1
            done_at = req_end + self.turnaround_s + len(raw) * ct
            self._bus_free_at = done_at
            self.stats.wire_bytes += req_len + len(raw)
            task = asyncio.get_running_loop().create_task(self._send_later(raw, max(0.0, done_at - now)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return  # one meter answers (addresses are unique on a line)

    async def _send_later(self, raw: bytes, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            os.write(self._master, raw)
            self.stats.replies += 1
        except OSError as exc:
            log.debug("meter bus write failed: %s", exc)
