"""PN532 command codes, MIFARE Classic commands inside InDataExchange, and the parsed replies.

Codes from protocol-facts §4.2 (Adafruit ``_COMMAND_*``, libnfc ``mifare.h``, nfcpy ``pn532.ERR``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from comm.pn532.errors import FrameError


class Cmd(IntEnum):
    GET_FIRMWARE_VERSION = 0x02
    SAM_CONFIGURATION = 0x14
    POWER_DOWN = 0x16
    RF_CONFIGURATION = 0x32
    IN_DATA_EXCHANGE = 0x40
    IN_COMMUNICATE_THRU = 0x42
    IN_LIST_PASSIVE_TARGET = 0x4A
    IN_RELEASE = 0x52


class Mifare(IntEnum):
    AUTH_A = 0x60
    AUTH_B = 0x61
    READ = 0x30
    WRITE = 0xA0
    WRITE_UL = 0xA2
    DECREMENT = 0xC0
    INCREMENT = 0xC1
    RESTORE = 0xC2  # libnfc and Adafruit call it STORE
    TRANSFER = 0xB0


class Status(IntEnum):
    """The status byte of InDataExchange (low 6 bits; bit 6 = more data, bit 7 = NAD)."""

    OK = 0x00
    TIMEOUT = 0x01  # the target did not answer: out of the field
    CRC = 0x02
    PARITY = 0x03
    AUTH = 0x14  # MIFARE authentication error; also what a card's NAK to read/write/value comes back as
    WRONG_CONTEXT = 0x27  # command not acceptable in the current context (e.g. no target selected)
    DISAPPEARED = 0x2B  # the card previously activated has disappeared (PN532 UM error table)


BRTY_106A = 0x00  # InListPassiveTarget baud rate / modulation: 106 kbps type A (ISO/IEC 14443 A)
SAK_MIFARE_1K = 0x08


@dataclass(frozen=True, slots=True)
class Firmware:
    ic: int  # 0x32 = PN532
    version: int
    revision: int
    support: int  # bit 0 ISO/IEC 14443 A, bit 1 B, bit 2 ISO 18092

    def __str__(self) -> str:
        return f"PN5{self.ic:02X} v{self.version}.{self.revision}"


@dataclass(frozen=True, slots=True)
class Target:
    """A type A target found by InListPassiveTarget."""

    tg: int  # the logical number the PN532 gave it (1)
    atqa: int  # SENS_RES, 2 bytes big-endian as sent
    sak: int  # SEL_RES
    uid: bytes

    @property
    def is_mifare_1k(self) -> bool:
        return self.sak == SAK_MIFARE_1K and len(self.uid) == 4


def parse_firmware(data: bytes) -> Firmware:
    if len(data) != 5 or data[0] != Cmd.GET_FIRMWARE_VERSION + 1:
        raise FrameError("固件版本应答格式错误 / malformed GetFirmwareVersion reply", len(data))
    return Firmware(data[1], data[2], data[3], data[4])


def parse_targets(data: bytes) -> list[Target]:
    """``4B NbTg [Tg ATQA(2) SAK NFCIDLength NFCID…]*`` (type A, no ATS for MIFARE Classic)."""
    if len(data) < 2 or data[0] != Cmd.IN_LIST_PASSIVE_TARGET + 1:
        raise FrameError("寻卡应答格式错误 / malformed InListPassiveTarget reply", len(data))
    out: list[Target] = []
    i = 2
    for _ in range(data[1]):
        if len(data) < i + 5:
            raise FrameError("寻卡应答被截断 / truncated InListPassiveTarget reply", len(data))
        tg, atqa, sak, nlen = data[i], int.from_bytes(data[i + 1 : i + 3], "big"), data[i + 3], data[i + 4]
        uid = data[i + 5 : i + 5 + nlen]
        if len(uid) != nlen:
            raise FrameError("寻卡应答被截断 / truncated InListPassiveTarget reply", len(data))
        i += 5 + nlen
        if sak & 0x20 and i < len(data):  # ISO 14443-4 compliant: an ATS follows, length first
            i += data[i]
        out.append(Target(tg, atqa, sak, bytes(uid)))
    return out


def target_reply(targets: list[Target]) -> bytes:
    """The reply data of InListPassiveTarget (for the virtual reader)."""
    out = bytearray([Cmd.IN_LIST_PASSIVE_TARGET + 1, len(targets)])
    for t in targets:
        out += bytes([t.tg]) + t.atqa.to_bytes(2, "big") + bytes([t.sak, len(t.uid)]) + t.uid
    return bytes(out)
