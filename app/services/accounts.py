"""Staff accounts: first run, login with lockout, sub-accounts and their roles, passwords (M5.2).

Rules beyond the permission matrix: the base account (made once, at first run) can't be disabled, and
only the base account itself may change its own password or name — otherwise a system administrator
could take over the operator's account. Nobody disables their own account.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.domain import passwords
from app.domain.errors import (
    AccountLocked,
    AuthError,
    ConcurrentEdit,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from app.domain.permissions import Actor, Permission, Role
from app.services import audit, settings
from app.services.ledger_setup import ensure_system_accounts, seed_default_groups
from app.services.unit import Db, read, transaction, write
from db.models_people import StaffAccount, StaffRole
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class AccountInfo:
    account_id: uuid.UUID
    login: str
    display_name: str
    roles: tuple[Role, ...]
    is_base: bool
    active: bool
    locked_until: datetime | None
    failed_logins: int
    last_login_at: datetime | None
    created_at: datetime
    version: int


def _info(a: StaffAccount) -> AccountInfo:
    return AccountInfo(a.id, a.login, a.display_name, tuple(sorted(Role(r.role) for r in a.roles)), a.is_base,
                       a.active, a.locked_until, a.failed_logins, a.last_login_at, a.created_at, a.version)


def _snapshot(a: StaffAccount) -> dict[str, object]:
    """What the audit record shows of an account (never the password hash)."""
    return {"login": a.login, "display_name": a.display_name, "roles": sorted(r.role for r in a.roles),
            "is_base": a.is_base, "active": a.active}  # fmt: skip


def _roles(roles: Iterable[Role | str]) -> frozenset[Role]:
    try:
        return frozenset(Role(r) for r in roles)
    except ValueError as exc:
        raise ValidationError(f"未知角色：{exc}", f"unknown role: {exc}", field="roles") from exc


def _display_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 128:
        raise ValidationError("请填写姓名（最多 128 字）", "enter a display name (up to 128 characters)",
                              field="display_name")  # fmt: skip
    return name


def needs_first_run(db: Db) -> bool:
    with db() as s:
        return not s.scalar(select(func.count()).select_from(StaffAccount))


def create_base_account(db: Db, *, login: str, display_name: str, password: str) -> AccountInfo:
    """First run: create the operator's base account. Refused once any account exists."""
    login = passwords.normalise_login(login)
    display_name = _display_name(display_name)
    passwords.check_password_rule(password, login=login)
    pw_hash = passwords.hash_password(password)
    with transaction(db) as s:
        audit.lock_head(s)  # two desks running first-run at once: the second waits here, then sees the first
        if s.scalar(select(func.count()).select_from(StaffAccount)):
            raise Conflict("系统已初始化，基础账号已存在", "already set up: the base account exists")
        account = StaffAccount(login=login, display_name=display_name, password_hash=pw_hash, is_base=True)
        s.add(account)
        s.flush()
        ensure_system_accounts(s)
        groups = seed_default_groups(s)
        actor = Actor(account.id, login, frozenset(), is_base=True)
        audit.append(s, actor, "account.first_run", "staff_account", account.id, after={
            **_snapshot(account), "groups": groups})  # fmt: skip
        return _info(account)


