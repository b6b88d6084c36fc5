"""A virtual PN532 reader on a serial pseudo-terminal, with MIFARE Classic 1K cards in its field.

The desk opens the pty's device path exactly as it would open the USB-serial adapter. ``VirtualPN532``
is the firmware (host frames in, ACK and reply out); the cards are ``comm.mifare.classic`` chips, so a
wrong key or a forbidden access fails as on a real card. Tearing is injectable: ``tear_after(n)`` lets
n more card commands complete, then the card leaves the field (the next one times out, status 0x01).
``VirtualReaderServer`` serves it on a pty from a thread and honours the baud rate: an ACK or a reply is
not written before the request and it could have crossed the wire (10 bits a byte, 8N1).
"""

from __future__ import annotations

import errno
import logging
import os
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from comm.mifare.classic import CardNak, MifareClassic1K
from comm.pn532 import codec
from comm.pn532.errors import FrameError
from comm.pn532.messages import Cmd, Mifare, Status, Target, target_reply
from comm.sim.pty_line import close_pty, open_pty

log = logging.getLogger(__name__)

FIRMWARE = bytes([0x32, 0x01, 0x06, 0x07])  # PN532 v1.6, ISO 14443 A + B + 18092
BITS_PER_BYTE = 10  # start + 8 data + stop


@dataclass
class ReaderStats:
    commands: int = 0
    card_commands: int = 0
    wire_bytes: int = 0  # request + ACK + reply bytes that crossed the line
    wire_s: float = 0.0  # the time those bytes need at the baud rate
    garbage: int = 0
    by_command: dict[str, int] = field(default_factory=dict)


class VirtualPN532:
    """The reader's firmware and its RF field. Thread-safe: the test thread places cards while the
    server thread answers the desk."""

    def __init__(self) -> None:
        self.field: list[MifareClassic1K] = []
        self.selected: MifareClassic1K | None = None
        self.stats = ReaderStats()
        self._tear_in: int | None = None
        self.torn: MifareClassic1K | None = None
        self.on_card_command: Callable[[int, int], None] | None = None  # (mifare cmd, block) after each one
        self._lock = threading.RLock()

    # -- the field ------------------------------------------------------------------------------
    def place(self, *cards: MifareClassic1K) -> None:
        with self._lock:
            for card in cards:
                if card not in self.field:
                    card.leave_field()  # arrives unpowered: must be selected
                    self.field.append(card)

    def remove(self, card: MifareClassic1K | None = None) -> None:
        with self._lock:
            for c in [card] if card is not None else list(self.field):
                if c in self.field:
                    self.field.remove(c)
                    c.leave_field()  # the PN532 keeps it as Tg 1: the next exchange times out (0x01)

    def tear_after(self, n: int | None) -> None:
        """After ``n`` more card commands (InDataExchange) the card in use leaves the field; None: never."""
        with self._lock:
            self._tear_in = n
            self.torn = None

    # -- commands -------------------------------------------------------------------------------
    def handle(self, data: bytes) -> bytes | None:
        """Reply data (response code first) to one command; None for the application-error frame."""
        with self._lock:
            if not data:
                return None
            self.stats.commands += 1
            try:
                cmd = Cmd(data[0])
            except ValueError:
                return None
            self.stats.by_command[cmd.name] = self.stats.by_command.get(cmd.name, 0) + 1
            p = data[1:]
            if cmd is Cmd.GET_FIRMWARE_VERSION:
                return bytes([cmd + 1]) + FIRMWARE
            if cmd in (Cmd.SAM_CONFIGURATION, Cmd.RF_CONFIGURATION, Cmd.POWER_DOWN):
                return bytes([cmd + 1]) + (b"\x00" if cmd is Cmd.POWER_DOWN else b"")
            if cmd is Cmd.IN_LIST_PASSIVE_TARGET:
                return self._list(p)
            if cmd is Cmd.IN_RELEASE:
                self.selected = None
                return bytes([cmd + 1, 0x00])
            if cmd is Cmd.IN_DATA_EXCHANGE:
                return bytes([cmd + 1]) + self._exchange(p)
            return None

    def _list(self, p: bytes) -> bytes | None:
        if len(p) < 2 or p[1] != 0x00:
            return None  # only 106 kbps type A here
        found = self.field[: max(1, min(p[0], 2))]
        targets = []
        for tg, card in enumerate(found, start=1):
            card.select()
            targets.append(Target(tg, 0x0004, 0x08, card.uid))
        self.selected = found[0] if found else None
        return target_reply(targets)

    def _exchange(self, p: bytes) -> bytes:
        card = self.selected
        if len(p) < 3 or p[0] != 1 or card is None:
            return bytes([Status.WRONG_CONTEXT])
        if card not in self.field:
            return bytes([Status.TIMEOUT])
        self.stats.card_commands += 1
        op, block, arg = p[1], p[2], p[3:]
        try:
            out = self._card_op(card, op, block, arg)
        except CardNak:
            out = bytes([Status.AUTH])
        except (ValueError, IndexError):
            return bytes([Status.WRONG_CONTEXT])
        if self.on_card_command is not None:
            self.on_card_command(op, block)
        if self._tear_in is not None:
            self._tear_in -= 1
            if self._tear_in <= 0:
                self._tear_in = None
                self.torn = card
                self.remove(card)
        return out

    @staticmethod
    def _card_op(card: MifareClassic1K, op: int, block: int, arg: bytes) -> bytes:
        ok = bytes([Status.OK])
        if op in (Mifare.AUTH_A, Mifare.AUTH_B):
            card.authenticate(block, "A" if op == Mifare.AUTH_A else "B", arg[:6], arg[6:10])
            return ok
        if op == Mifare.READ:
            return ok + card.read(block)
        if op == Mifare.WRITE:
            card.write(block, arg[:16])
            return ok
        if op in (Mifare.INCREMENT, Mifare.DECREMENT):
            amount = int.from_bytes(arg[:4], "little")
            (card.increment if op == Mifare.INCREMENT else card.decrement)(block, amount)
            return ok
        if op == Mifare.RESTORE:
            card.restore(block)
            return ok
        if op == Mifare.TRANSFER:
            card.transfer(block)
            return ok
        raise CardNak("unknown command")


