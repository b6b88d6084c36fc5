"""The card master key and the operator's card identity (issuer id and name).

The master key (16 random bytes, hex) lives only in the OS keyring, entry ``card-master-key`` — never in
a file or the database. The first desk makes it; another desk of the same operator imports it (the same
key must be in every desk and every pile, or cards issued at one are refused at the others).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from app.domain.errors import ChargeDeskError, ValidationError
from app.secrets import SecretStore
from app.services.unit import Db
from comm.mifare.keys import MASTER_KEY_BYTES
from comm.mifare.layout import issuer_id
from db.models import Operator

MASTER_KEY_ENTRY = "card-master-key"


class NoMasterKey(ChargeDeskError):
    def __init__(self) -> None:
        super().__init__("本机密钥环中没有 IC 卡主密钥：请在第一台发卡台生成，或从已有发卡台导入",
                         "no IC card master key in this computer's keyring: make one at the first card desk, "
                         "or import it from a desk that has it")  # fmt: skip


@dataclass(frozen=True)
class CardContext:
    """What the card application needs to know about this operator."""

    master: bytes
    operator_code: str
    operator_name: str

    @property
    def issuer(self) -> int:
        return issuer_id(self.operator_code)

    def __repr__(self) -> str:  # never print the key
        return f"CardContext(operator_code={self.operator_code!r})"


def master_key(store: SecretStore, *, create: bool = False) -> bytes:
    value = store.get(MASTER_KEY_ENTRY)
    if value is None:
        if not create:
            raise NoMasterKey()
        value = secrets.token_hex(MASTER_KEY_BYTES)
        store.set(MASTER_KEY_ENTRY, value)
    return bytes.fromhex(value)


def import_master_key(store: SecretStore, hex_key: str) -> None:
    try:
        key = bytes.fromhex(hex_key.strip())
    except ValueError:
        key = b""
    if len(key) != MASTER_KEY_BYTES:
        raise ValidationError("主密钥应为 32 位十六进制数", "the master key is 32 hex digits", field="key")
    store.set(MASTER_KEY_ENTRY, key.hex())


def card_context(db: Db, store: SecretStore, *, create: bool = False) -> CardContext:
    """The operator (the first one in the database: a console serves one operator) and the master key."""
    with db() as s:
        op = s.execute(select(Operator.code, Operator.name).order_by(Operator.created_at)).first()
    code, name = (op.code, op.name) if op else ("CHARGEDESK", "ChargeDesk")
    return CardContext(master_key(store, create=create), code, name)
