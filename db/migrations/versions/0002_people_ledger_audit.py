"""People, ledger and audit.

Tables: staff_account, staff_role, app_setting, user_group, charging_user, ledger_account, journal_txn,
journal_entry, receipt_counter, audit_record, audit_head (with its single row: the empty chain).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

Plain SQLAlchemy types only, like 0001 (UTCDateTime is DateTime(timezone=True) here).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
EMPTY = sa.text("''")
GENESIS_HASH = "0" * 64


def _synced_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    target_table, _, target_col = target.partition(".")
    return sa.ForeignKeyConstraint(
        [column], [f"{target_table}.{target_col or 'id'}"], name=op.f(f"fk_{table}_{column}_{target_table}"),
        ondelete=ondelete,
    )


def _indexes(table: str, *columns: tuple[str, ...]) -> None:
    for cols in columns:
        op.create_index(op.f(f"ix_{table}_{'_'.join(cols)}"), table, list(cols))


def upgrade() -> None:
    op.create_table(
        "staff_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(128), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_base", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", UTC_DATETIME, nullable=True),
        sa.Column("last_login_at", UTC_DATETIME, nullable=True),
        sa.Column("password_changed_at", UTC_DATETIME, nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_account")),
        sa.UniqueConstraint("login", name=op.f("uq_staff_account_login")),
    )
    op.create_table(
        "staff_role",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        _fk("staff_role", "account_id", "staff_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "role", name=op.f("pk_staff_role")),
    )
    op.create_table(
        "app_setting",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_setting")),
    )
    op.create_table(
        "user_group",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("note", sa.String(255), server_default=EMPTY, nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_group")),
        sa.UniqueConstraint("code", name=op.f("uq_user_group_code")),
    )
    op.create_table(
        "charging_user",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(20), server_default=EMPTY, nullable=False),
        sa.Column("building", sa.String(16), server_default=EMPTY, nullable=False),
        sa.Column("unit", sa.String(16), server_default=EMPTY, nullable=False),
        sa.Column("room", sa.String(16), server_default=EMPTY, nullable=False),
        sa.Column("vehicle_class", sa.String(24), nullable=True),
        sa.Column("group_id", sa.Uuid(), nullable=True),
        sa.Column("card_no", sa.String(32), nullable=True),
        sa.Column("note", sa.String(255), server_default=EMPTY, nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("deactivated_at", UTC_DATETIME, nullable=True),
        *_synced_columns(),
        _fk("charging_user", "group_id", "user_group"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charging_user")),
        sa.UniqueConstraint("card_no", name=op.f("uq_charging_user_card_no")),
    )
    _indexes("charging_user", ("building", "unit", "room"), ("group_id",), ("name",), ("phone",))

    op.create_table(
        "ledger_account",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("normal_sign", sa.SmallInteger(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("kind <> 'wallet' OR balance_fen >= 0", name=op.f("ck_ledger_account_wallet_not_negative")),
        sa.CheckConstraint("normal_sign IN (1, -1)", name=op.f("ck_ledger_account_normal_sign")),
        _fk("ledger_account", "user_id", "charging_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_account")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_account_code")),
        sa.UniqueConstraint("user_id", name=op.f("uq_ledger_account_user_id")),
    )
    op.create_table(
        "journal_txn",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("method", sa.String(24), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("reference", sa.String(128), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("receipt_no", sa.String(40), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("posted_at", UTC_DATETIME, nullable=False),
        _fk("journal_txn", "actor_id", "staff_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_txn")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_journal_txn_idempotency_key")),
        sa.UniqueConstraint("receipt_no", name=op.f("uq_journal_txn_receipt_no")),
    )
    _indexes("journal_txn", ("actor_id",), ("posted_at",))
    op.create_table(
        "journal_entry",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("txn_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_fen", sa.BigInteger(), nullable=False),
        sa.Column("posted_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("amount_fen <> 0", name=op.f("ck_journal_entry_amount_nonzero")),
        _fk("journal_entry", "account_id", "ledger_account"),
        _fk("journal_entry", "txn_id", "journal_txn"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entry")),
    )
    _indexes("journal_entry", ("account_id", "posted_at"), ("txn_id",))
    op.create_table(
        "receipt_counter",
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("last_no", sa.BigInteger(), nullable=False),
        _fk("receipt_counter", "account_id", "staff_account"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_receipt_counter")),
    )

    op.create_table(
        "audit_record",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_login", sa.String(64), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("object_type", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_record")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_record_seq")),
    )
    _indexes("audit_record", ("actor_id",), ("object_type", "object_id"), ("ts",))
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    # The chain head exists from the start, so the first append can lock it like every later one.
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}])


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes.
    for table in (
        "audit_head",
        "audit_record",
        "receipt_counter",
        "journal_entry",
        "journal_txn",
        "ledger_account",
        "charging_user",
        "user_group",
        "app_setting",
        "staff_role",
        "staff_account",
    ):
        op.drop_table(table)