def login(db: Db, login_name: str, password: str, *, now: datetime | None = None) -> Actor:
    """Check a login; returns the Actor for the session. Raises AuthError / AccountLocked.

    Failures are counted and committed even though the call raises; at the threshold the account is
    locked for ``lockout_minutes`` (and that is audited). While locked, the password isn't even checked.
    """
    now = now or utcnow()
    failure: AuthError | None = None
    actor: Actor | None = None
    name = login_name.strip().lower()
    with transaction(db) as s:
        policy = settings.load(s)
        a = s.scalar(select(StaffAccount).where(StaffAccount.login == name).options(selectinload(StaffAccount.roles)))
        if a is None:
            passwords.burn_time(password)
            failure = _bad_login()
        elif a.locked_until is not None and a.locked_until > now:
            failure = AccountLocked(a.locked_until)
        elif not passwords.verify_password(a.password_hash, password):
            # Core UPDATEs leave the optimistic-lock version alone (see StaffAccount).
            count = s.execute(update(StaffAccount).where(StaffAccount.id == a.id)
                              .values(failed_logins=StaffAccount.failed_logins + 1)
                              .returning(StaffAccount.failed_logins)).scalar_one()  # fmt: skip
            failure = _bad_login()
            if count >= policy.lockout_threshold:
                until = now + timedelta(minutes=policy.lockout_minutes)
                s.execute(update(StaffAccount).where(StaffAccount.id == a.id)
                          .values(failed_logins=0, locked_until=until))  # fmt: skip
                audit.append(s, None, "account.locked", "staff_account", a.id, actor_login=a.login,
                             after={"locked_until": until.isoformat(), "failed_logins": count})  # fmt: skip
                failure = AccountLocked(until)
        elif not a.active:
            failure = AuthError("账号已停用，请联系系统管理员", "this account is disabled; ask a system administrator")
        else:
            values: dict[str, object] = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
            if passwords.needs_rehash(a.password_hash):
                values["password_hash"] = passwords.hash_password(password)
            s.execute(update(StaffAccount).where(StaffAccount.id == a.id).values(**values))
            actor = Actor(a.id, a.login, frozenset(Role(r.role) for r in a.roles), is_base=a.is_base)
    if failure is not None:
        raise failure
    assert actor is not None
    return actor


def _bad_login() -> AuthError:
    return AuthError("登录名或密码错误", "wrong login name or password")


def create_account(actor: Actor, db: Db, *, login: str, display_name: str, password: str,
                   roles: Iterable[Role | str]) -> AccountInfo:
    wanted = _roles(roles)
    with write(db, actor, Permission.MANAGE_ACCOUNTS) as s:
        login = passwords.normalise_login(login)
        passwords.check_password_rule(password, login=login)
        if s.scalar(select(StaffAccount.id).where(StaffAccount.login == login)) is not None:
            raise Conflict(f"登录名 {login} 已被使用", f"the login {login} is taken")
        account = StaffAccount(login=login, display_name=_display_name(display_name),
                               password_hash=passwords.hash_password(password))  # fmt: skip
        account.roles = [StaffRole(role=r.value) for r in sorted(wanted)]
        s.add(account)
        try:
            s.flush()
        except IntegrityError as exc:  # another desk took the login between the check and the insert
            raise Conflict(f"登录名 {login} 已被使用", f"the login {login} is taken") from exc
        audit.append(s, actor, "account.create", "staff_account", account.id, after=_snapshot(account))
        return _info(account)


def _load(s: Session, account_id: uuid.UUID, expected_version: int | None) -> StaffAccount:
    a = s.get(StaffAccount, account_id, options=[selectinload(StaffAccount.roles)])
    if a is None:
        raise NotFound("账号", "account", account_id)
    if expected_version is not None and a.version != expected_version:
        raise ConcurrentEdit("账号", "account")
    return a


def _guard_base(actor: Actor, a: StaffAccount) -> None:
    if a.is_base and actor.account_id != a.id:
        raise PermissionDenied("edit_base_account", actor.login)


