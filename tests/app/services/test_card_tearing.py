"""Tear safety: for every operation, the card is pulled away after each single card command in turn.
Afterwards the card goes back on the reader and is tapped: the interrupted operation is finished or rolled
back (and the clerk told which), the card and the ledger agree, and no money was made or lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import cards
from app.services.card_flow import OpKind
from comm.mifare import cardapp
from comm.mifare import layout as L
from comm.pn532.errors import CardRemoved, NoCard
from db.engine import make_engine
from db.migrate import upgrade
from db.models_cards import CardOp
from tests.app.services.card_bench import CTX, CardDesk
from tests.app.services.conftest import make_desk

UNTIL = dt.datetime(2031, 6, 30, 16, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def cd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CardDesk]:
    """One desk for the whole sweep (SQLite; the services' PostgreSQL runs are in test_cards.py): every tear
    gets its own fresh card and user, and the books are checked across all of them."""
    from app.domain import passwords

    passwords.configure(time_cost=1, memory_cost=8)
    path: Path = tmp_path_factory.mktemp("tear") / "cards.db"
    engine = make_engine(f"sqlite:///{path.as_posix()}")
    upgrade(engine)
    yield CardDesk(make_desk(engine))
    passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)
    engine.dispose()


@dataclass
class Case:
    kind: OpKind
    setup: Callable[[CardDesk], tuple[cardapp.DirectIO, int]]  # the card on the reader, its number (0: blank)
    run: Callable[[CardDesk, cardapp.DirectIO, int], cards.CardResult]
    before: int  # balance before / after on the card that ends up on the reader
    after: int


def _locked(cd: CardDesk) -> tuple[cardapp.DirectIO, int]:
    io, no = cd.issued(1000)
    s = cardapp.Session(cardapp.DirectIO(io.card), cardapp.CardKeys(io.card.uid, CTX.master))
    st = cardapp.read_card(s, issuer=CTX.issuer)
    st = cardapp.change_balance(s, st, 800, op_no=0x8000_0001)
    cardapp.set_lock(s, st, L.GreyLock(L.pile_number("P"), 1, 1_760_000_000, 200, 7))
    cards.tap(cd.clerk, cd.desk.db, io, CTX)  # the desk has seen the pile's ¥2
    return io, no


def _lost(cd: CardDesk) -> tuple[cardapp.DirectIO, int]:
    _, no = cd.issued(2500, deposit=500)
    cards.report_loss(cd.clerk, cd.desk.db, card_no=no, reason="丢失")
    return cd.blank(), no


CASES = [
    Case(OpKind.ISSUE, lambda cd: (cd.blank(), 0),
         lambda cd, io, _: cards.issue(cd.clerk, cd.desk.db, io, CTX, user_id=cd.desk.user(), deposit_fen=1000,
                                       initial_fen=3000), 0, 3000),
    Case(OpKind.TOPUP, lambda cd: cd.issued(5000),
         lambda cd, io, no: cards.top_up(cd.clerk, cd.desk.db, io, CTX, card_no=no, amount_fen=1500), 5000, 6500),
    Case(OpKind.MONTHLY, lambda cd: cd.issued(0, kind="monthly"),
         lambda cd, io, no: cards.activate_monthly(cd.clerk, cd.desk.db, io, CTX, card_no=no, until=UNTIL,
                                                   fee_fen=3000), 0, 0),
    Case(OpKind.UNGREY, _locked,
         lambda cd, io, no: cards.ungrey(cd.clerk, cd.desk.db, io, CTX, card_no=no, refund_fen=150, reason="桩坏"),
         800, 950),
    Case(OpKind.RETURN, lambda cd: cd.issued(5000, deposit=1000),
         lambda cd, io, no: cards.return_card(cd.clerk, cd.desk.db, io, CTX, card_no=no), 5000, 0),
    Case(OpKind.REPLACE, _lost,
         lambda cd, io, no: cards.replace_card(cd.clerk, cd.desk.db, io, CTX, old_card_no=no), 0, 2500),
]  # fmt: skip


def commands(cd: CardDesk, case: Case) -> int:
    io, no = case.setup(cd)
    start = io.commands
    r = case.run(cd, io, no)
    cd.images[r.card_no] = io.card
    return io.commands - start


def ops_of(cd: CardDesk, uid: str) -> list[tuple[str, str, str]]:
    with cd.desk.db() as s:
        return [(o.kind, o.state, o.note) for o in s.scalars(select(CardOp).where(CardOp.uid == uid,
                                                                                 CardOp.kind != "sync"))]


@pytest.mark.parametrize("case", CASES, ids=[c.kind.value for c in CASES])
def test_pull_the_card_after_every_command(cd: CardDesk, case: Case) -> None:
    n = commands(cd, case)
    assert n > 10
    outcomes: set[str] = set()
    for tear in range(1, n + 1):
        io, no = case.setup(cd)
        uid = io.card.uid.hex().upper()
        before_ops = ops_of(cd, uid)
        io.tear_in = tear
        try:
            r = case.run(cd, io, no)
            cd.images[r.card_no] = io.card
            finished = True
        except (CardRemoved, NoCard):
            finished = False
        assert finished == (tear >= n) or tear >= n - 1, tear
        io.present, io.tear_in = True, None  # the card goes back on the reader
        view = cards.tap(cd.clerk, cd.desk.db, io, CTX)
        if view.card_no:
            cd.images[view.card_no] = io.card
        ops = ops_of(cd, uid)[len(before_ops):]
        assert all(state in ("done", "rolled_back") for _, state, _ in ops), (tear, ops)
        mine = [o for o in ops if o[0] == case.kind.value]
        assert len(mine) <= 1, (tear, ops)
        if mine and not finished:
            assert any(mine[0][2] == str(note) for note in view.notes), (tear, view.notes)  # the clerk is told
        outcome = mine[0][1] if mine else "not begun"
        outcomes.add(outcome)
        on_card = view.balance_fen if view.card_no else 0
        expected = case.after if outcome == "done" else case.before
        assert on_card == expected, (tear, outcome, view)
        if case.kind is OpKind.MONTHLY:
            assert (view.monthly_until == UNTIL) == (outcome == "done"), tear
        cd.assert_agree()
    # every way an interrupted operation can end was reached somewhere in the sweep
    assert "done" in outcomes
    if case.kind not in (OpKind.ISSUE, OpKind.REPLACE):  # an interrupted issue is always finished
        assert "rolled_back" in outcomes
    with cd.desk.db() as s:
        assert s.scalar(select(func.count()).select_from(CardOp).where(CardOp.state == "pending")) == 0
