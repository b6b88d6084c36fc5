"""Billing against the real engine and simulated piles: a tariff pushed with read-back, coin and QR
sessions settled by the worker as their records arrive."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.domain.residents import UserDraft
from app.domain.tariffs import DEFAULT_BANDS, Policy, PolicyKind, PowerBand
from app.engine.commands import StopPort, WriteConfig
from app.services import accounts, audit, ledger_queries, orders, remote, tariffs, users, wallets
from app.services.audit import AuditFilter
from app.services.settlement_worker import SettlementWorker
from app.services.tariff_push import push_tariff
from comm.pile.messages import PileConfig
from db.engine import session_factory
from db.models import ChargeSession
from db.models_billing import MeterDay, Settlement
from db.types import utcnow
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, ebike, wait_for

PW = "billing-pass-1"
BANDS = (PowerBand(200, 300), *DEFAULT_BANDS[1:])  # e-bikes under 200 W get 300 min per yuan


def people(site: Site):  # type: ignore[no-untyped-def]
    db = session_factory(site.db)
    accounts.create_base_account(db, login="boss", display_name="Boss", password=PW)
    base = accounts.login(db, "boss", PW)
    for login, role in (("fin", Role.FINANCE_ADMIN), ("fac", Role.FACILITY_ADMIN), ("watch", Role.MONITORING_ADMIN),
                        ("clerk", Role.CARD_ADMIN)):
        accounts.create_account(base, db, login=login, display_name=login, password=PW, roles=[role])
    return db, {n: accounts.login(db, n, PW) for n in ("boss", "fin", "fac", "watch", "clerk")}


def settlements(db) -> list[Settlement]:  # type: ignore[no-untyped-def]
    with db() as s:
        return list(s.scalars(select(Settlement).order_by(Settlement.settled_at)))


def test_push_a_tariff_then_settle_coin_sessions_as_their_records_arrive(site: Site) -> None:
    engine = site.start_engine()
    db, who = people(site)
    for code in (*BUS_PILES, *TCP_PILES):
        wait_for(lambda c=code: (p := engine.snapshot().piles.get(site.pile_ids[c])) is not None and p.online)
    policy = Policy(PolicyKind.POWER_TIERED, bands=BANDS, coin_fee_fen=50, swipe_fee_fen=50)
    t = tariffs.create_tariff(who["fin"], db, code="EB-2026", name="电动车 2026", policy=policy,
                              effective_from=utcnow() - timedelta(minutes=5))
    tariffs.assign(who["fin"], db, t.tariff_id)
    with pytest.raises(PermissionDenied):  # facility staff configure piles, but prices are finance's
        push_tariff(who["fac"], db, engine, t.tariff_id)
    results = push_tariff(who["fin"], db, engine, t.tariff_id)
    assert [(r.pile_code, r.ok, r.changed) for r in results] == [(c, True, True) for c in sorted((*BUS_PILES,
                                                                                                   *TCP_PILES))]
    for code in (*BUS_PILES, *TCP_PILES):
        cfg = site.on_sim(lambda c=code: site.pile(c).config)
        assert cfg.coin_fee_fen == 50 and cfg.tiers[0].min_per_yuan == 300
        assert cfg.over_temp_dc == PileConfig().over_temp_dc  # nothing but the tariff changed
    assert all(not r.changed and r.ok for r in push_tariff(who["fin"], db, engine, t.tariff_id))  # already there
    pushed = audit.query_audit(who["boss"], db, AuditFilter(action="tariff.pushed"))
    assert len(pushed) == 5 and pushed[0].actor_login == "fin"
    assert pushed[0].before["config"]["coin_fee_fen"] == 100 and pushed[0].after["config"]["coin_fee_fen"] == 50
    # A finance push may not touch protection settings, whatever it sends.
    pid = site.pile_ids[BUS_PILES[0]]
    with pytest.raises(ValidationError):
        remote.submit(who["fin"], db, engine, WriteConfig(pid, replace(PileConfig(), over_temp_dc=900)),
                      before=PileConfig(), as_tariff=True)

    worker = SettlementWorker(db, interval_s=30, meter_interval_s=0.5, grace_s=1.0).attach(engine).start()
    try:
        pile = site.pile(TCP_PILES[0])
        for n in (1, 2):
            site.on_sim(pile.plug, n, ebike(150), site.now())
            assert site.on_sim(pile.insert_coins, n, 2, site.now()) == 2
        wait_for(lambda: live_sessions(db) == 2)  # the console saw both start
        site.clock.skip(600)
        site.on_sim(site.runtime.tick)
        for n in (1, 2):
            site.on_sim(pile.unplug, n, site.now())
        site.clock.skip(40)
        site.on_sim(site.runtime.tick)
        got = wait_for(lambda: len(rows := settlements(db)) == 2 and rows, timeout=20)
        for row in got:  # woken by the engine's RecordsStored, not by the 30 s sweep
            assert (row.payment, row.amount_fen, row.net_fen, row.status) == ("coin", 100, 100, "settled"), row.flags
            assert row.minutes_bought == 300 and row.tariff_version_id == t.latest.version_id, row.flags
            assert row.session_id is not None and json.loads(row.flags) == []
        wait_for(lambda: _meter_days(db) > 0, timeout=10)
    finally:
        worker.stop()
    fin_view = ledger_queries.trial_balance(who["fin"], db)
    assert {a.code: a.balance_fen for a in fin_view}["coinbox"] == 200


def live_sessions(db) -> int:  # type: ignore[no-untyped-def]
    with db() as s:
        return len(s.scalars(select(ChargeSession)).all())


def _meter_days(db) -> int:  # type: ignore[no-untyped-def]
    with db() as s:
        return len(s.scalars(select(MeterDay)).all())


def test_a_qr_start_is_charged_to_the_users_wallet(site: Site) -> None:
    engine = site.start_engine()
    db, who = people(site)
    code = BUS_PILES[1]
    pid = site.pile_ids[code]
    wait_for(lambda: (p := engine.snapshot().piles.get(pid)) is not None and p.online)
    user = users.register_user(who["boss"], db, UserDraft(name="扫码 王", building="1", unit="1", room="101"))
    wallets.top_up(who["clerk"], db, user_id=user.user_id, amount_fen=500, method="wechat", idempotency_key="t1")
    site.on_sim(site.pile(code).plug, 4, ebike(300), site.now())
    with pytest.raises(PermissionDenied):  # the card desk does not start ports
        orders.start_for_user(who["clerk"], db, engine, user_id=user.user_id, pile_id=pid, port=4, amount_fen=300)
    order = orders.start_for_user(who["watch"], db, engine, user_id=user.user_id, pile_id=pid, port=4,
                                  amount_fen=300).result(15)
    assert order.status == "started" and order.pile_session_id, order.detail
    site.clock.skip(120)  # measured, charging: the app money has bought time
    site.on_sim(site.runtime.tick)
    assert remote.submit(who["watch"], db, engine, StopPort(pid, 4)).result(15).ok
    worker = SettlementWorker(db, interval_s=30, grace_s=1.0).attach(engine).start()
    try:
        row = wait_for(lambda: (rows := settlements(db)) and rows[0], timeout=20)
    finally:
        worker.stop()
    assert (row.payment, row.user_id, row.amount_fen, row.net_fen, row.status) == ("qr", user.user_id, 300, 300,
                                                                                    "settled")
    assert ledger_queries.get_wallet(who["clerk"], db, user.user_id).balance_fen == 200
    line = ledger_queries.statement(who["clerk"], db, user.user_id, start=utcnow() - timedelta(hours=1),
                                    end=utcnow() + timedelta(hours=1)).lines[-1]
    assert (line.kind.value, line.amount_fen) == ("charge", -300) and code in line.reference