class VirtualReaderServer:
    """Serves a VirtualPN532 on a pseudo-terminal from its own thread."""

    def __init__(self, reader: VirtualPN532 | None = None, *, baudrate: int = 115200, rf_s: float = 0.0005,
                 link: Path | None = None) -> None:  # fmt: skip
        self.reader = reader or VirtualPN532()
        self.baudrate = baudrate
        self.rf_s = rf_s  # the card's answer time on the RF side, per card command
        self.link = link
        self.device = ""
        self.silent = False  # a reader that stopped answering (firmware hung)
        self._master = self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._buf = b""
        self._first_at = 0.0
        self.received: list[bytes] = []  # the last host frames, exactly as they came (for tests)

    @property
    def byte_time(self) -> float:
        return BITS_PER_BYTE / self.baudrate

    def start(self) -> str:
        self._master, self._slave, self.device = open_pty(self.link, raw_master=True)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="virtual-pn532", daemon=True)
        self._thread.start()
        return str(self.link or self.device)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        close_pty(self._master, self._slave, self.link)
        self._master = self._slave = -1

    def __enter__(self) -> VirtualReaderServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            r, _, _ = select.select([self._master], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError as exc:
                if exc.errno != errno.EIO:
                    log.warning("virtual reader read failed: %s", exc)
                time.sleep(0.02)
                continue
            if not self._buf:
                self._first_at = time.monotonic()
            self._buf += data
            self._parse()

    def _parse(self) -> None:
        while self._buf:
            self._buf = self._buf.lstrip(b"\x55")  # HSU wake-up bytes
            try:
                used, frame = codec.decode(self._buf)
            except FrameError as exc:
                self.reader.stats.garbage += exc.skip
                self._buf = self._buf[exc.skip:]
                continue
            if frame is None:
                self._buf = self._buf[used:]
                return
            first = self._first_at
            self.received = [*self.received[-63:], b"\x00\x00" + self._buf[:used].lstrip(b"\x00")]
            self._buf = self._buf[used:]
            self._first_at = time.monotonic()
            if isinstance(frame, codec.Info) and frame.tfi == codec.HOST_TFI and not self.silent:
                self._answer(frame.data, used, first)
            elif not isinstance(frame, (codec.Ack, codec.Nack)):
                self.reader.stats.garbage += used

    def _answer(self, data: bytes, req_len: int, first_at: float) -> None:
        bt = self.byte_time
        req_end = max(time.monotonic(), first_at + req_len * bt)
        self._write_at(codec.ACK, req_end + len(codec.ACK) * bt)
        reply = self.reader.handle(data)
        frame = codec.ERROR_FRAME if reply is None else codec.encode(reply, tfi=codec.PN532_TFI)
        rf = self.rf_s if data[:1] == bytes([Cmd.IN_DATA_EXCHANGE]) else 0.0
        self._write_at(frame, req_end + (len(codec.ACK) + len(frame)) * bt + rf)
        n = req_len + len(codec.ACK) + len(frame)
        self.reader.stats.wire_bytes += n
        self.reader.stats.wire_s += n * bt

    def _write_at(self, frame: bytes, at: float) -> None:
        delay = at - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            os.write(self._master, frame)
        except OSError as exc:
            log.debug("virtual reader write failed: %s", exc)
