"""Password hashing (argon2id via argon2-cffi) and the password and login-name rules."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from app.domain.errors import ValidationError

MIN_PASSWORD_LEN = 8
_LOGIN = re.compile(r"[a-z0-9][a-z0-9_.-]{1,31}", re.ASCII)

# argon2-cffi's defaults (RFC 9106 "low memory" profile). Tests lower the cost with ``configure``:
# a hash made with other parameters still verifies, and ``needs_rehash`` upgrades it at the next login.
_hasher = PasswordHasher()


def configure(*, time_cost: int, memory_cost: int, parallelism: int = 1) -> None:
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# Verified against when the login name doesn't exist, so a wrong name costs as long as a wrong password
# (the time taken must not tell which logins exist).
_DUMMY_HASH: str | None = None


def burn_time(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not a real password")
    verify_password(_DUMMY_HASH, password)


def check_password_rule(password: str, *, login: str = "") -> None:
    if len(password) < MIN_PASSWORD_LEN:
        raise ValidationError(f"密码至少 {MIN_PASSWORD_LEN} 个字符", f"the password needs at least "
                              f"{MIN_PASSWORD_LEN} characters", field="password")  # fmt: skip
    if login and password.lower() == login.lower():
        raise ValidationError("密码不能与登录名相同", "the password must differ from the login name", field="password")


def normalise_login(login: str) -> str:
    """Logins are lower-case ASCII, 2–32 characters of a-z 0-9 _ . - (they also prefix receipt numbers)."""
    value = login.strip().lower()
    if not _LOGIN.fullmatch(value):
        raise ValidationError("登录名须为 2–32 位小写字母、数字或 _ . -，以字母或数字开头",
                              "a login is 2–32 characters of a-z, 0-9, _ . -, starting with a letter or digit",
                              field="login")  # fmt: skip
    return value
