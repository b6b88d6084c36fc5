"""Card desk end to end: a card issued at the desk through the virtual reader (PN532 frames on a pty) is
swiped at a simulated pile on a real RS-485 pty bus, charges, is refund-swiped; the engine stores the
pile's record; the desk then shows that record and the right balance — and the books agree. A charge
that ended without the card grey-locks it; the desk un-greys it from the pile's record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.journal import CARD_FLOAT
from app.domain.permissions import Role
from app.services import card_queries, cards
from comm.mifare.classic import MifareClassic1K
from comm.pn532.device import PN532
from comm.sim.mifare_cards import MifareCardBook
from comm.sim.pile_model import SwipeResult
from comm.sim.reader import VirtualReaderServer
from db.engine import session_factory
from db.models import OfflineRecord
from tests.app.services.card_bench import CTX, CardDesk
from tests.e2e.card_world import card_world
from tests.e2e.site import FAST, Site, ebike, wait_for

PILES = ("T01-P01", "T01-P02")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Site, CardDesk, MifareCardBook, PN532, VirtualReaderServer]]:
    with card_world(tmp_path, PILES) as (site, desk, book):
        site.start_engine(FAST)
        with VirtualReaderServer() as srv:
            dev = PN532.open(srv.device)
            try:
                yield site, desk, book, dev, srv
            finally:
                dev.close()


def records(site: Site, card_no: int) -> list[OfflineRecord]:
    with session_factory(site.db)() as s:
        return list(s.scalars(select(OfflineRecord).where(OfflineRecord.card_no == card_no)))


def test_issue_swipe_charge_refund_swipe_and_the_desk_sees_it(world) -> None:  # type: ignore[no-untyped-def]
    site, desk, book, dev, srv = world
    clerk = desk.desk.by_role[Role.CARD_ADMIN]
    card = MifareClassic1K(bytes.fromhex("CAFE0001"))
    srv.reader.place(card)
    issued = cards.issue(clerk, desk.desk.db, dev, CTX, user_id=desk.desk.user("王五"), deposit_fen=1000,
                         initial_fen=2000)  # fmt: skip
    no = issued.card_no
    desk.images[no] = card
    srv.reader.remove(card)  # the resident takes the card to the pile
    assert book.insert(card) == no
    pile = site.pile(PILES[0])
    site.on_sim(pile.plug, 4, ebike(250), site.now())
    assert site.on_sim(pile.swipe_card, 4, no, site.now()) is SwipeResult.STARTED
    assert book.balance(no) == 1900  # the pile's fee (¥1) came off the card itself
    site.clock.skip(1800)  # half an hour of charging
    site.on_sim(site.runtime.tick)
    assert site.on_sim(pile.swipe_card, 4, no, site.now()) is SwipeResult.REFUNDED
    rec = wait_for(lambda: records(site, no), timeout=15)[0]
    assert rec.amount_fen == 100 and 0 < rec.refund_fen < 100 and rec.stop_reason == "CARD_REFUND"
    srv.reader.place(card)  # back at the desk
    view = cards.tap(clerk, desk.desk.db, dev, CTX)
    assert view.balance_fen == 1900 + rec.refund_fen == book.balance(no) and view.lock is None
    assert any("spent at piles" in n.en for n in view.notes)  # the fee less the refund, posted at this tap
    history = card_queries.card_history(clerk, desk.desk.db, card_no=no)
    assert [(c.pile_code, c.port, c.amount_fen, c.refund_fen) for c in history.charges] == [
        (PILES[0], 4, 100, rec.refund_fen)]
    assert [o.kind.value for o in history.ops][:2] == ["sync", "issue"]
    desk.assert_agree()
    assert desk.account(CARD_FLOAT.code) == view.balance_fen


def test_a_charge_that_ended_without_the_card_is_un_greyed_from_the_pile_record(world) -> None:  # type: ignore[no-untyped-def]
    site, desk, book, dev, srv = world
    clerk = desk.desk.by_role[Role.CARD_ADMIN]
    card = MifareClassic1K(bytes.fromhex("CAFE0002"))
    srv.reader.place(card)
    no = cards.issue(clerk, desk.desk.db, dev, CTX, user_id=desk.desk.user("李四"), initial_fen=500).card_no
    desk.images[no] = card
    srv.reader.remove(card)
    book.insert(card)
    a, b = site.pile(PILES[0]), site.pile(PILES[1])
    assert site.on_sim(a.swipe_card, 2, no, site.now()) is SwipeResult.STARTED  # nothing plugged in …
    site.clock.skip(90)  # … no load: the pile stops after 60 s and owes the card its ¥1
    site.on_sim(site.runtime.tick)
    rec = wait_for(lambda: records(site, no), timeout=15)[0]
    assert (rec.stop_reason, rec.refund_fen) == ("NO_LOAD", 100)
    assert site.on_sim(b.swipe_card, 1, no, site.now()) is SwipeResult.LOCKED  # another pile refuses it
    srv.reader.place(card)
    view = cards.tap(clerk, desk.desk.db, dev, CTX)
    assert view.lock is not None and (view.lock.pile_code, view.lock.port, view.lock.held_fen) == (PILES[0], 2, 100)
    assert view.balance_fen == 400
    done = cards.ungrey(clerk, desk.desk.db, dev, CTX, card_no=no)
    assert (done.balance_before_fen, done.balance_after_fen, done.view.lock) == (400, 500, None)
    srv.reader.remove(card)
    site.on_sim(b.plug, 1, ebike(), site.now())
    assert site.on_sim(b.swipe_card, 1, no, site.now()) is SwipeResult.STARTED  # unlocked: works anywhere
    assert book.balance(no) == 400
    srv.reader.place(card)  # the desk learns of that swipe at its next tap
    assert cards.tap(clerk, desk.desk.db, dev, CTX).balance_fen == 400
    desk.assert_agree()
