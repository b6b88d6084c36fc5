"""The card desk through the real driver: PN532 frames over a pseudo-terminal to the virtual reader,
with the card pulled out of the field mid-operation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services import cards
from comm.mifare.classic import MifareClassic1K
from comm.pn532.device import PN532
from comm.pn532.errors import CardRemoved
from comm.sim.reader import VirtualReaderServer
from tests.app.services.card_bench import CTX, CardDesk
from tests.app.services.conftest import Desk


@pytest.fixture
def reader() -> Iterator[tuple[VirtualReaderServer, PN532]]:
    with VirtualReaderServer() as srv:
        dev = PN532.open(srv.device)
        yield srv, dev
        dev.close()


def test_issue_top_up_and_a_torn_top_up_over_the_wire(desk: Desk, reader: tuple[VirtualReaderServer, PN532]) -> None:
    srv, dev = reader
    cd = CardDesk(desk)
    card = MifareClassic1K(bytes.fromhex("C0FFEE01"))
    srv.reader.place(card)
    r = cards.issue(cd.clerk, desk.db, dev, CTX, user_id=desk.user("李四"), deposit_fen=1000, initial_fen=2000)
    cd.images[r.card_no] = card
    assert cards.tap(cd.clerk, desk.db, dev, CTX).balance_fen == 2000
    srv.reader.tear_after(30)  # somewhere inside the top-up's writes
    with pytest.raises(CardRemoved):
        cards.top_up(cd.clerk, desk.db, dev, CTX, card_no=r.card_no, amount_fen=500)
    srv.reader.place(card)
    view = cards.tap(cd.clerk, desk.db, dev, CTX)
    assert view.balance_fen in (2000, 2500) and view.notes
    cd.assert_agree()
