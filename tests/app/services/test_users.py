"""Charging users: register, edit with the optimistic lock (two desks), search, groups, deactivation."""

from __future__ import annotations

import threading

import pytest

from app.domain.errors import ConcurrentEdit, Conflict, ValidationError
from app.domain.permissions import Role
from app.domain.residents import UserDraft
from app.services import audit, users
from app.services.audit import AuditFilter
from tests.app.services.conftest import Desk


def test_register_normalises_and_gives_a_wallet(desk: Desk) -> None:
    fac = desk.by_role[Role.FACILITY_ADMIN]
    u = users.register_user(fac, desk.db, UserDraft(
        name=" 张三 ", phone="+86 138-0013-8000", building="３", unit="2", room="501", vehicle_class="电动三轮车",
        group="monthly", card_no=" 3000 0001 "))  # fmt: skip
    assert (u.name, u.phone, u.building, u.vehicle_class, u.group_code, u.card_no) == (
        "张三", "13800138000", "3", "trike", "monthly", "30000001")
    assert u.address == "3栋2单元501" and u.active and u.version == 1
    from app.services.ledger_queries import get_wallet

    assert get_wallet(desk.by_role[Role.CARD_ADMIN], desk.db, u.user_id).balance_fen == 0


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (UserDraft(name=""), "name"), (UserDraft(name="x" * 65), "name"), (UserDraft(name="a", phone="12345"), "phone"),
        (UserDraft(name="a", vehicle_class="bus"), "vehicle_class"), (UserDraft(name="a", card_no="12"), "card_no"),
        (UserDraft(name="a", group="vip"), "group"), (UserDraft(name="a", room="1" * 17), "room"),
    ],
)  # fmt: skip
def test_bad_fields_are_named(desk: Desk, draft: UserDraft, field: str) -> None:
    before = desk.snapshot()
    with pytest.raises(ValidationError) as err:
        users.register_user(desk.by_role[Role.FACILITY_ADMIN], desk.db, draft)
    assert err.value.field == field and err.value.zh and err.value.en
    assert desk.snapshot() == before


def test_card_number_is_unique(desk: Desk) -> None:
    fac = desk.by_role[Role.FACILITY_ADMIN]
    users.register_user(fac, desk.db, UserDraft(name="甲", card_no="A1B2C3"))
    with pytest.raises(Conflict, match="A1B2C3"):
        users.register_user(fac, desk.db, UserDraft(name="乙", card_no="a1b2c3"))


def test_second_desk_saving_a_stale_form_is_refused(desk: Desk) -> None:
    """Two desks open the same user; the first save wins, the second is refused and overwrites nothing."""
    fac, card = desk.by_role[Role.FACILITY_ADMIN], desk.by_role[Role.CARD_ADMIN]
    uid = desk.user("张三", phone="13800138000")
    form_a = users.get_user(fac, desk.db, uid)
    form_b = users.get_user(card, desk.db, uid)
    saved = users.edit_user(fac, desk.db, uid, UserDraft(name="张三", phone="13900139000"),
                            expected_version=form_a.version)  # fmt: skip
    assert saved.version == form_a.version + 1
    before = desk.snapshot()
    with pytest.raises(ConcurrentEdit) as err:
        users.edit_user(card, desk.db, uid, UserDraft(name="张叁", phone="13800138000", room="9"),
                        expected_version=form_b.version)  # fmt: skip
    assert "已被他人修改" in err.value.zh and "刷新" in err.value.zh
    assert "changed by someone else" in err.value.en and "reload" in err.value.en
    assert desk.snapshot() == before
    now = users.get_user(fac, desk.db, uid)
    assert (now.name, now.phone, now.room, now.version) == ("张三", "13900139000", "", saved.version)
    # Reloaded, the second desk's save goes through.
    users.edit_user(card, desk.db, uid, UserDraft(name="张叁", phone="13900139000"), expected_version=now.version)


def test_simultaneous_saves_from_the_same_version_have_one_winner(desk: Desk) -> None:
    """Both pass the version pre-check at once (PostgreSQL): the UPDATE's own version check stops the second."""
    fac = desk.by_role[Role.FACILITY_ADMIN]
    uid = desk.user("张三")
    for round_no in range(5):
        version = users.get_user(fac, desk.db, uid).version
        outcomes: list[str] = []
        barrier = threading.Barrier(4)

        def save(i: int, version: int = version, round_no: int = round_no, barrier: threading.Barrier = barrier,
                 outcomes: list[str] = outcomes) -> None:
            barrier.wait()
            try:
                users.edit_user(fac, desk.db, uid, UserDraft(name=f"张三{round_no}-{i}"), expected_version=version)
                outcomes.append("saved")
            except ConcurrentEdit:
                outcomes.append("refused")

        threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["refused", "refused", "refused", "saved"]
        assert users.get_user(fac, desk.db, uid).version == version + 1


