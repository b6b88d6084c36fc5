"""The piles' card blacklist at the desk: a loss report (and undoing it) gives the list a new version in the
same transaction; a replacement does not; the push status per pile; the capacity policy. SQLite and
PostgreSQL, like the other card-desk services."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.card_states import CAR_NO_LOCAL_LIST
from app.domain.errors import PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.engine.blacklist import load_desired
from app.services import card_blacklist, cards
from app.services.provision_devices import CarPilePlan
from app.services.provisioning import BusPlan, PilePlan, StationPlan, provision
from comm.mifare import cardapp
from db.models import Pile
from db.models_audit import AuditRecord
from db.models_cards import CardBlacklist, PileBlacklist
from db.types import utcnow
from tests.app.services.card_bench import CardDesk
from tests.app.services.conftest import Desk


@pytest.fixture
def cd(desk: Desk) -> CardDesk:
    return CardDesk(desk)


def desired(cd: CardDesk) -> tuple[int, tuple[int, ...]]:
    with cd.desk.db() as s:
        d = load_desired(s)
    return d.version, d.cards


def test_loss_report_and_undoing_it_give_the_list_a_new_version(cd: CardDesk) -> None:
    _, a = cd.issued(1000)
    _, b = cd.issued(2000)
    assert desired(cd) == (0, ())  # no card was ever blacklisted: the piles are left alone
    assert cards.report_loss(cd.clerk, cd.desk.db, card_no=a, reason="丢了") == [a]
    assert desired(cd) == (1, (a,))
    cards.report_loss(cd.clerk, cd.desk.db, card_no=b)
    assert desired(cd) == (2, (b, a))  # the newest first: a pile with a small table gets those
    with cd.desk.db() as s:
        rec = s.scalars(select(AuditRecord).where(AuditRecord.action == "card.loss")
                        .order_by(AuditRecord.seq.desc())).first()  # fmt: skip
        assert rec is not None and json.loads(rec.after_json or "{}")["blacklist_version"] == 2
    # a replacement moves the old card from lost to replaced: still refused by the piles, no new version
    cards.replace_card(cd.clerk, cd.desk.db, cd.blank(), cd.ctx, old_card_no=b)
    assert desired(cd) == (2, (b, a))
    with pytest.raises(ValidationError):  # a replaced card cannot be restored: its money is on the new card
        cards.cancel_loss(cd.clerk, cd.desk.db, card_no=b, reason="找到了")
    with pytest.raises(ValidationError):
        cards.cancel_loss(cd.clerk, cd.desk.db, card_no=a, reason=" ")
    assert cards.cancel_loss(cd.clerk, cd.desk.db, card_no=a, reason="在物业前台找到") == [b]
    assert desired(cd) == (3, (b,))
    assert cards.tap(cd.clerk, cd.desk.db, cardapp.DirectIO(cd.images[a]), cd.ctx).state == "active"
    cd.assert_agree()


def test_a_refused_loss_report_changes_nothing(cd: CardDesk) -> None:
    _, a = cd.issued(1000)
    cards.report_loss(cd.clerk, cd.desk.db, card_no=a)
    before = cd.desk.snapshot()
    with pytest.raises(ValidationError):
        cards.report_loss(cd.clerk, cd.desk.db, card_no=a)  # already lost
    with pytest.raises(PermissionDenied):
        cards.report_loss(cd.desk.by_role[Role.MONITORING_ADMIN], cd.desk.db, card_no=a)
    with pytest.raises(PermissionDenied):
        card_blacklist.push_status(cd.desk.by_role[Role.MONITORING_ADMIN], cd.desk.db)
    assert cd.desk.snapshot() == before and desired(cd) == (1, (a,))


def _site(cd: CardDesk, cars: int = 0) -> dict[str, Pile]:
    plan = StationPlan(code="T01", name="测试小区", charging_limit_w=60_000, buses=(BusPlan("bus-1", "/dev/null"),),
                       piles=tuple(PilePlan(f"T01-P0{i}", f"{i} 号桩", ("ebike",) * 10, bus="bus-1", unit_id=i)
                                   for i in range(1, 6)),
                       car_piles=tuple(CarPilePlan(f"T01-C0{i}", f"汽车桩 {i}", f"T01-C0{i}", None)
                                       for i in range(1, cars + 1)))  # fmt: skip
    with cd.desk.db() as s, s.begin():
        provision(s, operator_code="TEST", operator_name="测试", stations=[plan])
    with cd.desk.db() as s:
        piles = {p.code: p for p in s.scalars(select(Pile))}
        for p in piles.values():
            s.expunge(p)
    return piles


def test_push_status_says_where_the_list_is(cd: CardDesk) -> None:
    piles = _site(cd)
    clerk = cd.clerk
    st = card_blacklist.push_status(clerk, cd.desk.db)
    assert st.version == 0 and st.count("current") == 5 and st.total == 5
    _, a = cd.issued(1000)
    cards.report_loss(clerk, cd.desk.db, card_no=a)
    now = utcnow()
    with cd.desk.db() as s, s.begin():
        for code, (online, version, error) in {"T01-P01": (True, 1, None), "T01-P02": (True, 1, None),
                                               "T01-P03": (False, 0, None), "T01-P04": (True, 0, "no reply"),
                                               "T01-P05": (True, 0, None)}.items():  # fmt: skip
            s.get(Pile, piles[code].id).online = online  # type: ignore[union-attr]
            s.add(PileBlacklist(pile_id=piles[code].id, list_version=version, entries=1 if version else None,
                                seen_at=now, pushed_at=now if version else None, error=error,
                                failed_at=now if error else None))  # fmt: skip
        s.get(Pile, piles["T01-P05"].id).model = "NOMAP"  # type: ignore[union-attr]  # a model without a blacklist
    st = card_blacklist.push_status(clerk, cd.desk.db)
    assert {p.code: p.state for p in st.piles} == {"T01-P01": "current", "T01-P02": "current",
                                                    "T01-P03": "offline", "T01-P04": "failed",
                                                    "T01-P05": "unsupported"}  # fmt: skip
    assert (st.version, st.cards, st.capacity, st.not_on_piles, st.total) == (1, (a,), 400, (), 4)
    zh, en = st.summary
    assert en == "blacklist version 1 is on 2 of 4 piles; 1 offline will get it when they return; 1 failed, " \
                 "retried automatically"
    assert "2/4" in zh and "离线" in zh


def test_car_piles_are_listed_with_their_local_authorization_lists(cd: CardDesk) -> None:
    """What the engine records for car charge points (app.engine.blacklist._car_finished): the version their
    local list was built from, a failure, or NotSupported — which is not a failure (it checks every card online)."""
    piles = _site(cd, cars=4)
    _, a = cd.issued(1000)
    cards.report_loss(cd.clerk, cd.desk.db, card_no=a)
    now = utcnow()
    with cd.desk.db() as s, s.begin():
        for code in piles:
            s.get(Pile, piles[code].id).online = code != "T01-C03"  # type: ignore[union-attr]
        rows = {"T01-P01": (1, None, False), "T01-C01": (1, None, False), "T01-C02": (0, CAR_NO_LOCAL_LIST, False),
                "T01-C03": (0, None, False), "T01-C04": (0, "charge point answered Failed", True)}
        for code, (version, error, failed) in rows.items():
            s.add(PileBlacklist(pile_id=piles[code].id, list_version=version, seen_at=now, error=error,
                                failed_at=now if failed else None))
    st = card_blacklist.push_status(cd.clerk, cd.desk.db)
    cars = {p.code: (p.state, p.error) for p in st.piles if p.car}
    assert cars == {"T01-C01": ("current", None), "T01-C02": ("online_only", None), "T01-C03": ("offline", None),
                    "T01-C04": ("failed", "charge point answered Failed")}
    assert not any(p.car for p in st.piles if p.code.startswith("T01-P"))
    assert st.total == 8 and st.count("current") == 2 and st.capacity == 400  # cars have no table limit
    zh, en = st.summary
    assert en.startswith("blacklist version 1 is on 2 of 8 piles") and "1 car piles without a local list check " \
        "every card online" in en and "每次刷卡在线核验" in zh


def test_a_list_longer_than_the_pile_table_sends_the_newest_cards(cd: CardDesk) -> None:
    _site(cd)
    with cd.desk.db() as s, s.begin():  # 405 cards on the list (the register is not what this is about)
        s.add(CardBlacklist(id=1, list_version=9, cards=json.dumps(list(range(900405, 900000, -1))),
                            updated_at=utcnow()))  # fmt: skip
    st = card_blacklist.push_status(cd.clerk, cd.desk.db)
    assert st.capacity == 400 and st.not_on_piles == (900005, 900004, 900003, 900002, 900001)
    assert "5 oldest cards are not on the piles" in st.summary[1]
