"""Real card images for the simulated piles: the CardBook interface over MIFARE Classic 1K chips.

A card issued at the desk (through the virtual reader) is the same ``MifareClassic1K`` object a
simulated pile reads when it is swiped there, through the same card application (``comm.mifare.cardapp``)
and the same keys, so its balance goes down at the pile and the desk sees it on the next tap. The piles
hold the operator's master key, as a real pile's PSAM would.

Simplification, said out loud: a refund a pile owes a card that is not in its slot (a session that ended
without a swipe) is kept here, per card and session, and put on the card when the card is next swiped at
that pile — or dropped when the desk settled that session from the pile's record (解灰) first.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from collections.abc import Iterator

from comm.mifare import cardapp as C
from comm.mifare import layout as L
from comm.mifare.classic import MifareClassic1K
from comm.mifare.keys import CardKeys
from comm.pn532.errors import ReaderError
from comm.sim.cards import Card, CardEntry, CardKind

FOREVER = float(2**31)
PILE_OP = 0x8000_0000  # pile operations number their intents from here; the desk's are below


class MifareCardBook:
    """All card images of a simulated community (cards work at every pile), by card number."""

    def __init__(self, master: bytes, *, operator_code: str, operator_name: str = "", tz_offset_min: int = 480) -> None:
        self.master = master
        self.issuer = L.issuer_id(operator_code)
        self.operator_name = operator_name or operator_code
        self.tz = dt.timezone(dt.timedelta(minutes=tz_offset_min))
        self.images: dict[int, MifareClassic1K] = {}
        self.blacklist: set[int] = set()
        self.owed: dict[tuple[int, int], int] = {}  # (card, session) → refund not yet on the card
        self.journal: list[CardEntry] = []
        self.present: int | None = None
        self._ops = 0

    # -- images ---------------------------------------------------------------------------------
    def insert(self, image: MifareClassic1K) -> int:
        """Put a card issued elsewhere (the desk) into circulation; returns its card number."""
        st = self._read(image)
        if st is None:
            raise ValueError("not a readable card of this operator")
        self.images[st[1].card_no] = image
        return st[1].card_no

    def add(self, card_no: int, balance_fen: int = 0, *, kind: CardKind | str = CardKind.STORED,
            monthly_until: float = 0.0, blacklisted: bool = False) -> Card:  # fmt: skip
        if card_no in self.images:
            raise ValueError(f"card {card_no} already issued")
        monthly = CardKind(kind) is CardKind.MONTHLY
        until = int(monthly_until) if monthly else 0
        uid = zlib.crc32(b"uid" + card_no.to_bytes(8, "little")).to_bytes(4, "little")
        self.images[card_no] = C.new_card_image(
            uid, self.master, issuer=self.issuer, issuer_name=self.operator_name, card_no=card_no,
            user_id=uuid.UUID(int=card_no), kind=L.CardKind.MONTHLY if monthly else L.CardKind.STORED,
            balance_fen=balance_fen, issue_day=L.day_of(dt.date(2025, 1, 1)), monthly_until=until)
        if blacklisted:
            self.blacklist.add(card_no)
        self.journal.append(CardEntry(card_no, balance_fen, "issue"))
        card = self.get(card_no)
        assert card is not None
        return card

    def _read(self, image: MifareClassic1K) -> tuple[C.Session, C.CardState] | None:
        """Read, check and recover a card as a pile does; None for a card the pile must refuse."""
        try:
            s = C.Session(C.DirectIO(image), CardKeys(image.uid, self.master))
            state, _ = C.recover(s, C.read_card(s, issuer=self.issuer))
            return s, state
        except ReaderError:
            return None

    def _state(self, card_no: int) -> tuple[C.Session, C.CardState] | None:
        image = self.images.get(card_no)
        return None if image is None else self._read(image)

    def get(self, card_no: int) -> Card | None:
        got = self._state(card_no)
        if got is None:
            return None
        st = got[1]
        kind = st.identity.kind
        until = FOREVER if kind in (L.CardKind.FREE, L.CardKind.STAFF) else 0.0
        if kind is L.CardKind.MONTHLY:
            until = float(st.monthly_until)
        return Card(card_no, st.balance_fen, CardKind.STORED if kind is L.CardKind.STORED else CardKind.MONTHLY,
                    until, card_no in self.blacklist, st.lock)  # fmt: skip

    def balance(self, card_no: int) -> int:
        got = self._state(card_no)
        if got is None:
            raise KeyError(card_no)
        return got[1].balance_fen

    def _change(self, card_no: int, delta: int) -> bool:
        got = self._state(card_no)
        if got is None or got[1].balance_fen + delta < 0:
            return False
        self._ops += 1
        C.change_balance(got[0], got[1], got[1].balance_fen + delta, op_no=PILE_OP + self._ops)
        return True

    # -- what the piles call ----------------------------------------------------------------------
    def tap(self, card_no: int | None) -> None:
        self.present = card_no

    def debit(self, card_no: int, fen: int, ref: str = "") -> bool:
        if fen < 0 or not self._change(card_no, -fen):
            return False
        self.journal.append(CardEntry(card_no, -fen, "swipe", ref))
        return True

    def credit(self, card_no: int, fen: int, ref: str = "", reason: str = "refund") -> None:
        if fen < 0:
            raise ValueError("credit must not be negative")
        if reason == "refund" and self.present != card_no:
            got = self._state(card_no)  # the card is not here: the pile owes it, keyed by the open lock
            lock = got[1].lock if got else None
            if isinstance(lock, L.GreyLock):
                key = (card_no, lock.session_id)
                self.owed[key] = self.owed.get(key, 0) + fen
                return
        if self._change(card_no, fen):
            self.journal.append(CardEntry(card_no, fen, reason, ref))

    def top_up(self, card_no: int, fen: int) -> None:
        self.credit(card_no, fen, reason="top_up")

    def grey_lock(self, card_no: int, pile_code: str, port: int, session_id: int, held_fen: int, t: float) -> None:
        got = self._state(card_no)
        if got is not None:
            lock = L.GreyLock(L.pile_number(pile_code), port, int(t), held_fen, session_id)
            C.set_lock(got[0], got[1], lock)

    def grey_release(self, card_no: int) -> None:
        got = self._state(card_no)
        if got is None or not isinstance(got[1].lock, L.GreyLock):
            return
        owed = self.owed.pop((card_no, got[1].lock.session_id), 0)
        s, st = got
        if owed:
            st = C.change_balance(s, st, st.balance_fen + owed, op_no=PILE_OP + self._ops + 1)
            self._ops += 1
            self.journal.append(CardEntry(card_no, owed, "refund", "grey-release"))
        C.clear_lock(s, st)

    def set_blacklisted(self, card_no: int, flag: bool = True) -> None:
        (self.blacklist.add if flag else self.blacklist.discard)(card_no)

    def total_fen(self) -> int:
        return sum(self.balance(n) for n in self.images if self._state(n) is not None)

    def __contains__(self, card_no: object) -> bool:
        return card_no in self.images

    def __len__(self) -> int:
        return len(self.images)

    def __iter__(self) -> Iterator[Card]:
        return iter([c for n in list(self.images) if (c := self.get(n)) is not None])
