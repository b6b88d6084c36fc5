"""Fault → work order → repair → resolved, against the simulated piles over the real pty bus and TCP,
with the real engine: the watcher turns the engine's alarms into orders off the engine loop."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from app.domain import passwords
from app.domain.permissions import Role
from app.domain.work_orders import RepairResult, WoAction, WoState
from app.engine.commands import ClearFault
from app.services import remote, wo_queries, work_orders
from app.services.fault_watch import FaultOrderWatcher
from app.services.wo_queries import OrderFilter
from app.services.work_orders import RepairDraft
from comm.pile.messages import PortFault
from db.engine import session_factory
from db.models_maintenance import Notification
from tests.app.services.conftest import Desk, make_desk
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, wait_for


@pytest.fixture
def desk(site: Site) -> Iterator[Desk]:
    passwords.configure(time_cost=1, memory_cost=8)
    yield make_desk(site.db)
    passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)


def fault_orders(desk: Desk) -> list[wo_queries.OrderInfo]:
    return [o for o in wo_queries.list_orders(desk.base, desk.db) if o.source == "fault"]


def test_a_short_circuit_becomes_an_order_that_a_technician_resolves(site: Site, desk: Desk) -> None:
    engine = site.start_engine()
    watcher = FaultOrderWatcher(session_factory(site.db), tick_s=0.05)
    watcher.attach(engine)
    watcher.start()
    try:
        code, pid = BUS_PILES[1], site.pile_ids[BUS_PILES[1]]
        wait_for(lambda: engine.snapshot().piles.get(pid) and engine.snapshot().piles[pid].online)
        site.on_sim(site.pile(code).inject_short, 3, site.now())
        [order] = wait_for(lambda: fault_orders(desk), timeout=15)
        assert (order.pile_code, order.port_number, order.alarm_code, order.severity) == (
            code, 3, "port.short_circuit", "critical")
        assert order.state is WoState.NEW and "短路" in order.title
        duty, tech = desk.by_role[Role.MONITORING_ADMIN], desk.by_role[Role.MAINTENANCE]
        order = work_orders.transition(duty, desk.db, order.order_id, WoAction.ASSIGN,
                                       expected_version=order.version, assignee_id=tech.account_id)
        order = work_orders.transition(tech, desk.db, order.order_id, WoAction.START, expected_version=order.version)
        # on site: the cable is replaced; then the latched fault is cleared remotely and confirmed by read-back
        out = remote.submit(tech, desk.db, engine, ClearFault(pid, 3, issued_by=tech.login)).result(15)
        assert out.ok, out.detail
        assert site.on_sim(site.pile(code).port, 3).fault is PortFault.NONE
        work_orders.add_repair_log(tech, desk.db, order.order_id, RepairDraft(
            "充电线绝缘破损短路", 40, RepairResult.FIXED, parts="充电线 1 根"))
        order = work_orders.transition(tech, desk.db, order.order_id, WoAction.RESOLVE,
                                       expected_version=order.version, note="更换充电线，清除故障")
        order = work_orders.transition(duty, desk.db, order.order_id, WoAction.VERIFY, expected_version=order.version)
        order = work_orders.transition(duty, desk.db, order.order_id, WoAction.CLOSE, expected_version=order.version)
        assert order.state is WoState.CLOSED
        history = wo_queries.maintenance_history(tech, desk.db, pid)
        assert [h.repairs[0].parts for h in history] == ["充电线 1 根"]
    finally:
        watcher.stop()


def test_a_flapping_port_makes_one_order_and_smoke_goes_to_the_fire_platform(site: Site, desk: Desk) -> None:
    engine = site.start_engine()
    db = session_factory(site.db)
    watcher = FaultOrderWatcher(db, tick_s=0.05)
    watcher.attach(engine)
    watcher.start()
    try:
        code, pid = TCP_PILES[0], site.pile_ids[TCP_PILES[0]]
        wait_for(lambda: engine.snapshot().piles.get(pid) and engine.snapshot().piles[pid].online)
        for _ in range(5):  # a faulty line found by the self-test, cleared, found again … (never 30 s long)
            site.on_sim(site.pile(code).inject_port_fault, 5, PortFault.LINE_FAULT, site.now())
            wait_for(lambda: any(k.port_number == 5 for k in engine.snapshot().alarms if k.pile_id == pid))
            assert engine.submit(ClearFault(pid, 5)).result(10).ok
            wait_for(lambda: not any(k.port_number == 5 for k in engine.snapshot().alarms if k.pile_id == pid))
        orders = wait_for(lambda: fault_orders(desk), timeout=10)
        assert len(orders) == 1 and orders[0].alarm_code == "port.line_fault"
        site.on_sim(site.pile(code).set_smoke, 450, site.now())
        wait_for(lambda: len(fault_orders(desk)) == 2, timeout=15)
        smoke = next(o for o in fault_orders(desk) if o.alarm_code == "pile.smoke")
        assert smoke.severity == "critical" and smoke.port_number is None
        with db() as s:
            hooks = wait_for(lambda: s.scalars(select(Notification).where(Notification.channel == "webhook")).all())
            payload = json.loads(hooks[0].body)
        assert payload["event"] == "alarm.raised" and payload["alarm"]["code"] == "pile.smoke"
        assert payload["device"]["pile_code"] == code and payload["location"]["station_code"] == "T01"
        assert payload["device"]["serial"] == f"SN-{code}"
        mine = wo_queries.list_orders(desk.base, desk.db, OrderFilter(pile_id=pid))
        assert {o.alarm_code for o in mine} == {"port.line_fault", "pile.smoke"}
    finally:
        watcher.stop()


def test_smoke_reaches_the_duty_phone_and_the_fire_platform_through_a_flaky_gateway(site: Site, desk: Desk) -> None:
    from app.secrets import MemorySecretStore
    from app.services import notifications as notify
    from app.services.om_workers import start_workers
    from tests.support.http_sink import HttpSink

    sms, fire = HttpSink(fail_next=2).start(), HttpSink().start()
    store = MemorySecretStore()
    notify.save_settings(desk.by_role[Role.SYSTEM_ADMIN], desk.db, notify.NotifySettings(
        sms_url=sms.url, duty_phones=("13800138000",), fire_url=fire.url, fire_site_id="XC-T01"), store=store,
        sms_token="tok", fire_key="k")
    engine = site.start_engine()
    workers = start_workers(engine, store)
    workers.notifier.backoff = type(workers.notifier.backoff)(base_s=0.2, factor=2, max_s=1)
    workers.notifier.poll_s = 0.1
    try:
        code, pid = BUS_PILES[0], site.pile_ids[BUS_PILES[0]]
        wait_for(lambda: engine.snapshot().piles.get(pid) and engine.snapshot().piles[pid].online)
        site.on_sim(site.pile(code).set_smoke, 500, site.now())
        [hook] = wait_for(lambda: fire.accepted, timeout=15)
        assert hook.json["event"] == "alarm.raised" and hook.json["site_id"] == "XC-T01"
        assert hook.json["alarm"]["code"] == "pile.smoke" and hook.json["device"]["pile_code"] == code
        [text] = wait_for(lambda: sms.accepted, timeout=15)  # after two 503s
        assert "烟雾报警" in text.json["text"] and text.json["to"] == "13800138000" and len(sms.received) == 3
        site.on_sim(site.pile(code).set_smoke, 0, site.now())
        assert engine.submit(ClearFault(pid, 0)).result(10).ok
        cleared = wait_for(lambda: [r for r in fire.accepted if r.json["event"] == "alarm.cleared"], timeout=15)
        assert cleared[0].json["alarm"]["code"] == "pile.smoke"
        with desk.db() as s:
            assert {n.state for n in s.scalars(select(Notification).where(Notification.channel != "in_app"))} == {
                "sent"}
    finally:
        workers.stop()
        sms.stop()
        fire.stop()
