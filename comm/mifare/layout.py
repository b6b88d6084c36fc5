"""ChargeDesk's card layout on a MIFARE Classic 1K (docs/card-layout.md is the prose version).

| sector | blocks | what | access (data / trailer) |
|---|---|---|---|
| 0 | 1, 2 | directory: "CDSK", layout, issuer id, card number, kind; issuer name | 100 / 011, Key A = public MAD key |
| 1 | 4, 5, 6 | identity: user id; card number, kind, issue day + MAC; monthly valid-until + MAC | 100 / 011 |
| 2 | 8, 9, 10 | purse value block, its backup, the seal (counter, balance, MAC) | 110, 110, 100 / 011 |
| 3 | 12, 13 | intent of the balance change under way (op number, counters, balances) + MAC | 100 / 011 |
| 4 | 16, 17 | grey lock (pile, port, time, amount held, session) + MAC | 100 / 011 |

Records are little-endian. Every MAC binds the card's UID, so a dump copied to another card fails.
"""

from __future__ import annotations

import datetime as dt
import struct
import uuid
import zlib
from dataclasses import dataclass
from enum import IntEnum

from comm.mifare.classic import Cond, trailer
from comm.mifare.keys import CardKeys

MAGIC = b"CDSK"
LAYOUT_VERSION = 1
SECTORS = (0, 1, 2, 3, 4)
DIRECTORY, ISSUER_NAME = 1, 2
USER, IDENTITY, MONTHLY = 4, 5, 6
PURSE, BACKUP, SEAL = 8, 9, 10
INTENT, INTENT_MAC = 12, 13
LOCK, LOCK_MAC = 16, 17
EPOCH = dt.date(2000, 1, 1)

_RW_B: Cond = (1, 0, 0)  # read A|B, write B
_PURSE: Cond = (1, 1, 0)  # read A|B, write B, increment B, decrement/transfer/restore A|B
_ADMIN_B: Cond = (0, 1, 1)  # trailer: Key B writes keys and access bits, nobody reads Key B
SECTOR_CONDS: dict[int, tuple[Cond, Cond, Cond, Cond]] = {
    0: ((0, 0, 0), _RW_B, _RW_B, _ADMIN_B),
    1: (_RW_B, _RW_B, _RW_B, _ADMIN_B),
    2: (_PURSE, _PURSE, _RW_B, _ADMIN_B),
    3: (_RW_B, _RW_B, _RW_B, _ADMIN_B),
    4: (_RW_B, _RW_B, _RW_B, _ADMIN_B),
}


class CardKind(IntEnum):
    STORED = 1  # stored value: each swipe takes the pile's fee
    MONTHLY = 2  # 包月: free swipes until the valid-until day
    FREE = 3  # free charging (e.g. a community service card)
    STAFF = 4  # staff card: free, for testing ports

    @property
    def code(self) -> str:
        return self.name.lower()


def issuer_id(operator_code: str) -> int:
    return zlib.crc32(operator_code.encode()) & 0xFFFFFFFF


def pile_number(pile_code: str) -> int:
    """The 32-bit pile number a grey lock carries (CRC-32 of the pile code; the desk maps it back)."""
    return zlib.crc32(pile_code.encode()) & 0xFFFFFFFF


def day_of(d: dt.date) -> int:
    return (d - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=day)


def sector_trailer(keys: CardKeys, sector: int) -> bytes:
    return trailer(keys.key(sector, "A"), SECTOR_CONDS[sector], keys.key(sector, "B"))


@dataclass(frozen=True, slots=True)
class Directory:
    issuer: int
    card_no: int
    kind: CardKind
    issuer_name: str

    def blocks(self) -> tuple[bytes, bytes]:
        b1 = MAGIC + struct.pack("<BIIB", LAYOUT_VERSION, self.issuer, self.card_no, self.kind) + bytes(2)
        name = self.issuer_name.encode()[:16].decode(errors="ignore").encode()  # whole characters only
        return b1, name + bytes(16 - len(name))

    @staticmethod
    def parse(b1: bytes, b2: bytes) -> Directory | None:
        """None when the block is not ChargeDesk's directory (a blank or another system's card)."""
        if b1[:4] != MAGIC:
            return None
        _ver, issuer, card_no, kind = struct.unpack("<BIIB", b1[4:14])
        name = b2.rstrip(b"\x00").decode(errors="replace")
        try:
            return Directory(issuer, card_no, CardKind(kind), name)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: uuid.UUID
    card_no: int
    kind: CardKind
    issue_day: int

    def blocks(self, keys: CardKeys) -> tuple[bytes, bytes]:
        b4 = self.user_id.bytes
        head = struct.pack("<IBBH", self.card_no, self.kind, LAYOUT_VERSION, self.issue_day)
        return b4, head + keys.mac(b"ID", b4, head)

    @staticmethod
    def parse(keys: CardKeys, b4: bytes, b5: bytes) -> Identity | None:
        """None if the MAC does not match (edited, or copied from another card)."""
        head = b5[:8]
        if keys.mac(b"ID", b4, head) != b5[8:]:
            return None
        card_no, kind, _ver, day = struct.unpack("<IBBH", head)
        return Identity(uuid.UUID(bytes=b4), card_no, CardKind(kind), day)


