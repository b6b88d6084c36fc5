"""Every service, called as every role: allowed roles succeed, the others get PermissionDenied and nothing
is written. The expected permission of each service is written here independently of the code, so a
service that checks the wrong permission (or none) fails."""

from __future__ import annotations

import inspect
import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.domain.errors import PermissionDenied
from app.domain.permissions import MATRIX, Actor, Permission, Role, allows
from app.domain.residents import UserDraft
from app.services import accounts, audit, ledger_queries, settings, user_import, users, wallets
from tests.app.services.conftest import PASSWORD, Desk

Call = Callable[[Desk, Actor], Any]


def _key() -> str:
    return f"k-{uuid.uuid4()}"


def _other_account(d: Desk) -> uuid.UUID:
    return next(a.account_id for a in accounts.list_accounts(d.base, d.db) if a.login == "monitoring")


def _version(d: Desk, account_id: uuid.UUID) -> int:
    return next(a.version for a in accounts.list_accounts(d.base, d.db) if a.account_id == account_id)


def _user(d: Desk) -> uuid.UUID:
    """A user with money, made once per desk."""
    if not hasattr(d, "_u"):
        d._u = d.user("王五", building="1", room="101")  # type: ignore[attr-defined]
        d._u2 = d.user("赵六")  # type: ignore[attr-defined]
        d.fund(d._u, 100_000)  # type: ignore[attr-defined]
    return d._u  # type: ignore[attr-defined, no-any-return]


def _uversion(d: Desk) -> int:
    return users.get_user(d.by_role[Role.FACILITY_ADMIN], d.db, _user(d)).version


def _group(d: Desk) -> users.GroupInfo:
    return next(g for g in users.list_groups(d.base, d.db) if g.code == "staff")


CSV = "姓名,手机,楼栋,单元,房号\n孙七,13900139000,2,1,202\n".encode()
T0 = datetime(2020, 1, 1, tzinfo=UTC)

CASES: dict[str, tuple[Permission | None, Call]] = {
    "accounts.create_account": (Permission.MANAGE_ACCOUNTS, lambda d, a: accounts.create_account(
        a, d.db, login=f"u{uuid.uuid4().hex[:8]}", display_name="x", password=PASSWORD, roles=[Role.CARD_ADMIN])),
    "accounts.edit_account": (Permission.MANAGE_ACCOUNTS, lambda d, a: accounts.edit_account(
        a, d.db, _other_account(d), expected_version=_version(d, _other_account(d)), display_name=f"n{uuid.uuid4()}")),
    "accounts.set_account_active": (Permission.MANAGE_ACCOUNTS, lambda d, a: accounts.set_account_active(
        a, d.db, _other_account(d), active=True, expected_version=_version(d, _other_account(d)))),
    "accounts.unlock_account": (Permission.MANAGE_ACCOUNTS,
                                lambda d, a: accounts.unlock_account(a, d.db, _other_account(d))),
    "accounts.reset_password": (Permission.MANAGE_ACCOUNTS, lambda d, a: accounts.reset_password(
        a, d.db, _other_account(d), PASSWORD)),
    "accounts.list_accounts": (Permission.MANAGE_ACCOUNTS, lambda d, a: accounts.list_accounts(a, d.db)),
    # Self-service: every active account may change its own password.
    "accounts.change_password": (None, lambda d, a: (
        accounts.change_password(a, d.db, old_password=PASSWORD, new_password=PASSWORD + "!"),
        accounts.change_password(a, d.db, old_password=PASSWORD + "!", new_password=PASSWORD))),
    "settings.update_security_settings": (Permission.MANAGE_SETTINGS, lambda d, a: settings.update_security_settings(
        a, d.db, idle_lock_minutes=5)),
    "users.register_user": (Permission.EDIT_USERS, lambda d, a: users.register_user(a, d.db, UserDraft(name="新人"))),
    "users.edit_user": (Permission.EDIT_USERS, lambda d, a: users.edit_user(
        a, d.db, _user(d), UserDraft(name="王五", note=str(uuid.uuid4())[:8]), expected_version=_uversion(d))),
    "users.set_user_active": (Permission.DEACTIVATE_USERS, lambda d, a: users.set_user_active(
        a, d.db, _user(d), active=True, expected_version=_uversion(d))),
    "users.get_user": (Permission.VIEW_USERS, lambda d, a: users.get_user(a, d.db, _user(d))),
    "users.search_users": (Permission.VIEW_USERS, lambda d, a: users.search_users(a, d.db, "王")),
    "users.list_groups": (Permission.VIEW_USERS, lambda d, a: users.list_groups(a, d.db)),
    "users.create_group": (Permission.MANAGE_GROUPS, lambda d, a: users.create_group(
        a, d.db, code=f"g{uuid.uuid4().hex[:8]}", name="组")),
    "users.edit_group": (Permission.MANAGE_GROUPS, lambda d, a: users.edit_group(
        a, d.db, _group(d).group_id, name="员工", note=str(uuid.uuid4()), expected_version=_group(d).version)),
    "user_import.import_users": (Permission.IMPORT_USERS, lambda d, a: user_import.import_users(
        a, d.db, CSV, "users.csv", dry_run=True)),
    "wallets.top_up": (Permission.TOP_UP, lambda d, a: wallets.top_up(
        a, d.db, user_id=_user(d), amount_fen=100, method="wechat", idempotency_key=_key())),
    "wallets.charge": (Permission.CHARGE, lambda d, a: wallets.charge(
        a, d.db, user_id=_user(d), amount_fen=100, idempotency_key=_key())),
    "wallets.refund": (Permission.REFUND, lambda d, a: wallets.refund(
        a, d.db, user_id=_user(d), amount_fen=100, method="cash", idempotency_key=_key())),
    "wallets.adjust": (Permission.ADJUST, lambda d, a: wallets.adjust(
        a, d.db, user_id=_user(d), amount_fen=-100, reason="测试", idempotency_key=_key())),
    "wallets.transfer": (Permission.TRANSFER, lambda d, a: wallets.transfer(
        a, d.db, from_user_id=_user(d), to_user_id=d._u2, amount_fen=100, idempotency_key=_key())),
    "ledger_queries.get_wallet": (Permission.VIEW_WALLETS, lambda d, a: ledger_queries.get_wallet(a, d.db, _user(d))),
    "ledger_queries.balances": (Permission.VIEW_WALLETS, lambda d, a: ledger_queries.balances(a, d.db, [_user(d)])),
    "ledger_queries.statement": (Permission.VIEW_WALLETS, lambda d, a: ledger_queries.statement(
        a, d.db, _user(d), start=T0, end=datetime.now(UTC) + timedelta(days=1))),
    "ledger_queries.trial_balance": (Permission.VIEW_LEDGER, lambda d, a: ledger_queries.trial_balance(a, d.db)),
    "ledger_queries.ledger_check": (Permission.VIEW_LEDGER, lambda d, a: ledger_queries.ledger_check(a, d.db)),
    "audit.query_audit": (Permission.VIEW_AUDIT, lambda d, a: audit.query_audit(a, d.db)),
    "audit.export_audit_csv": (Permission.VIEW_AUDIT, lambda d, a: audit.export_audit_csv(a, d.db, io.StringIO())),
    "audit.verify_audit": (Permission.VIEW_AUDIT, lambda d, a: audit.verify_audit(a, d.db)),
}  # fmt: skip

