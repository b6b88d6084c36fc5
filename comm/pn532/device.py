"""The PN532 session: one command at a time, ACK then reply, timeouts, status codes → distinct errors.

``PN532`` drives one open link. ``Reader`` is what the card desk holds: it finds the reader among the
serial ports, opens it, and when the cable is pulled it closes and finds it again on the next call
(the USB-serial adapter may come back under another device name).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from comm.pn532 import codec
from comm.pn532.errors import (
    AccessDenied,
    AuthFailed,
    CardRemoved,
    FrameError,
    NoCard,
    NoReader,
    NotMifareClassic,
    ReaderError,
    ReaderFault,
    ReaderNotAnswering,
    TwoCards,
)
from comm.pn532.messages import BRTY_106A, Cmd, Firmware, Mifare, Status, Target, parse_firmware, parse_targets
from comm.pn532.transport import HSU_BAUD, Link, SerialLink

log = logging.getLogger(__name__)
T = TypeVar("T")

ACK_TIMEOUT_S = 0.25  # nfcpy expects the ACK within ~15 ms; a loaded PC or a slow adapter gets slack
REPLY_TIMEOUT_S = 1.0
_VALUE_OPS = {Mifare.INCREMENT: "increment", Mifare.DECREMENT: "decrement", Mifare.RESTORE: "restore"}


class PN532:
    """Commands to one PN532 over ``link``. Not thread-safe: one caller (the desk's reader thread)."""

    def __init__(self, link: Link, *, port: str = "", ack_timeout: float = ACK_TIMEOUT_S,
                 reply_timeout: float = REPLY_TIMEOUT_S) -> None:  # fmt: skip
        self.link = link
        self.port = port
        self.ack_timeout = ack_timeout
        self.reply_timeout = reply_timeout
        self.firmware: Firmware | None = None
        self.target: Target | None = None
        self._buf = b""
        self.frames_out: list[bytes] = []  # last command's frames, for the wire-time benchmark
        self.bytes_on_wire = 0

    @classmethod
    def open(cls, port: str, *, baudrate: int = HSU_BAUD, **kw: float) -> PN532:
        """Open ``port``, wake the PN532 and configure it; NoReader if no PN532 answers there."""
        dev = cls(SerialLink(port, baudrate=baudrate), port=port, **kw)
        try:
            dev.wake()
        except ReaderError as exc:
            dev.close()
            raise NoReader(port, exc.en) from exc
        return dev

    def close(self) -> None:
        try:
            self.link.close()
        except OSError:
            pass

    # -- frames --------------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        self.link.write(data)
        self.bytes_on_wire += len(data)

    def _next_frame(self, deadline: float, what: str) -> codec.Frame:
        while True:
            try:
                used, frame = codec.decode(self._buf)
            except FrameError as exc:
                log.debug("dropping %d bytes: %s", exc.skip, exc.reason)
                self._buf = self._buf[exc.skip:]
                continue
            self._buf = self._buf[used:]
            if frame is not None:
                return frame
            left = deadline - time.monotonic()
            if left <= 0:
                raise ReaderNotAnswering(what)
            chunk = self.link.read(left)
            self.bytes_on_wire += len(chunk)
            self._buf += chunk

    def call(self, cmd: Cmd, params: bytes = b"", *, timeout: float | None = None) -> bytes:
        """Send a command, wait for its ACK and its reply; returns the reply data after the response code."""
        frame = codec.command(cmd, params)
        name = cmd.name
        try:
            self.link.discard_input()
            self._buf = b""
            for attempt in range(2):
                self._send(frame)
                got = self._next_frame(time.monotonic() + self.ack_timeout, f"{name} ACK")
                if isinstance(got, codec.Ack):
                    break
                if isinstance(got, codec.Nack) and attempt == 0:
                    continue  # the PN532 asks for the frame again
                if isinstance(got, codec.ErrorFrame):
                    raise ReaderFault(f"{name}: 应用层错误帧 / application error frame")
                raise FrameError(f"{name}: 等待 ACK 时收到 {got} / {got} while waiting for the ACK", 1)
            try:
                got = self._next_frame(time.monotonic() + (timeout or self.reply_timeout), name)
            except ReaderNotAnswering:
                self._send(codec.ACK)  # an ACK from the host aborts the command in progress
                raise
        except OSError as exc:  # the cable was pulled (serial.SerialException is an OSError)
            raise ReaderNotAnswering(f"{name}: {exc}") from exc
        if isinstance(got, codec.ErrorFrame):
            raise ReaderFault(f"{name}: 应用层错误帧 / application error frame")
        if not isinstance(got, codec.Info) or got.tfi != codec.PN532_TFI or not got.data or got.data[0] != cmd + 1:
            raise FrameError(f"{name}: 应答不匹配 / reply does not match the command", 1)
        return got.data

    # -- reader --------------------------------------------------------------------------------
    def wake(self) -> Firmware:
        """HSU wake-up, SAMConfiguration normal mode, bounded passive-activation retries, firmware."""
        self._send(codec.WAKEUP)
        self.call(Cmd.SAM_CONFIGURATION, bytes([0x01, 0x14, 0x01]))
        # RFConfiguration item 5 (MaxRetries): ATR FF, PSL 01, passive activation 02 — so an empty
        # field answers "0 targets" at once instead of the default retry-forever.
        self.call(Cmd.RF_CONFIGURATION, bytes([0x05, 0xFF, 0x01, 0x02]))
        self.firmware = self.get_firmware_version()
        return self.firmware

    def get_firmware_version(self) -> Firmware:
        return parse_firmware(self.call(Cmd.GET_FIRMWARE_VERSION))

    def list_targets(self, max_targets: int = 2) -> list[Target]:
        return parse_targets(self.call(Cmd.IN_LIST_PASSIVE_TARGET, bytes([max_targets, BRTY_106A])))

    def select(self) -> Target:
        """The one MIFARE Classic 1K card on the reader (NoCard, TwoCards, NotMifareClassic otherwise)."""
        self.target = None
        targets = self.list_targets(2)
        if not targets:
            raise NoCard()
        if len(targets) > 1:
            self.call(Cmd.IN_RELEASE, b"\x00")
            raise TwoCards()
        t = targets[0]
        if not t.is_mifare_1k:
            raise NotMifareClassic(t.sak)
        self.target = t
        return t

    def select_uid(self) -> bytes:
        return self.select().uid

    def release(self) -> None:
        self.target = None
        self.call(Cmd.IN_RELEASE, b"\x00")

    # -- MIFARE Classic through InDataExchange ---------------------------------------------------
    def _exchange(self, op: Mifare, block: int, data: bytes = b"", *, what: str) -> bytes:
        if self.target is None:
            raise NoCard()
        reply = self.call(Cmd.IN_DATA_EXCHANGE, bytes([self.target.tg, op, block]) + data)
        if len(reply) < 2:
            raise FrameError(f"{what}: 应答过短 / reply too short", 1)
        status = reply[1] & 0x3F
        if status == Status.OK:
            return reply[2:]
        if status in (Status.TIMEOUT, Status.DISAPPEARED):
            self.target = None
            raise CardRemoved(what)
        if status == Status.AUTH:
            self.target = None  # the card halts after a failed authentication or a NAK: select it again
            if op in (Mifare.AUTH_A, Mifare.AUTH_B):
                raise AuthFailed(block)
            raise AccessDenied(what, block)
        raise ReaderFault(f"{what}: 状态 {status:02X} / status {status:02X}")

    def auth(self, block: int, key_type: str, key: bytes, uid: bytes | None = None) -> None:
        if len(key) != 6:
            raise ValueError("a MIFARE key is 6 bytes")
        uid = uid if uid is not None else (self.target.uid if self.target else b"")
        op = Mifare.AUTH_A if key_type == "A" else Mifare.AUTH_B
        self._exchange(op, block, bytes(key) + bytes(uid[-4:]), what=f"auth {key_type} block {block}")

    def read(self, block: int) -> bytes:
        data = self._exchange(Mifare.READ, block, what=f"read block {block}")
        if len(data) != 16:
            raise FrameError(f"read block {block}: {len(data)} bytes", 1)
        return data

    def write(self, block: int, data: bytes) -> None:
        if len(data) != 16:
            raise ValueError("a MIFARE Classic block is 16 bytes")
        self._exchange(Mifare.WRITE, block, bytes(data), what=f"write block {block}")

    def increment(self, block: int, amount: int) -> None:
        self._exchange(Mifare.INCREMENT, block, _operand(amount), what=f"increment block {block}")

    def decrement(self, block: int, amount: int) -> None:
        self._exchange(Mifare.DECREMENT, block, _operand(amount), what=f"decrement block {block}")

    def restore(self, block: int) -> None:
        self._exchange(Mifare.RESTORE, block, what=f"restore block {block}")

    def transfer(self, block: int) -> None:
        self._exchange(Mifare.TRANSFER, block, what=f"transfer block {block}")


def _operand(amount: int) -> bytes:
    if not 0 <= amount <= 0x7FFFFFFF:
        raise ValueError("a value operand is 0 … 2^31-1")
    return amount.to_bytes(4, "little")


# -- finding the reader ------------------------------------------------------------------------------
# USB-serial bridges PN532 boards ship with: CH340, CP210x, FTDI, PL2303 (tried first).
USB_SERIAL_IDS = {(0x1A86, 0x7523), (0x10C4, 0xEA60), (0x0403, 0x6001), (0x067B, 0x2303)}


def serial_ports() -> list[str]:
    """The serial ports of this machine, likely PN532 adapters first."""
    from serial.tools import list_ports

    ports = list(list_ports.comports())
    ports.sort(key=lambda p: (0 if (p.vid, p.pid) in USB_SERIAL_IDS else 1, p.device))
    return [p.device for p in ports]


def find_reader(candidates: Iterable[str] | None = None, *, baudrate: int = HSU_BAUD,
                opener: Callable[[str], PN532] | None = None) -> PN532:  # fmt: skip
    """The first port among ``candidates`` (default: every serial port) where a PN532 answers."""
    ports = list(candidates) if candidates is not None else serial_ports()
    open_ = opener or (lambda p: PN532.open(p, baudrate=baudrate, ack_timeout=0.1, reply_timeout=0.3))
    tried = []
    for port in ports:
        try:
            return open_(port)
        except NoReader as exc:
            tried.append(f"{port}: {exc.en}")
    raise NoReader(", ".join(ports) or "-", "; ".join(tried) if tried else "no serial ports")


class Reader:
    """The desk's reader: opens on first use, re-finds itself after a replug.

    ``preferred`` is tried first (the port the settings name, or the last one that worked); then every
    serial port. A pulled cable makes the current call fail with ReaderNotAnswering; the next call opens
    the reader again wherever it reappeared."""

    def __init__(self, preferred: str | None = None, *, baudrate: int = HSU_BAUD,
                 ports: Callable[[], list[str]] = serial_ports) -> None:  # fmt: skip
        self.preferred = preferred
        self.baudrate = baudrate
        self._ports = ports
        self.device: PN532 | None = None

    @property
    def connected(self) -> bool:
        return self.device is not None

    def connect(self) -> PN532:
        if self.device is None:
            order = ([self.preferred] if self.preferred else []) + [p for p in self._ports() if p != self.preferred]
            self.device = find_reader(order, baudrate=self.baudrate)
            self.preferred = self.device.port
            log.info("card reader %s on %s", self.device.firmware, self.device.port)
        return self.device

    def disconnect(self) -> None:
        if self.device is not None:
            self.device.close()
            self.device = None

    def run(self, fn: Callable[[PN532], T]) -> T:
        """``fn(device)``; a reader that stopped answering is closed so the next call reconnects."""
        dev = self.connect()
        try:
            return fn(dev)
        except ReaderNotAnswering:
            self.disconnect()
            raise
