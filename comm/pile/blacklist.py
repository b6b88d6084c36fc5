"""The card blacklist of a pile (the map's `blacklist` and `blacklist_card` blocks): the codec of both
blocks, the CRC of a list, and the push over a ``PileDevice`` with read-back.

A push is: the table in chunks (FC16, whole entries, at most ``max_write`` registers each), then the
commit — version, count and CRC in one request, always last — then a read-back of the header. The
pile switches lists only at a commit whose checks pass, so a transfer cut short (a lost request, a
power cut) leaves it on its old list; the console sees the old version and pushes again. The pile
side is comm/sim/pile_blacklist.py.
"""

from __future__ import annotations

import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from comm.pile.codec import CodecError, decode_block, encode_block
from comm.pile.device import CommandFailed, PileDevice, PileRefused
from comm.pile.messages import BlacklistError
from comm.pile.register_map import RegisterMap

T = TypeVar("T")
MAX_CARD = 0xFFFFFFFF
MAX_VERSION = 0xFFFFFFFF


def list_crc(cards: Sequence[int]) -> int:
    """CRC-32 of the card numbers as 4-byte big-endian values, in table order (0 for an empty list)."""
    return zlib.crc32(b"".join(c.to_bytes(4, "big") for c in cards)) & 0xFFFFFFFF


def wire_order(cards: Sequence[int]) -> list[int]:
    """The order the console writes a list in: ascending, each number once."""
    return sorted(set(cards))


@dataclass(frozen=True, slots=True)
class BlacklistState:
    """The header as the pile shows it: the list in use and the staging area."""

    version: int
    count: int
    list_crc: int
    capacity: int
    staged: int
    error: BlacklistError


@dataclass(frozen=True, slots=True)
class BlacklistCommit:
    version: int
    count: int
    list_crc: int