def _save(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError as exc:  # changed between our read and our write (the version check in UPDATE)
        raise ConcurrentEdit("账号", "account") from exc


def edit_account(actor: Actor, db: Db, account_id: uuid.UUID, *, expected_version: int,
                 display_name: str | None = None, roles: Iterable[Role | str] | None = None) -> AccountInfo:
    wanted = None if roles is None else _roles(roles)
    with write(db, actor, Permission.MANAGE_ACCOUNTS) as s:
        a = _load(s, account_id, expected_version)
        _guard_base(actor, a)
        before = _snapshot(a)
        if display_name is not None:
            a.display_name = _display_name(display_name)
        if wanted is not None:
            a.roles = [r for r in a.roles if Role(r.role) in wanted] + [
                StaffRole(role=r.value) for r in sorted(wanted - {Role(x.role) for x in a.roles})]
        # A role change alone touches only staff_role rows: bump the account's version explicitly so a
        # second desk editing the same account from the old state is refused.
        a.updated_at = utcnow()
        _save(s)
        audit.append(s, actor, "account.edit", "staff_account", a.id, before=before, after=_snapshot(a))
        return _info(a)


def set_account_active(actor: Actor, db: Db, account_id: uuid.UUID, *, active: bool,
                       expected_version: int) -> AccountInfo:
    """Disable (or re-enable) an account: a disabled account can't log in and its open desks are refused."""
    with write(db, actor, Permission.MANAGE_ACCOUNTS) as s:
        a = _load(s, account_id, expected_version)
        if not active and (a.is_base or a.id == actor.account_id):
            raise ValidationError("不能停用基础账号或自己的账号",
                                  "the base account and your own account can't be disabled")
        before = _snapshot(a)
        a.active = active
        _save(s)
        audit.append(s, actor, "account.enable" if active else "account.disable", "staff_account", a.id,
                     before=before, after=_snapshot(a))  # fmt: skip
        return _info(a)


def unlock_account(actor: Actor, db: Db, account_id: uuid.UUID) -> AccountInfo:
    with write(db, actor, Permission.MANAGE_ACCOUNTS) as s:
        a = _load(s, account_id, None)
        before = {"locked_until": a.locked_until.isoformat() if a.locked_until else None,
                  "failed_logins": a.failed_logins}  # fmt: skip
        s.execute(update(StaffAccount).where(StaffAccount.id == a.id).values(failed_logins=0, locked_until=None))
        s.refresh(a)
        audit.append(s, actor, "account.unlock", "staff_account", a.id, before=before,
                     after={"locked_until": None, "failed_logins": 0})  # fmt: skip
        return _info(a)


def reset_password(actor: Actor, db: Db, account_id: uuid.UUID, new_password: str) -> AccountInfo:
    """An administrator sets a new password for someone who forgot theirs (also unlocks the account)."""
    with write(db, actor, Permission.MANAGE_ACCOUNTS) as s:
        a = _load(s, account_id, None)
        _guard_base(actor, a)
        passwords.check_password_rule(new_password, login=a.login)
        a.password_hash = passwords.hash_password(new_password)
        a.password_changed_at = utcnow()
        a.failed_logins, a.locked_until = 0, None
        _save(s)
        audit.append(s, actor, "account.reset_password", "staff_account", a.id,
                     after={"password_changed_at": a.password_changed_at.isoformat()})  # fmt: skip
        return _info(a)


def change_password(actor: Actor, db: Db, *, old_password: str, new_password: str) -> None:
    """Any active account changes its own password, proving the old one."""
    with write(db, actor, None) as s:
        a = _load(s, actor.account_id, None)
        if not passwords.verify_password(a.password_hash, old_password):
            raise AuthError("原密码错误", "the current password is wrong")
        passwords.check_password_rule(new_password, login=a.login)
        if new_password == old_password:
            raise ValidationError("新密码不能与原密码相同", "the new password must differ from the old one",
                                  field="password")  # fmt: skip
        a.password_hash = passwords.hash_password(new_password)
        a.password_changed_at = utcnow()
        _save(s)
        audit.append(s, actor, "account.change_password", "staff_account", a.id,
                     after={"password_changed_at": a.password_changed_at.isoformat()})  # fmt: skip


def list_accounts(actor: Actor, db: Db) -> list[AccountInfo]:
    with read(db, actor, Permission.MANAGE_ACCOUNTS) as s:
        rows = s.scalars(select(StaffAccount).options(selectinload(StaffAccount.roles)).order_by(StaffAccount.login))
        return [_info(a) for a in rows]
