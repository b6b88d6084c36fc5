"""The pile side of the card blacklist (the layer above pile_maint): the list in use, kept in flash across
power cuts like a real pile's, and a staging area in RAM that a commit turns into the new list at once.

The shared card book's own ``blacklisted`` flag (comm.sim.cards) stays as a simulator knob; the list the
console pushes is this pile's own, and a pile refuses a card on either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from comm.pile.blacklist import BlacklistCodec, BlacklistCommit, BlacklistState, list_crc
from comm.pile.codec import CodecError
from comm.pile.messages import BlacklistError
from comm.pile.register_map import RegisterMap, load_map
from comm.sim.pile_actions import SwipeResult
from comm.sim.pile_maint import PileMaintenance


class PileBlacklist(PileMaintenance):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rmap = load_map(self.model)
        self.blacklist_capacity = rmap.blacklist_capacity
        # flash
        self.blacklist_version = 0
        self.blacklist_cards: tuple[int, ...] = ()  # as written (the console sends them ascending)
        self._bl_set: frozenset[int] = frozenset()
        self.blacklist_error = BlacklistError.NONE
        # RAM: entries written since the last commit
        self._bl_staged: dict[int, int] = {}
        self.blacklist_history: list[tuple[float, int, int]] = []  # (sim time, version, count): for tests

    # ------------------------------------------------------------------ read side
    def blacklist_state(self) -> BlacklistState:
        return BlacklistState(self.blacklist_version, len(self.blacklist_cards), list_crc(self.blacklist_cards),
                              self.blacklist_capacity, len(self._bl_staged), self.blacklist_error)

    def is_blacklisted(self, card_no: int) -> bool:
        return card_no in self._bl_set

    # ------------------------------------------------------------------ writes from the console
    def blacklist_stage(self, entries: dict[int, int]) -> None:
        if self.powered:
            self._bl_staged.update(entries)

    def blacklist_commit(self, c: BlacklistCommit, now: float) -> BlacklistError:
        """Switch to the staged list if it is whole and matches; otherwise keep the old one. The staging
        area is emptied either way, so a retry starts from a clean table."""
        if not self.powered:
            return BlacklistError.NONE  # a dead pile answers nothing
        staged, self._bl_staged = self._bl_staged, {}
        cards = tuple(staged.get(k, 0) for k in range(min(c.count, self.blacklist_capacity)))
        if c.version == 0:
            err = BlacklistError.BAD_VERSION
        elif c.count > self.blacklist_capacity:
            err = BlacklistError.TOO_MANY
        elif any(k not in staged for k in range(c.count)):
            err = BlacklistError.INCOMPLETE
        elif list_crc(cards) != c.list_crc:
            err = BlacklistError.LIST_CRC
        else:
            err = BlacklistError.NONE
            self.blacklist_version, self.blacklist_cards, self._bl_set = c.version, cards, frozenset(cards)
            self.blacklist_history.append((now, c.version, len(cards)))
        self.blacklist_error = err
        return err

    # ------------------------------------------------------------------ power and swipes
    def power_restore(self, now: float) -> None:
        was = self.powered
        super().power_restore(now)
        if not was and self.powered:
            self._bl_staged = {}  # RAM: a transfer cut by the power failure starts again

    def _swipe(self, port: int, card_no: int) -> SwipeResult:
        if self.powered and card_no in self._bl_set:
            return SwipeResult.BLACKLISTED
        return super()._swipe(port, card_no)


# ---------------------------------------------------------------------- wire side (slave.py calls these)
_codecs: dict[tuple[str, str], BlacklistCodec] = {}


def _codec(rmap: RegisterMap) -> BlacklistCodec | None:
    if not BlacklistCodec.supported(rmap):
        return None
    key = (rmap.model, rmap.source)
    if key not in _codecs:
        _codecs[key] = BlacklistCodec(rmap)
    return _codecs[key]


def blacklist_image(rmap: RegisterMap, pile: Any, block: str) -> list[int] | None:
    """Registers of the blacklist blocks as the pile shows them (None: not a blacklist block)."""
    codec = _codec(rmap)
    if codec is None or block not in ("blacklist", "blacklist_card"):
        return None
    if block == "blacklist":
        return codec.encode_state(pile.blacklist_state())
    return codec.encode_table(pile.blacklist_cards)


def blacklist_write(rmap: RegisterMap, pile: Any, address: int, values: Sequence[int], now: float) -> bool:
    """Carry out a write to the blacklist blocks; False when the address is not theirs.
    Raises ValueError for a request the pile refuses (the wire answers exception 03)."""
    codec = _codec(rmap)
    if codec is None:
        return False
    start, span = rmap.span(codec.table)
    if start <= address < start + span:
        try:
            entries = codec.decode_entries(address, values)
        except CodecError as exc:
            raise ValueError(str(exc)) from None
        pile.blacklist_stage(entries)
        return True
    if address == codec.header.address and len(values) == codec.header.writable:
        try:
            commit = codec.decode_commit(values)
        except CodecError as exc:
            raise ValueError(str(exc)) from None
        err = pile.blacklist_commit(commit, now)
        if err is not BlacklistError.NONE:
            raise ValueError(f"blacklist {commit.version} refused: {err.value}")
        return True
    return False
