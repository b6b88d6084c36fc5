"""A card desk for the tests: the services with a card "reader" over in-memory MIFARE cards (DirectIO,
the same card interface the simulated piles use), and the checks that card and ledger agree."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain.journal import CARD_DEPOSITS, CARD_FLOAT
from app.domain.permissions import Actor, Role
from app.services import cards
from app.services.card_keys import CardContext
from comm.mifare import cardapp
from comm.mifare.classic import MifareClassic1K
from comm.mifare.keys import CardKeys
from db.models_cards import Card
from db.models_ledger import LedgerAccount
from tests.app.services.conftest import Desk

CTX = CardContext(bytes(range(16)), "TEST", "测试物业")
_uids = itertools.count(0x10000001)


@dataclass
class CardDesk:
    desk: Desk
    ctx: CardContext = CTX
    images: dict[int, MifareClassic1K] = field(default_factory=dict)

    @property
    def clerk(self) -> Actor:
        return self.desk.by_role[Role.CARD_ADMIN]

    def blank(self) -> cardapp.DirectIO:
        return cardapp.DirectIO(MifareClassic1K(next(_uids).to_bytes(4, "big")))

    def issued(self, balance: int = 5000, *, deposit: int = 1000, kind: str = "stored",
               user: uuid.UUID | None = None, **kw: object) -> tuple[cardapp.DirectIO, int]:  # fmt: skip
        io = self.blank()
        r = cards.issue(self.clerk, self.desk.db, io, self.ctx, user_id=user or self.desk.user(), kind=kind,
                        deposit_fen=deposit, initial_fen=balance, **kw)  # type: ignore[arg-type]  # fmt: skip
        self.images[r.card_no] = io.card
        return io, r.card_no

    def on_card(self, io: cardapp.DirectIO) -> cardapp.CardState | None:
        """The card as it is (recovered as a tap would), read without the services."""
        s = cardapp.Session(cardapp.DirectIO(io.card), CardKeys(io.card.uid, self.ctx.master))
        return _read(s, self.ctx)

    def account(self, code: str) -> int:
        with self.desk.db() as s:
            return int(s.scalar(select(LedgerAccount.balance_fen).where(LedgerAccount.code == code)) or 0)

    def assert_agree(self) -> None:
        """The books balance; the money on cards in the ledger is the register's sum; so are the deposits;
        and every card on hand shows what the register says."""
        self.desk.assert_books_ok()
        with self.desk.db() as s:
            rows = list(s.scalars(select(Card)))
        live = [c for c in rows if c.state in ("active", "lost")]
        assert self.account(CARD_FLOAT.code) == sum(c.balance_fen for c in live)
        assert self.account(CARD_DEPOSITS.code) == sum(c.deposit_fen for c in live)
        for c in rows:
            image = self.images.get(c.card_no)
            if image is None or c.state != "active":
                continue
            st = _read(cardapp.Session(cardapp.DirectIO(image), CardKeys(image.uid, self.ctx.master)), self.ctx)
            assert st is not None and (st.balance_fen, st.counter) == (c.balance_fen, c.counter), c.card_no


def _read(s: cardapp.Session, ctx: CardContext) -> cardapp.CardState | None:
    from app.services.card_flow import read

    return read(s, ctx)
