"""Tariff services on SQLite and PostgreSQL: versions, assignments, audit, roles, concurrent edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import ConcurrentEdit, Conflict, PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.domain.tariffs import DEFAULT_BANDS, DEFAULT_TOU, Policy, PolicyKind
from app.services import audit, tariffs
from app.services.audit import AuditFilter
from app.services.tariffs import TariffBook
from db.models_people import UserGroup
from tests.app.services.billing_site import T0, make_billing
from tests.app.services.conftest import Desk

TIERED = Policy(PolicyKind.POWER_TIERED, bands=DEFAULT_BANDS)


def test_versions_are_appended_and_priced_by_the_session_start(desk: Desk) -> None:
    fin = desk.by_role[Role.FINANCE_ADMIN]
    t = tariffs.create_tariff(fin, desk.db, code="STD", name="标准资费", policy=TIERED, effective_from=T0)
    dearer = replace(TIERED, bands=tuple(replace(b, min_per_yuan=b.min_per_yuan // 2) for b in DEFAULT_BANDS))
    v2 = tariffs.add_version(fin, desk.db, t.tariff_id, policy=dearer, effective_from=T0 + timedelta(days=10),
                             expected_latest=1)
    assert v2.number == 2 and v2.created_by == fin.login
    with pytest.raises(ConcurrentEdit):  # a second desk still editing version 1
        tariffs.add_version(fin, desk.db, t.tariff_id, policy=TIERED, effective_from=T0, expected_latest=1)
    tariffs.assign(fin, desk.db, t.tariff_id)
    with desk.db() as s:
        book = TariffBook(s)
    at = book.price_for(station_id=None, pile_id=None, group_id=None, at=T0 + timedelta(days=1))
    later = book.price_for(station_id=None, pile_id=None, group_id=None, at=T0 + timedelta(days=11))
    assert at is not None and later is not None and (at.number, later.number) == (1, 2)
    assert book.price_for(station_id=None, pile_id=None, group_id=None, at=T0 - timedelta(days=1)) is None
    trail = audit.query_audit(desk.base, desk.db, AuditFilter(action="tariff."))
    assert [e.action for e in reversed(trail)] == ["tariff.create", "tariff.version", "tariff.assign"]
    assert trail[1].before["version"] == 1 and trail[1].after["version"] == 2


def test_most_specific_assignment_wins_and_replaces_the_same_scope(desk: Desk) -> None:
    b = make_billing(desk)
    fin = desk.by_role[Role.FINANCE_ADMIN]
    mk = [tariffs.create_tariff(fin, desk.db, code=c, name=c, policy=p, effective_from=T0)
          for c, p in (("ALL", TIERED), ("XC02", Policy(PolicyKind.TOU, tou=DEFAULT_TOU)),
                       ("FREE", Policy(PolicyKind.FREE)), ("P1", TIERED))]
    with desk.db() as s:
        staff = s.scalar(select(UserGroup.id).where(UserGroup.code == "staff"))
    tariffs.assign(fin, desk.db, mk[0].tariff_id)
    tariffs.assign(fin, desk.db, mk[1].tariff_id, station_id=b.stations["XC02"])
    tariffs.assign(fin, desk.db, mk[2].tariff_id, group_id=staff)
    tariffs.assign(fin, desk.db, mk[3].tariff_id, pile_id=b.piles["XC02-P01"])
    tariffs.assign(fin, desk.db, mk[1].tariff_id, pile_id=b.piles["XC02-P01"])  # replaces P1 on that pile
    with desk.db() as s:
        book = TariffBook(s)

    def code(pile: str, group: object = None) -> str:
        station = b.stations[pile[:4]]
        got = book.price_for(station_id=station, pile_id=b.piles[pile], group_id=group, at=T0)  # type: ignore[arg-type]
        assert got is not None
        return got.tariff_code

    assert code("XC01-P01") == "ALL" and code("XC02-P02") == "XC02" and code("XC02-P01") == "XC02"
    assert code("XC01-P01", staff) == "FREE" and code("XC02-P01", staff) == "FREE"
    assert len(tariffs.get_tariff(fin, desk.db, mk[3].tariff_id).assignments) == 0
    with desk.db() as s:
        assert book.piles_of(s, mk[0].tariff_id) == [b.piles["XC01-P01"], b.piles["XC01-P02"]]
    labels = [a.scope_label for a in tariffs.get_tariff(fin, desk.db, mk[1].tariff_id).assignments]
    assert labels == ["XC02 春秋苑", "XC02-P01"]


def test_only_finance_manages_tariffs_and_bad_input_writes_nothing(desk: Desk) -> None:
    before = desk.snapshot()
    for role in (Role.CARD_ADMIN, Role.FACILITY_ADMIN, Role.MONITORING_ADMIN, Role.SYSTEM_ADMIN):
        with pytest.raises(PermissionDenied):
            tariffs.create_tariff(desk.by_role[role], desk.db, code="X", name="X", policy=TIERED, effective_from=T0)
        with pytest.raises(PermissionDenied):
            tariffs.list_tariffs(desk.by_role[role], desk.db)
    fin = desk.by_role[Role.FINANCE_ADMIN]
    with pytest.raises(ValidationError):
        tariffs.create_tariff(fin, desk.db, code="X", name="X", policy=Policy(PolicyKind.POWER_TIERED),
                              effective_from=T0)
    with pytest.raises(ValidationError):
        tariffs.create_tariff(fin, desk.db, code="X", name="X", policy=TIERED, effective_from=T0.replace(tzinfo=None))
    assert desk.snapshot() == before
    tariffs.create_tariff(fin, desk.db, code="X", name="X", policy=TIERED, effective_from=T0)
    with pytest.raises(Conflict):
        tariffs.create_tariff(fin, desk.db, code="X", name="Y", policy=TIERED, effective_from=T0)
    assert [t.code for t in tariffs.list_tariffs(desk.base, desk.db)] == ["X"]
