"""Wallet postings on the ledger: balances, receipts, idempotency, overdraft refusal, statements."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import Conflict, InsufficientFunds, NotFound, ValidationError
from app.domain.journal import PayMethod, TxnKind
from app.domain.permissions import Role
from app.services import ledger_queries, users, wallets
from db.models_ledger import JournalEntry, JournalTxn
from db.types import utcnow
from tests.app.services.conftest import Desk


@pytest.fixture(autouse=True)
def _books_balance_after_every_test(desk: Desk) -> object:
    yield
    desk.assert_books_ok()


def _balance(desk: Desk, uid: uuid.UUID) -> int:
    return ledger_queries.get_wallet(desk.by_role[Role.FINANCE_ADMIN], desk.db, uid).balance_fen


def _txns(desk: Desk) -> int:
    with desk.db() as s:
        return int(s.scalar(select(func.count()).select_from(JournalTxn)) or 0)


def test_top_up_by_every_method(desk: Desk) -> None:
    clerk = desk.by_role[Role.CARD_ADMIN]
    uid = desk.user()
    for i, method in enumerate(PayMethod, start=1):
        p = wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=1000, method=method, idempotency_key=f"t{i}")
        assert (p.kind, p.method, p.amount_fen, p.balance_after_fen) == (TxnKind.TOPUP, method, 1000, 1000 * i)
        assert p.receipt_no == f"card-{i:06d}" and not p.replayed and p.actor_login == "card"
    assert _balance(desk, uid) == 4000
    tb = {b.code: b.balance_fen for b in ledger_queries.trial_balance(desk.by_role[Role.FINANCE_ADMIN], desk.db)}
    assert tb == {"cash": 1000, "clearing:wechat": 1000, "clearing:alipay": 1000, "clearing:bank": 1000,
                  "revenue:charging": 0, "expense:adjustments": 0, "wallets": 4000}  # fmt: skip


def test_charge_refund_adjust_transfer(desk: Desk) -> None:
    clerk, fin = desk.by_role[Role.CARD_ADMIN], desk.by_role[Role.FINANCE_ADMIN]
    a, b = desk.user("甲"), desk.user("乙")
    desk.fund(a, 10_000)
    assert wallets.charge(clerk, desk.db, user_id=a, amount_fen=250, idempotency_key="c",
                          reference="session-7").balance_after_fen == 9750  # fmt: skip
    r = wallets.refund(clerk, desk.db, user_id=a, amount_fen=750, method="cash", idempotency_key="r", reason="搬家")
    assert (r.balance_after_fen, r.memo, r.receipt_no) == (9000, "搬家", "card-000002")
    down = wallets.adjust(fin, desk.db, user_id=a, amount_fen=-500, reason="重复充值", idempotency_key="a1")
    up = wallets.adjust(fin, desk.db, user_id=a, amount_fen=200, reason="补偿", idempotency_key="a2")
    assert (down.balance_after_fen, up.balance_after_fen, up.memo) == (8500, 8700, "补偿")
    t = wallets.transfer(clerk, desk.db, from_user_id=a, to_user_id=b, amount_fen=700, idempotency_key="x")
    assert (t.balance_after_fen, t.to_user_id, t.to_balance_after_fen, t.receipt_no) == (8000, b, 700, None)
    assert (_balance(desk, a), _balance(desk, b)) == (8000, 700)
    tb = {x.code: x.balance_fen for x in ledger_queries.trial_balance(fin, desk.db)}
    assert tb["revenue:charging"] == 250 and tb["cash"] == 10_000 - 750
    assert tb["expense:adjustments"] == -300  # took back more than it gave
    assert tb["wallets"] == 8700


def test_no_wallet_goes_negative_and_nothing_is_written(desk: Desk) -> None:
    clerk, fin = desk.by_role[Role.CARD_ADMIN], desk.by_role[Role.FINANCE_ADMIN]
    a, b = desk.user("甲"), desk.user("乙")
    desk.fund(a, 100)
    before = desk.snapshot()
    attempts: list[Callable[[], object]] = [
        lambda: wallets.charge(clerk, desk.db, user_id=a, amount_fen=101, idempotency_key="1"),
        lambda: wallets.refund(clerk, desk.db, user_id=a, amount_fen=101, method="cash", idempotency_key="2"),
        lambda: wallets.transfer(clerk, desk.db, from_user_id=a, to_user_id=b, amount_fen=101, idempotency_key="3"),
        lambda: wallets.adjust(fin, desk.db, user_id=a, amount_fen=-101, reason="x", idempotency_key="4"),
    ]
    for attempt in attempts:
        with pytest.raises(InsufficientFunds) as err:
            attempt()
        assert err.value.balance_fen == 100 and "¥1.00" in err.value.zh and "insufficient" in err.value.en
    assert desk.snapshot() == before
    wallets.charge(clerk, desk.db, user_id=a, amount_fen=100, idempotency_key="exact")  # down to exactly zero
    assert _balance(desk, a) == 0


def test_retry_with_the_same_key_returns_the_first_posting(desk: Desk) -> None:
    clerk = desk.by_role[Role.CARD_ADMIN]
    uid = desk.user()
    first = wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=500, method="wechat", idempotency_key="pay-1")
    n = _txns(desk)
    again = wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=500, method="wechat", idempotency_key="pay-1")
    assert again.replayed and not first.replayed
    assert again == first.__class__(**{**_fields(first), "replayed": True})
    assert _txns(desk) == n and _balance(desk, uid) == 500
    nxt = wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=1, method="cash", idempotency_key="pay-2")
    assert nxt.receipt_no == "card-000002"  # the replay used no receipt number: no gap


def _fields(p: wallets.Posting) -> dict[str, object]:
    return {f: getattr(p, f) for f in p.__dataclass_fields__}


def test_replay_of_a_transfer_names_both_wallets(desk: Desk) -> None:
    clerk = desk.by_role[Role.CARD_ADMIN]
    a, b = desk.user("甲"), desk.user("乙")
    desk.fund(a, 1000)
    first = wallets.transfer(clerk, desk.db, from_user_id=a, to_user_id=b, amount_fen=300, idempotency_key="tx")
    again = wallets.transfer(clerk, desk.db, from_user_id=a, to_user_id=b, amount_fen=300, idempotency_key="tx")
    assert _fields(again) == {**_fields(first), "replayed": True}


def test_a_key_reused_for_another_request_is_refused(desk: Desk) -> None:
    clerk = desk.by_role[Role.CARD_ADMIN]
    uid = desk.user()
    wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=500, method="cash", idempotency_key="k")
    for kw in ({"amount_fen": 600, "method": "cash"}, {"amount_fen": 500, "method": "alipay"}):
        with pytest.raises(Conflict, match="idempotency key k"):
            wallets.top_up(clerk, desk.db, user_id=uid, idempotency_key="k", **kw)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        wallets.charge(clerk, desk.db, user_id=uid, amount_fen=500, idempotency_key="k")
    assert _balance(desk, uid) == 500


def test_same_key_from_many_threads_posts_once(desk: Desk) -> None:
    """Desks racing with one key: the unique constraint decides, every caller gets the same posting."""
    clerk = desk.by_role[Role.CARD_ADMIN]
    uid = desk.user()
    results: list[wallets.Posting] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def go() -> None:
        barrier.wait()
        try:
            for i in range(10):
                results.append(wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=100, method="cash",
                                              idempotency_key=f"race-{i}"))  # fmt: skip
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 60 and sum(not r.replayed for r in results) == 10
    assert len({r.txn_id for r in results}) == 10
    assert _balance(desk, uid) == 1000
    assert sorted({r.receipt_no for r in results}) == [f"card-{i:06d}" for i in range(1, 11)]  # gap-free


def test_bad_requests(desk: Desk) -> None:
    clerk, fin = desk.by_role[Role.CARD_ADMIN], desk.by_role[Role.FINANCE_ADMIN]
    uid = desk.user()
    with pytest.raises(TypeError):
        wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=12.5, method="cash", idempotency_key="f")  # type: ignore[arg-type]
    for amount in (0, -100):
        with pytest.raises(ValidationError):
            wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=amount, method="cash", idempotency_key="z")
    with pytest.raises(ValidationError, match="payment method"):
        wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=1, method="coins", idempotency_key="m")
    with pytest.raises(ValidationError, match="idempotency key"):
        wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=1, method="cash", idempotency_key=" ")
    with pytest.raises(ValidationError, match="reason"):
        wallets.adjust(fin, desk.db, user_id=uid, amount_fen=100, reason="  ", idempotency_key="a")
    with pytest.raises(NotFound):
        wallets.top_up(clerk, desk.db, user_id=uuid.uuid4(), amount_fen=1, method="cash", idempotency_key="n")
    with pytest.raises(ValidationError, match="different user"):
        wallets.transfer(clerk, desk.db, from_user_id=uid, to_user_id=uid, amount_fen=1, idempotency_key="s")
    assert _txns(desk) == 0


def test_deactivated_user_can_be_refunded_but_not_topped_up(desk: Desk) -> None:
    clerk, fac = desk.by_role[Role.CARD_ADMIN], desk.by_role[Role.FACILITY_ADMIN]
    uid = desk.user()
    desk.fund(uid, 800)
    users.set_user_active(fac, desk.db, uid, active=False, expected_version=1, reason="搬走")
    with pytest.raises(ValidationError, match="deactivated"):
        wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=100, method="cash", idempotency_key="t")
    wallets.refund(clerk, desk.db, user_id=uid, amount_fen=800, method="cash", idempotency_key="out")
    assert _balance(desk, uid) == 0


def test_statement_for_a_period(desk: Desk) -> None:
    clerk, fin = desk.by_role[Role.CARD_ADMIN], desk.by_role[Role.FINANCE_ADMIN]
    uid = desk.user()
    wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=2000, method="cash", idempotency_key="1")
    mid = utcnow()
    wallets.charge(clerk, desk.db, user_id=uid, amount_fen=300, idempotency_key="2", reference="s1")
    wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=500, method="alipay", idempotency_key="3")
    wallets.refund(clerk, desk.db, user_id=uid, amount_fen=100, method="alipay", idempotency_key="4")
    end = utcnow() + timedelta(seconds=1)
    st = ledger_queries.statement(fin, desk.db, uid, start=mid, end=end)
    assert st.opening_fen == 2000 and st.closing_fen == 2100
    assert [(x.kind, x.amount_fen, x.balance_after_fen) for x in st.lines] == [
        (TxnKind.CHARGE, -300, 1700), (TxnKind.TOPUP, 500, 2200), (TxnKind.REFUND, -100, 2100)]
    assert (st.total_in_fen, st.total_out_fen) == (500, 400)
    assert st.lines[0].reference == "s1" and st.lines[1].receipt_no == "card-000002"
    whole = ledger_queries.statement(fin, desk.db, uid, start=mid - timedelta(days=1), end=end)
    assert whole.opening_fen == 0 and len(whole.lines) == 4 and whole.closing_fen == 2100
    empty = ledger_queries.statement(fin, desk.db, uid, start=end, end=end + timedelta(days=1))
    assert empty.opening_fen == empty.closing_fen == 2100 and empty.lines == ()
    with pytest.raises(ValidationError):
        ledger_queries.statement(fin, desk.db, uid, start=end, end=mid)


def test_balances_for_a_list(desk: Desk) -> None:
    a, b, c = desk.user("甲"), desk.user("乙"), desk.user("丙")
    desk.fund(a, 300)
    desk.fund(c, 5)
    got = ledger_queries.balances(desk.by_role[Role.CARD_ADMIN], desk.db, [a, b, c])
    assert got == {a: 300, b: 0, c: 5}


def test_receipts_run_per_operator(desk: Desk) -> None:
    clerk = desk.by_role[Role.CARD_ADMIN]
    uid = desk.user()
    assert wallets.top_up(desk.base, desk.db, user_id=uid, amount_fen=1, method="cash",
                          idempotency_key="b1").receipt_no == "boss-000001"  # fmt: skip
    assert wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=1, method="cash",
                          idempotency_key="c1").receipt_no == "card-000001"  # fmt: skip
    assert wallets.top_up(desk.base, desk.db, user_id=uid, amount_fen=1, method="cash",
                          idempotency_key="b2").receipt_no == "boss-000002"  # fmt: skip


def test_ledger_check_notices_a_tampered_cache(desk: Desk) -> None:
    """The cached balance is checked against the entries: a check that can't fail proves nothing."""
    from sqlalchemy import update

    from db.models_ledger import LedgerAccount

    uid = desk.user()
    desk.fund(uid, 100)
    fin = desk.by_role[Role.FINANCE_ADMIN]
    assert ledger_queries.ledger_check(fin, desk.db).ok
    with desk.db.begin() as s:
        s.execute(update(LedgerAccount).where(LedgerAccount.user_id == uid).values(balance_fen=99))
    check = ledger_queries.ledger_check(fin, desk.db)
    positive = JournalEntry.amount_fen > 0
    assert not check.ok and [m.code for m in check.mismatched] == [f"wallet:{uid}"]
    with desk.db.begin() as s:
        s.execute(update(LedgerAccount).where(LedgerAccount.user_id == uid).values(balance_fen=100))
        s.execute(update(JournalEntry).where(positive).values(amount_fen=JournalEntry.amount_fen + 1))
    check = ledger_queries.ledger_check(fin, desk.db)
    assert check.entries_total_fen == 1 and len(check.unbalanced_txns) == 1
    with desk.db.begin() as s:  # put it back for the autouse check
        s.execute(update(JournalEntry).where(positive).values(amount_fen=JournalEntry.amount_fen - 1))
