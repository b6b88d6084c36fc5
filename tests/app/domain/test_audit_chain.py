"""The chain walk on plain rows: each kind of tampering is found and named."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from app.domain.audit_chain import GENESIS_HASH, ChainRow, canonical_json, record_hash, verify_rows

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _chain(n: int) -> list[ChainRow]:
    rows, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        fields = {"seq": seq, "ts": T0 + timedelta(seconds=seq), "actor_id": None, "actor_login": "desk1",
                  "action": "wallet.topup", "object_type": "charging_user", "object_id": "u1",
                  "before_json": canonical_json({"balance_fen": seq}), "after_json": canonical_json({"b": "余额"})}
        digest = record_hash(prev, **fields)  # type: ignore[arg-type]
        rows.append(ChainRow(id=seq + 100, prev_hash=prev, hash=digest, **fields))  # type: ignore[arg-type]
        prev = digest
    return rows


def _kinds(rows: list[ChainRow], head: tuple[int, str] | None = None) -> list[tuple[str, int]]:
    full = _chain(5)
    head_seq, head_hash = head or (full[-1].seq, full[-1].hash)
    return [(p.kind, p.seq) for p in verify_rows(rows, head_seq=head_seq, head_hash=head_hash)[1]]


def test_intact_and_empty() -> None:
    assert _kinds(_chain(5)) == []
    assert verify_rows([], head_seq=0, head_hash=GENESIS_HASH) == (0, [])


def test_canonical_json_is_stable() -> None:
    assert canonical_json({"b": 1, "a": "张"}) == '{"a":"张","b":1}'
    assert canonical_json(None) is None


def test_each_tampering() -> None:
    rows = _chain(5)
    edited = [*rows[:2], replace(rows[2], after_json='{"b":"x"}'), *rows[3:]]
    assert _kinds(edited) == [("edited", 3)]
    assert _kinds([*rows[:1], *rows[3:]]) == [("deleted", 2)]  # #2 and #3 gone: named from the first
    assert _kinds(rows[:3]) == [("tail_deleted", 4)]
    assert _kinds(rows, head=(5, "f" * 64)) == [("head_mismatch", 5)]
    moved = [*rows[:2], replace(rows[2], ts=rows[2].ts + timedelta(microseconds=1)), *rows[3:]]
    assert _kinds(moved) == [("edited", 3)]  # even a microsecond counts
    relinked = [*rows[:3], replace(rows[3], prev_hash="e" * 64), rows[4]]
    assert ("out_of_chain", 4) in _kinds(relinked)