MODULES = (accounts, settings, users, user_import, wallets, ledger_queries, audit)


def test_every_service_taking_an_actor_is_in_the_table() -> None:
    found = {
        f"{mod.__name__.rsplit('.', 1)[1]}.{name}"
        for mod in MODULES
        for name, fn in vars(mod).items()
        if inspect.isfunction(fn) and fn.__module__ == mod.__name__ and not name.startswith("_")
        and next(iter(inspect.signature(fn).parameters), None) == "actor"
    }  # fmt: skip
    assert found == set(CASES)


def test_the_matrix_covers_every_permission_and_role() -> None:
    assert set(MATRIX) == set(Permission)
    for role in Role:  # every role can do something
        assert any(role in roles for roles in MATRIX.values()), role


@pytest.mark.parametrize("name", sorted(CASES))
def test_service_as_every_role(desk: Desk, name: str) -> None:
    permission, call = CASES[name]
    _user(desk)  # set-up writes happen before the snapshots
    for actor in desk.everyone:
        allowed = permission is None or allows(actor, permission)
        if allowed:
            call(desk, actor)  # must not raise
            continue
        before = desk.snapshot()
        with pytest.raises(PermissionDenied) as err:
            call(desk, actor)
        assert permission is not None and err.value.permission == permission.value
        assert "无权" in err.value.zh and "not allowed" in err.value.en
        assert desk.snapshot() == before, f"{name} as {actor.login} wrote something"
    desk.assert_books_ok()


def test_a_denied_call_is_refused_before_any_database_access(desk: Desk) -> None:
    """The role check is pure: with the database unreachable, a refused call still says PermissionDenied."""
    from sqlalchemy.orm import sessionmaker

    from db.engine import make_engine

    broken = sessionmaker(bind=make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    monitor = desk.by_role[Role.MONITORING_ADMIN]
    with pytest.raises(PermissionDenied):
        wallets.top_up(monitor, broken, user_id=uuid.uuid4(), amount_fen=100, method="cash", idempotency_key="x")
    with pytest.raises(PermissionDenied):
        accounts.create_account(monitor, broken, login="zz", display_name="z", password=PASSWORD, roles=[])


def test_a_role_revoked_meanwhile_is_refused(desk: Desk) -> None:
    """A desk still holding the Actor of an account whose role was removed is refused by the database check."""
    clerk = desk.by_role[Role.CARD_ADMIN]
    info = next(a for a in accounts.list_accounts(desk.base, desk.db) if a.account_id == clerk.account_id)
    accounts.edit_account(desk.base, desk.db, clerk.account_id, expected_version=info.version,
                          roles=[Role.MONITORING_ADMIN])  # fmt: skip
    uid = desk.user()
    before = desk.snapshot()
    with pytest.raises(PermissionDenied):
        wallets.top_up(clerk, desk.db, user_id=uid, amount_fen=100, method="cash", idempotency_key="late")
    assert desk.snapshot() == before


def test_a_disabled_account_is_refused(desk: Desk) -> None:
    clerk = desk.by_role[Role.CARD_ADMIN]
    info = next(a for a in accounts.list_accounts(desk.base, desk.db) if a.account_id == clerk.account_id)
    accounts.set_account_active(desk.base, desk.db, clerk.account_id, active=False, expected_version=info.version)
    with pytest.raises(PermissionDenied, match="account_disabled"):
        users.search_users(clerk, desk.db)
