"""Ordered-charging settings and overrides: who may change them, validation, audit, and what the engine reads."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.charge_point_auth import hash_key
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.ordered_charging import Kind, Override
from app.domain.permissions import Role
from app.engine.ordered_store import load_config
from app.services import ordered
from app.services.ledger_setup import seed_default_groups
from app.services.provision_devices import CarPilePlan
from app.services.provisioning import PilePlan, StationPlan, provision
from db.models import Pile, Station
from db.models_audit import AuditRecord
from db.models_people import ChargingUser, UserGroup
from tests.app.services.conftest import Desk


def _station(desk: Desk) -> tuple[uuid.UUID, uuid.UUID]:
    plan = StationPlan(code="S1", name="莲城花园", charging_limit_w=50_000, piles=(
        PilePlan("S1-P01", "1号桩", ("ebike",) * 10, host="127.0.0.1", tcp_port=1502),))
    with desk.db() as s, s.begin():
        provision(s, operator_code="OP", operator_name="运营商", stations=[plan])
    with desk.db() as s:
        return s.scalar(select(Station.id)), s.scalar(select(Pile.id))  # type: ignore[return-value]


def test_settings_by_facility_admin_audited_and_read_by_the_engine(desk: Desk) -> None:
    station_id, pile_id = _station(desk)
    facility, monitor = desk.by_role[Role.FACILITY_ADMIN], desk.by_role[Role.MONITORING_ADMIN]
    assert ordered.get_settings(monitor, desk.db, station_id) == ordered.OrderedSettings(station_id, limit_w=50_000)
    with pytest.raises(PermissionDenied):
        ordered.update_settings(monitor, desk.db, station_id, enabled=True)
    with pytest.raises(ValidationError) as bad:
        ordered.update_settings(facility, desk.db, station_id, period_s=1)
    assert bad.value.field == "period_s"
    with pytest.raises(ValidationError):
        ordered.update_settings(facility, desk.db, station_id, high_payments=("GOLD",))
    after = ordered.update_settings(facility, desk.db, station_id, enabled=True, limit_w=40_000, margin_w=1_500,
                                    fallback_w=5_000, period_s=30, high_payments=("MONTHLY",))
    assert after == ordered.OrderedSettings(station_id, True, 40_000, 1_500, 5_000, 0, 30, ("MONTHLY",))
    with desk.db() as s:
        rec = s.scalars(select(AuditRecord).where(AuditRecord.action == "ordered.settings")).one()
        assert rec.actor_login == facility.login and '"limit_w":40000' in rec.after_json
        cfg = load_config(s, datetime.now(UTC))[station_id]
    assert cfg.enabled and cfg.limit_w == 40_000 and cfg.margin_w == 1_500 and cfg.period_s == 30
    assert cfg.high_payments == {"MONTHLY"} and not cfg.has_meter and len(cfg.ports) == 10
    del pile_id


def test_overrides_by_monitoring_admin_recorded_and_replaced(desk: Desk) -> None:
    station_id, pile_id = _station(desk)
    monitor, facility = desk.by_role[Role.MONITORING_ADMIN], desk.by_role[Role.FACILITY_ADMIN]
    with pytest.raises(PermissionDenied):
        ordered.set_override(facility, desk.db, pile_id, 3, "run", reason="急用")
    with pytest.raises(ValidationError):
        ordered.set_override(monitor, desk.db, pile_id, 3, "run", reason=" ")
    ordered.set_override(monitor, desk.db, pile_id, 3, "hold", reason="插座发热，待检修")
    ordered.set_override(monitor, desk.db, pile_id, 3, "run", reason="住户急用")  # replaces the hold
    ordered.set_override(monitor, desk.db, pile_id, 4, "priority", priority=2, reason="医护人员",
                         until=datetime.now(UTC) - timedelta(minutes=1))  # already over: the engine ignores it
    views = ordered.overrides(monitor, desk.db, station_id)
    assert [(v.port_number, v.action) for v in views] == [(3, "run"), (4, "priority")]
    with desk.db() as s:
        cfg = load_config(s, datetime.now(UTC))[station_id]
    assert cfg.overrides[(pile_id, 3)].action is Override.RUN and (pile_id, 4) not in cfg.overrides
    assert ordered.clear_override(monitor, desk.db, pile_id, 3) == 1
    assert ordered.clear_override(monitor, desk.db, pile_id, 3) == 0
    with desk.db() as s:
        actions = [r.action for r in s.scalars(select(AuditRecord).where(AuditRecord.action.like("ordered.%"))
                                               .order_by(AuditRecord.seq))]
    assert actions == ["ordered.override"] * 3 + ["ordered.override_cleared"]
    assert ordered.queue(monitor, desk.db, station_id) == []


def test_the_engine_reads_car_piles_and_the_cards_with_priority(desk: Desk) -> None:
    plan = StationPlan(code="S1", name="莲城花园", charging_limit_w=50_000, car_piles=(
        CarPilePlan("S1-C01", "1号车桩", "S1-C01", hash_key("k" * 20), max_current_a=16),))
    with desk.db() as s, s.begin():
        provision(s, operator_code="OP", operator_name="运营商", stations=[plan])
        seed_default_groups(s)
        groups = {g.code: g.id for g in s.scalars(select(UserGroup))}
        s.add_all([ChargingUser(name="包月", card_no="90000001", group_id=groups["monthly"]),
                   ChargingUser(name="住户", card_no="90000002", group_id=groups["resident"])])
    with desk.db() as s:
        station_id = s.scalar(select(Station.id))
    assert station_id is not None
    facility = desk.by_role[Role.FACILITY_ADMIN]
    ordered.update_settings(facility, desk.db, station_id, enabled=True, high_payments=("MONTHLY",))
    with desk.db() as s:
        cfg = load_config(s, datetime.now(UTC))[station_id]
    (info,) = cfg.ports.values()
    assert info.kind is Kind.CAR and info.max_current_a == 16
    assert cfg.priority_tags == {"90000001"}
