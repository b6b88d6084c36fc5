"""Configuration push to a group of piles (diff against each pile's read-back, per-pile results) and
remote diagnosis with a port self-test recorded in a work order, on the simulated site."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from app.domain import passwords
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.services import audit, config_push, diagnosis, wo_queries, work_orders
from app.services.audit import AuditFilter
from app.services.work_orders import OrderDraft
from comm.pile.messages import PileConfig, PortFault
from tests.app.services.conftest import Desk, make_desk
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, wait_for


@pytest.fixture
def desk(site: Site) -> Iterator[Desk]:
    passwords.configure(time_cost=1, memory_cost=8)
    yield make_desk(site.db)
    passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)


def online(site: Site) -> None:
    engine = site.engine or site.start_engine()
    for pid in site.pile_ids.values():
        wait_for(lambda: engine.snapshot().piles.get(pid) and engine.snapshot().piles[pid].online)  # noqa: B023


def test_push_to_a_group_shows_each_piles_diff_and_reports_each_pile(site: Site, desk: Desk) -> None:
    online(site)
    facility = desk.by_role[Role.FACILITY_ADMIN]
    codes = [*BUS_PILES, *TCP_PILES]
    ids = [site.pile_ids[c] for c in codes]
    site.on_sim(site.pile(BUS_PILES[1]).apply_config, replace(PileConfig(), coin_fee_fen=150))  # already there
    site.runtime.set_silent(TCP_PILES[1])  # a pile that does not answer
    changes = {"coin_fee_fen": 150, "mode.night_cutoff": True, "night_start_min": 30, "night_end_min": 330}
    with pytest.raises(PermissionDenied):
        config_push.plan_push(desk.by_role[Role.MONITORING_ADMIN], desk.db, site.engine, ids, changes)
    with pytest.raises(ValidationError):
        config_push.plan_push(facility, desk.db, site.engine, ids, {"coin_fee_fen": 5})  # below the minimum
    plan = config_push.plan_push(facility, desk.db, site.engine, ids, changes, timeout_s=20)
    by = {i.code: i for i in plan.items}
    assert by[TCP_PILES[1]].error is not None and not by[TCP_PILES[1]].will_write
    assert [c[0] for c in by[BUS_PILES[1]].changes] == ["night_start_min", "night_end_min", "mode.night_cutoff"]
    assert ("coin_fee_fen", 100, 150) in by[BUS_PILES[0]].changes and len(plan.to_write) == 4
    site.runtime.set_silent(TCP_PILES[0])  # goes quiet between the comparison and the write
    results = {r.code: r for r in config_push.apply_push(facility, desk.db, site.engine, plan, timeout_s=20)}
    assert {c: r.status for c, r in results.items()} == {
        BUS_PILES[0]: "written", BUS_PILES[1]: "written", BUS_PILES[2]: "written", TCP_PILES[0]: "failed",
        TCP_PILES[1]: "skipped"}
    for code in BUS_PILES:
        cfg = site.pile(code).config
        assert (cfg.coin_fee_fen, cfg.mode.night_cutoff, cfg.night_start_min, cfg.night_end_min) == (150, True, 30, 330)
    assert site.pile(TCP_PILES[0]).config.coin_fee_fen == 100
    trail = audit.query_audit(desk.base, desk.db, AuditFilter(action="pile.config_written"))
    assert sorted(e.object_id for e in trail if e.after["outcome"] == "ok") == sorted(
        str(site.pile_ids[c]) for c in BUS_PILES)
    written = next(e for e in trail if e.object_id == str(site.pile_ids[BUS_PILES[0]]))
    assert written.before["config"]["coin_fee_fen"] == 100 and written.after["config"]["coin_fee_fen"] == 150


def test_diagnosis_with_a_self_test_goes_into_the_order(site: Site, desk: Desk) -> None:
    online(site)
    code, pid = BUS_PILES[2], site.pile_ids[BUS_PILES[2]]
    duty, tech = desk.by_role[Role.MONITORING_ADMIN], desk.by_role[Role.MAINTENANCE]
    order = work_orders.raise_order(duty, desk.db, OrderDraft(pile_id=pid, port_number=6, title="6号口时好时坏"))
    site.on_sim(site.pile(code).inject_latent_fault, 6, PortFault.LINE_FAULT)
    site.on_sim(site.pile(code).set_smoke, 40, site.now())
    with pytest.raises(PermissionDenied):
        diagnosis.diagnose(desk.by_role[Role.CARD_ADMIN], desk.db, site.engine, pid)
    d = diagnosis.diagnose(tech, desk.db, site.engine, pid, self_test_port=6)
    assert d.reachable and d.firmware == "1.2.0" and d.self_test == (6, "LINE_FAULT")
    assert [p.number for p in d.faulty_ports] == [6] and d.smoke_level == 40 and len(d.ports) == 10
    diagnosis.record(tech, desk.db, order.order_id, d)
    step = wo_queries.get_order(duty, desk.db, order.order_id).steps[-1]
    assert step.action == "diagnosis" and "LINE_FAULT" in step.note and step.data["self_test"] == [6, "LINE_FAULT"]
    # the latched fault reaches the engine like any other: an alarm for port 6
    wait_for(lambda: any(k.pile_id == pid and k.port_number == 6 and k.code == "port.line_fault"
                         for k in site.engine.snapshot().alarms), timeout=10)
    site.runtime.set_silent(code)
    d = diagnosis.diagnose(tech, desk.db, site.engine, pid, timeout_s=20)
    assert not d.reachable and "无法连接" in d.summary() and d.events  # history still comes from the database
