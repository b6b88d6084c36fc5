"""Car piles over OCPP 1.6J and meters on RS-485.

Tables: meter, meter_reading, station_load, charge_point, ocpp_transaction, ocpp_reservation, ocpp_message.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

Plain SQLAlchemy types only, like the earlier revisions (UTCDateTime is DateTime(timezone=True) here).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
CODE = sa.String(24)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


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
        "meter",
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("protocol", CODE, nullable=False),
        sa.Column("model", sa.String(32), nullable=False),
        sa.Column("bus_id", sa.Uuid(), nullable=False),
        sa.Column("address", sa.String(12), nullable=False),
        sa.Column("pile_id", sa.Uuid(), nullable=True),
        sa.Column("multiplier", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("online", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=True),
        sa.Column("last_energy_wh", sa.BigInteger(), nullable=True),
        sa.Column("last_power_w", sa.Integer(), nullable=True),
        *_synced("meter"),
        sa.CheckConstraint("kind IN ('transformer', 'pile')", name=op.f("ck_meter_kind")),
        sa.CheckConstraint("protocol IN ('modbus-rtu', 'dlt645')", name=op.f("ck_meter_protocol")),
        sa.CheckConstraint("multiplier >= 1", name=op.f("ck_meter_multiplier_positive")),
        _fk("meter", "station_id", "station"),
        _fk("meter", "bus_id", "bus"),
        _fk("meter", "pile_id", "pile"),
        sa.UniqueConstraint("code", name=op.f("uq_meter_code")),
        sa.UniqueConstraint("bus_id", "address", name=op.f("uq_meter_bus_id_address")),
    )
    op.create_index(op.f("ix_meter_station_id"), "meter", ["station_id"])
    op.create_table(
        "meter_reading",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("meter_id", sa.Uuid(), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("energy_wh", sa.BigInteger(), nullable=False),
        sa.Column("power_w", sa.Integer(), nullable=False),
        sa.Column("voltage_dv", sa.Integer(), nullable=False),
        sa.Column("current_ca", sa.Integer(), nullable=False),
        _fk("meter_reading", "meter_id", "meter", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_reading")),
    )
    op.create_index(op.f("ix_meter_reading_meter_id_ts"), "meter_reading", ["meter_id", "ts"])
    op.create_table(
        "station_load",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("limit_w", sa.Integer(), nullable=False),
        sa.Column("transformer_w", sa.Integer(), nullable=True),
        sa.Column("charging_w", sa.Integer(), nullable=False),
        sa.Column("other_w", sa.Integer(), nullable=True),
        _fk("station_load", "station_id", "station", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_load")),
    )
    op.create_index(op.f("ix_station_load_station_id_ts"), "station_load", ["station_id", "ts"])
    op.create_table(
        "charge_point",
        sa.Column("identity", sa.String(48), nullable=False),
        sa.Column("pile_id", sa.Uuid(), nullable=True),
        sa.Column("station_id", sa.Uuid(), nullable=True),
        sa.Column("status", CODE, server_default="pending", nullable=False),
        sa.Column("security_profile", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("connectors", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("max_current_a", sa.Integer(), server_default=sa.text("32"), nullable=False),
        sa.Column("vendor", sa.String(64), nullable=True),
        sa.Column("model", sa.String(64), nullable=True),
        sa.Column("serial_no", sa.String(64), nullable=True),
        sa.Column("firmware", sa.String(64), nullable=True),
        sa.Column("local_list_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_boot_at", UTC_DATETIME, nullable=True),
        sa.Column("last_seen_at", UTC_DATETIME, nullable=True),
        *_synced("charge_point"),
        sa.CheckConstraint("security_profile IN (0, 1, 2)", name=op.f("ck_charge_point_security_profile")),
        sa.CheckConstraint("status IN ('accepted', 'pending', 'rejected')", name=op.f("ck_charge_point_status")),
        _fk("charge_point", "pile_id", "pile"),
        _fk("charge_point", "station_id", "station"),
        sa.UniqueConstraint("identity", name=op.f("uq_charge_point_identity")),
        sa.UniqueConstraint("pile_id", name=op.f("uq_charge_point_pile_id")),
    )
    op.create_table(
        "ocpp_transaction",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.Uuid(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("id_tag", sa.String(20), nullable=False),
        sa.Column("auth_status", CODE, nullable=False),
        sa.Column("meter_start", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("meter_stop", sa.BigInteger(), nullable=True),
        sa.Column("stopped_at", UTC_DATETIME, nullable=True),
        sa.Column("stop_reason", CODE, nullable=True),
        sa.Column("reservation_id", sa.Integer(), nullable=True),
        sa.Column("status", CODE, server_default="active", nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        _fk("ocpp_transaction", "charge_point_id", "charge_point"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocpp_transaction")),
        sa.UniqueConstraint("charge_point_id", "connector_id", "started_at",
                            name=op.f("uq_ocpp_transaction_charge_point_id_connector_id_started_at")),
    )
    op.create_index(op.f("ix_ocpp_transaction_status"), "ocpp_transaction", ["status"])
    op.create_table(
        "ocpp_reservation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_point_id", sa.Uuid(), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("id_tag", sa.String(20), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.Column("status", CODE, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        _fk("ocpp_reservation", "charge_point_id", "charge_point"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocpp_reservation")),
    )
    op.create_table(
        "ocpp_message",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("identity", sa.String(48), nullable=False),
        sa.Column("ts", UTC_DATETIME, nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("message_type", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(48), nullable=True),
        sa.Column("unique_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ocpp_message")),
    )
    op.create_index(op.f("ix_ocpp_message_identity_ts"), "ocpp_message", ["identity", "ts"])


def downgrade() -> None:
    for table in ("ocpp_message", "ocpp_reservation", "ocpp_transaction", "charge_point", "station_load",
                  "meter_reading", "meter"):
        op.drop_table(table)
