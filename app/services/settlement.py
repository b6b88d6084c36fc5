"""Settlement of charging sessions (M6.2): every pile record settled once, into the ledger.

Where it runs: ``settlement_worker.SettlementWorker`` calls ``settle_pending`` on its own thread when the
engine reports stored records, and every minute as a sweep (which also catches records stored while no
worker ran). The engine never waits for it: the record is committed and acknowledged to the pile first,
and the money is worked out afterwards — a slow wallet lock or a settlement bug can never stop records
from being stored.

Idempotent by the pile's record: ``settlement`` has UNIQUE (pile_id, seq) and each posting the journal's
UNIQUE idempotency key ``settle:<pile>:<seq>``. Two workers (two desks) racing for the same records: one
commits, the other hits the constraint, rolls back and re-reads what is still pending.

Lock discipline (the same global order as ``wallets``: ledger accounts in id order, audit head last):
a QR session, which charges a wallet, is posted in a transaction of its own, exactly like a desk posting;
coin, card and zero-amount sessions touch only system accounts and go in batches, their account deltas
summed and applied once per batch in id order — fast, and no lock cycle with a desk is possible.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.journal import REVENUE, SYSTEM_ACCOUNTS, TxnKind, fingerprint, wallet_code
from app.domain.permissions import Actor
from app.domain.settlement import (
    SETTLEMENT_ACCOUNTS,
    Flag,
    LiveSide,
    RecordSide,
    Status,
    disagreements,
    legs_for_session,
    tariff_flag,
    way_of,
)
from app.domain.tariffs import PolicyKind
from app.services import audit
from app.services.ledger_setup import ensure_ledger_accounts
from app.services.tariffs import TariffBook
from app.services.unit import Db, transaction
from db.models import ChargeSession, OfflineRecord, Pile, Port
from db.models_billing import ChargeOrder, Settlement
from db.models_ledger import JournalEntry, JournalTxn, LedgerAccount
from db.models_people import ChargingUser, StaffAccount
from db.types import utcnow

log = logging.getLogger(__name__)
SYSTEM_LOGIN = "@settlement"  # a login no person can have (they start with a letter or digit)
_A: Table = LedgerAccount.__table__  # type: ignore[assignment]
_ADD = (update(_A).where(_A.c.id == bindparam("aid"),
                         or_(_A.c.kind != "wallet", _A.c.balance_fen + bindparam("delta") >= 0))
        .values(balance_fen=_A.c.balance_fen + bindparam("delta")).returning(_A.c.balance_fen))  # fmt: skip


@dataclass
class SettleSummary:
    settled: int = 0
    flagged: int = 0
    unpaid: int = 0
    zero: int = 0
    posted_fen: int = 0
    retries: int = 0
    ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.settled + self.flagged + self.unpaid

    def add(self, other: SettleSummary) -> None:
        for f in ("settled", "flagged", "unpaid", "zero", "posted_fen", "retries"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.ids += other.ids


def system_actor(db: Db) -> Actor:
    """The account settlements are posted under; made once (inactive, no usable password), audited."""
    with db() as s:
        aid = s.scalar(select(StaffAccount.id).where(StaffAccount.login == SYSTEM_LOGIN))
    if aid is None:
        try:
            with transaction(db) as s:
                a = StaffAccount(login=SYSTEM_LOGIN, display_name="自动结算 / settlement", password_hash="!",
                                 active=False)  # fmt: skip
                s.add(a)
                s.flush()
                aid = a.id
                audit.append(s, None, "account.system_created", "staff_account", a.id, actor_login=SYSTEM_LOGIN,
                             after={"login": SYSTEM_LOGIN, "purpose": "settlement postings"})  # fmt: skip
        except IntegrityError:  # another desk made it first
            return system_actor(db)
    return Actor(aid, SYSTEM_LOGIN, frozenset())


def ensure_accounts(s: Session) -> None:
    ensure_ledger_accounts(s, (*SYSTEM_ACCOUNTS, *SETTLEMENT_ACCOUNTS))


def pending_ids(s: Session, limit: int, *, received_before: datetime | None = None) -> list[uuid.UUID]:
    q = (select(OfflineRecord.id).outerjoin(Settlement, Settlement.record_id == OfflineRecord.id)
         .where(Settlement.id.is_(None)).order_by(OfflineRecord.received_at, OfflineRecord.seq)
         .limit(limit))  # fmt: skip
    if received_before is not None:
        q = q.where(OfflineRecord.received_at < received_before)
    return list(s.scalars(q))


def settle_pending(db: Db, *, batch: int = 200, max_batches: int | None = None,
                   grace_s: float = 0.0) -> SettleSummary:
    """Settle every record not settled yet, oldest first; returns what was done.

    ``grace_s``: leave records younger than this for the next run. The engine writes the live view of a
    session (start, end, energy) in batches every few seconds, while a record is stored at once; the
    grace lets the live view land first so the two can be compared."""
    actor = system_actor(db)
    with transaction(db) as s:
        ensure_accounts(s)
    total = SettleSummary()
    done = 0
    while max_batches is None or done < max_batches:
        with db() as s:
            ids = pending_ids(s, batch, received_before=utcnow() - timedelta(seconds=grace_s) if grace_s else None)
        if not ids:
            break
        total.add(settle_records(db, actor, ids))
        done += 1
    return total


def settle_records(db: Db, actor: Actor, record_ids: list[uuid.UUID], *, attempts: int = 3) -> SettleSummary:
    """Settle these records (those already settled are skipped). Retries when another worker raced us."""
    for attempt in range(attempts):
        try:
            return _settle(db, actor, record_ids)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            log.info("settlement raced with another worker; re-reading what is still pending")
    raise AssertionError("unreachable")


@dataclass
class _Work:
    rec: OfflineRecord
    station_id: uuid.UUID
    pile_code: str
    port_id: uuid.UUID | None
    way: str
    net: int
    flags: list[Flag]
    user_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    tariff_version_id: uuid.UUID | None = None


def _settle(db: Db, actor: Actor, record_ids: list[uuid.UUID]) -> SettleSummary:
    summary = SettleSummary()
    with db() as s:
        work = _prepare(s, record_ids)
    qr = [w for w in work if w.way == "qr" and w.net > 0 and w.user_id is not None]
    rest = [w for w in work if w not in qr]
    for w in qr:  # each like a desk posting: its own transaction
        with transaction(db) as s:
            if s.scalar(select(Settlement.id).where(Settlement.record_id == w.rec.id)) is None:
                _book(s, actor, [w], summary)
    if rest:
        with transaction(db) as s:
            done = set(s.scalars(select(Settlement.record_id)
                                 .where(Settlement.record_id.in_([w.rec.id for w in rest]))))  # fmt: skip
            _book(s, actor, [w for w in rest if w.rec.id not in done], summary)
    return summary


def _prepare(s: Session, record_ids: list[uuid.UUID]) -> list[_Work]:
    """Read everything a batch needs in a few queries, and decide each record's way, payer and flags."""
    recs = list(s.scalars(select(OfflineRecord).where(OfflineRecord.id.in_(record_ids))
                          .order_by(OfflineRecord.received_at, OfflineRecord.seq)))  # fmt: skip
    if not recs:
        return []
    pile_ids = {r.pile_id for r in recs}
    piles = {p.id: p for p in s.execute(select(Pile.id, Pile.station_id, Pile.code).where(Pile.id.in_(pile_ids)))}
    ports = {(p.pile_id, p.number): p.id for p in s.execute(
        select(Port.id, Port.pile_id, Port.number).where(Port.pile_id.in_(pile_ids)))}  # fmt: skip
    keys = [(ports.get((r.pile_id, r.port_number)), r.session_id) for r in recs]
    live = {(x.port_id, x.pile_session_id): x for x in s.scalars(select(ChargeSession).where(
        tuple_(ChargeSession.port_id, ChargeSession.pile_session_id).in_([k for k in keys if k[0] is not None])))}
    orders = {(o.pile_id, o.port_number, o.pile_session_id): o.user_id for o in s.scalars(select(ChargeOrder).where(
        ChargeOrder.pile_id.in_(pile_ids), ChargeOrder.status == "started",
        ChargeOrder.pile_session_id.in_([r.session_id for r in recs])))}  # fmt: skip
    cards = {str(r.card_no) for r in recs if r.card_no}
    holders = {u.card_no: (u.id, u.group_id) for u in s.execute(
        select(ChargingUser.id, ChargingUser.card_no, ChargingUser.group_id).where(ChargingUser.card_no.in_(cards)))}
    groups = dict(s.execute(select(ChargingUser.id, ChargingUser.group_id).where(
        ChargingUser.id.in_(set(orders.values())))).all()) if orders else {}  # fmt: skip
    book = TariffBook(s)
    out = []
    for r, (port_id, _sid) in zip(recs, keys, strict=True):
        pile = piles[r.pile_id]
        way = way_of(r.payment)
        ls = live.get((port_id, r.session_id))
        side = RecordSide(r.payment, r.energy_wh, r.start_time, r.end_time, r.amount_fen, r.refund_fen)
        flags = disagreements(side, None if ls is None else LiveSide(ls.payment, ls.energy_wh, ls.started_at,
                                                                      ls.ended_at))  # fmt: skip
        if port_id is None:
            flags.append(Flag("port", "记录的端口不存在", "the record's port does not exist",
                              record=str(r.port_number)))
        user_id, group_id = None, None
        if way == "qr":
            user_id = orders.get((r.pile_id, r.port_number, r.session_id))
            group_id = groups.get(user_id) if user_id else None
            if user_id is None and r.amount_fen - r.refund_fen > 0:
                flags.append(Flag("payer", "扫码充电找不到付款用户", "no paying user for this app/QR session"))
        elif r.card_no:
            user_id, group_id = holders.get(str(r.card_no), (None, None))
        priced = book.price_for(station_id=pile.station_id, pile_id=r.pile_id, group_id=group_id, at=r.start_time)
        if priced is not None and way in ("coin", "card") and r.tier >= 1:
            p = priced.policy
            if p.kind is PolicyKind.POWER_TIERED and r.tier <= len(p.bands):
                expected = min(p.max_session_min, r.amount_fen * p.bands[r.tier - 1].min_per_yuan // 100)
                flag = tariff_flag(expected, r.minutes_bought, priced.tariff_code)
                if flag is not None:
                    flags.append(flag)
        out.append(_Work(r, pile.station_id, pile.code, port_id, way, max(0, r.amount_fen - r.refund_fen), flags,
                         user_id, ls.id if ls else None, priced.version_id if priced else None))  # fmt: skip
    return out


class _Insufficient(Exception):
    pass


def _book(s: Session, actor: Actor, work: list[_Work], summary: SettleSummary) -> None:
    """Insert the settlements and post their money, in the caller's transaction."""
    if not work:
        return
    now = utcnow()
    txns: list[dict[str, object]] = []
    legs_by_txn: list[tuple[uuid.UUID, list[tuple[str, int]]]] = []
    rows: list[dict[str, object]] = []
    audit_items: list[dict[str, object]] = []
    wallet_codes = {wallet_code(w.user_id) for w in work if w.way == "qr" and w.user_id}
    accounts = {a.code: a for a in s.execute(select(_A.c.id, _A.c.code, _A.c.normal_sign, _A.c.kind).where(
        _A.c.code.in_(wallet_codes | {REVENUE.code} | {a.code for a in SETTLEMENT_ACCOUNTS})))}  # fmt: skip
    for w in work:
        r = w.rec
        flags = list(w.flags)
        status = Status.FLAGGED if flags else Status.SETTLED
        wallet = wallet_code(w.user_id) if w.way == "qr" and w.user_id else None
        legs = [] if w.way == "qr" and wallet is None else legs_for_session(w.way, w.net, wallet)
        txn_id: uuid.UUID | None = None
        if legs:
            txn_id = uuid.uuid4()
            key = f"settle:{r.pile_id}:{r.seq}"
            ref = f"{w.pile_code}#{r.port_number} seq {r.seq}"
            txn = {"id": txn_id, "idempotency_key": key, "kind": TxnKind.CHARGE.value, "method": None,
                   "fingerprint": fingerprint(kind="settle", key=key, amount=w.net), "amount_fen": w.net,
                   "reference": ref[:128], "receipt_no": None, "actor_id": actor.account_id, "posted_at": now,
                   "memo": f"{w.way}: paid {r.amount_fen}, refunded {r.refund_fen}"}  # fmt: skip
            pair = (txn_id, [(leg.account, leg.amount_fen) for leg in legs])
            if wallet is not None:  # alone in its transaction (see _settle): post now, or not at all
                try:
                    with s.begin_nested():
                        _post(s, accounts, [txn], [pair], now)
                except _Insufficient:
                    flags.append(Flag("funds", "钱包余额不足，未扣款", "the wallet could not pay; nothing charged"))
                    status, txn_id = Status.UNPAID, None
            else:
                txns.append(txn)
                legs_by_txn.append(pair)
            if txn_id is not None:
                summary.posted_fen += w.net
        sid = uuid.uuid4()
        rows.append({
            "id": sid, "version": 1, "created_at": now, "updated_at": now, "record_id": r.id, "pile_id": r.pile_id,
            "seq": r.seq, "station_id": w.station_id, "port_id": w.port_id, "port_number": r.port_number,
            "session_id": w.session_id, "pile_session_id": r.session_id, "payment": w.way, "user_id": w.user_id,
            "card_no": r.card_no, "started_at": r.start_time, "ended_at": r.end_time,
            "minutes_bought": r.minutes_bought, "minutes_used": r.minutes_used, "energy_wh": r.energy_wh,
            "peak_power_w": r.peak_power_w, "tier": r.tier, "stop_reason": r.stop_reason,
            "amount_fen": r.amount_fen, "refund_fen": r.refund_fen, "net_fen": w.net,
            "tariff_version_id": w.tariff_version_id, "txn_id": txn_id, "status": status,
            "flags": json.dumps([f.as_dict() for f in flags], ensure_ascii=False), "settled_at": now,
        })  # fmt: skip
        summary.ids.append(sid)
        if status == Status.UNPAID:
            summary.unpaid += 1
        elif status == Status.FLAGGED:
            summary.flagged += 1
        else:
            summary.settled += 1
        summary.zero += 0 if txn_id else 1
        if txn_id or flags:
            audit_items.append({"settlement": str(sid), "pile": w.pile_code, "seq": r.seq, "way": w.way,
                                "net_fen": w.net if txn_id else 0, "status": status,
                                "flags": [f.code for f in flags]})  # fmt: skip
    if txns:
        _post(s, accounts, txns, legs_by_txn, now)
    s.execute(insert(Settlement.__table__), rows)
    if audit_items:
        target = audit_items[0]["settlement"] if len(audit_items) == 1 else f"batch of {len(audit_items)}"
        audit.append(s, actor, "settlement.settled", "settlement", target, after={"items": audit_items})


def _post(s: Session, accounts: dict[str, Any], txns: list[dict[str, object]],
          legs_by_txn: list[tuple[uuid.UUID, list[tuple[str, int]]]], now: datetime) -> None:
    """Journal rows and entries with running balances; each account's cached balance moved once, in id order
    (the global lock order). A wallet that would go below zero raises _Insufficient."""
    s.execute(insert(JournalTxn.__table__), txns)
    deltas: dict[str, int] = defaultdict(int)
    for _txn, legs in legs_by_txn:
        for code, amount in legs:
            deltas[code] += amount
    final: dict[str, int] = {}
    for code in sorted(deltas, key=lambda c: accounts[c].id):
        acc = accounts[code]
        new = s.execute(_ADD, {"aid": acc.id, "delta": acc.normal_sign * deltas[code]}).scalar_one_or_none()
        if new is None:
            raise _Insufficient(code)
        final[code] = int(new)
    running = {code: final[code] - accounts[code].normal_sign * deltas[code] for code in deltas}
    entries = []
    for txn_id, legs in legs_by_txn:
        for code, amount in legs:
            running[code] += accounts[code].normal_sign * amount
            entries.append({"txn_id": txn_id, "account_id": accounts[code].id, "amount_fen": amount,
                            "balance_after_fen": running[code], "posted_at": now})  # fmt: skip
    s.execute(insert(JournalEntry.__table__), entries)
