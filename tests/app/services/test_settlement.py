"""Settlement on SQLite and PostgreSQL: once per pile record, into the ledger; disagreements flagged."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.domain.journal import wallet_code
from app.domain.permissions import Role
from app.domain.tariffs import DEFAULT_BANDS, Policy, PolicyKind
from app.services import ledger_queries, tariffs
from app.services.settlement import SYSTEM_LOGIN, ensure_accounts, settle_pending
from app.services.unit import transaction
from db.models_billing import ChargeOrder, Settlement
from db.models_ledger import JournalEntry, JournalTxn, LedgerAccount
from tests.app.services.billing_site import T0, Billing, make_billing
from tests.app.services.conftest import Desk


@pytest.fixture
def billing(desk: Desk) -> Billing:
    return make_billing(desk)


def rows(b: Billing) -> dict[int, Settlement]:
    with b.desk.db() as s:
        return {r.seq: r for r in s.scalars(select(Settlement).order_by(Settlement.seq))}


def balance(b: Billing, code: str) -> int:
    with b.desk.db() as s:
        return int(s.scalar(select(LedgerAccount.balance_fen).where(LedgerAccount.code == code)) or 0)


def test_each_way_is_settled_into_the_right_accounts(billing: Billing) -> None:
    b, desk = billing, billing.desk
    card_user = desk.user("刷卡用户", card_no="880001")
    qr_user = desk.user("扫码用户")
    desk.fund(qr_user, 1000)
    b.record("XC01-P01", payment="COIN", amount=300)
    b.record("XC01-P01", payment="CARD", amount=200, refund=50, card_no=880001)
    b.record("XC01-P01", 2, payment="REMOTE", amount=400, refund=100, session_id=77)
    b.record("XC01-P02", payment="FREE", amount=0, tier=0)
    b.record("XC01-P02", payment="MONTHLY", amount=0, tier=0, card_no=880001)
    with desk.db() as s, s.begin():
        s.add(ChargeOrder(user_id=qr_user, pile_id=b.piles["XC01-P01"], port_number=2, amount_fen=400,
                          pile_session_id=77, status="started", created_by="test"))
    summary = settle_pending(desk.db)
    assert (summary.settled, summary.flagged, summary.unpaid, summary.zero) == (5, 0, 0, 2)
    assert summary.posted_fen == 300 + 150 + 300
    with desk.db() as s:
        ways = s.execute(select(Settlement.payment, Settlement.net_fen).order_by(Settlement.pile_id, Settlement.seq))
        assert sorted(ways) == sorted([("coin", 300), ("card", 150), ("qr", 300), ("free", 0), ("monthly", 0)])
    assert balance(b, "coinbox") == 300 and balance(b, "clearing:card") == 150
    assert balance(b, "revenue:charging") == 750
    assert ledger_queries.get_wallet(desk.by_role[Role.CARD_ADMIN], desk.db, qr_user).balance_fen == 700
    with desk.db() as s:
        card_row = s.scalar(select(Settlement).where(Settlement.payment == "card"))
        assert card_row is not None and card_row.user_id == card_user and card_row.net_fen == 150
        zero = s.scalars(select(Settlement).where(Settlement.payment.in_(["free", "monthly"]))).all()
        assert [(z.net_fen, z.txn_id) for z in zero] == [(0, None), (0, None)]
        # The wallet's statement shows the session as a charge, under the settlement account.
        txn = s.scalar(select(JournalTxn).where(JournalTxn.idempotency_key.like("settle:%:3")))
        assert txn is not None and txn.kind == "charge" and txn.amount_fen == 300 and "XC01-P01#2" in txn.reference
    desk.assert_books_ok()


def test_settling_again_changes_nothing(billing: Billing) -> None:
    b, desk = billing, billing.desk
    for i in range(5):
        b.record("XC02-P01", payment="COIN", amount=100 * (i + 1))
    first = settle_pending(desk.db)
    before = desk.snapshot()
    again = settle_pending(desk.db)
    assert first.total == 5 and again.total == 0
    assert desk.snapshot() == before
    # A record that arrives later is settled by the next run, alone.
    b.record("XC02-P01", payment="COIN", amount=100)
    assert settle_pending(desk.db).total == 1
    assert balance(b, "coinbox") == 1600


def test_two_workers_racing_settle_each_record_once(billing: Billing) -> None:
    b, desk = billing, billing.desk
    for i in range(60):
        b.record(("XC01-P01", "XC01-P02", "XC02-P01")[i % 3], payment="COIN", amount=100)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            settle_pending(desk.db, batch=7)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with desk.db() as s:
        assert s.scalar(select(func.count()).select_from(Settlement)) == 60
        assert s.scalar(select(func.count()).select_from(JournalTxn).where(
            JournalTxn.idempotency_key.like("settle:%"))) == 60
    assert balance(b, "coinbox") == 6000
    desk.assert_books_ok()


def test_a_second_desk_making_the_settlement_accounts_at_the_same_moment_goes_on(desk: Desk) -> None:
    """Two workers both find `coinbox` missing: the second one's insert waits on the first's, then finds it
    there — its own transaction must go on, not die on the unique key (a CI failure on PostgreSQL)."""
    if desk.db.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time (BEGIN IMMEDIATE); the race is PostgreSQL's")
    first = desk.db()
    ensure_accounts(first)  # inserted, not committed yet
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with transaction(desk.db) as s:
                ensure_accounts(s)
        except BaseException as exc:  # reported below
            errors.append(exc)

    t = threading.Thread(target=second)
    t.start()
    with desk.db() as probe:  # until the second desk's insert is waiting on the first one's row lock
        deadline = time.monotonic() + 10
        while not probe.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                    "AND datname = current_database()")):  # fmt: skip
            assert time.monotonic() < deadline, "the second desk never waited on the first"
            probe.rollback()
            time.sleep(0.02)
    first.commit()
    first.close()
    t.join(10)
    assert errors == []
    with desk.db() as s:
        assert s.scalar(select(func.count()).select_from(LedgerAccount).where(LedgerAccount.code == "coinbox")) == 1


def test_a_record_that_disagrees_with_the_live_view_is_flagged_not_overwritten(billing: Billing) -> None:
    b, desk = billing, billing.desk
    b.live("XC01-P01", 1, 501, payment="COIN", energy=900)  # the console saw 900 Wh
    b.live("XC01-P01", 2, 502, payment="CARD", energy=300)  # …and a card, where the pile says coin
    b.live("XC01-P01", 3, 503, payment="COIN", energy=310)  # within tolerance: fine
    b.record("XC01-P01", 1, energy=300, session_id=501)
    b.record("XC01-P01", 2, energy=300, session_id=502)
    b.record("XC01-P01", 3, energy=300, session_id=503)
    summary = settle_pending(desk.db)
    assert (summary.settled, summary.flagged) == (1, 2)
    got = rows(b)
    flags = {seq: [f["code"] for f in json.loads(r.flags)] for seq, r in got.items()}
    assert flags == {1: ["energy"], 2: ["payment"], 3: []}
    energy = json.loads(got[1].flags)[0]
    assert (energy["live"], energy["record"]) == ("900 Wh", "300 Wh") and energy["zh"] and energy["en"]
    assert all(r.session_id is not None for r in got.values())
    # The money follows the pile's record (the coins are in its box), and the live row keeps what it saw.
    assert balance(b, "coinbox") == 600
    from db.models import ChargeSession

    with desk.db() as s:
        assert s.scalar(select(ChargeSession.energy_wh).where(ChargeSession.pile_session_id == 501)) == 900


def test_a_wallet_that_cannot_pay_is_marked_unpaid_and_nothing_is_posted(billing: Billing) -> None:
    b, desk = billing, billing.desk
    poor = desk.user("余额不足")
    desk.fund(poor, 100)
    b.record("XC01-P01", payment="REMOTE", amount=500, session_id=9)
    b.record("XC01-P01", 2, payment="REMOTE", amount=500, session_id=10)  # nobody ordered this one
    with desk.db() as s, s.begin():
        s.add(ChargeOrder(user_id=poor, pile_id=b.piles["XC01-P01"], port_number=1, amount_fen=500,
                          pile_session_id=9, status="started", created_by="test"))
    summary = settle_pending(desk.db)
    assert (summary.unpaid, summary.flagged, summary.posted_fen) == (1, 1, 0)
    got = rows(b)
    assert got[1].status == "unpaid" and [f["code"] for f in json.loads(got[1].flags)] == ["funds"]
    assert got[2].status == "flagged" and [f["code"] for f in json.loads(got[2].flags)] == ["payer"]
    assert balance(b, wallet_code(poor)) == 100
    desk.assert_books_ok()


def test_a_pile_holding_another_tariff_is_flagged(billing: Billing) -> None:
    b, desk = billing, billing.desk
    finance = desk.by_role[Role.FINANCE_ADMIN]
    t = tariffs.create_tariff(finance, desk.db, code="STD", name="标准", effective_from=T0 - timedelta(days=30),
                              policy=Policy(PolicyKind.POWER_TIERED, bands=DEFAULT_BANDS))
    tariffs.assign(finance, desk.db, t.tariff_id)
    # ¥2 at tier 2 (180 min/yuan) buys 360 minutes under our tariff.
    b.record("XC01-P01", amount=200, tier=2, bought=360)
    b.record("XC01-P01", amount=200, tier=2, bought=240)  # the pile still runs a cheaper table
    settle_pending(desk.db)
    got = rows(b)
    assert got[1].status == "settled" and got[1].tariff_version_id == t.latest.version_id
    assert [f["code"] for f in json.loads(got[2].flags)] == ["tariff"]


def test_settlements_post_under_a_system_account_that_cannot_sign_in(billing: Billing) -> None:
    from app.domain.errors import AuthError
    from app.services import accounts

    billing.record("XC01-P01")
    settle_pending(billing.desk.db)
    with pytest.raises(AuthError):
        accounts.login(billing.desk.db, SYSTEM_LOGIN, "")
    with billing.desk.db() as s:
        n = s.scalar(select(func.count()).select_from(JournalEntry))
    assert n == 2
