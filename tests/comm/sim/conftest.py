from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from comm.pile.messages import Command, CommandCode, PileConfig
from comm.sim.cards import CardBook
from comm.sim.pile_model import SimPile
from comm.sim.vehicles import Vehicle, VehicleKind

T0 = 1_750_000_000.0  # 2025-06-15 23:06:40 local (UTC+8): any fixed instant will do


def ebike(rated: float = 250.0, need: float = 600.0, float_w: float = 10.0, charged: float = 0.0) -> Vehicle:
    return Vehicle(VehicleKind.EBIKE, rated, need, float_w, charged_wh=charged)


def trike(rated: float = 900.0, need: float = 2000.0) -> Vehicle:
    return Vehicle(VehicleKind.TRICYCLE, rated, need, 12.0, battery_v=60)


def heater(rated: float = 2000.0) -> Vehicle:
    return Vehicle(VehicleKind.MISUSE, rated, 100_000.0, 0.0, battery_v=0, pf=1.0)


def cmd(code: CommandCode, **kw: Any) -> Command:
    return Command(code=code, **kw)


@pytest.fixture(params=["plain", "mifare"])
def cards(request: pytest.FixtureRequest) -> CardBook:
    """Every pile test runs twice: on the plain card book and on real MIFARE card images."""
    if request.param == "mifare":
        from comm.sim.mifare_cards import MifareCardBook

        book: CardBook = MifareCardBook(bytes(range(16)), operator_code="TEST")  # type: ignore[assignment]
    else:
        book = CardBook()
    book.add(1001, 1000)
    book.add(1002, 50)
    return book


def owed(book: CardBook, card_no: int) -> int:
    """What a pile owes a card that was not in its slot when a session ended (MIFARE images only: the
    refund goes on the card at its next swipe there, or at the desk's 解灰)."""
    return sum(fen for (no, _), fen in getattr(book, "owed", {}).items() if no == card_no)


@pytest.fixture
def make_pile(cards: CardBook) -> Callable[..., SimPile]:
    def make(config: PileConfig | None = None, now: float = T0, seed: int = 7, **kw: Any) -> SimPile:
        return SimPile(
            code="XC-T-01", serial="SN000001", unit_id=1, rng=random.Random(seed), now=now,
            config=config or PileConfig(), cards=cards, **kw,
        )

    return make
