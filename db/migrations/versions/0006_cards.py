"""Card desk: IC cards and the desk's card operations (M4).

Tables: card, card_op.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
CODE = sa.String(24)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "card",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("card_no", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.String(16), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("state", CODE, nullable=False),
        sa.Column("deposit_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("monthly_until", UTC_DATETIME, nullable=True),
        sa.Column("issued_at", UTC_DATETIME, nullable=False),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.Column("replaced_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("balance_fen >= 0", name=op.f("ck_card_balance_not_negative")),
        sa.CheckConstraint("deposit_fen >= 0", name=op.f("ck_card_deposit_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["charging_user.id"], name=op.f("fk_card_user_id_charging_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card")),
        sa.UniqueConstraint("card_no", name=op.f("uq_card_card_no")),
    )
    op.create_index(op.f("ix_card_uid"), "card", ["uid"])
    op.create_index(op.f("ix_card_user_id"), "card", ["user_id"])
    op.create_index(op.f("ix_card_state"), "card", ["state"])
    op.create_table(
        "card_op",
        sa.Column("op_no", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("card_no", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.String(16), nullable=False),
        sa.Column("kind", CODE, nullable=False),
        sa.Column("state", CODE, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("method", CODE, nullable=True),
        sa.Column("old_balance_fen", sa.BigInteger(), nullable=True),
        sa.Column("new_balance_fen", sa.BigInteger(), nullable=True),
        sa.Column("old_counter", sa.Integer(), nullable=True),
        sa.Column("new_counter", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("receipt_no", sa.String(40), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["actor_id"], ["staff_account.id"], name=op.f("fk_card_op_actor_id_staff_account")),
        sa.PrimaryKeyConstraint("op_no", name=op.f("pk_card_op")),
    )
    op.create_index(op.f("ix_card_op_card_no_created_at"), "card_op", ["card_no", "created_at"])
    op.create_index(op.f("ix_card_op_state"), "card_op", ["state"])
    op.create_index(op.f("ix_card_op_actor_id"), "card_op", ["actor_id"])


def downgrade() -> None:
    op.drop_table("card_op")
    op.drop_table("card")
