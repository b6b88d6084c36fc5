"""The console's end of a simulated serial line: a pseudo-terminal it opens as it would /dev/ttyUSB0.

Shared by the simulated RS-485 pile bus (rtu_bus) and the DL/T 645 meter line (dlt645_bus): opening and
closing the pty (with an optional stable symlink), reading what the console wrote, and writing a reply
only when it could have crossed the wire (the caller works out when; see rtu_bus's wire timeline).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import random
import tty
from pathlib import Path

log = logging.getLogger(__name__)


def open_pty(link: Path | None, *, raw_master: bool = False) -> tuple[int, int, str]:
    """(master fd, slave fd, slave device path); `link`, when given, is made a symlink to the device (a stable
    path for a config file, as /dev/serial/by-id gives a real adapter)."""
    master, slave = os.openpty()
    tty.setraw(slave)  # no echo, no line discipline: bytes like 0x03/0x0D/0x11 pass untouched
    if raw_master:
        tty.setraw(master)
    device = os.ttyname(slave)
    if link is not None:
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(device)
    return master, slave, device


def close_pty(master: int, slave: int, link: Path | None) -> None:
    for fd in (master, slave):
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
    if link is not None:
        with contextlib.suppress(FileNotFoundError):
            link.unlink()


def corrupt_one_byte(raw: bytes, rng: random.Random) -> bytes:
    """One bit flipped in one byte: line noise that a CRC or checksum must catch."""
    i = rng.randrange(len(raw))
    return raw[:i] + bytes([raw[i] ^ (1 << rng.randrange(8))]) + raw[i + 1 :]


class PtyLine:
    """Subclasses implement `_on_readable` (read with `_read`) and count replies in `_replied`."""

    def __init__(self, link: Path | None, what: str) -> None:
        self.link = link
        self.device = ""
        self._what = what  # for log lines: "bus", "meter bus"
        self._master = self._slave = -1
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        """Open the pty and start serving; returns the device path clients open."""
        self._master, self._slave, self.device = open_pty(self.link)
        os.set_blocking(self._master, False)
        asyncio.get_running_loop().add_reader(self._master, self._on_readable)
        return str(self.link or self.device)

    async def stop(self) -> None:
        if self._master >= 0:
            asyncio.get_running_loop().remove_reader(self._master)
        for task in list(self._tasks):
            task.cancel()
        close_pty(self._master, self._slave, self.link)
        self._master = self._slave = -1

    def _on_readable(self) -> None:
        raise NotImplementedError

    def _read(self) -> bytes | None:
        """What the console wrote, or None (nothing yet, or nobody holds the other end)."""
        try:
            return os.read(self._master, 4096)
        except BlockingIOError:
            return None
        except OSError as exc:  # EIO when no client holds the slave side: wait for one
            if exc.errno != errno.EIO:
                log.warning("%s read failed: %s", self._what, exc)
            return None

    def _send_after(self, raw: bytes, delay: float) -> None:
        task = asyncio.get_running_loop().create_task(self._send_later(raw, delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_later(self, raw: bytes, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            os.write(self._master, raw)
        except OSError as exc:
            log.debug("%s write failed: %s", self._what, exc)
            return
        self._replied()

    def _replied(self) -> None:
        pass
