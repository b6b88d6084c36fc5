"""Several desks on one PostgreSQL database: two OS processes top up the same wallet at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from app.domain.permissions import Role
from app.services import ledger_queries
from app.services.audit import verify_chain
from db.engine import make_engine
from db.migrate import upgrade
from db.models_ledger import JournalTxn
from tests.app.services.conftest import Desk, make_desk
from tests.support.desk_worker import register_many, top_up_many
from tests.support.postgres import PostgresServer

N, AMOUNT = 1000, 250


@pytest.fixture
def pg_desk(pg_server: PostgresServer) -> Iterator[tuple[str, Desk]]:
    with pg_server.fresh_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        try:
            yield url, make_desk(engine)
        finally:
            engine.dispose()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(300)
def test_two_processes_top_up_one_wallet(pg_desk: tuple[str, Desk]) -> None:
    url, desk = pg_desk
    uid = desk.user("张三")
    # Two desks, two operators: each has its own receipt sequence.
    from app.services import accounts

    accounts.create_account(desk.base, desk.db, login="desk2", display_name="二号台", password="correct horse",
                            roles=[Role.CARD_ADMIN])  # fmt: skip
    desk2 = accounts.login(desk.db, "desk2", "correct horse")
    desk1 = desk.by_role[Role.CARD_ADMIN]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [
        ctx.Process(target=top_up_many, args=(url, str(a.account_id), a.login, str(uid), N, AMOUNT, a.login, start))
        for a in (desk1, desk2)
    ]  # fmt: skip
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=240)
    assert [p.exitcode for p in procs] == [0, 0]

    fin = desk.by_role[Role.FINANCE_ADMIN]
    assert ledger_queries.get_wallet(fin, desk.db, uid).balance_fen == 2 * N * AMOUNT
    check = ledger_queries.ledger_check(fin, desk.db)
    assert check.ok and check.txns == 2 * N, check
    report = verify_chain(desk.db)
    assert report.ok, report.problems[:5]
    with desk.db() as s:
        for login in ("card", "desk2"):
            receipts = set(s.scalars(select(JournalTxn.receipt_no).where(JournalTxn.receipt_no.like(f"{login}-%"))))
            assert receipts == {f"{login}-{i:06d}" for i in range(1, N + 1)}  # unique and gap-free per operator
        assert s.scalar(select(func.count()).select_from(JournalTxn)) == 2 * N


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_two_processes_with_the_same_keys_post_once(pg_desk: tuple[str, Desk]) -> None:
    """Both desks send the same 200 requests (a retried network call landing on two desks): each posts once."""
    url, desk = pg_desk
    uid = desk.user("李四")
    clerk = desk.by_role[Role.CARD_ADMIN]
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    args = (url, str(clerk.account_id), clerk.login, str(uid), 200, AMOUNT, "shared", start)
    procs = [ctx.Process(target=top_up_many, args=args) for _ in range(2)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=240)
    assert [p.exitcode for p in procs] == [0, 0]
    fin = desk.by_role[Role.FINANCE_ADMIN]
    assert ledger_queries.get_wallet(fin, desk.db, uid).balance_fen == 200 * AMOUNT
    assert ledger_queries.ledger_check(fin, desk.db).ok
    assert verify_chain(desk.db).ok


@pytest.mark.postgres
@pytest.mark.timeout(300)
def test_audit_chain_does_not_fork_under_concurrent_writers(pg_desk: tuple[str, Desk]) -> None:
    """Two desks registering different users share nothing but the chain head; its row lock keeps one chain."""
    url, desk = pg_desk
    fac = desk.by_role[Role.FACILITY_ADMIN]
    before = verify_chain(desk.db).records
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=register_many, args=(url, str(fac.account_id), fac.login, 300, f"d{i}-", start))
             for i in range(2)]  # fmt: skip
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout=240)
    assert [p.exitcode for p in procs] == [0, 0]
    report = verify_chain(desk.db)
    assert report.ok and report.records == before + 600, report.problems[:5]
