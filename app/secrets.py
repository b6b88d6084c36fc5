"""Secrets (database password, cloud token, card keys) behind a small SecretStore protocol (M11.3).

Production uses the OS keyring (Windows Credential Manager, Secret Service on a Linux desktop); tests
use MemorySecretStore or an in-memory keyring backend. Nothing here ever writes a secret to a file:
the database URL kept in the settings has no password, and ``database_url`` puts it back from the
store when connecting.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.engine import URL, make_url

from app.domain.errors import ChargeDeskError

SERVICE = "ChargeDesk"


class SecretStoreUnavailable(ChargeDeskError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"没有可用的系统密钥环（{detail}）。请在有密钥环的桌面会话中运行，或每次手动输入密码。",
                         f"no OS keyring is available ({detail}). Run in a desktop session with a keyring, "
                         "or enter the password each time.")  # fmt: skip


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class MemorySecretStore:
    """A dict: for tests and for a session that asks for the password every time."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)


class KeyringSecretStore:
    """The OS keyring via ``keyring``. A missing keyring (headless Linux: keyring's ``fail`` backend
    raises NoKeyringError on get *and* set) becomes SecretStoreUnavailable with a clear message."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service

    def get(self, name: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(self.service, name)
        except KeyringError as exc:
            raise SecretStoreUnavailable(str(exc) or type(exc).__name__) from exc

    def set(self, name: str, value: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(self.service, name, value)
        except KeyringError as exc:
            raise SecretStoreUnavailable(str(exc) or type(exc).__name__) from exc

    def delete(self, name: str) -> None:
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            keyring.delete_password(self.service, name)
        except PasswordDeleteError:
            pass  # nothing stored: deleting is idempotent
        except KeyringError as exc:
            raise SecretStoreUnavailable(str(exc) or type(exc).__name__) from exc


def db_secret_name(url: str | URL) -> str:
    """The keyring entry of a database login: "db:user@host:port/database" (no password in it)."""
    u = make_url(url)
    return f"db:{u.username or ''}@{u.host or ''}:{u.port or ''}/{u.database or ''}"


def store_database_url(url: str | URL, store: SecretStore) -> str:
    """Split a URL as typed in Settings: the password goes to ``store``; returns the URL to save
    (without a password). A URL with no password leaves the store alone."""
    u = make_url(url)
    if u.password is not None:
        store.set(db_secret_name(u), str(u.password))
    # URL.set(password=None) keeps the old password: build the URL again without it.
    bare = URL.create(u.drivername, username=u.username, host=u.host, port=u.port, database=u.database, query=u.query)
    return bare.render_as_string(hide_password=False)


def database_url(saved_url: str | URL, store: SecretStore) -> URL:
    """The URL to connect with: the saved (password-less) URL plus the password from ``store``."""
    u = make_url(saved_url)
    if u.password is not None:
        raise ValueError("the saved database URL must not contain a password (it belongs in the keyring)")
    if u.get_backend_name() == "sqlite":
        return u
    password = store.get(db_secret_name(u))
    return u if password is None else u.set(password=password)
