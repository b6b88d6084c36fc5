"""Card blacklist pushed to the piles: the desired list with its version, and what each pile holds.

Tables: card_blacklist, pile_blacklist. Cards already lost or replaced become version 1 of the list, so
the engine pushes them to the piles on its first poll after the upgrade.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    blacklist = op.create_table(
        "card_blacklist",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("list_version", sa.BigInteger(), nullable=False),
        sa.Column("cards", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_blacklist")),
        sa.CheckConstraint("id = 1", name=op.f("ck_card_blacklist_single_row")),
        sa.CheckConstraint("list_version >= 1", name=op.f("ck_card_blacklist_version_positive")),
    )
    op.create_table(
        "pile_blacklist",
        sa.Column("pile_id", sa.Uuid(), nullable=False),
        sa.Column("list_version", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=True),
        sa.Column("seen_at", UTC_DATETIME, nullable=True),
        sa.Column("pushed_at", UTC_DATETIME, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("failed_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("pile_id", name=op.f("pk_pile_blacklist")),
        sa.ForeignKeyConstraint(["pile_id"], ["pile.id"], name=op.f("fk_pile_blacklist_pile_id_pile"),
                                ondelete="CASCADE"),
    )
    card = sa.table("card", sa.column("card_no", sa.BigInteger()), sa.column("state", sa.String()),
                    sa.column("closed_at", UTC_DATETIME))
    rows = op.get_bind().execute(sa.select(card.c.card_no).where(card.c.state.in_(("lost", "replaced")))
                                 .order_by(card.c.closed_at.desc(), card.c.card_no.desc())).all()
    if rows:
        op.bulk_insert(blacklist, [{"id": 1, "list_version": 1, "cards": json.dumps([int(r[0]) for r in rows]),
                                    "updated_at": datetime.now(UTC), "updated_by": "migration 0008"}])


def downgrade() -> None:
    op.drop_table("pile_blacklist")
    op.drop_table("card_blacklist")
