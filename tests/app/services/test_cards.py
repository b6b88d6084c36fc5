"""The card desk services: issue, tap, top-up, monthly, un-grey, return, loss, replacement — on SQLite and
PostgreSQL, with the ledger and the register checked against the cards after every step."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.journal import CARD_DEPOSITS, CARD_FLOAT, CASH, REVENUE
from app.domain.permissions import Role
from app.secrets import MemorySecretStore
from app.services import cards
from app.services.card_flow import OpKind
from app.services.card_keys import NoMasterKey, card_context, import_master_key, master_key
from comm.mifare import cardapp
from comm.mifare import layout as L
from comm.mifare.classic import MifareClassic1K
from comm.mifare.errors import CardLocked, CardTampered, ForeignCard
from db.models_audit import AuditRecord
from db.models_cards import CardOp
from db.models_people import ChargingUser
from tests.app.services.card_bench import CTX, CardDesk
from tests.app.services.conftest import Desk


@pytest.fixture
def cd(desk: Desk) -> CardDesk:
    return CardDesk(desk)


def test_issue_tap_top_up_return(cd: CardDesk) -> None:
    user = cd.desk.user("王五", building="3", unit="2", room="501")
    io, no = cd.issued(3000, deposit=2000, user=user)
    view = cards.tap(cd.clerk, cd.desk.db, io, CTX)
    assert (view.card_no, view.holder, view.address, view.state, view.balance_fen, view.deposit_fen, view.kind) == (
        no, "王五", "3-2-501", "active", 3000, 2000, "stored")
    with cd.desk.db() as s:
        assert s.get(ChargingUser, user).card_no == str(no)  # the user's primary card
    r = cards.top_up(cd.clerk, cd.desk.db, io, CTX, card_no=no, amount_fen=1500, method="wechat")
    assert (r.kind, r.balance_before_fen, r.balance_after_fen, r.amount_fen, r.method) == (
        OpKind.TOPUP, 3000, 4500, 1500, "wechat")
    assert r.receipt_no and r.receipt_no.startswith("card-") and r.holder == "王五"
    assert cd.on_card(io).balance_fen == 4500
    cd.assert_agree()
    assert cd.account(CARD_FLOAT.code) == 4500 and cd.account(CARD_DEPOSITS.code) == 2000
    back = cards.return_card(cd.clerk, cd.desk.db, io, CTX, card_no=no, method="cash")
    assert (back.balance_before_fen, back.balance_after_fen, back.deposit_fen) == (4500, 0, 2000)
    assert cd.on_card(io) is None  # wiped: a blank card again, ready to be issued anew
    assert cards.tap(cd.clerk, cd.desk.db, io, CTX).state == "blank"
    cd.assert_agree()
    assert cd.account(CARD_FLOAT.code) == 0 and cd.account(CARD_DEPOSITS.code) == 0
    assert (cd.account(CASH.code), cd.account("clearing:wechat")) == (5000 - 6500, 1500)  # all paid back in cash
    with cd.desk.db() as s:
        assert s.get(ChargingUser, user).card_no is None
        actions = set(s.scalars(select(AuditRecord.action)))
    assert {"card.issue", "card.topup", "card.return"} <= actions


def test_only_card_clerks_and_nothing_written_when_refused(cd: CardDesk) -> None:
    io, no = cd.issued(100)
    someone = cd.desk.user()
    before = cd.desk.snapshot()
    for role in (Role.FINANCE_ADMIN, Role.FACILITY_ADMIN, Role.MONITORING_ADMIN, Role.SYSTEM_ADMIN):
        with pytest.raises(PermissionDenied):
            cards.top_up(cd.desk.by_role[role], cd.desk.db, io, CTX, card_no=no, amount_fen=100)
        with pytest.raises(PermissionDenied):
            cards.tap(cd.desk.by_role[role], cd.desk.db, io, CTX)
    with pytest.raises(ValidationError):
        cards.top_up(cd.clerk, cd.desk.db, io, CTX, card_no=no + 1, amount_fen=100)  # another card on the reader
    with pytest.raises(ValidationError):
        cards.issue(cd.clerk, cd.desk.db, io, CTX, user_id=someone)  # already issued
    assert cd.desk.snapshot() == before


def test_pile_spending_is_synced_on_tap_and_a_rolled_back_dump_is_refused(cd: CardDesk) -> None:
    io, _ = cd.issued(1000)
    old_dump = io.card.dump()
    s = cardapp.Session(cardapp.DirectIO(io.card), cardapp.CardKeys(io.card.uid, CTX.master))
    st = cardapp.read_card(s, issuer=CTX.issuer)
    cardapp.change_balance(s, st, 700, op_no=0x8000_0001)  # a pile took ¥3
    view = cards.tap(cd.clerk, cd.desk.db, io, CTX)
    assert view.balance_fen == 700 and any("¥3.00" in n.zh for n in view.notes)
    cd.assert_agree()
    assert cd.account("clearing:card") == -300  # settlement of the pile's record debits it back to 0
    io.card.blocks[:] = MifareClassic1K.from_dump(old_dump).blocks  # the old dump written back
    with pytest.raises(CardTampered):
        cards.tap(cd.clerk, cd.desk.db, io, CTX)


def test_foreign_and_edited_cards_are_refused(cd: CardDesk) -> None:
    other = cardapp.new_card_image(bytes.fromhex("01020304"), bytes(16), issuer=L.issuer_id("OTHER"),
                                   issuer_name="别家物业", card_no=1, user_id=cd.desk.user(),
                                   kind=L.CardKind.STORED, balance_fen=100, issue_day=9000)  # fmt: skip
    with pytest.raises(ForeignCard) as err:
        cards.tap(cd.clerk, cd.desk.db, cardapp.DirectIO(other), CTX)
    assert "别家物业" in str(err.value)
    io, _ = cd.issued(100)
    io.card.blocks[L.SEAL][2] ^= 1
    with pytest.raises(CardTampered):
        cards.tap(cd.clerk, cd.desk.db, io, CTX)


def test_monthly_card(cd: CardDesk) -> None:
    until = dt.datetime(2030, 1, 31, 16, 0, tzinfo=dt.UTC)
    io, no = cd.issued(0, kind="monthly", deposit=0)
    r = cards.activate_monthly(cd.clerk, cd.desk.db, io, CTX, card_no=no, until=until, fee_fen=3000)
    assert r.receipt_no and cd.account(REVENUE.code) == 3000
    assert cd.on_card(io).monthly_until == int(until.timestamp())
    assert cards.tap(cd.clerk, cd.desk.db, io, CTX).monthly_until == until
    with pytest.raises(ValidationError):  # not later than the current expiry
        cards.activate_monthly(cd.clerk, cd.desk.db, io, CTX, card_no=no, until=until, fee_fen=3000)
    stored, sno = cd.issued(100)
    with pytest.raises(ValidationError):
        cards.activate_monthly(cd.clerk, cd.desk.db, stored, CTX, card_no=sno, until=until, fee_fen=3000)
    cd.assert_agree()


def _grey_lock(cd: CardDesk, io: cardapp.DirectIO, *, held: int = 200, session: int = 42) -> None:
    s = cardapp.Session(cardapp.DirectIO(io.card), cardapp.CardKeys(io.card.uid, CTX.master))
    st = cardapp.read_card(s, issuer=CTX.issuer)
    st = cardapp.change_balance(s, st, st.balance_fen - held, op_no=0x8000_0002)  # the pile takes its fee …
    cardapp.set_lock(s, st, L.GreyLock(L.pile_number("T01-P01"), 3, 1_760_000_000, held, session))  # … and locks


def test_ungrey_by_hand_needs_a_reason_and_stays_within_the_amount_held(cd: CardDesk) -> None:
    io, no = cd.issued(1000)
    _grey_lock(cd, io)
    view = cards.tap(cd.clerk, cd.desk.db, io, CTX)
    assert view.lock is not None and (view.lock.port, view.lock.held_fen, view.lock.pile_code) == (3, 200, None)
    with pytest.raises(CardLocked):
        cards.return_card(cd.clerk, cd.desk.db, io, CTX, card_no=no)
    with pytest.raises(ValidationError):  # no pile record yet, and no decision
        cards.ungrey(cd.clerk, cd.desk.db, io, CTX, card_no=no)
    with pytest.raises(ValidationError):
        cards.ungrey(cd.clerk, cd.desk.db, io, CTX, card_no=no, refund_fen=100)
    with pytest.raises(ValidationError):
        cards.ungrey(cd.clerk, cd.desk.db, io, CTX, card_no=no, refund_fen=201, reason="桩坏了")
    r = cards.ungrey(cd.clerk, cd.desk.db, io, CTX, card_no=no, refund_fen=150, reason="桩坏了，记录丢失")
    assert (r.balance_before_fen, r.balance_after_fen) == (800, 950) and r.view.lock is None
    cd.assert_agree()
    with cd.desk.db() as s:
        op = s.scalar(select(CardOp).where(CardOp.op_no == r.op_no))
        assert op.state == "done" and "记录丢失" in op.detail


def test_loss_report_blacklists_and_the_replacement_carries_balance_and_deposit(cd: CardDesk) -> None:
    user = cd.desk.user("赵六")
    io, no = cd.issued(2500, deposit=1000, user=user)
    assert cards.report_loss(cd.clerk, cd.desk.db, card_no=no, reason="丢在小区门口") == [no]
    with pytest.raises(ValidationError):
        cards.top_up(cd.clerk, cd.desk.db, io, CTX, card_no=no, amount_fen=100)  # a found lost card is refused
    new_io = cd.blank()
    r = cards.replace_card(cd.clerk, cd.desk.db, new_io, CTX, old_card_no=no)
    cd.images[r.card_no] = new_io.card
    assert r.card_no != no and r.balance_after_fen == 2500 and r.view.holder == "赵六"
    assert cd.on_card(new_io).balance_fen == 2500
    assert cards.blacklist(cd.clerk, cd.desk.db) == [no]
    with cd.desk.db() as s:
        assert s.get(ChargingUser, user).card_no == str(r.card_no)
    cd.assert_agree()
    assert cd.account(CARD_FLOAT.code) == 2500 and cd.account(CARD_DEPOSITS.code) == 1000


def test_master_key_lives_in_the_secret_store_only(cd: CardDesk) -> None:
    store = MemorySecretStore()
    with pytest.raises(NoMasterKey):
        card_context(cd.desk.db, store)
    ctx = card_context(cd.desk.db, store, create=True)
    assert len(ctx.master) == 16 and master_key(store) == ctx.master and ctx.master.hex() not in repr(ctx)
    other = MemorySecretStore()
    import_master_key(other, ctx.master.hex())
    assert master_key(other) == ctx.master
    with pytest.raises(ValidationError):
        import_master_key(other, "abc")


def test_history_per_card_and_per_user(cd: CardDesk) -> None:
    from app.services.card_queries import card_history, find_cards

    user = cd.desk.user("钱七", phone="13800001111")
    io, no = cd.issued(1000, deposit=500, user=user)
    cards.top_up(cd.clerk, cd.desk.db, io, CTX, card_no=no, amount_fen=700)
    _, no2 = cd.issued(300, deposit=0, user=user)
    h = card_history(cd.clerk, cd.desk.db, card_no=no)
    assert [o.kind for o in h.ops] == [OpKind.TOPUP, OpKind.ISSUE]
    assert h.ops[0].amount_fen == 700 and h.ops[0].balance_after_fen == 1700 and h.ops[0].clerk == "card"
    both = card_history(cd.clerk, cd.desk.db, user_id=user)
    assert set(both.card_nos) == {no, no2} and both.money_in_fen == 700 + 1000 + 300 and both.money_out_fen == 0
    assert {r.card_no for r in find_cards(cd.clerk, cd.desk.db, "13800001111")} == {no, no2}
    assert [r.card_no for r in find_cards(cd.clerk, cd.desk.db, str(no))] == [no]


def test_two_desks_issuing_at_once_on_a_fresh_ledger(cd: CardDesk) -> None:
    """The first card postings make the card accounts; two desks doing that at the same moment both succeed."""
    import threading

    users_ = [cd.desk.user("甲"), cd.desk.user("乙")]
    readers = [cd.blank(), cd.blank()]
    results: list[object] = []
    start = threading.Barrier(2)

    def issue(i: int) -> None:
        start.wait()
        try:
            results.append(cards.issue(cd.clerk, cd.desk.db, readers[i], CTX, user_id=users_[i], deposit_fen=500,
                                       initial_fen=1000 * (i + 1)))  # fmt: skip
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=issue, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(isinstance(r, cards.CardResult) for r in results), results
    for r, io in zip(sorted(results, key=lambda r: r.amount_fen), readers, strict=True):  # type: ignore[attr-defined]
        cd.images[r.card_no] = io.card  # type: ignore[attr-defined]
    cd.assert_agree()
    assert cd.account(CARD_FLOAT.code) == 3000 and cd.account(CARD_DEPOSITS.code) == 1000
