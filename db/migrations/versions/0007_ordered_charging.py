"""Ordered charging: settings per station, staff overrides, the console-side queue of held e-bike ports.

Tables: ordered_setting, ordered_override, ordered_queue.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

Plain SQLAlchemy types only, like the earlier revisions (UTCDateTime is DateTime(timezone=True) here).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
CODE = sa.String(24)


def _synced(table: str) -> list[sa.Column[object] | sa.PrimaryKeyConstraint]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"),
                                   ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "ordered_setting",
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("margin_w", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("fallback_w", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("household_w", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("period_s", sa.Integer(), server_default=sa.text("60"), nullable=False),
        sa.Column("high_payments", sa.String(64), server_default=sa.text("''"), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        *_synced("ordered_setting"),
        _fk("ordered_setting", "station_id", "station"),
        sa.UniqueConstraint("station_id", name=op.f("uq_ordered_setting_station_id")),
        sa.CheckConstraint("margin_w >= 0 AND fallback_w >= 0 AND household_w >= 0",
                           name=op.f("ck_ordered_setting_watts_positive")),
        sa.CheckConstraint("period_s BETWEEN 5 AND 3600", name=op.f("ck_ordered_setting_period_range")),
    )
    op.create_table(
        "ordered_override",
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("port_number", sa.Integer(), nullable=False),
        sa.Column("action", CODE, nullable=False),
        sa.Column("priority", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("reason", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("until", UTC_DATETIME, nullable=True),
        sa.Column("cleared_at", UTC_DATETIME, nullable=True),
        sa.Column("cleared_by", sa.String(64), nullable=True),
        *_synced("ordered_override"),
        _fk("ordered_override", "station_id", "station"),
        _fk("ordered_override", "pile_id", "pile"),
        sa.CheckConstraint("action IN ('run', 'hold', 'priority')", name=op.f("ck_ordered_override_action")),
    )
    op.create_index(op.f("ix_ordered_override_station_id_cleared_at"), "ordered_override",
                    ["station_id", "cleared_at"])
    op.create_table(
        "ordered_queue",
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("port_number", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("pile_session_id", sa.BigInteger(), nullable=False),
        sa.Column("payment", CODE, nullable=False),
        sa.Column("arrived_at", UTC_DATETIME, nullable=False),
        sa.Column("queued_at", UTC_DATETIME, nullable=False),
        sa.Column("paid_min", sa.Integer(), nullable=False),
        sa.Column("owed_min", sa.Integer(), nullable=False),
        sa.Column("energy_wh", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("power_w", sa.Integer(), nullable=False),
        sa.Column("priority", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("reason", CODE, nullable=False),
        sa.PrimaryKeyConstraint("pile_id", "port_number", name=op.f("pk_ordered_queue")),
        _fk("ordered_queue", "pile_id", "pile", ondelete="CASCADE"),
        _fk("ordered_queue", "station_id", "station", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_ordered_queue_station_id"), "ordered_queue", ["station_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ordered_queue_station_id"), table_name="ordered_queue")
    op.drop_table("ordered_queue")
    op.drop_index(op.f("ix_ordered_override_station_id_cleared_at"), table_name="ordered_override")
    op.drop_table("ordered_override")
    op.drop_table("ordered_setting")
