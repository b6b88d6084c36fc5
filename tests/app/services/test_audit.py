"""The audit trail: written with each action, queried, exported, and tampering found and named."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update

from app.cli import main
from app.domain.audit_chain import record_hash
from app.domain.permissions import Role
from app.domain.residents import UserDraft
from app.services import audit, users, wallets
from app.services.audit import AuditFilter, verify_chain
from db.models_audit import AuditHead, AuditRecord
from db.types import utcnow
from tests.app.services.conftest import Desk


def _some_actions(desk: Desk) -> None:
    uid = desk.user("张三", phone="13800138000")
    desk.fund(uid, 5000)
    wallets.charge(desk.by_role[Role.CARD_ADMIN], desk.db, user_id=uid, amount_fen=300, idempotency_key="c1")
    info = users.get_user(desk.base, desk.db, uid)
    users.edit_user(desk.base, desk.db, uid, UserDraft(name="张三丰", phone="13800138000"),
                    expected_version=info.version)  # fmt: skip


def _seq_of(desk: Desk, action: str) -> int:
    with desk.db() as s:
        return int(s.scalar(select(AuditRecord.seq).where(AuditRecord.action == action)) or 0)


def _verify(desk: Desk) -> list[tuple[str, int]]:
    return [(p.kind, p.seq) for p in verify_chain(desk.db).problems]


def test_actions_are_recorded_with_before_and_after(desk: Desk) -> None:
    _some_actions(desk)
    fin = desk.by_role[Role.FINANCE_ADMIN]
    entries = audit.query_audit(fin, desk.db)
    assert [e.seq for e in entries] == sorted((e.seq for e in entries), reverse=True)  # newest first
    edit = next(e for e in entries if e.action == "user.edit")
    assert edit.actor_login == "boss" and edit.object_type == "charging_user"
    assert edit.before["name"] == "张三" and edit.after["name"] == "张三丰"
    charge = next(e for e in entries if e.action == "wallet.charge")
    assert (charge.before["balance_fen"], charge.after["balance_fen"]) == (5000, 4700)
    assert charge.after["idempotency_key"] == "c1" and charge.actor_login == "card"
    assert abs(charge.ts - utcnow()) < timedelta(minutes=1) and charge.ts.tzinfo is not None
    report = verify_chain(desk.db)
    assert report.ok and report.records == report.head_seq == len(entries)


def test_filters(desk: Desk) -> None:
    _some_actions(desk)
    fin = desk.by_role[Role.FINANCE_ADMIN]
    money = audit.query_audit(fin, desk.db, AuditFilter(action="wallet."))
    assert {e.action for e in money} == {"wallet.topup", "wallet.charge"}
    assert {e.action for e in audit.query_audit(fin, desk.db, AuditFilter(actor_login="card"))} == {
        "wallet.topup", "wallet.charge"}
    uid = money[0].object_id
    per_user = audit.query_audit(fin, desk.db, AuditFilter(object_type="charging_user", object_id=uid))
    assert {e.action for e in per_user} == {"user.register", "wallet.topup", "wallet.charge", "user.edit"}
    assert audit.query_audit(fin, desk.db, AuditFilter(since=utcnow() + timedelta(hours=1))) == []
    assert audit.query_audit(fin, desk.db, AuditFilter(until=utcnow() - timedelta(hours=1))) == []
    assert len(audit.query_audit(fin, desk.db, AuditFilter(limit=2))) == 2
    assert audit.query_audit(fin, desk.db, AuditFilter(action="wallet")) == []  # exact unless it ends in "."


def test_csv_export(desk: Desk) -> None:
    _some_actions(desk)
    out = io.StringIO()
    n = audit.export_audit_csv(desk.by_role[Role.SYSTEM_ADMIN], desk.db, out, AuditFilter(action="user.", limit=None))
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(audit.CSV_COLUMNS)
    assert n == len(rows) - 1 == 2
    assert [r[3] for r in rows[1:]] == ["user.register", "user.edit"]  # oldest first
    assert "张三丰" in rows[2][7]


def test_edited_record_is_named(desk: Desk) -> None:
    _some_actions(desk)
    seq = _seq_of(desk, "wallet.charge")
    with desk.db.begin() as s:  # a "fix" straight in SQL: balance after the charge made bigger
        s.execute(update(AuditRecord).where(AuditRecord.seq == seq)
                  .values(after_json=func.replace(AuditRecord.after_json, "4700", "9700")))  # fmt: skip
    assert _verify(desk) == [("edited", seq)]
    problem = verify_chain(desk.db).problems[0]
    assert f"#{seq}" in problem.zh and f"#{seq}" in problem.en and "edited" in problem.en


def test_rewritten_record_with_recomputed_hash_breaks_the_next_link(desk: Desk) -> None:
    _some_actions(desk)
    seq = _seq_of(desk, "wallet.charge")
    with desk.db.begin() as s:
        r = s.scalars(select(AuditRecord).where(AuditRecord.seq == seq)).one()
        r.actor_login = "someone_else"
        r.hash = record_hash(r.prev_hash, seq=r.seq, ts=r.ts, actor_id=str(r.actor_id), actor_login=r.actor_login,
                             action=r.action, object_type=r.object_type, object_id=r.object_id,
                             before_json=r.before_json, after_json=r.after_json)  # fmt: skip
    assert _verify(desk) == [("out_of_chain", seq + 1)]


def test_deleted_record_is_named(desk: Desk) -> None:
    _some_actions(desk)
    seq = _seq_of(desk, "wallet.charge")
    with desk.db.begin() as s:
        s.execute(delete(AuditRecord).where(AuditRecord.seq == seq))
    assert _verify(desk) == [("deleted", seq)]
    assert f"#{seq}" in str(verify_chain(desk.db).problems[0])


def test_deleted_newest_records_are_named(desk: Desk) -> None:
    _some_actions(desk)
    head = verify_chain(desk.db).head_seq
    with desk.db.begin() as s:
        s.execute(delete(AuditRecord).where(AuditRecord.seq >= head - 1))
    assert _verify(desk) == [("tail_deleted", head - 1)]


def test_record_inserted_out_of_chain_is_named(desk: Desk) -> None:
    _some_actions(desk)
    with desk.db.begin() as s:
        last = s.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
        forged = {"seq": last.seq + 1, "ts": utcnow(), "actor_id": None, "actor_login": "ghost",
                  "action": "wallet.topup", "object_type": "charging_user", "object_id": last.object_id,
                  "before_json": None,
                  "after_json": '{"balance_fen":999999}'}  # fmt: skip
        s.add(AuditRecord(**forged, prev_hash="f" * 64, hash=record_hash("f" * 64, **forged)))
    problems = _verify(desk)
    assert ("out_of_chain", last.seq + 1) in problems  # it names the forged record
    assert ("head_mismatch", last.seq + 1) in problems  # and the head never heard of it


def test_cli_verify(desk: Desk, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _some_actions(desk)
    assert main(["audit", "verify", "--db", db_url]) == 0
    assert "intact" in capsys.readouterr().out
    seq = _seq_of(desk, "user.edit")
    with desk.db.begin() as s:
        s.execute(text("UPDATE audit_record SET after_json = :j WHERE seq = :seq"), {"j": '{"name":"x"}', "seq": seq})
    assert main(["audit", "verify", "--db", db_url]) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out and f"#{seq}" in out and "edited" in out


def test_a_failed_action_leaves_no_audit_record(desk: Desk) -> None:
    uid = desk.user()
    with desk.db() as s:
        head = s.scalar(select(AuditHead.last_seq))
    with pytest.raises(Exception, match="insufficient"):
        wallets.charge(desk.by_role[Role.CARD_ADMIN], desk.db, user_id=uid, amount_fen=100, idempotency_key="x")
    with desk.db() as s:
        assert s.scalar(select(AuditHead.last_seq)) == head
    assert verify_chain(desk.db).ok
