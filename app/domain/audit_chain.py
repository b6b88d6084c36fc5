"""The audit chain's hashing and verification, pure (the walk over the table is in app.services.audit).

hash(record) = SHA-256(prev_hash + canonical JSON of its content). The content is exactly what the
table stores (timestamps as ISO text with microseconds, before/after as the stored JSON text), so
verification recomputes it from the row alone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str | None:
    """The one JSON text of a before/after value: sorted keys, no spaces, UTF-8 kept (not \\u escapes)."""
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class ChainRow:
    """The columns of one audit record that the hash covers, plus its row id and stored hashes."""

    id: int
    seq: int
    ts: datetime
    actor_id: str | None
    actor_login: str
    action: str
    object_type: str
    object_id: str
    before_json: str | None
    after_json: str | None
    prev_hash: str
    hash: str


def record_hash(prev_hash: str, *, seq: int, ts: datetime, actor_id: str | None, actor_login: str, action: str,
                object_type: str, object_id: str, before_json: str | None, after_json: str | None) -> str:
    content = json.dumps(
        [seq, ts.astimezone(UTC).isoformat(timespec="microseconds"), actor_id, actor_login, action,
         object_type, object_id, before_json, after_json],
        separators=(",", ":"), ensure_ascii=False,
    )  # fmt: skip
    return hashlib.sha256((prev_hash + content).encode()).hexdigest()


def row_hash(row: ChainRow) -> str:
    return record_hash(row.prev_hash, seq=row.seq, ts=row.ts, actor_id=row.actor_id, actor_login=row.actor_login,
                       action=row.action, object_type=row.object_type, object_id=row.object_id,
                       before_json=row.before_json, after_json=row.after_json)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int  # the sequence number the problem is at
    record_id: int | None  # the row id, when the row exists
    kind: str  # edited | deleted | out_of_chain | tail_deleted | head_mismatch
    zh: str
    en: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.zh} / {self.en}"


def verify_rows(rows: Iterable[ChainRow], *, head_seq: int, head_hash: str) -> tuple[int, list[ChainProblem]]:
    """Walk rows in ``seq`` order; return (records checked, problems). An empty problem list = intact.

    Each record must (1) hash to its stored hash — else it was *edited*; (2) carry ``seq`` one above
    the previous record — else the records in between were *deleted*; (3) name the previous record's
    hash as ``prev_hash`` — else it was inserted or rewritten *out of chain*. The head row must end
    where the records end — else the newest records were deleted (or the head was tampered with).
    """
    problems: list[ChainProblem] = []
    prev_seq, prev_hash, count = 0, GENESIS_HASH, 0
    for row in rows:
        count += 1
        if row.seq > prev_seq + 1:
            first, last = prev_seq + 1, row.seq - 1
            span = f"#{first}" if first == last else f"#{first}–#{last}"
            problems.append(ChainProblem(first, None, "deleted", f"记录 {span} 缺失（已被删除）",
                                         f"record(s) {span} missing (deleted)"))  # fmt: skip
        elif row.prev_hash != prev_hash:
            problems.append(ChainProblem(row.seq, row.id, "out_of_chain",
                                         f"记录 #{row.seq}（id {row.id}）不接续前一条记录（被插入或改写）",
                                         f"record #{row.seq} (id {row.id}) does not follow the record before it "
                                         "(inserted or rewritten out of chain)"))  # fmt: skip
        if row_hash(row) != row.hash:
            problems.append(ChainProblem(row.seq, row.id, "edited",
                                         f"记录 #{row.seq}（id {row.id}）内容被修改，哈希不符",
                                         f"record #{row.seq} (id {row.id}) was edited: its hash does not match"))
        prev_seq, prev_hash = row.seq, row.hash
    if head_seq > prev_seq:
        span = f"#{prev_seq + 1}" if head_seq == prev_seq + 1 else f"#{prev_seq + 1}–#{head_seq}"
        problems.append(ChainProblem(prev_seq + 1, None, "tail_deleted", f"最新的记录 {span} 缺失（已被删除）",
                                     f"the newest record(s) {span} are missing (deleted)"))  # fmt: skip
    elif head_seq < prev_seq or head_hash != prev_hash:
        problems.append(ChainProblem(prev_seq, None, "head_mismatch",
                                     f"链头（#{head_seq}）与最后一条记录（#{prev_seq}）不符",
                                     f"the chain head (#{head_seq}) does not match the last record (#{prev_seq})"))
    return count, problems