def monthly_block(keys: CardKeys, card_no: int, until: int) -> bytes:
    head = struct.pack("<I", until)
    return head + keys.mac(b"MONTH", struct.pack("<I", card_no), head, size=12)


def parse_monthly(keys: CardKeys, card_no: int, b6: bytes) -> int | None:
    """The valid-until time (Unix seconds: valid while now < it); 0 = never activated; None = MAC mismatch."""
    if b6 == bytes(16):
        return 0
    if keys.mac(b"MONTH", struct.pack("<I", card_no), b6[:4], size=12) != b6[4:]:
        return None
    return int(struct.unpack("<I", b6[:4])[0])


MAX_COUNTER = 0xFFFF


@dataclass(frozen=True, slots=True)
class Seal:
    """The committed balance: counter u16, balance i32, the last desk operation u32, MAC₆.

    ``desk_op`` is the number of the last desk operation that changed the balance (piles carry it
    forward): after a tear, the desk knows whether *its* change made it even if a pile changed the card
    since."""

    counter: int
    balance_fen: int
    desk_op: int = 0

    def block(self, keys: CardKeys, card_no: int) -> bytes:
        head = struct.pack("<HiI", self.counter, self.balance_fen, self.desk_op)
        return head + keys.mac(b"SEAL", struct.pack("<I", card_no), head, size=6)

    @staticmethod
    def parse(keys: CardKeys, card_no: int, b: bytes) -> Seal | None:
        if keys.mac(b"SEAL", struct.pack("<I", card_no), b[:10], size=6) != b[10:]:
            return None
        ctr, bal, op = struct.unpack("<HiI", b[:10])
        return Seal(ctr, bal, op)


@dataclass(frozen=True, slots=True)
class Intent:
    """A balance change about to be made: written before the purse is touched (the card's journal)."""

    op_no: int
    old_counter: int
    old_balance_fen: int
    new_balance_fen: int

    def blocks(self, keys: CardKeys, card_no: int) -> tuple[bytes, bytes]:
        body = struct.pack("<IIii", self.op_no, self.old_counter, self.old_balance_fen, self.new_balance_fen)
        return body, keys.mac(b"INTENT", struct.pack("<I", card_no), body) + bytes(8)

    @staticmethod
    def parse(keys: CardKeys, card_no: int, b12: bytes, b13: bytes) -> Intent | None:
        if b12 == bytes(16) or keys.mac(b"INTENT", struct.pack("<I", card_no), b12) != b13[:8]:
            return None
        return Intent(*struct.unpack("<IIii", b12))


@dataclass(frozen=True, slots=True)
class GreyLock:
    """A charge opened by a pile and not yet settled on the card (灰锁)."""

    pile_no: int
    port: int
    time: int  # Unix seconds, the pile's clock
    held_fen: int
    session_id: int

    def blocks(self, keys: CardKeys, card_no: int) -> tuple[bytes, bytes]:
        body = struct.pack("<BBHIII", 1, self.port, min(self.held_fen, 0xFFFF), self.time, self.session_id,
                           self.pile_no)  # fmt: skip
        return body, keys.mac(b"LOCK", struct.pack("<I", card_no), body) + bytes(8)

    @staticmethod
    def parse(keys: CardKeys, card_no: int, b16: bytes, b17: bytes) -> GreyLock | bool | None:
        """The lock; None when unlocked; False when the lock flag is set but its MAC does not match."""
        if b16[0] != 1:
            return None
        if keys.mac(b"LOCK", struct.pack("<I", card_no), b16) != b17[:8]:
            return False
        _f, port, held, t, session, pile = struct.unpack("<BBHIII", b16)
        return GreyLock(pile, port, t, held, session)


UNLOCKED = bytes(16)