class BlacklistCodec:
    """Both blacklist blocks of a map, both ways (console and simulator)."""

    def __init__(self, rmap: RegisterMap) -> None:
        if not self.supported(rmap):
            raise CodecError(f"pile model {rmap.model} has no card blacklist blocks")
        self.map = rmap
        self.header = rmap.block("blacklist")
        self.table = rmap.block("blacklist_card")
        self.capacity = rmap.blacklist_capacity
        # Whole entries per FC16 request: 61 entries (122 registers) within the 123-register limit.
        self.chunk_entries = rmap.max_write // self.table.length

    @staticmethod
    def supported(rmap: RegisterMap) -> bool:
        return "blacklist" in rmap.blocks and "blacklist_card" in rmap.blocks and rmap.blacklist_capacity > 0

    # -- console side ----------------------------------------------------------------------------
    def check(self, version: int, cards: Sequence[int]) -> None:
        if not 1 <= version <= MAX_VERSION:
            raise CodecError(f"blacklist: version {version} outside 1..{MAX_VERSION}")
        if len(cards) > self.capacity:
            raise CodecError(f"blacklist: {len(cards)} cards, the pile holds at most {self.capacity}")
        if len(set(cards)) != len(cards):
            raise CodecError("blacklist: a card number appears twice")
        for c in cards:
            if isinstance(c, bool) or not isinstance(c, int) or not 1 <= c <= MAX_CARD:
                raise CodecError(f"blacklist: card number {c!r} outside 1..{MAX_CARD}")

    def encode_chunks(self, cards: Sequence[int]) -> list[tuple[int, list[int]]]:
        """(address, registers) of each FC16 request that writes the table, in order."""
        out = []
        for first in range(0, len(cards), self.chunk_entries):
            part = cards[first : first + self.chunk_entries]
            regs: list[int] = []
            for c in part:
                regs += encode_block(self.map, self.table, {"card_no": c})
            out.append((self.table.address + first * self.table.length, regs))
        return out

    def encode_commit(self, version: int, cards: Sequence[int]) -> list[int]:
        """The commit request: registers 0 … writable-1 of the header."""
        self.check(version, cards)
        values = {"version": version, "count": len(cards), "list_crc": list_crc(cards)}
        return encode_block(self.map, self.header, values, length=self.header.writable)

    def decode_state(self, regs: Sequence[int]) -> BlacklistState:
        v = decode_block(self.map, self.header, regs)
        return BlacklistState(v["version"], v["count"], v["list_crc"], v["capacity"], v["staged"], v["error"])

    # -- pile side -------------------------------------------------------------------------------
    def decode_commit(self, regs: Sequence[int]) -> BlacklistCommit:
        n = self.header.writable or self.header.length
        if len(regs) != n:
            raise CodecError(f"blacklist: a commit is {n} registers, got {len(regs)}")
        v = decode_block(self.map, self.header, list(regs) + [0] * (self.header.length - n))
        return BlacklistCommit(v["version"], v["count"], v["list_crc"])

    def encode_state(self, state: BlacklistState) -> list[int]:
        values: dict[str, Any] = {"version": state.version, "count": state.count, "list_crc": state.list_crc,
                                  "capacity": state.capacity, "staged": state.staged, "error": state.error}
        return encode_block(self.map, self.header, values)

    def decode_entries(self, address: int, regs: Sequence[int]) -> dict[int, int]:
        """A table write → {entry index: card number}; CodecError unless it is whole entries inside the table."""
        size = self.table.length
        offset = address - self.table.address
        if offset < 0 or offset % size or len(regs) % size or not regs:
            raise CodecError(f"blacklist_card: write at {address:#06x}+{len(regs)} is not whole entries")
        first = offset // size
        if first + len(regs) // size > self.capacity:
            raise CodecError(f"blacklist_card: write runs past entry {self.capacity - 1}")
        out = {}
        for k in range(len(regs) // size):
            card = decode_block(self.map, self.table, regs[k * size : (k + 1) * size])["card_no"]
            if card == 0:
                raise CodecError(f"blacklist_card: entry {first + k} is 0 (not a card number)")
            out[first + k] = card
        return out

    def encode_table(self, cards: Sequence[int]) -> list[int]:
        """The whole table as the pile shows it: the list in use, then zeros."""
        regs: list[int] = []
        for c in cards:
            regs += encode_block(self.map, self.table, {"card_no": c})
        return regs + [0] * ((self.capacity - len(cards)) * self.table.length)


class BlacklistRefused(CommandFailed):
    """The pile did not take the list, or its read-back does not confirm it (message says which)."""


async def _direct(aw: Awaitable[T]) -> T:
    return await aw


async def push(dev: PileDevice, version: int, cards: Sequence[int], *,
               request: Callable[[Awaitable[Any]], Awaitable[Any]] = _direct) -> BlacklistState:
    """Write ``cards`` as list ``version`` to the pile behind ``dev`` and confirm it by reading the header
    back. ``request`` wraps every bus request (the poller counts them).

    Raises CommandFailed (nothing sent) for a list the map cannot carry, BlacklistRefused (a CommandFailed)
    when the pile refused the commit or reads back something else, and PileLinkError for the line.
    """
    ordered = wire_order(cards)
    try:
        codec = BlacklistCodec(dev.codec.map)
        commit = codec.encode_commit(version, ordered)  # checks everything before the first request
    except CodecError as exc:
        raise CommandFailed(f"blacklist not sent: {exc}") from None
    for address, regs in codec.encode_chunks(ordered):
        await request(dev.write(address, regs))
    refused = False
    try:
        await request(dev.write(codec.header.address, commit))
    except PileRefused:  # exception 03: the pile says why in `error`; read it before giving up
        refused = True
    regs = await request(dev.read("holding", codec.header.address, codec.header.length))
    state: BlacklistState = dev._decode(codec.decode_state, regs)
    if refused or state.error is not BlacklistError.NONE:
        raise BlacklistRefused(f"unit {dev.unit_id}: blacklist {version} refused ({state.error.value}); the pile "
                               f"keeps list {state.version}")
    if (state.version, state.count, state.list_crc) != (version, len(ordered), list_crc(ordered)):
        raise BlacklistRefused(f"unit {dev.unit_id}: blacklist read back as version {state.version} with "
                               f"{state.count} cards, sent {version} with {len(ordered)}")
    return state
