"""PN532 HSU frames, pure: bytes ⇄ frames, checksums. No I/O, no clock.

Normal information frame ``00 00 FF LEN LCS TFI PD… DCS 00``; extended ``00 00 FF FF FF LENm LENl LCS
TFI PD… DCS 00``; ACK ``00 00 FF 00 FF 00``; NACK ``00 00 FF FF 00 00``; application error frame
``00 00 FF 01 FF 7F 81 00`` (protocol-facts §4.1). LCS makes LEN(+LENm) sum to 0 mod 256, DCS makes
TFI+PD sum to 0 mod 256.

``decode(buf)`` returns ``(consumed, frame)``; ``frame`` is None when more bytes are needed. Anything that
cannot be a frame raises FrameError with ``skip``, the number of bytes to drop before trying again, so a
reader of a noisy line always makes progress and never waits on garbage.
"""

from __future__ import annotations

from dataclasses import dataclass

from comm.pn532.errors import FrameError

HOST_TFI = 0xD4  # host → PN532
PN532_TFI = 0xD5  # PN532 → host
START = b"\x00\xff"
ACK = b"\x00\x00\xff\x00\xff\x00"
NACK = b"\x00\x00\xff\xff\x00\x00"
ERROR_FRAME = b"\x00\x00\xff\x01\xff\x7f\x81\x00"
WAKEUP = b"\x55\x55" + b"\x00" * 15  # HSU wake-up from LowVbat (Adafruit uart._wakeup)
MAX_INFO = 265  # the PN532's frame buffer: TFI + up to 264 data bytes


@dataclass(frozen=True, slots=True)
class Ack:
    pass


@dataclass(frozen=True, slots=True)
class Nack:
    pass


@dataclass(frozen=True, slots=True)
class ErrorFrame:
    """The PN532's "application level error" frame (it could not process the command's syntax)."""


@dataclass(frozen=True, slots=True)
class Info:
    tfi: int
    data: bytes  # PD0…PDn: for a reply, data[0] is the command code + 1


Frame = Ack | Nack | ErrorFrame | Info


def lcs(length: int) -> int:
    return -length & 0xFF


def dcs(body: bytes) -> int:
    return -sum(body) & 0xFF


def encode(data: bytes, *, tfi: int = HOST_TFI) -> bytes:
    """An information frame carrying ``data`` (command code first); extended when it needs to be."""
    body = bytes([tfi]) + bytes(data)
    n = len(body)
    if n > MAX_INFO:
        raise ValueError(f"a PN532 frame carries at most {MAX_INFO} bytes, got {n}")
    if n <= 0xFF:
        head = bytes([0x00, 0x00, 0xFF, n, lcs(n)])
    else:
        hi, lo = n >> 8, n & 0xFF
        head = bytes([0x00, 0x00, 0xFF, 0xFF, 0xFF, hi, lo, lcs(hi + lo)])
    return head + body + bytes([dcs(body), 0x00])


def command(code: int, params: bytes = b"") -> bytes:
    return encode(bytes([code]) + params, tfi=HOST_TFI)


def reply(code: int, params: bytes = b"") -> bytes:
    """The PN532's answer to command ``code`` (the response code is the command + 1)."""
    return encode(bytes([code + 1]) + params, tfi=PN532_TFI)


def decode(buf: bytes) -> tuple[int, Frame | None]:
    """The first frame in ``buf``: (bytes consumed, frame), or (n, None) if it is not complete yet (n > 0:
    that much padding can be dropped). Leading 0x00 bytes (preamble, padding) are skipped quietly; any
    other byte before a start code raises FrameError."""
    i = 0
    n = len(buf)
    while i < n and buf[i] == 0x00 and not (i + 1 < n and buf[i + 1] == 0xFF):
        i += 1
    if i >= n:
        return (max(0, n - 1), None)  # padding: drop it, keep a last 0x00 that may start a start code
    if buf[i] != 0x00:
        j = buf.find(START, i)
        if j < 0:
            j = n - 1 if buf[-1] == 0x00 else n
        raise FrameError(f"{j - i} 字节无效数据 / {j - i} garbage bytes", j)
    if i + 1 >= n:
        return (0, None)
    p = i + 2  # after the start code
    if n < p + 2:
        return (0, None)
    a, b = buf[p], buf[p + 1]
    if (a, b) == (0x00, 0xFF) or (a, b) == (0xFF, 0x00):
        if n < p + 3:
            return (0, None)
        if buf[p + 2] != 0x00:
            raise FrameError("ACK/NACK 缺少结束字节 / ACK or NACK without postamble", p)
        return (p + 3, Ack() if a == 0x00 else Nack())
    if (a, b) == (0xFF, 0xFF):  # extended frame
        if n < p + 5:
            return (0, None)
        hi, lo, check = buf[p + 2], buf[p + 3], buf[p + 4]
        if (hi + lo + check) & 0xFF:
            raise FrameError("扩展帧长度校验错误 / extended frame length checksum", p)
        length, body_at = (hi << 8) | lo, p + 5
    else:
        if (a + b) & 0xFF:
            raise FrameError("帧长度校验错误 (LCS) / length checksum (LCS)", p)
        length, body_at = a, p + 2
    if length == 0 or length > MAX_INFO:
        raise FrameError(f"帧长度 {length} 无效 / frame length {length} impossible", p)
    end = body_at + length
    if n < end + 2:
        return (0, None)
    body = buf[body_at:end]
    if (sum(body) + buf[end]) & 0xFF:
        raise FrameError("数据校验错误 (DCS) / data checksum (DCS)", p)
    if buf[end + 1] != 0x00:
        raise FrameError("帧缺少结束字节 / frame without postamble", p)
    consumed = end + 2
    if length == 1 and body[0] == 0x7F:
        return (consumed, ErrorFrame())
    if body[0] not in (HOST_TFI, PN532_TFI):
        raise FrameError(f"未知的帧标识 TFI {body[0]:02X} / unknown TFI {body[0]:02X}", consumed)
    return (consumed, Info(body[0], bytes(body[1:])))


def decode_all(buf: bytes) -> tuple[list[Frame | FrameError], bytes]:
    """Every complete frame in ``buf`` (errors in their place), and the incomplete rest."""
    out: list[Frame | FrameError] = []
    while buf:
        try:
            used, frame = decode(buf)
        except FrameError as exc:
            out.append(exc)
            buf = buf[exc.skip:]
            continue
        if frame is None:
            buf = buf[used:]
            break
        out.append(frame)
        buf = buf[used:]
    return out, buf
