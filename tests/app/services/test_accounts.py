"""Staff accounts: first run, login and lockout, roles, passwords, disabling, security settings."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from app.domain.errors import AccountLocked, AuthError, ConcurrentEdit, Conflict, PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.services import accounts, audit, settings
from app.services.audit import AuditFilter
from db.engine import session_factory
from db.models_people import StaffAccount
from db.types import utcnow
from tests.app.services.conftest import PASSWORD, Desk


def test_first_run_once(db_engine: Engine) -> None:
    db = session_factory(db_engine)
    assert accounts.needs_first_run(db)
    info = accounts.create_base_account(db, login=" Boss ", display_name="物业", password=PASSWORD)
    assert (info.login, info.is_base, info.active) == ("boss", True, True)
    assert not accounts.needs_first_run(db)
    with pytest.raises(Conflict, match="already set up"):
        accounts.create_base_account(db, login="other", display_name="x", password=PASSWORD)
    with db() as s:
        stored = s.scalar(select(StaffAccount.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored


def test_first_run_racing_desks_make_one_base_account(db_engine: Engine) -> None:
    db = session_factory(db_engine)
    outcomes: list[str] = []
    barrier = threading.Barrier(3)

    def go(i: int) -> None:
        barrier.wait()
        try:
            accounts.create_base_account(db, login=f"boss{i}", display_name="x", password=PASSWORD)
            outcomes.append("made")
        except Conflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=go, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["made", "refused", "refused"]


@pytest.mark.parametrize(("login", "password"), [("b", PASSWORD), ("Boss Man", PASSWORD), ("boss", "short"),
                                                 ("boss", "BOSS")])  # fmt: skip
def test_first_run_rules(db_engine: Engine, login: str, password: str) -> None:
    with pytest.raises(ValidationError):
        accounts.create_base_account(session_factory(db_engine), login=login, display_name="x", password=password)


def test_login(desk: Desk) -> None:
    actor = accounts.login(desk.db, "CARD", PASSWORD)
    assert actor.login == "card" and actor.roles == frozenset({Role.CARD_ADMIN}) and not actor.is_base
    assert accounts.login(desk.db, "boss", PASSWORD).is_base
    for name, pw in (("card", "wrong password"), ("nobody", PASSWORD)):
        with pytest.raises(AuthError) as err:
            accounts.login(desk.db, name, pw)
        assert err.value.en == "wrong login name or password"  # the same for an unknown login


def test_lockout_after_repeated_failures(desk: Desk) -> None:
    settings.update_security_settings(desk.base, desk.db, lockout_threshold=3, lockout_minutes=10)
    t0 = utcnow()
    for _ in range(2):
        with pytest.raises(AuthError) as err:
            accounts.login(desk.db, "card", "nope", now=t0)
        assert not isinstance(err.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        accounts.login(desk.db, "card", "nope", now=t0)
    assert locked.value.until == t0 + timedelta(minutes=10) and "locked" in locked.value.en
    with pytest.raises(AccountLocked):  # while locked even the right password is refused
        accounts.login(desk.db, "card", PASSWORD, now=t0 + timedelta(minutes=9))
    assert accounts.login(desk.db, "card", PASSWORD, now=t0 + timedelta(minutes=11)).login == "card"
    assert [e.action for e in audit.query_audit(desk.base, desk.db, AuditFilter(action="account.locked"))] == [
        "account.locked"]


def test_success_resets_the_failure_count(desk: Desk) -> None:
    settings.update_security_settings(desk.base, desk.db, lockout_threshold=2)
    for _ in range(3):
        with pytest.raises(AuthError):
            accounts.login(desk.db, "card", "nope")
        accounts.login(desk.db, "card", PASSWORD)  # never two failures in a row: never locked


def test_admin_unlocks(desk: Desk) -> None:
    settings.update_security_settings(desk.base, desk.db, lockout_threshold=1)
    with pytest.raises(AccountLocked):
        accounts.login(desk.db, "card", "nope")
    card = next(a for a in accounts.list_accounts(desk.base, desk.db) if a.login == "card")
    assert card.locked_until is not None
    accounts.unlock_account(desk.by_role[Role.SYSTEM_ADMIN], desk.db, card.account_id)
    assert accounts.login(desk.db, "card", PASSWORD).login == "card"


def test_login_does_not_make_an_admin_edit_look_stale(desk: Desk) -> None:
    card = next(a for a in accounts.list_accounts(desk.base, desk.db) if a.login == "card")
    with pytest.raises(AuthError):
        accounts.login(desk.db, "card", "nope")
    accounts.login(desk.db, "card", PASSWORD)
    accounts.edit_account(desk.base, desk.db, card.account_id, expected_version=card.version, display_name="前台")


def test_roles_and_stale_edits(desk: Desk) -> None:
    sysadm = desk.by_role[Role.SYSTEM_ADMIN]
    made = accounts.create_account(sysadm, desk.db, login="desk2", display_name="二号台", password=PASSWORD,
                                   roles=[Role.CARD_ADMIN, "finance_admin"])  # fmt: skip
    assert made.roles == (Role.CARD_ADMIN, Role.FINANCE_ADMIN)
    with pytest.raises(Conflict):
        accounts.create_account(sysadm, desk.db, login="DESK2", display_name="x", password=PASSWORD, roles=[])
    with pytest.raises(ValidationError):
        accounts.create_account(sysadm, desk.db, login="desk3", display_name="x", password=PASSWORD, roles=["king"])
    edited = accounts.edit_account(sysadm, desk.db, made.account_id, expected_version=made.version,
                                   roles=[Role.MONITORING_ADMIN])  # fmt: skip
    assert edited.roles == (Role.MONITORING_ADMIN,) and edited.version == made.version + 1
    with pytest.raises(ConcurrentEdit):  # a second admin still looking at the old roles
        accounts.edit_account(sysadm, desk.db, made.account_id, expected_version=made.version, roles=[])
    assert accounts.login(desk.db, "desk2", PASSWORD).roles == frozenset({Role.MONITORING_ADMIN})
    record = audit.query_audit(desk.base, desk.db, AuditFilter(action="account.edit"))[0]
    assert record.before["roles"] == ["card_admin", "finance_admin"] and record.after["roles"] == ["monitoring_admin"]
    assert "password" not in (record.after_json or "")


def test_disable(desk: Desk) -> None:
    sysadm = desk.by_role[Role.SYSTEM_ADMIN]
    by_login = {a.login: a for a in accounts.list_accounts(sysadm, desk.db)}
    off = accounts.set_account_active(sysadm, desk.db, by_login["card"].account_id, active=False,
                                      expected_version=by_login["card"].version)  # fmt: skip
    with pytest.raises(AuthError, match="disabled"):
        accounts.login(desk.db, "card", PASSWORD)
    with pytest.raises(AuthError, match="wrong"):  # a wrong password doesn't reveal that it is disabled
        accounts.login(desk.db, "card", "nope")
    accounts.set_account_active(sysadm, desk.db, off.account_id, active=True, expected_version=off.version)
    accounts.login(desk.db, "card", PASSWORD)
    for target in ("boss", "system"):  # neither the base account nor oneself
        with pytest.raises(ValidationError):
            accounts.set_account_active(sysadm, desk.db, by_login[target].account_id, active=False,
                                        expected_version=by_login[target].version)  # fmt: skip


def test_the_base_account_is_its_own(desk: Desk) -> None:
    sysadm = desk.by_role[Role.SYSTEM_ADMIN]
    base = next(a for a in accounts.list_accounts(sysadm, desk.db) if a.is_base)
    with pytest.raises(PermissionDenied):
        accounts.reset_password(sysadm, desk.db, base.account_id, "taken over!")
    with pytest.raises(PermissionDenied):
        accounts.edit_account(sysadm, desk.db, base.account_id, expected_version=base.version, display_name="mine")
    accounts.edit_account(desk.base, desk.db, base.account_id, expected_version=base.version, display_name="老板")


def test_passwords(desk: Desk) -> None:
    card = desk.by_role[Role.CARD_ADMIN]
    with pytest.raises(AuthError):
        accounts.change_password(card, desk.db, old_password="wrong", new_password="new password")
    with pytest.raises(ValidationError):
        accounts.change_password(card, desk.db, old_password=PASSWORD, new_password="short")
    accounts.change_password(card, desk.db, old_password=PASSWORD, new_password="new password")
    with pytest.raises(AuthError):
        accounts.login(desk.db, "card", PASSWORD)
    accounts.login(desk.db, "card", "new password")
    accounts.reset_password(desk.by_role[Role.SYSTEM_ADMIN], desk.db, card.account_id, "reset password")
    accounts.login(desk.db, "card", "reset password")
    actions = {e.action for e in audit.query_audit(desk.base, desk.db, AuditFilter(action="account."))}
    assert {"account.change_password", "account.reset_password"} <= actions


def test_rehash_on_login_when_the_cost_changed(desk: Desk) -> None:
    from app.domain import passwords

    with desk.db() as s:
        old = s.scalar(select(StaffAccount.password_hash).where(StaffAccount.login == "card"))
    passwords.configure(time_cost=2, memory_cost=16)
    accounts.login(desk.db, "card", PASSWORD)
    with desk.db() as s:
        new = s.scalar(select(StaffAccount.password_hash).where(StaffAccount.login == "card"))
    assert new != old and new is not None and "t=2" in new


def test_security_settings(desk: Desk) -> None:
    assert settings.get_security_settings(desk.db) == settings.SecuritySettings()
    s = settings.update_security_settings(desk.base, desk.db, idle_lock_minutes=3)
    assert s.idle_lock_minutes == 3 and settings.get_security_settings(desk.db) == s
    for bad in ({"idle_lock_minutes": -1}, {"lockout_threshold": 0}, {"lockout_minutes": 2.5}):
        with pytest.raises(ValidationError):
            settings.update_security_settings(desk.base, desk.db, **bad)  # type: ignore[arg-type]
    record = audit.query_audit(desk.base, desk.db, AuditFilter(action="settings.update"))[0]
    assert (record.before["idle_lock_minutes"], record.after["idle_lock_minutes"]) == (10, 3)
