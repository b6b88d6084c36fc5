"""DL/T 645-2007 frames, BCD addresses and data identifiers. Pure: bytes in, dataclasses out, no I/O.

Frame on the wire::

    [FE × 0..4]  68  A0..A5  68  C  L  DATA(L bytes, each +0x33)  CS  16

- A0..A5: the 12-digit meter address as BCD, low byte first ("123456789012" → 12 90 78 56 34 12).
- C: D7 direction (1 = meter → master), D6 abnormal reply, D5 follow-up frame, D4..D0 function.
- CS: sum of every byte from the first 0x68 through the last DATA byte, mod 256 (FE not included).
- DATA: the data identifier DI0..DI3 (low byte first), then the value (low byte first), all +0x33.

Every malformed input raises `Dlt645Error` (a ValueError) with a message that says what is wrong;
nothing else escapes, whatever the bytes (tests/comm/dlt645 fuzzes this with hypothesis).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

PREAMBLE = 0xFE
START = 0x68
END = 0x16
OFFSET = 0x33
BROADCAST = "999999999999"
WILDCARD = "AAAAAAAAAAAA"  # "whoever is on the line": used with READ_ADDRESS
MAX_DATA = 200  # the standard caps a read reply at 200 data bytes


class Dlt645Error(ValueError):
    """Bytes that are not a valid DL/T 645-2007 frame (or a value that cannot be encoded)."""


class Function(IntEnum):
    BROADCAST_TIME = 0x08
    READ_DATA = 0x11
    READ_FOLLOW_UP = 0x12
    READ_ADDRESS = 0x13
    WRITE_DATA = 0x14
    WRITE_ADDRESS = 0x15
    FREEZE = 0x16
    CHANGE_BAUD = 0x17
    CHANGE_PASSWORD = 0x18
    CLEAR_MAX_DEMAND = 0x19
    CLEAR_METER = 0x1A
    CLEAR_EVENTS = 0x1B
    CONTROL = 0x1C


REPLY_BIT = 0x80
ABNORMAL_BIT = 0x40
FOLLOW_UP_BIT = 0x20

# ERR byte of an abnormal reply (C = 0xD1 …), bit by bit.
ERROR_BITS: tuple[tuple[int, str], ...] = (
    (0x01, "other error"),
    (0x02, "no requested data"),
    (0x04, "wrong password / not authorised"),
    (0x08, "baud rate cannot be changed"),
    (0x10, "too many year time zones"),
    (0x20, "too many day time periods"),
    (0x40, "too many tariffs"),
)


def describe_error(err: int) -> str:
    names = [name for bit, name in ERROR_BITS if err & bit]
    return ", ".join(names) if names else f"error code {err:#04x}"


# -------------------------------------------------------------------------------- addresses
def _check_digits(address: str) -> str:
    a = address.strip().upper()
    if len(a) != 12:
        raise Dlt645Error(f"a meter address has 12 digits, got {address!r}")
    if a in (WILDCARD, BROADCAST):
        return a
    if not a.isdigit():
        raise Dlt645Error(f"a meter address is decimal digits only, got {address!r}")
    return a


def encode_address(address: str) -> bytes:
    """'123456789012' → bytes 12 90 78 56 34 12 (BCD, low byte first)."""
    return bytes.fromhex(_check_digits(address))[::-1]


def decode_address(raw: bytes) -> str:
    if len(raw) != 6:
        raise Dlt645Error(f"an address is 6 bytes, got {len(raw)}")
    text = raw[::-1].hex().upper()
    if text in (WILDCARD, BROADCAST) or text.isdigit():
        return text
    raise Dlt645Error(f"address bytes {raw.hex(' ')} are not BCD")


# -------------------------------------------------------------------------------- frames
@dataclass(frozen=True, slots=True)
class Frame:
    """One frame; `data` is the plain data (the +0x33 is added and removed by the codec)."""

    address: str
    control: int
    data: bytes = b""

    @property
    def function(self) -> int:
        return self.control & 0x1F

    @property
    def is_reply(self) -> bool:
        return bool(self.control & REPLY_BIT)

    @property
    def abnormal(self) -> bool:
        return bool(self.control & ABNORMAL_BIT)

    @property
    def follow_up(self) -> bool:
        return bool(self.control & FOLLOW_UP_BIT)


def checksum(body: bytes) -> int:
    return sum(body) & 0xFF


def encode_frame(frame: Frame, *, preamble: int = 0) -> bytes:
    if not 0 <= frame.control <= 0xFF:
        raise Dlt645Error(f"control code {frame.control} is not a byte")
    if len(frame.data) > 255:
        raise Dlt645Error(f"{len(frame.data)} data bytes do not fit the length byte")
    if not 0 <= preamble <= 4:
        raise Dlt645Error("the preamble is 0 to 4 bytes of FE")
    body = (bytes([START]) + encode_address(frame.address) + bytes([START, frame.control, len(frame.data)])
            + bytes((b + OFFSET) & 0xFF for b in frame.data))
    return bytes([PREAMBLE]) * preamble + body + bytes([checksum(body), END])


def _frame_at(buf: bytes, i: int) -> tuple[Frame | None, int, str]:
    """Try a frame starting at buf[i] (a 0x68). Returns (frame, end index, problem):
    frame None + problem "" means "not complete yet"; a problem means "not a frame here"."""
    if len(buf) - i < 10:
        return None, 0, ""
    if buf[i + 7] != START:
        return None, 0, "second 0x68 missing"
    try:  # before waiting for the rest: a 0x68 in noise rarely has a BCD address after it
        address = decode_address(buf[i + 1 : i + 7])
    except Dlt645Error as exc:
        return None, 0, str(exc)
    length = buf[i + 9]
    end = i + 10 + length + 2
    if len(buf) < end:
        return None, 0, ""
    body = buf[i : i + 10 + length]
    if buf[end - 2] != checksum(body):
        return None, 0, f"checksum {buf[end - 2]:#04x} != {checksum(body):#04x}"
    if buf[end - 1] != END:
        return None, 0, f"frame ends with {buf[end - 1]:#04x}, not 0x16"
    data = bytes((b - OFFSET) & 0xFF for b in buf[i + 10 : i + 10 + length])
    return Frame(address, buf[i + 8], data), end, ""


def decode_frame(raw: bytes) -> Frame:
    """Exactly one frame (leading FE allowed, nothing else around it)."""
    i = 0
    while i < len(raw) and raw[i] == PREAMBLE:
        i += 1
    if i == len(raw):
        raise Dlt645Error("no frame: empty or only preamble bytes")
    if raw[i] != START:
        raise Dlt645Error(f"a frame starts with 0x68, found {raw[i]:#04x}")
    frame, end, problem = _frame_at(raw, i)
    if problem:
        raise Dlt645Error(problem)
    if frame is None:
        raise Dlt645Error(f"frame incomplete: {len(raw) - i} bytes")
    if end != len(raw):
        raise Dlt645Error(f"{len(raw) - end} bytes after the end of the frame")
    return frame


class FrameScanner:
    """Finds frames in a byte stream (a serial line): skips preambles, noise and broken frames."""

    def __init__(self) -> None:
        self._buf = b""
        self.garbage = 0  # bytes dropped because they were not part of a valid frame
        self.last_problem = ""

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        while True:
            i = self._buf.find(START)
            if i < 0:
                self.garbage += sum(1 for b in self._buf if b != PREAMBLE)
                self._buf = b""
                return frames
            self.garbage += sum(1 for b in self._buf[:i] if b != PREAMBLE)
            self._buf = self._buf[i:]
            frame, end, problem = _frame_at(self._buf, 0)
            if problem:  # not a frame at this 0x68: drop it and look for the next
                self.last_problem = problem
                self.garbage += 1
                self._buf = self._buf[1:]
                continue
            if frame is None:
                # Waiting for the rest of a candidate: unless a complete frame already follows it (the
                # candidate was noise that happens to look like a frame start), or it can never complete.
                later = self._complete_after(1)
                if later is not None or len(self._buf) > 12 + 255:
                    drop = later if later is not None else 1
                    self.garbage += sum(1 for b in self._buf[:drop] if b != PREAMBLE)
                    self._buf = self._buf[drop:]
                    continue
                return frames
            frames.append(frame)
            self._buf = self._buf[end:]

    def _complete_after(self, start: int) -> int | None:
        """Offset of the first complete, valid frame at or after `start`; None if there is none yet."""
        i = self._buf.find(START, start)
        while i >= 0:
            frame, _end, _problem = _frame_at(self._buf, i)
            if frame is not None:
                return i
            i = self._buf.find(START, i + 1)
        return None

    def clear(self) -> None:
        self._buf = b""

    @property
    def pending(self) -> int:
        return len(self._buf)


# -------------------------------------------------------------------------------- data identifiers
@dataclass(frozen=True, slots=True)
class DataId:
    di: int  # DI3 DI2 DI1 DI0 as one number, e.g. 0x00010000
    name: str
    size: int  # value bytes
    decimals: int  # fixed-point digits after the decimal point
    signed: bool  # the top bit of the most significant byte is the sign (current, power)
    unit: str
    count: int = 1  # values in a block (e.g. the A/B/C voltage block)

    @property
    def di_bytes(self) -> bytes:
        return self.di.to_bytes(4, "little")


DATA_IDS: dict[int, DataId] = {d.di: d for d in (
    DataId(0x00000000, "combined active energy", 4, 2, False, "kWh"),
    DataId(0x00010000, "forward active energy", 4, 2, False, "kWh"),
    DataId(0x00020000, "reverse active energy", 4, 2, False, "kWh"),
    DataId(0x02010100, "phase A voltage", 2, 1, False, "V"),
    DataId(0x02010200, "phase B voltage", 2, 1, False, "V"),
    DataId(0x02010300, "phase C voltage", 2, 1, False, "V"),
    DataId(0x0201FF00, "voltage block", 2, 1, False, "V", count=3),
    DataId(0x02020100, "phase A current", 3, 3, True, "A"),
    DataId(0x02020200, "phase B current", 3, 3, True, "A"),
    DataId(0x02020300, "phase C current", 3, 3, True, "A"),
    DataId(0x02030000, "total active power", 3, 4, True, "kW"),
)}  # fmt: skip
ENERGY_TOTAL, ENERGY_FORWARD, ENERGY_REVERSE = 0x00000000, 0x00010000, 0x00020000
VOLTAGE_A, CURRENT_A, POWER_TOTAL, VOLTAGE_BLOCK = 0x02010100, 0x02020100, 0x02030000, 0x0201FF00


def data_id(di: int) -> DataId:
    try:
        return DATA_IDS[di]
    except KeyError:
        raise Dlt645Error(f"data identifier {di:08X} is not one this codec knows") from None


def bcd_to_int(raw: bytes, *, signed: bool) -> int:
    """Little-endian BCD → integer of the fixed-point digits (sign from the top bit if `signed`)."""
    be = bytearray(raw[::-1])
    negative = False
    if signed and be and be[0] & 0x80:
        negative = True
        be[0] &= 0x7F
    text = bytes(be).hex()
    if not text.isdigit():
        raise Dlt645Error(f"value bytes {raw.hex(' ')} are not BCD")
    value = int(text)
    return -value if negative else value


def int_to_bcd(value: int, size: int, *, signed: bool) -> bytes:
    digits = abs(value)
    # Signed: the top bit of the top byte is the sign, so its high digit can be 0..7 only.
    limit = 8 * 10 ** (2 * size - 1) if signed else 10 ** (2 * size)
    if digits >= limit or (value < 0 and not signed):
        raise Dlt645Error(f"{value} does not fit {size} BCD bytes")
    be = bytearray(bytes.fromhex(f"{digits:0{2 * size}d}"))
    if value < 0:
        be[0] |= 0x80
    return bytes(be[::-1])


def decode_values(did: DataId, raw: bytes) -> tuple[int, ...]:
    """The fixed-point integers of a value field (e.g. 123456 for 1234.56 kWh)."""
    if len(raw) != did.size * did.count:
        raise Dlt645Error(f"{did.name}: {len(raw)} value bytes, expected {did.size * did.count}")
    return tuple(bcd_to_int(raw[k * did.size : (k + 1) * did.size], signed=did.signed) for k in range(did.count))


def encode_values(did: DataId, values: tuple[int, ...] | list[int]) -> bytes:
    if len(values) != did.count:
        raise Dlt645Error(f"{did.name}: {len(values)} values, expected {did.count}")
    return b"".join(int_to_bcd(v, did.size, signed=did.signed) for v in values)


# -------------------------------------------------------------------------------- messages
def read_request(address: str, di: int) -> Frame:
    return Frame(address, Function.READ_DATA, data_id(di).di_bytes)


def read_reply(address: str, di: int, values: tuple[int, ...] | list[int]) -> Frame:
    did = data_id(di)
    return Frame(address, REPLY_BIT | Function.READ_DATA, did.di_bytes + encode_values(did, values))


def error_reply(address: str, function: int, err: int) -> Frame:
    return Frame(address, REPLY_BIT | ABNORMAL_BIT | function, bytes([err & 0xFF]))


def read_address_request() -> Frame:
    return Frame(WILDCARD, Function.READ_ADDRESS)


def read_address_reply(address: str) -> Frame:
    return Frame(address, REPLY_BIT | Function.READ_ADDRESS, encode_address(address))


class MeterRefused(Dlt645Error):
    """The meter answered with an abnormal reply (C = 0xD1 …)."""

    def __init__(self, message: str, err: int) -> None:
        super().__init__(message)
        self.err = err


def parse_read_reply(reply: Frame, di: int) -> tuple[int, ...]:
    """Values of a reply to read_request(…, di); abnormal replies raise MeterRefused."""
    if not reply.is_reply or reply.function != Function.READ_DATA:
        raise Dlt645Error(f"control code {reply.control:#04x} is not a reply to 'read data'")
    if reply.abnormal:
        err = reply.data[0] if reply.data else 0
        raise MeterRefused(f"meter {reply.address} refused {di:08X}: {describe_error(err)}", err)
    if len(reply.data) < 4:
        raise Dlt645Error(f"reply of {len(reply.data)} data bytes has no data identifier")
    got = int.from_bytes(reply.data[:4], "little")
    if got != di:
        raise Dlt645Error(f"reply is for {got:08X}, asked for {di:08X}")
    return decode_values(data_id(di), reply.data[4:])


def parse_address_reply(reply: Frame) -> str:
    if not reply.is_reply or reply.function != Function.READ_ADDRESS or reply.abnormal:
        raise Dlt645Error(f"control code {reply.control:#04x} is not a reply to 'read address'")
    address = decode_address(reply.data)
    if address != reply.address:
        raise Dlt645Error(f"address in the data ({address}) differs from the frame's ({reply.address})")
    return address
