"""Billing: tariffs, settlements, app/QR orders, daily meter readings and the daily close.

Tables: tariff, tariff_version, tariff_assignment, charge_order, settlement, meter_day, daily_close.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Plain SQLAlchemy types only, like 0001 (UTCDateTime is DateTime(timezone=True) here).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
TABLES = ("tariff", "tariff_version", "tariff_assignment", "charge_order", "settlement", "meter_day", "daily_close")


def upgrade() -> None:
    op.create_table('tariff',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('note', sa.String(length=255), server_default=sa.text("''"), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff')),
    sa.UniqueConstraint('code', name=op.f('uq_tariff_code'))
    )
    op.create_table('tariff_version',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tariff_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('effective_from', UTC_DATETIME, nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('policy_json', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.ForeignKeyConstraint(['tariff_id'], ['tariff.id'], name=op.f('fk_tariff_version_tariff_id_tariff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_version')),
    sa.UniqueConstraint('tariff_id', 'number', name=op.f('uq_tariff_version_tariff_id_number'))
    )
    op.create_table('tariff_assignment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('tariff_id', sa.Uuid(), nullable=False),
    sa.Column('station_id', sa.Uuid(), nullable=True),
    sa.Column('pile_id', sa.Uuid(), nullable=True),
    sa.Column('group_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['user_group.id'], name=op.f('fk_tariff_assignment_group_id_user_group')),
    sa.ForeignKeyConstraint(['pile_id'], ['pile.id'], name=op.f('fk_tariff_assignment_pile_id_pile')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_tariff_assignment_station_id_station')),
    sa.ForeignKeyConstraint(['tariff_id'], ['tariff.id'], name=op.f('fk_tariff_assignment_tariff_id_tariff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_assignment'))
    )
    op.create_index(op.f('ix_tariff_assignment_tariff_id'), 'tariff_assignment', ['tariff_id'], unique=False)
    op.create_table('charge_order',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('pile_id', sa.Uuid(), nullable=False),
    sa.Column('port_number', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('pile_session_id', sa.BigInteger(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pile_id'], ['pile.id'], name=op.f('fk_charge_order_pile_id_pile')),
    sa.ForeignKeyConstraint(['user_id'], ['charging_user.id'], name=op.f('fk_charge_order_user_id_charging_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charge_order'))
    )
    op.create_index(op.f('ix_charge_order_pile_id_port_number_pile_session_id'), 'charge_order',
                    ['pile_id', 'port_number', 'pile_session_id'])
    op.create_index(op.f('ix_charge_order_user_id'), 'charge_order', ['user_id'], unique=False)
    op.create_table('settlement',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('pile_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('station_id', sa.Uuid(), nullable=False),
    sa.Column('port_id', sa.Uuid(), nullable=True),
    sa.Column('port_number', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Uuid(), nullable=True),
    sa.Column('pile_session_id', sa.BigInteger(), nullable=False),
    sa.Column('payment', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('card_no', sa.BigInteger(), nullable=True),
    sa.Column('started_at', UTC_DATETIME, nullable=False),
    sa.Column('ended_at', UTC_DATETIME, nullable=False),
    sa.Column('minutes_bought', sa.Integer(), nullable=False),
    sa.Column('minutes_used', sa.Integer(), nullable=False),
    sa.Column('energy_wh', sa.Integer(), nullable=False),
    sa.Column('peak_power_w', sa.Integer(), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('stop_reason', sa.String(length=24), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('refund_fen', sa.Integer(), nullable=False),
    sa.Column('net_fen', sa.Integer(), nullable=False),
    sa.Column('tariff_version_id', sa.Uuid(), nullable=True),
    sa.Column('txn_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('flags', sa.Text(), server_default='[]', nullable=False),
    sa.Column('settled_at', UTC_DATETIME, nullable=False),
    sa.Column('reviewed_by', sa.String(length=64), nullable=True),
    sa.Column('reviewed_at', UTC_DATETIME, nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pile_id'], ['pile.id'], name=op.f('fk_settlement_pile_id_pile')),
    sa.ForeignKeyConstraint(['port_id'], ['port.id'], name=op.f('fk_settlement_port_id_port')),
    sa.ForeignKeyConstraint(['record_id'], ['offline_record.id'], name=op.f('fk_settlement_record_id_offline_record')),
    sa.ForeignKeyConstraint(['session_id'], ['charge_session.id'],
                            name=op.f('fk_settlement_session_id_charge_session')),
    sa.ForeignKeyConstraint(['station_id'], ['station.id'], name=op.f('fk_settlement_station_id_station')),
    sa.ForeignKeyConstraint(['tariff_version_id'], ['tariff_version.id'],
                            name=op.f('fk_settlement_tariff_version_id_tariff_version')),
    sa.ForeignKeyConstraint(['txn_id'], ['journal_txn.id'], name=op.f('fk_settlement_txn_id_journal_txn')),
    sa.ForeignKeyConstraint(['user_id'], ['charging_user.id'], name=op.f('fk_settlement_user_id_charging_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement')),
    sa.UniqueConstraint('pile_id', 'seq', name=op.f('uq_settlement_pile_id_seq')),
    sa.UniqueConstraint('record_id', name=op.f('uq_settlement_record_id'))
    )
    op.create_index(op.f('ix_settlement_started_at'), 'settlement', ['started_at'], unique=False)
    op.create_index(op.f('ix_settlement_station_id_started_at'), 'settlement',
                    ['station_id', 'started_at'])
    op.create_index(op.f('ix_settlement_status'), 'settlement', ['status'], unique=False)
    op.create_index(op.f('ix_settlement_user_id'), 'settlement', ['user_id'], unique=False)
    op.create_table('meter_day',
    sa.Column('pile_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('first_wh', sa.BigInteger(), nullable=False),
    sa.Column('last_wh', sa.BigInteger(), nullable=False),
    sa.Column('first_at', UTC_DATETIME, nullable=False),
    sa.Column('last_at', UTC_DATETIME, nullable=False),
    sa.ForeignKeyConstraint(['pile_id'], ['pile.id'], name=op.f('fk_meter_day_pile_id_pile')),
    sa.PrimaryKeyConstraint('pile_id', 'day', name=op.f('pk_meter_day'))
    )
    op.create_table('daily_close',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('cash_counted_fen', sa.BigInteger(), nullable=False),
    sa.Column('cash_ledger_fen', sa.BigInteger(), nullable=False),
    sa.Column('coins_counted_fen', sa.BigInteger(), nullable=True),
    sa.Column('coins_settled_fen', sa.BigInteger(), nullable=False),
    sa.Column('metered_wh', sa.BigInteger(), nullable=False),
    sa.Column('sold_wh', sa.BigInteger(), nullable=False),
    sa.Column('discrepancies', sa.Text(), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=False),
    sa.Column('closed_at', UTC_DATETIME, nullable=False),
    sa.Column('created_at', UTC_DATETIME, nullable=False),
    sa.Column('updated_at', UTC_DATETIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_close')),
    sa.UniqueConstraint('day', name=op.f('uq_daily_close_day'))
    )

def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)  # their indexes go with them
