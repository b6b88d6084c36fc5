"""Simulated piles on real card images: the grey lock of an open charge, settling it at the pile, and a
card issued elsewhere (the desk) working at a pile."""

from __future__ import annotations

import random
import uuid

from comm.mifare import cardapp as C
from comm.mifare import layout as L
from comm.pile.messages import PileConfig, StopReason
from comm.sim.mifare_cards import MifareCardBook
from comm.sim.pile_model import SimPile, SwipeResult

from .conftest import T0, ebike

MASTER = bytes(range(16))


def book() -> MifareCardBook:
    b = MifareCardBook(MASTER, operator_code="TEST", operator_name="测试物业")
    b.add(1001, 1000)
    return b


def pile(cards: MifareCardBook, code: str = "XC-T-01") -> SimPile:
    return SimPile(code=code, serial=f"SN-{code}", unit_id=1, rng=random.Random(7), now=T0, config=PileConfig(),
                   cards=cards)  # type: ignore[arg-type]  # fmt: skip


def lock_of(cards: MifareCardBook, card_no: int) -> object:
    card = cards.get(card_no)
    assert card is not None
    return card.lock


def test_a_charge_grey_locks_the_card_and_the_refund_swipe_unlocks_it() -> None:
    cards = book()
    a = pile(cards)
    a.plug(1, ebike(250), T0)
    assert a.swipe_card(1, 1001, T0) is SwipeResult.STARTED
    lock = lock_of(cards, 1001)
    assert isinstance(lock, L.GreyLock)
    assert (lock.pile_no, lock.port, lock.held_fen, lock.session_id) == (L.pile_number("XC-T-01"), 1, 100,
                                                                        a.session(1).session_id)  # fmt: skip
    assert cards.balance(1001) == 900
    b = pile(cards, "XC-T-02")
    b.plug(1, ebike(), T0)
    assert b.swipe_card(1, 1001, T0 + 10) is SwipeResult.LOCKED  # the charge may still be running at A
    assert a.swipe_card(2, 1001, T0 + 10) is SwipeResult.LOCKED  # … and at A on another port
    a.advance(T0 + 5 + 3600)
    assert a.swipe_card(1, 1001, T0 + 5 + 3600) is SwipeResult.REFUNDED
    assert cards.balance(1001) == 966 and lock_of(cards, 1001) is None
    assert b.swipe_card(1, 1001, T0 + 3700) is SwipeResult.STARTED


def test_a_charge_that_ended_without_the_card_is_settled_at_its_pile() -> None:
    cards = book()
    a = pile(cards)
    assert a.swipe_card(1, 1001, T0) is SwipeResult.STARTED  # nothing plugged in: no load after 60 s
    a.advance(T0 + 61)
    assert a.port(1).stop_reason is StopReason.NO_LOAD
    [rec] = a.record_window()
    assert rec.refund_fen == 100 and cards.balance(1001) == 900  # the pile owes the card, which is not here
    assert pile(cards, "XC-T-02").swipe_card(1, 1001, T0 + 70) is SwipeResult.LOCKED
    a.plug(2, ebike(), T0 + 80)
    assert a.swipe_card(2, 1001, T0 + 80) is SwipeResult.STARTED  # back at A: refund on, old lock off, new one
    assert cards.balance(1001) == 900 and lock_of(cards, 1001).session_id == a.session(2).session_id


def test_edited_or_foreign_cards_are_unknown_to_the_pile() -> None:
    cards = book()
    image = cards.images[1001]
    image.blocks[L.SEAL][2] ^= 0x10  # balance byte of the seal edited
    assert pile(cards).swipe_card(1, 1001, T0) is SwipeResult.UNKNOWN_CARD
    other = MifareCardBook(bytes(range(1, 17)), operator_code="OTHER")
    other.add(555, 5000)
    cards.images[555] = other.images[555]
    assert pile(cards).swipe_card(1, 555, T0) is SwipeResult.UNKNOWN_CARD


def test_a_card_issued_elsewhere_is_inserted_and_spent() -> None:
    cards = book()
    image = C.new_card_image(bytes.fromhex("0A0B0C0D"), MASTER, issuer=L.issuer_id("TEST"), issuer_name="测试",
                             card_no=100001, user_id=uuid.uuid4(), kind=L.CardKind.STORED, balance_fen=3000,
                             issue_day=9000)  # fmt: skip
    assert cards.insert(image) == 100001
    p = pile(cards)
    p.plug(3, ebike(), T0)
    assert p.swipe_card(3, 100001, T0) is SwipeResult.STARTED
    st = C.read_card(C.Session(C.DirectIO(image), C.CardKeys(image.uid, MASTER)), issuer=L.issuer_id("TEST"))
    assert (st.balance_fen, st.counter, st.clean) == (2900, 1, True)
    assert cards.total_fen() == 1000 + 2900
