"""Operation and maintenance: work orders, their steps, repair logs, attachments; the notification outbox.

Tables: work_order, work_order_step, repair_log, work_order_attachment, notification.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

Plain SQLAlchemy types only, like 0001/0002 (UTCDateTime is DateTime(timezone=True) here).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
EMPTY = sa.text("''")
CODE = sa.String(24)


def _synced(table: str) -> list[sa.Column[object] | sa.PrimaryKeyConstraint]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _indexes(table: str, *columns: tuple[str, ...]) -> None:
    for cols in columns:
        op.create_index(op.f(f"ix_{table}_{'_'.join(cols)}"), table, list(cols))


def upgrade() -> None:
    op.create_table(
        "work_order",
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), server_default=EMPTY, nullable=False),
        sa.Column("source", CODE, nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("pile_id", sa.Uuid(), nullable=True),
        sa.Column("port_number", sa.Integer(), nullable=True),
        sa.Column("alarm_code", sa.String(48), nullable=True),
        sa.Column("alarm_id", sa.Uuid(), nullable=True),
        sa.Column("reporter", sa.String(128), server_default=EMPTY, nullable=False),
        sa.Column("severity", CODE, nullable=False),
        sa.Column("state", CODE, nullable=False),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("assigned_at", UTC_DATETIME, nullable=True),
        sa.Column("started_at", UTC_DATETIME, nullable=True),
        sa.Column("resolved_at", UTC_DATETIME, nullable=True),
        sa.Column("resolved_by", sa.String(64), nullable=True),
        sa.Column("verified_at", UTC_DATETIME, nullable=True),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.Column("resolution", sa.Text(), server_default=EMPTY, nullable=False),
        sa.Column("escalation_level", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("escalated_at", UTC_DATETIME, nullable=True),
        sa.Column("occurrences", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("last_occurrence_at", UTC_DATETIME, nullable=True),
        *_synced("work_order"),
        sa.CheckConstraint("occurrences >= 1", name=op.f("ck_work_order_occurrences_positive")),
        _fk("work_order", "station_id", "station"),
        _fk("work_order", "pile_id", "pile"),
        _fk("work_order", "alarm_id", "alarm"),
        _fk("work_order", "assignee_id", "staff_account"),
        sa.UniqueConstraint("number", name=op.f("uq_work_order_number")),
    )
    _indexes("work_order", ("state", "due_at"), ("pile_id", "alarm_code"), ("assignee_id",),
             ("station_id", "created_at"))
    op.create_table(
        "work_order_step",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("actor_login", sa.String(64), nullable=False),
        sa.Column("action", CODE, nullable=False),
        sa.Column("from_state", CODE, nullable=True),
        sa.Column("to_state", CODE, nullable=True),
        sa.Column("note", sa.Text(), server_default=EMPTY, nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        *_synced("work_order_step"),
        _fk("work_order_step", "order_id", "work_order"),
    )
    _indexes("work_order_step", ("order_id", "ts"))
    op.create_table(
        "repair_log",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("actor_login", sa.String(64), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("parts", sa.Text(), server_default=EMPTY, nullable=False),
        sa.Column("minutes_spent", sa.Integer(), nullable=False),
        sa.Column("result", CODE, nullable=False),
        sa.Column("note", sa.Text(), server_default=EMPTY, nullable=False),
        *_synced("repair_log"),
        sa.CheckConstraint("minutes_spent >= 0", name=op.f("ck_repair_log_minutes_nonnegative")),
        _fk("repair_log", "order_id", "work_order"),
    )
    _indexes("repair_log", ("order_id",))
    op.create_table(
        "work_order_attachment",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("actor_login", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        *_synced("work_order_attachment"),
        _fk("work_order_attachment", "order_id", "work_order"),
        sa.UniqueConstraint("order_id", "sha256", name=op.f("uq_work_order_attachment_order_id_sha256")),
    )
    op.create_table(
        "notification",
        sa.Column("channel", CODE, nullable=False),
        sa.Column("recipient", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", CODE, server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", UTC_DATETIME, nullable=False),
        sa.Column("lease_until", UTC_DATETIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.Column("read_at", UTC_DATETIME, nullable=True),
        sa.Column("dedup_key", sa.String(160), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        *_synced("notification"),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_notification_attempts_nonnegative")),
        _fk("notification", "order_id", "work_order"),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_notification_dedup_key")),
    )
    _indexes("notification", ("channel", "recipient"), ("state", "next_attempt_at"))


def downgrade() -> None:
    for table in ("notification", "work_order_attachment", "repair_log", "work_order_step", "work_order"):
        op.drop_table(table)
