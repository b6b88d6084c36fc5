"""Work-order services on SQLite and PostgreSQL: raising, the life cycle with its step log, repair logs,
four-eyes verification, escalation with notifications, history and the managers' summary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain.errors import ConcurrentEdit, Conflict, PermissionDenied, ValidationError
from app.domain.fault_rules import Trigger
from app.domain.permissions import Role
from app.domain.work_orders import IllegalTransition, NotAllowed, RepairResult, WoAction, WoSource, WoState
from app.engine.events import AlarmKey
from app.services import accounts, wo_queries, work_orders
from app.services import notifications as notify
from app.services.provisioning import PilePlan, StationPlan, provision
from app.services.work_orders import OrderDraft, RepairDraft
from db.models import Alarm, Pile, Station
from db.models_maintenance import Notification, WorkOrderStep
from tests.app.services.conftest import PASSWORD, Desk

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@dataclass
class Site:
    desk: Desk
    station_id: uuid.UUID
    piles: dict[str, uuid.UUID]

    @property
    def tech(self):  # type: ignore[no-untyped-def]
        return self.desk.by_role[Role.MAINTENANCE]

    @property
    def duty(self):  # type: ignore[no-untyped-def]
        return self.desk.by_role[Role.MONITORING_ADMIN]


def make_site(desk: Desk) -> Site:
    plan = StationPlan(code="S1", name="莲城花园", charging_limit_w=50_000, piles=(
        PilePlan("S1-P01", "1号桩", ("ebike",) * 10, host="127.0.0.1", tcp_port=1502),
        PilePlan("S1-P02", "2号桩", ("ebike",) * 10, host="127.0.0.1", tcp_port=1503)))
    with desk.db() as s, s.begin():
        provision(s, operator_code="OP", operator_name="运营商", stations=[plan])
    with desk.db() as s:
        return Site(desk, s.scalar(select(Station.id)),
                    {p.code: p.id for p in s.scalars(select(Pile))})  # type: ignore[arg-type]


@pytest.fixture
def site(desk: Desk) -> Site:
    return make_site(desk)


def steps(desk: Desk, order_id: uuid.UUID) -> list[tuple[str, str, str | None]]:
    with desk.db() as s:
        return [(x.action, x.actor_login, x.to_state) for x in s.scalars(
            select(WorkOrderStep).where(WorkOrderStep.order_id == order_id).order_by(WorkOrderStep.ts))]


def test_life_cycle_from_a_pile_with_every_step_recorded(site: Site) -> None:
    d, tech, duty = site.desk, site.tech, site.duty
    o = work_orders.raise_order(duty, d.db, OrderDraft(pile_id=site.piles["S1-P01"], port_number=4,
                                                        severity="major", description="插座松动"))
    assert o.number == f"WO{o.created_at.astimezone(work_orders.LOCAL_TZ):%Y%m%d}-0001"
    assert o.state is WoState.NEW and o.station_code == "S1"
    assert o.title == "S1-P01 #4 报修 / repair" and o.due_at == o.created_at + timedelta(hours=24)
    with pytest.raises(NotAllowed):  # technicians start only their own orders
        work_orders.transition(tech, d.db, o.order_id, WoAction.START, expected_version=o.version)
    with pytest.raises(ValidationError):  # only technicians receive orders
        work_orders.transition(duty, d.db, o.order_id, WoAction.ASSIGN, expected_version=o.version,
                               assignee_id=duty.account_id)
    o = work_orders.transition(duty, d.db, o.order_id, WoAction.ASSIGN, expected_version=o.version,
                               assignee_id=tech.account_id, note="今晚处理")
    assert o.state is WoState.ASSIGNED and o.assignee_login == "maintenance"
    with pytest.raises(ConcurrentEdit):
        work_orders.transition(tech, d.db, o.order_id, WoAction.START, expected_version=o.version - 1)
    o = work_orders.transition(tech, d.db, o.order_id, WoAction.START, expected_version=o.version)
    with pytest.raises(ValidationError):  # a result needs a repair log first
        work_orders.transition(tech, d.db, o.order_id, WoAction.RESOLVE, expected_version=o.version, note="好了")
    work_orders.add_repair_log(tech, d.db, o.order_id, RepairDraft("插座接触不良", 35, RepairResult.FIXED,
                                                                   parts="10A 插座 ×1"))
    o = wo_queries.get_order(tech, d.db, o.order_id).order
    o = work_orders.transition(tech, d.db, o.order_id, WoAction.RESOLVE, expected_version=o.version,
                               note="更换插座")
    with pytest.raises(IllegalTransition):
        work_orders.transition(duty, d.db, o.order_id, WoAction.CLOSE, expected_version=o.version)
    o = work_orders.transition(duty, d.db, o.order_id, WoAction.VERIFY, expected_version=o.version)
    o = work_orders.transition(duty, d.db, o.order_id, WoAction.CLOSE, expected_version=o.version)
    assert o.state is WoState.CLOSED and o.resolution == "更换插座" and o.resolved_by == "maintenance"
    assert steps(d, o.order_id) == [
        ("created", "monitoring", "new"), ("assign", "monitoring", "assigned"), ("start", "maintenance", "in_progress"),
        ("repair", "maintenance", None), ("resolve", "maintenance", "resolved"), ("verify", "monitoring", "verified"),
        ("close", "monitoring", "closed")]
    detail = wo_queries.get_order(duty, d.db, o.order_id)
    assert [(r.cause, r.minutes_spent, r.result) for r in detail.repairs] == [("插座接触不良", 35, "fixed")]
    inbox = notify.inbox(tech, d.db)
    assert [m.order_id for m in inbox] == [o.order_id] and "monitoring" in inbox[0].body
    # reopened: back to the technician with a fresh SLA, and they hear about it
    later = datetime.now(UTC) + timedelta(days=2)
    o = work_orders.transition(duty, d.db, o.order_id, WoAction.REOPEN, expected_version=o.version,
                               note="又坏了", now=later)
    assert o.state is WoState.ASSIGNED and o.resolved_at is None and o.due_at == later + timedelta(days=1)
    assert len(notify.inbox(tech, d.db, unread_only=True)) == 2


def test_four_eyes_and_roles(site: Site) -> None:
    d, tech = site.desk, site.tech
    clerk, finance = d.by_role[Role.CARD_ADMIN], d.by_role[Role.FINANCE_ADMIN]
    for outsider in (clerk, finance):
        with pytest.raises(PermissionDenied):
            work_orders.raise_order(outsider, d.db, OrderDraft(pile_id=site.piles["S1-P01"]))
        with pytest.raises(PermissionDenied):
            wo_queries.list_orders(outsider, d.db)
    # a technician takes a new order for themself, and may not hand it to someone else
    o = work_orders.raise_order(tech, d.db, OrderDraft(pile_id=site.piles["S1-P02"], title="门锁坏"))
    with pytest.raises(PermissionDenied):
        work_orders.transition(tech, d.db, o.order_id, WoAction.ASSIGN, expected_version=o.version,
                               assignee_id=d.base.account_id)
    o = work_orders.transition(tech, d.db, o.order_id, WoAction.ASSIGN, expected_version=o.version,
                               assignee_id=tech.account_id)
    # four eyes: an account that both dispatches and repairs cannot verify its own repair
    accounts.create_account(d.base, d.db, login="both", display_name="值班兼运维", password=PASSWORD,
                            roles=[Role.MONITORING_ADMIN, Role.MAINTENANCE])
    both = accounts.login(d.db, "both", PASSWORD)
    o = work_orders.transition(both, d.db, o.order_id, WoAction.ASSIGN, expected_version=o.version,
                               assignee_id=both.account_id)
    o = work_orders.transition(both, d.db, o.order_id, WoAction.START, expected_version=o.version)
    work_orders.add_repair_log(both, d.db, o.order_id, RepairDraft("锁芯锈蚀", 10, RepairResult.FIXED))
    o = work_orders.transition(both, d.db, o.order_id, WoAction.RESOLVE, expected_version=o.version, note="换锁")
    with pytest.raises(NotAllowed):
        work_orders.transition(both, d.db, o.order_id, WoAction.VERIFY, expected_version=o.version)
    with pytest.raises(PermissionDenied):  # technicians do not verify at all
        work_orders.transition(tech, d.db, o.order_id, WoAction.VERIFY, expected_version=o.version)
    o = work_orders.transition(site.duty, d.db, o.order_id, WoAction.VERIFY, expected_version=o.version)
    assert o.state is WoState.VERIFIED


def test_raised_from_an_alarm_once_and_complaints_need_a_title(site: Site) -> None:
    d, duty = site.desk, site.duty
    with d.db() as s, s.begin():
        alarm = Alarm(pile_id=site.piles["S1-P01"], port_number=7, code="port.relay_stuck", severity="major",
                      raised_at=T0, detail="RELAY_STUCK")
        s.add(alarm)
    o = work_orders.raise_order(duty, d.db, OrderDraft(alarm_id=alarm.id), now=T0)
    assert (o.source, o.alarm_code, o.port_number, o.severity) == ("alarm", "port.relay_stuck", 7, "major")
    assert o.title == "S1-P01 #7 继电器粘连 / relay stuck"
    with pytest.raises(Conflict) as err:
        work_orders.raise_order(duty, d.db, OrderDraft(alarm_id=alarm.id))
    assert o.number in err.value.en
    with pytest.raises(ValidationError):
        work_orders.raise_order(duty, d.db, OrderDraft(source=WoSource.COMPLAINT, station_id=site.station_id))
    c = work_orders.raise_order(duty, d.db, OrderDraft(source=WoSource.COMPLAINT, station_id=site.station_id,
                                                        title="3栋车棚插座不出电", reporter="李女士 139****0000",
                                                        severity="minor"), now=T0)
    assert c.number == "WO20261127-0002" and c.pile_id is None and c.reporter.startswith("李")


def trigger(pile_id: uuid.UUID, port: int | None, code: str, reason: str = "persisted") -> Trigger[AlarmKey]:
    return Trigger(AlarmKey(pile_id, port, code), code, "critical", T0, reason, 1, "SHORT_CIRCUIT")


def test_fault_triggers_fold_into_one_order_and_notify_the_duty(site: Site) -> None:
    d = site.desk
    notify.save_settings(d.by_role[Role.SYSTEM_ADMIN], d.db, notify.NotifySettings(
        sms_url="http://127.0.0.1:9/sms", duty_phones=("13800138000", "13900139000")), store=_store())
    pid = site.piles["S1-P02"]
    first, created = work_orders.raise_from_fault(d.db, trigger(pid, 3, "port.short_circuit"), now=T0)
    assert created and first.source == "fault" and first.created_by == "system" and first.severity == "critical"
    for i in range(5):
        again, created = work_orders.raise_from_fault(d.db, trigger(pid, 3, "port.short_circuit", "flapping"),
                                                      now=T0 + timedelta(minutes=i))
        assert not created and again.order_id == first.order_id
    other, created = work_orders.raise_from_fault(d.db, trigger(pid, 4, "port.short_circuit"), now=T0)
    assert created and other.order_id != first.order_id
    assert wo_queries.get_order(d.base, d.db, first.order_id).order.occurrences == 6
    with d.db() as s:
        sms = s.scalars(select(Notification).where(Notification.channel == "sms")).all()
        assert sorted(n.recipient for n in sms) == ["13800138000", "13800138000", "13900139000", "13900139000"]
        assert all(n.state == "pending" and "短路" in n.body for n in sms)
    assert len(notify.inbox(site.duty, d.db)) == 2  # to the monitoring role: one per new order


def _store():  # type: ignore[no-untyped-def]
    from app.secrets import MemorySecretStore

    return MemorySecretStore()


def test_escalation_of_overdue_orders_climbs_once_per_level(site: Site) -> None:
    d = site.desk
    o, _ = work_orders.raise_from_fault(d.db, trigger(site.piles["S1-P01"], None, "pile.smoke"), now=T0)
    assert work_orders.escalate_overdue(d.db, now=T0 + timedelta(hours=3)) == []
    [late] = work_orders.escalate_overdue(d.db, now=T0 + timedelta(hours=4, minutes=1))
    assert late.escalation_level == 1 and late.overdue(T0 + timedelta(hours=5))
    assert work_orders.escalate_overdue(d.db, now=T0 + timedelta(hours=5)) == []
    [later] = work_orders.escalate_overdue(d.db, now=T0 + timedelta(hours=6, minutes=1))
    assert later.escalation_level == 2
    overdue = wo_queries.list_orders(d.base, d.db, wo_queries.OrderFilter(overdue_only=True),
                                     now=T0 + timedelta(hours=7))
    assert [x.order_id for x in overdue] == [o.order_id]
    subjects = [m.subject for m in notify.inbox(site.duty, d.db)]
    assert sum("L1" in x for x in subjects) == 1 and sum("L2" in x for x in subjects) == 1


def test_history_and_summary_with_mean_time_to_repair(site: Site) -> None:
    d, tech, duty = site.desk, site.tech, site.duty
    pid = site.piles["S1-P01"]
    for hours in (2, 4):
        o = work_orders.raise_order(duty, d.db, OrderDraft(pile_id=pid, port_number=1, assignee_id=tech.account_id),
                                    now=T0)
        o = work_orders.transition(tech, d.db, o.order_id, WoAction.START, expected_version=o.version)
        work_orders.add_repair_log(tech, d.db, o.order_id, RepairDraft("熔断", 20, RepairResult.FIXED))
        work_orders.transition(tech, d.db, o.order_id, WoAction.RESOLVE, expected_version=o.version,
                               note="ok", now=T0 + timedelta(hours=hours))
    work_orders.raise_order(duty, d.db, OrderDraft(pile_id=site.piles["S1-P02"], severity="critical"), now=T0)
    history = wo_queries.maintenance_history(tech, d.db, pid)
    assert len(history) == 2 and all(h.repairs[0].cause == "熔断" for h in history)
    [row] = wo_queries.summary(duty, d.db, since=T0, until=T0 + timedelta(days=1), now=T0 + timedelta(hours=5))
    assert (row.code, row.open, row.overdue, row.raised, row.resolved) == ("S1", 1, 1, 3, 2)
    assert row.mttr_min == pytest.approx(180.0) and row.by_severity == {"critical": 1}
    mine = wo_queries.list_orders(tech, d.db, wo_queries.OrderFilter(assignee_id=tech.account_id))
    assert len(mine) == 2
    techs = wo_queries.technicians(duty, d.db)
    assert [(t.login, t.open_orders) for t in techs] == [("maintenance", 0)]


def test_nothing_is_written_by_a_refused_step(site: Site) -> None:
    d = site.desk
    o = work_orders.raise_order(site.duty, d.db, OrderDraft(pile_id=site.piles["S1-P01"]))
    before = d.snapshot()
    for call in (lambda: work_orders.transition(site.tech, d.db, o.order_id, WoAction.RESOLVE,
                                                expected_version=o.version, note="x"),
                 lambda: work_orders.transition(site.duty, d.db, o.order_id, WoAction.CANCEL,
                                                expected_version=o.version, note=""),
                 lambda: work_orders.transition(site.duty, d.db, o.order_id, WoAction.VERIFY,
                                                expected_version=o.version)):
        with pytest.raises((NotAllowed, ValidationError, IllegalTransition)):
            call()
    assert d.snapshot() == before
    with d.db() as s:
        assert s.scalar(select(func.count()).select_from(WorkOrderStep)) == 1
