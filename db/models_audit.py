"""The hash-chained audit log.

Each record stores the hash of the record before it and the SHA-256 of (that hash + its own canonical
content), so editing, deleting or slipping in a record breaks the chain at a nameable place. The single
``audit_head`` row (id 1) holds the last sequence number and hash: appending locks it (FOR UPDATE on
PostgreSQL), which serialises writers from every desk so the chain never forks, and it also tells a
deleted *tail* from a short chain.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base
from db.types import UTCDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")
GENESIS_HASH = "0" * 64


class AuditRecord(Base):
    __tablename__ = "audit_record"
    __table_args__ = (
        Index(None, "ts"),
        Index(None, "object_type", "object_id"),
        Index(None, "actor_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)  # 1, 2, 3 … in chain order
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # no FK: the log outlives what it names
    actor_login: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(64))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
