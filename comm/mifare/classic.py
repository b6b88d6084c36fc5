"""A MIFARE Classic 1K card as the NXP datasheet (MF1S50yyX Rev 3.0) describes it — protocol-facts §5.

16 sectors × 4 blocks × 16 bytes; block 3 of each sector is its trailer (Key A, access bits, GPB, Key B).
Access bits per block (C1 C2 C3) decide which key may read, write, increment or decrement/transfer/
restore (Table 8) and, for the trailer, who may write the keys and the access bits (Table 7).
``MifareClassic1K`` behaves like the chip: a wrong key, a forbidden operation or a malformed value block
makes it answer NAK and halt (it must be selected and authenticated again); Key A always reads back as
zeros; an access-bits format violation written to a trailer blocks that sector for good.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

BLOCKS = 64
BLOCK_SIZE = 16
TRANSPORT_KEY = b"\xff" * 6
Cond = tuple[int, int, int]  # (C1, C2, C3)


class Op(Enum):
    READ = 0
    WRITE = 1
    INCREMENT = 2
    DECREMENT = 3  # decrement, transfer, restore share one column of Table 8


class TrailerOp(Enum):
    KEY_A_WRITE = 0
    ACCESS_READ = 1
    ACCESS_WRITE = 2
    KEY_B_READ = 3
    KEY_B_WRITE = 4


A, B, AB, N = "A", "B", "AB", ""
# Table 8 (data blocks): C1C2C3 → read, write, increment, decrement/transfer/restore
DATA_ACCESS: dict[Cond, tuple[str, str, str, str]] = {
    (0, 0, 0): (AB, AB, AB, AB),  # transport
    (0, 1, 0): (AB, N, N, N),
    (1, 0, 0): (AB, B, N, N),
    (1, 1, 0): (AB, B, B, AB),  # value block, rechargeable with key B ("electronic purse")
    (0, 0, 1): (AB, N, N, AB),  # value block, non-rechargeable
    (0, 1, 1): (B, B, N, N),
    (1, 0, 1): (B, N, N, N),
    (1, 1, 1): (N, N, N, N),
}
# Table 7 (trailer): C1C2C3 → key A write, access read, access write, key B read, key B write
TRAILER_ACCESS: dict[Cond, tuple[str, str, str, str, str]] = {
    (0, 0, 0): (A, A, N, A, A),
    (0, 1, 0): (N, A, N, A, N),
    (1, 0, 0): (B, AB, N, N, B),
    (1, 1, 0): (N, AB, N, N, N),
    (0, 0, 1): (A, A, A, A, A),  # transport
    (0, 1, 1): (B, AB, B, N, B),
    (1, 0, 1): (N, AB, B, N, N),
    (1, 1, 1): (N, AB, N, N, N),
}


class AccessBitsError(ValueError):
    """Access bytes whose inverted copies disagree: a format violation (it blocks the sector)."""


class ValueBlockError(ValueError):
    """16 bytes that are not a MIFARE value block (copies disagree, or the address bytes do)."""


class CardNak(Exception):
    """The card refused (NAK): wrong key, forbidden access, not a value block, not authenticated."""

    def __init__(self, reason: str, *, auth: bool = False) -> None:
        super().__init__(reason)
        self.auth = auth


def access_bytes(conds: Sequence[Cond]) -> bytes:
    """Bytes 6–8 of a trailer for (C1,C2,C3) of blocks 0, 1, 2 and the trailer (datasheet Fig 10)."""
    if len(conds) != 4:
        raise ValueError("four (C1, C2, C3) triples: blocks 0, 1, 2 and the trailer")
    c1, c2, c3 = (sum(conds[i][k] << i for i in range(4)) for k in range(3))
    return bytes([((~c2 & 15) << 4) | (~c1 & 15), (c1 << 4) | (~c3 & 15), (c3 << 4) | c2])


def decode_access(b6_8: bytes) -> tuple[Cond, Cond, Cond, Cond]:
    b6, b7, b8 = b6_8[0], b6_8[1], b6_8[2]
    c1, c2, c3 = b7 >> 4, b8 & 15, b8 >> 4
    if (~b6 & 15) != c1 or ((~b6 >> 4) & 15) != c2 or (~b7 & 15) != c3:
        raise AccessBitsError(f"access bytes {b6_8.hex(' ')} violate the format")
    conds = tuple(((c1 >> i) & 1, (c2 >> i) & 1, (c3 >> i) & 1) for i in range(4))
    return conds  # type: ignore[return-value]


def value_block(value: int, addr: int) -> bytes:
    """value (signed 32-bit, LSByte first), ~value, value, addr, ~addr, addr, ~addr (datasheet §8.6.2)."""
    v = struct.pack("<i", value)
    inv = bytes(x ^ 0xFF for x in v)
    return v + inv + v + bytes([addr & 0xFF, ~addr & 0xFF, addr & 0xFF, ~addr & 0xFF])


def parse_value_block(data: bytes) -> tuple[int, int]:
    """(value, addr) of a value block; ValueBlockError if the copies don't agree (Adafruit's check too)."""
    if len(data) != BLOCK_SIZE:
        raise ValueBlockError(f"{len(data)} bytes, a block is 16")
    v, inv, v2 = data[0:4], data[4:8], data[8:12]
    if v != v2 or bytes(x ^ 0xFF for x in v) != inv:
        raise ValueBlockError("the value copies do not agree")
    a = data[12:16]
    if a[0] != a[2] or a[1] != a[3] or a[0] ^ 0xFF != a[1]:
        raise ValueBlockError("the address bytes do not agree")
    return struct.unpack("<i", v)[0], a[0]


def trailer(key_a: bytes, conds: Sequence[Cond], key_b: bytes, gpb: int = 0x69) -> bytes:
    return bytes(key_a) + access_bytes(conds) + bytes([gpb]) + bytes(key_b)


TRANSPORT_CONDS: tuple[Cond, Cond, Cond, Cond] = ((0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 1))
TRANSPORT_TRAILER = trailer(TRANSPORT_KEY, TRANSPORT_CONDS, TRANSPORT_KEY)


def sector_of(block: int) -> int:
    return block // 4


def trailer_of(sector: int) -> int:
    return sector * 4 + 3


def is_trailer(block: int) -> bool:
    return block % 4 == 3


def _allowed(who: str, key_type: str) -> bool:
    return key_type in who


@dataclass
class MifareClassic1K:
    """The chip: memory plus the state of one session in a reader's field."""

    uid: bytes
    blocks: list[bytearray] = field(default_factory=list)
    blocked_sectors: set[int] = field(default_factory=set)
    # session state (lost when the card leaves the field)
    halted: bool = False
    auth_sector: int | None = None
    auth_key: str = ""
    _register: bytes | None = None  # the internal data register of value operations

    def __post_init__(self) -> None:
        if len(self.uid) != 4:
            raise ValueError("a MIFARE Classic 1K here has a 4-byte UID")
        if not self.blocks:
            bcc = self.uid[0] ^ self.uid[1] ^ self.uid[2] ^ self.uid[3]
            block0 = bytearray(self.uid + bytes([bcc, 0x08, 0x04, 0x00]) + b"CDSKSIM1")
            self.blocks = [block0] + [bytearray(BLOCK_SIZE) for _ in range(BLOCKS - 1)]
            for s in range(16):
                self.blocks[trailer_of(s)] = bytearray(TRANSPORT_TRAILER)

    # -- session -------------------------------------------------------------------------------
    def select(self) -> None:
        """Anticollision + select (InListPassiveTarget): a halted card wakes up, unauthenticated."""
        self.halted, self.auth_sector, self.auth_key, self._register = False, None, "", None

    def leave_field(self) -> None:
        self.halted, self.auth_sector, self.auth_key, self._register = True, None, "", None

    def _nak(self, reason: str, *, auth: bool = False) -> CardNak:
        self.halted, self.auth_sector, self.auth_key, self._register = True, None, "", None
        return CardNak(reason, auth=auth)

    def conds(self, sector: int) -> tuple[Cond, Cond, Cond, Cond]:
        return decode_access(bytes(self.blocks[trailer_of(sector)][6:9]))

    def authenticate(self, block: int, key_type: str, key: bytes, uid: bytes) -> None:
        if self.halted:
            raise CardNak("halted")
        if not 0 <= block < BLOCKS:
            raise self._nak("no such block", auth=True)
        sector = sector_of(block)
        t = self.blocks[trailer_of(sector)]
        ok = sector not in self.blocked_sectors and bytes(uid[-4:]) == self.uid
        if key_type == "A":
            ok = ok and bytes(t[0:6]) == bytes(key)
        else:
            # Where Key B is readable it is plain data and can't authenticate (datasheet §8.7.3).
            ok = ok and bytes(t[10:16]) == bytes(key) and not _allowed(TRAILER_ACCESS[self.conds(sector)[3]][3], A)
        if not ok:
            raise self._nak("authentication failed", auth=True)
        self.auth_sector, self.auth_key, self._register = sector, key_type, None

    def _check(self, block: int) -> tuple[int, Cond]:
        if self.halted:
            raise CardNak("halted")
        if not 0 <= block < BLOCKS or self.auth_sector != sector_of(block):
            raise self._nak("not authenticated for this block")
        return block % 4, self.conds(sector_of(block))[block % 4]

    def _data_ok(self, block: int, op: Op) -> None:
        _, c = self._check(block)
        if block == 0 and op is not Op.READ:
            raise self._nak("block 0 is read-only")
        if is_trailer(block) or not _allowed(DATA_ACCESS[c][op.value], self.auth_key):
            raise self._nak(f"{op.name.lower()} not allowed on block {block}")

    # -- commands ------------------------------------------------------------------------------
    def read(self, block: int) -> bytes:
        if is_trailer(block):
            _, c = self._check(block)
            rights = TRAILER_ACCESS[c]
            t = self.blocks[block]
            access = bytes(t[6:10]) if _allowed(rights[TrailerOp.ACCESS_READ.value], self.auth_key) else bytes(4)
            key_b = bytes(t[10:16]) if _allowed(rights[TrailerOp.KEY_B_READ.value], self.auth_key) else bytes(6)
            return bytes(6) + access + key_b  # Key A is never readable
        self._data_ok(block, Op.READ)
        return bytes(self.blocks[block])

    def write(self, block: int, data: bytes) -> None:
        if len(data) != BLOCK_SIZE:
            raise self._nak("a write is 16 bytes")
        if is_trailer(block):
            self._write_trailer(block, bytes(data))
            return
        self._data_ok(block, Op.WRITE)
        self.blocks[block][:] = data

    def _write_trailer(self, block: int, data: bytes) -> None:
        _, c = self._check(block)
        rights = TRAILER_ACCESS[c]
        old = bytes(self.blocks[block])
        parts = ((TrailerOp.KEY_A_WRITE, 0, 6), (TrailerOp.ACCESS_WRITE, 6, 10), (TrailerOp.KEY_B_WRITE, 10, 16))
        for op, lo, hi in parts:
            if data[lo:hi] != old[lo:hi] and not _allowed(rights[op.value], self.auth_key):
                raise self._nak(f"{op.name.lower()} not allowed on trailer {block}")
        self.blocks[block][:] = data
        try:
            decode_access(data[6:9])
        except AccessBitsError:
            self.blocked_sectors.add(sector_of(block))  # irreversible, as on the chip

    def _value_op(self, block: int, op: Op) -> tuple[int, int]:
        self._data_ok(block, op)
        try:
            return parse_value_block(bytes(self.blocks[block]))
        except ValueBlockError:
            raise self._nak(f"block {block} is not a value block") from None

    def increment(self, block: int, operand: int) -> None:
        v, addr = self._value_op(block, Op.INCREMENT)
        self._register = value_block(_wrap(v + operand), addr)

    def decrement(self, block: int, operand: int) -> None:
        v, addr = self._value_op(block, Op.DECREMENT)
        self._register = value_block(_wrap(v - operand), addr)

    def restore(self, block: int) -> None:
        v, addr = self._value_op(block, Op.DECREMENT)
        self._register = value_block(v, addr)

    def transfer(self, block: int) -> None:
        self._data_ok(block, Op.DECREMENT)
        if self._register is None:
            raise self._nak("transfer without a value operation")
        self.blocks[block][:] = self._register
        self._register = None

    def dump(self) -> bytes:
        return b"".join(bytes(b) for b in self.blocks)

    @classmethod
    def from_dump(cls, dump: bytes) -> MifareClassic1K:
        if len(dump) != BLOCKS * BLOCK_SIZE:
            raise ValueError("a 1K dump is 1024 bytes")
        return cls(dump[:4], [bytearray(dump[i : i + 16]) for i in range(0, 1024, 16)])


def _wrap(v: int) -> int:
    return (v + 2**31) % 2**32 - 2**31

