"""Secrets in the keyring, never in a file: the store, the headless failure, the database URL split."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from app.secrets import (
    KeyringSecretStore,
    MemorySecretStore,
    SecretStoreUnavailable,
    database_url,
    db_secret_name,
    store_database_url,
)  # fmt: skip
from tests.support.memory_keyring import MemoryKeyring


def test_the_autouse_fixture_installs_the_memory_keyring(memory_keyring: MemoryKeyring) -> None:
    assert keyring.get_keyring() is memory_keyring


@pytest.mark.parametrize("store_kind", ["keyring", "memory"])
def test_store_roundtrip(store_kind: str, memory_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore() if store_kind == "keyring" else MemorySecretStore()
    assert store.get("cloud-token") is None
    store.set("cloud-token", "s3cr3t")
    assert store.get("cloud-token") == "s3cr3t"
    store.delete("cloud-token")
    store.delete("cloud-token")  # idempotent
    assert store.get("cloud-token") is None
    if store_kind == "keyring":
        assert memory_keyring.values == {}


def test_no_os_keyring_gives_a_clear_error() -> None:
    keyring.set_keyring(fail.Keyring())  # what a headless Linux box has
    store = KeyringSecretStore()
    for call in (lambda: store.get("x"), lambda: store.set("x", "y"), lambda: store.delete("x")):
        with pytest.raises(SecretStoreUnavailable) as err:
            call()
        assert "密钥环" in err.value.zh and "no OS keyring" in err.value.en


def test_database_password_lives_in_the_keyring(memory_keyring: MemoryKeyring, tmp_path: Path) -> None:
    typed = "postgresql+psycopg://desk:pa%40ss@10.0.0.5:5432/chargedesk"
    saved = store_database_url(typed, KeyringSecretStore())
    assert saved == "postgresql+psycopg://desk@10.0.0.5:5432/chargedesk"
    assert "pa" not in saved and memory_keyring.values == {("ChargeDesk", "db:desk@10.0.0.5:5432/chargedesk"): "pa@ss"}
    url = database_url(saved, KeyringSecretStore())
    assert url.password == "pa@ss" and url.username == "desk" and url.host == "10.0.0.5"
    assert db_secret_name(url) == db_secret_name(saved)
    with pytest.raises(ValueError, match="keyring"):
        database_url(typed, KeyringSecretStore())  # a saved URL with a password is a bug
    assert database_url("sqlite:///x.db", MemorySecretStore()).database == "x.db"
    assert database_url("postgresql+psycopg://desk@h/db", MemorySecretStore()).password is None
    assert list(tmp_path.iterdir()) == []  # and nothing was written anywhere here
