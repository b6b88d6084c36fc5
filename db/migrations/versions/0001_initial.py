"""Initial schema.

Tables: operator, station, bus, pile, port, port_sample, charge_session, offline_record, pile_event,
alarm, pile_command.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written against db.models as of this revision, with plain SQLAlchemy types only: a migration is a
frozen snapshot and must not change when the models do. UTCDateTime is DateTime(timezone=True) here
(the TypeDecorator only converts values). tests/db checks this file against the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def _id() -> sa.Column[object]:
    return sa.Column("id", sa.Uuid(), nullable=False)


def _synced_columns() -> list[sa.Column[object]]:
    """created_at, updated_at, version of every synced table (db.base.SyncedMixin)."""
    return [
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "operator",
        _id(),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        *_synced_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator")),
        sa.UniqueConstraint("code", name=op.f("uq_operator_code")),
    )

    op.create_table(
        "station",
        _id(),
        sa.Column("operator_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("address", sa.String(255), server_default=sa.text("''"), nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("site_plan", sa.String(255), nullable=True),
        sa.Column("site_plan_w", sa.Integer(), nullable=True),
        sa.Column("site_plan_h", sa.Integer(), nullable=True),
        sa.Column("charging_limit_w", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(64), server_default="Asia/Shanghai", nullable=False),
        *_synced_columns(),
        _fk("station", "operator_id", "operator"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station")),
        sa.UniqueConstraint("code", name=op.f("uq_station_code")),
    )
    op.create_index(op.f("ix_station_operator_id"), "station", ["operator_id"])

    op.create_table(
        "bus",
        _id(),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("device", sa.String(255), nullable=False),
        sa.Column("baudrate", sa.Integer(), server_default=sa.text("9600"), nullable=False),
        sa.Column("parity", sa.String(1), server_default="N", nullable=False),
        sa.Column("stopbits", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("timeout_ms", sa.Integer(), server_default=sa.text("300"), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        *_synced_columns(),
        sa.CheckConstraint("parity IN ('N', 'E', 'O')", name=op.f("ck_bus_parity")),
        sa.CheckConstraint("stopbits IN (1, 2)", name=op.f("ck_bus_stopbits")),
        _fk("bus", "station_id", "station"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bus")),
        sa.UniqueConstraint("station_id", "name", name=op.f("uq_bus_station_id_name")),
    )

    op.create_table(
        "pile",
        _id(),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("model", sa.String(32), nullable=False),
        sa.Column("protocol", sa.String(24), nullable=False),
        sa.Column("bus_id", sa.Uuid(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("tcp_port", sa.Integer(), nullable=True),
        sa.Column("serial_no", sa.String(64), nullable=True),
        sa.Column("firmware", sa.String(64), nullable=True),
        sa.Column("boot_count", sa.Integer(), nullable=True),
        sa.Column("pos_x", sa.Float(), nullable=True),
        sa.Column("pos_y", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("online", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=True),
        *_synced_columns(),
        sa.CheckConstraint(
            "protocol <> 'modbus-rtu' OR (bus_id IS NOT NULL AND unit_id IS NOT NULL)",
            name=op.f("ck_pile_rtu_address"),
        ),
        sa.CheckConstraint(
            "protocol <> 'modbus-tcp' OR (host IS NOT NULL AND tcp_port IS NOT NULL)",
            name=op.f("ck_pile_tcp_address"),
        ),
        sa.CheckConstraint("unit_id IS NULL OR unit_id BETWEEN 1 AND 247", name=op.f("ck_pile_unit_id_range")),
        sa.CheckConstraint("tcp_port IS NULL OR tcp_port BETWEEN 1 AND 65535", name=op.f("ck_pile_tcp_port_range")),
        _fk("pile", "station_id", "station"),
        _fk("pile", "bus_id", "bus"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pile")),
        sa.UniqueConstraint("bus_id", "unit_id", name=op.f("uq_pile_bus_id_unit_id")),
        sa.UniqueConstraint("code", name=op.f("uq_pile_code")),
    )
    op.create_index(op.f("ix_pile_station_id"), "pile", ["station_id"])

    op.create_table(
        "port",
        _id(),
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("vehicle_class", sa.String(24), nullable=False),
        sa.Column("qr_id", sa.String(64), nullable=False),
        sa.Column("max_power_w", sa.Integer(), nullable=True),
        *_synced_columns(),
        sa.CheckConstraint("number >= 1", name=op.f("ck_port_number_positive")),
        _fk("port", "pile_id", "pile", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_port")),
        sa.UniqueConstraint("pile_id", "number", name=op.f("uq_port_pile_id_number")),
        sa.UniqueConstraint("qr_id", name=op.f("uq_port_qr_id")),
    )

    op.create_table(
        "port_sample",
        # SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("port_id", sa.Uuid(), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("voltage_dv", sa.Integer(), nullable=False),
        sa.Column("current_ca", sa.Integer(), nullable=False),
        sa.Column("power_w", sa.Integer(), nullable=False),
        sa.Column("energy_wh", sa.Integer(), nullable=False),
        _fk("port_sample", "port_id", "port", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_port_sample")),
    )
    op.create_index(op.f("ix_port_sample_port_id_ts"), "port_sample", ["port_id", "ts"])

    op.create_table(
        "charge_session",
        _id(),
        sa.Column("port_id", sa.Uuid(), nullable=False),
        sa.Column("pile_session_id", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("ended_at", UTC_DATETIME, nullable=True),
        sa.Column("status", sa.String(24), server_default="active", nullable=False),
        sa.Column("payment", sa.String(24), nullable=False),
        sa.Column("energy_wh", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("max_power_w", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("minutes_bought", sa.Integer(), nullable=True),
        sa.Column("stop_reason", sa.String(24), nullable=True),
        *_synced_columns(),
        _fk("charge_session", "port_id", "port"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charge_session")),
        sa.UniqueConstraint("port_id", "pile_session_id", name=op.f("uq_charge_session_port_id_pile_session_id")),
    )
    op.create_index(op.f("ix_charge_session_started_at"), "charge_session", ["started_at"])

    op.create_table(
        "offline_record",
        _id(),
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.BigInteger(), nullable=False),
        sa.Column("port_number", sa.Integer(), nullable=False),
        sa.Column("start_time", UTC_DATETIME, nullable=False),
        sa.Column("end_time", UTC_DATETIME, nullable=False),
        sa.Column("minutes_bought", sa.Integer(), nullable=False),
        sa.Column("minutes_used", sa.Integer(), nullable=False),
        sa.Column("energy_wh", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("refund_fen", sa.Integer(), nullable=False),
        sa.Column("payment", sa.String(24), nullable=False),
        sa.Column("card_no", sa.BigInteger(), nullable=True),
        sa.Column("stop_reason", sa.String(24), nullable=False),
        sa.Column("peak_power_w", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
        *_synced_columns(),
        _fk("offline_record", "pile_id", "pile"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offline_record")),
        sa.UniqueConstraint("pile_id", "seq", name=op.f("uq_offline_record_pile_id_seq")),
    )
    op.create_index(op.f("ix_offline_record_start_time"), "offline_record", ["start_time"])

    op.create_table(
        "pile_event",
        _id(),
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("port_number", sa.Integer(), nullable=True),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(24), server_default="info", nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        *_synced_columns(),
        _fk("pile_event", "pile_id", "pile"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pile_event")),
    )
    op.create_index(op.f("ix_pile_event_pile_id_ts"), "pile_event", ["pile_id", "ts"])

    op.create_table(
        "alarm",
        _id(),
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("port_number", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("severity", sa.String(24), nullable=False),
        sa.Column("raised_at", UTC_DATETIME, nullable=False),
        sa.Column("cleared_at", UTC_DATETIME, nullable=True),
        sa.Column("acked_at", UTC_DATETIME, nullable=True),
        sa.Column("acked_by", sa.String(64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        *_synced_columns(),
        _fk("alarm", "pile_id", "pile"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm")),
    )
    op.create_index(op.f("ix_alarm_cleared_at"), "alarm", ["cleared_at"])
    op.create_index(op.f("ix_alarm_pile_id_code"), "alarm", ["pile_id", "code"])

    op.create_table(
        "pile_command",
        _id(),
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("port_number", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(48), nullable=False),
        sa.Column("args", sa.Text(), server_default="{}", nullable=False),
        sa.Column("issued_at", UTC_DATETIME, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=True),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.Column("outcome", sa.String(24), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        *_synced_columns(),
        _fk("pile_command", "pile_id", "pile"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pile_command")),
    )
    op.create_index(op.f("ix_pile_command_pile_id_issued_at"), "pile_command", ["pile_id", "issued_at"])


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes.
    for table in (
        "pile_command",
        "alarm",
        "pile_event",
        "offline_record",
        "charge_session",
        "port_sample",
        "port",
        "pile",
        "bus",
        "station",
        "operator",
    ):
        op.drop_table(table)
