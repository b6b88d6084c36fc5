"""The simulated residents' IC cards: balances and kinds, with a journal of every change.

Kept behind this small class on purpose: a later issue replaces it with real MIFARE card images
(value blocks, keys), and the pile model only ever calls `get`, `debit` and `credit`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class CardKind(StrEnum):
    STORED = "stored"  # stored-value card: each swipe deducts the pile's swipe fee
    MONTHLY = "monthly"  # 包月卡: free swipes until the expiry date


@dataclass(slots=True)
class Card:
    card_no: int
    balance_fen: int = 0
    kind: CardKind = CardKind.STORED
    monthly_until: float = 0.0  # Unix seconds; a monthly card is valid while now < this
    blacklisted: bool = False
    lock: Any = None  # MIFARE cards (comm.sim.mifare_cards): the grey lock of an open charge

    def monthly_valid(self, now: float) -> bool:
        return self.kind is CardKind.MONTHLY and now < self.monthly_until


@dataclass(frozen=True, slots=True)
class CardEntry:
    """One balance change: what happened to which card (the pile's view of a card's history)."""

    card_no: int
    delta_fen: int
    reason: str  # "issue", "top_up", "swipe", "refund"
    ref: str = ""  # pile code + port, for swipes and refunds


class CardBook:
    """All cards in the simulated community, shared by its piles (cards work at every pile)."""

    def __init__(self) -> None:
        self._cards: dict[int, Card] = {}
        self.journal: list[CardEntry] = []

    def add(
        self,
        card_no: int,
        balance_fen: int = 0,
        *,
        kind: CardKind | str = CardKind.STORED,
        monthly_until: float = 0.0,
        blacklisted: bool = False,
    ) -> Card:
        if not 0 < card_no <= 0xFFFFFFFF:
            raise ValueError(f"card number {card_no} must fit the record's u32 and not be 0")
        if card_no in self._cards:
            raise ValueError(f"card {card_no} already issued")
        if balance_fen < 0:
            raise ValueError("a card balance cannot be negative")
        card = Card(card_no, balance_fen, CardKind(kind), monthly_until, blacklisted)
        self._cards[card_no] = card
        self.journal.append(CardEntry(card_no, balance_fen, "issue"))
        return card

    def get(self, card_no: int) -> Card | None:
        return self._cards.get(card_no)

    def balance(self, card_no: int) -> int:
        return self._cards[card_no].balance_fen

    def debit(self, card_no: int, fen: int, ref: str = "") -> bool:
        """Take `fen` off the card; False (and nothing changes) if the balance is short."""
        card = self._cards[card_no]
        if fen < 0 or card.balance_fen < fen:
            return False
        card.balance_fen -= fen
        self.journal.append(CardEntry(card_no, -fen, "swipe", ref))
        return True

    def credit(self, card_no: int, fen: int, ref: str = "", reason: str = "refund") -> None:
        if fen < 0:
            raise ValueError("credit must not be negative")
        self._cards[card_no].balance_fen += fen
        self.journal.append(CardEntry(card_no, fen, reason, ref))

    def top_up(self, card_no: int, fen: int) -> None:
        self.credit(card_no, fen, reason="top_up")

    def set_blacklisted(self, card_no: int, flag: bool = True) -> None:
        self._cards[card_no].blacklisted = flag

    # Hooks of real card images (comm.sim.mifare_cards.MifareCardBook); plain cards need none of them.
    def tap(self, card_no: int | None) -> None:
        """The card in the pile's slot while a swipe is handled (None: taken away)."""

    def grey_lock(self, card_no: int, pile_code: str, port: int, session_id: int, held_fen: int, t: float) -> None:
        """Mark the card locked by an open charge."""

    def grey_release(self, card_no: int) -> None:
        """Settle and clear the card's grey lock at the pile that set it."""

    def total_fen(self) -> int:
        return sum(c.balance_fen for c in self._cards.values())

    def __contains__(self, card_no: object) -> bool:
        return card_no in self._cards

    def __len__(self) -> int:
        return len(self._cards)

    def __iter__(self) -> Iterator[Card]:
        return iter(self._cards.values())
