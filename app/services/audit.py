"""The audit trail: appending (inside each service's own transaction), querying, CSV export, verifying.

Appending locks the single chain-head row first (SELECT … FOR UPDATE on PostgreSQL; SQLite has one
writer at a time anyway), so two desks writing at once take turns and the chain never forks. The lock
is the last one a service takes and is held only until its commit.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Select, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.domain.audit_chain import GENESIS_HASH, ChainProblem, ChainRow, canonical_json, record_hash, verify_rows
from app.domain.permissions import Actor, Permission
from app.services.unit import Db, read
from db.models_audit import AuditHead, AuditRecord
from db.types import utcnow

_H: Table = AuditHead.__table__  # type: ignore[assignment]
# Built once: every money movement and every change appends (see bench/topup.py).
_LOCK_HEAD = select(_H.c.last_seq, _H.c.last_hash).where(_H.c.id == 1).with_for_update()
_SET_HEAD = update(_H).where(_H.c.id == 1).values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash"))
_INSERT_RECORD = insert(AuditRecord.__table__)


def lock_head(session: Session) -> tuple[int, str]:
    """Lock the chain head for this transaction and return (last seq, last hash)."""
    row = session.execute(_LOCK_HEAD).one_or_none()
    if row is None:  # a schema made without the migration's seed row
        session.execute(insert(AuditHead).values(id=1, last_seq=0, last_hash=GENESIS_HASH))
        return 0, GENESIS_HASH
    return int(row.last_seq), str(row.last_hash)


def append(session: Session, actor: Actor | None, action: str, object_type: str, object_id: object, *,
           before: Any = None, after: Any = None, actor_login: str | None = None) -> int:
    """Write one audit record in the caller's transaction; returns its sequence number."""
    last_seq, last_hash = lock_head(session)
    seq, ts = last_seq + 1, utcnow()
    fields = {
        "seq": seq, "ts": ts,
        "actor_id": str(actor.account_id) if actor else None,
        "actor_login": actor_login or (actor.login if actor else "-"),
        "action": action, "object_type": object_type, "object_id": str(object_id),
        "before_json": canonical_json(before), "after_json": canonical_json(after),
    }  # fmt: skip
    digest = record_hash(last_hash, **fields)  # type: ignore[arg-type]
    session.execute(_INSERT_RECORD, {**fields, "actor_id": actor.account_id if actor else None,
                                     "prev_hash": last_hash, "hash": digest})  # fmt: skip
    session.execute(_SET_HEAD, {"new_seq": seq, "new_hash": digest})
    return seq


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    ts: datetime
    actor_id: uuid.UUID | None
    actor_login: str
    action: str
    object_type: str
    object_id: str
    before_json: str | None
    after_json: str | None

    @property
    def before(self) -> Any:
        return None if self.before_json is None else json.loads(self.before_json)

    @property
    def after(self) -> Any:
        return None if self.after_json is None else json.loads(self.after_json)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """All given conditions must hold. ``action`` ending in "." matches a family ("wallet.")."""

    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    actor_login: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    limit: int | None = 1000


def _filtered(flt: AuditFilter) -> Select[tuple[AuditRecord]]:
    q = select(AuditRecord)
    if flt.since is not None:
        q = q.where(AuditRecord.ts >= flt.since)
    if flt.until is not None:
        q = q.where(AuditRecord.ts < flt.until)
    if flt.actor_login:
        q = q.where(AuditRecord.actor_login == flt.actor_login)
    if flt.action:
        q = q.where(AuditRecord.action.startswith(flt.action, autoescape=True) if flt.action.endswith(".")
                    else AuditRecord.action == flt.action)  # fmt: skip
    if flt.object_type:
        q = q.where(AuditRecord.object_type == flt.object_type)
    if flt.object_id:
        q = q.where(AuditRecord.object_id == flt.object_id)
    return q


def _entry(r: AuditRecord) -> AuditEntry:
    return AuditEntry(r.seq, r.ts, r.actor_id, r.actor_login, r.action, r.object_type, r.object_id,
                      r.before_json, r.after_json)  # fmt: skip


def query_audit(actor: Actor, db: Db, flt: AuditFilter = AuditFilter()) -> list[AuditEntry]:
    """The Audit tab: matching records, newest first, at most ``flt.limit``."""
    with read(db, actor, Permission.VIEW_AUDIT) as s:
        q = _filtered(flt).order_by(AuditRecord.seq.desc())
        if flt.limit is not None:
            q = q.limit(flt.limit)
        return [_entry(r) for r in s.scalars(q)]


CSV_COLUMNS = ("seq", "ts_utc", "actor", "action", "object_type", "object_id", "before", "after")


def export_audit_csv(actor: Actor, db: Db, out: TextIO, flt: AuditFilter = AuditFilter(limit=None)) -> int:
    """Write matching records (oldest first) as CSV to ``out``; returns the number of records written."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    with read(db, actor, Permission.VIEW_AUDIT) as s:
        q = _filtered(flt).order_by(AuditRecord.seq)
        if flt.limit is not None:
            q = q.limit(flt.limit)
        for r in s.scalars(q.execution_options(yield_per=1000)):
            writer.writerow([r.seq, r.ts.isoformat(), r.actor_login, r.action, r.object_type, r.object_id,
                             r.before_json or "", r.after_json or ""])  # fmt: skip
            n += 1
    return n


@dataclass(frozen=True, slots=True)
class ChainReport:
    records: int
    head_seq: int
    problems: tuple[ChainProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _chain_rows(session: Session) -> Iterator[ChainRow]:
    q = select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=2000)
    for r in session.scalars(q):
        yield ChainRow(r.id, r.seq, r.ts, str(r.actor_id) if r.actor_id else None, r.actor_login, r.action,
                       r.object_type, r.object_id, r.before_json, r.after_json, r.prev_hash, r.hash)


def verify_chain(db: Db) -> ChainReport:
    """Walk the whole chain (``chargedesk audit verify``; whoever can open the database can run it)."""
    session = db()
    try:
        # One snapshot for the head and every record, or a desk appending meanwhile looks like tampering.
        if session.get_bind().dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN")
        else:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash).where(AuditHead.id == 1)).one_or_none()
        head_seq, head_hash = (int(head.last_seq), str(head.last_hash)) if head else (0, GENESIS_HASH)
        count, problems = verify_rows(_chain_rows(session), head_seq=head_seq, head_hash=head_hash)
        return ChainReport(count, head_seq, tuple(problems))
    finally:
        session.rollback()
        session.close()


def verify_audit(actor: Actor, db: Db) -> ChainReport:
    """The same check from the Audit tab (finance and system administrators)."""
    with read(db, actor, Permission.VIEW_AUDIT):
        pass
    return verify_chain(db)