def test_unchanged_save_is_not_audited(desk: Desk) -> None:
    fac = desk.by_role[Role.FACILITY_ADMIN]
    uid = desk.user("张三")
    users.edit_user(fac, desk.db, uid, UserDraft(name="张三"), expected_version=1)
    assert audit.query_audit(desk.base, desk.db, AuditFilter(action="user.edit")) == []


def test_search(desk: Desk) -> None:
    fac = desk.by_role[Role.FACILITY_ADMIN]
    reg = [("张三", "13800138000", "3", "2", "501", "C100"), ("张小明", "13900139000", "3", "1", "302", None),
           ("Li Lei", "", "5", "1", "501", "C200"), ("王五", "13700137000", "5", "2", "101", None)]  # fmt: skip
    ids = {}
    for name, phone, b, u, r, card in reg:
        draft = UserDraft(name=name, phone=phone, building=b, unit=u, room=r, card_no=card,
                          group="staff" if b == "5" else None)
        ids[name] = users.register_user(fac, desk.db, draft).user_id

    def names(*args: str, **kw: object) -> set[str]:
        return {x.name for x in users.search_users(fac, desk.db, *args, **kw)}  # type: ignore[arg-type]

    assert names("张") == {"张三", "张小明"}
    assert names("li lei") == {"Li Lei"}  # case-insensitive
    assert names("1390013") == {"张小明"}  # part of a phone number
    assert names("c200") == {"Li Lei"}  # card number
    assert names("501") == {"张三", "Li Lei"}  # room
    assert names(building="3") == {"张三", "张小明"}
    assert names("501", building="5") == {"Li Lei"}
    assert names(building="3", unit="2", room="501") == {"张三"}
    assert names(group="staff") == {"Li Lei", "王五"}
    assert names("%") == set()  # LIKE wildcards are literal
    assert names() == set(ids)
    users.set_user_active(fac, desk.db, ids["王五"], active=False, expected_version=1, reason="搬走")
    assert "王五" not in names()
    assert "王五" in names(include_inactive=True)


def test_deactivation_keeps_history_and_can_be_undone(desk: Desk) -> None:
    fac = desk.by_role[Role.FACILITY_ADMIN]
    uid = desk.user("张三")
    desk.fund(uid, 500)
    off = users.set_user_active(fac, desk.db, uid, active=False, expected_version=1, reason="搬走")
    assert not off.active and off.deactivated_at is not None
    with pytest.raises(ConcurrentEdit):
        users.set_user_active(fac, desk.db, uid, active=True, expected_version=1)
    on = users.set_user_active(fac, desk.db, uid, active=True, expected_version=off.version)
    assert on.active and on.deactivated_at is None
    from app.services.ledger_queries import get_wallet

    assert get_wallet(desk.by_role[Role.CARD_ADMIN], desk.db, uid).balance_fen == 500
    actions = [e.action for e in audit.query_audit(desk.base, desk.db, AuditFilter(object_id=str(uid)))]
    assert actions == ["user.reactivate", "user.deactivate", "wallet.topup", "user.register"]
    assert audit.query_audit(desk.base, desk.db, AuditFilter(action="user.deactivate"))[0].after["reason"] == "搬走"


def test_groups(desk: Desk) -> None:
    fac = desk.by_role[Role.FACILITY_ADMIN]
    assert [g.code for g in users.list_groups(fac, desk.db)] == ["free", "monthly", "resident", "staff"]
    g = users.create_group(fac, desk.db, code="VIP", name="贵宾")
    assert g.code == "vip"
    with pytest.raises(Conflict):
        users.create_group(fac, desk.db, code="vip", name="again")
    edited = users.edit_group(fac, desk.db, g.group_id, name="贵宾用户", expected_version=g.version)
    with pytest.raises(ConcurrentEdit):
        users.edit_group(fac, desk.db, g.group_id, name="x", expected_version=g.version)
    assert edited.name == "贵宾用户"
    u = users.register_user(fac, desk.db, UserDraft(name="甲", group="vip"))
    assert (u.group_code, u.group_name) == ("vip", "贵宾用户")
