"""Transaction detail (M6.3, M4.4, M12.5): settled sessions filtered by place, person, payment way and time,
with totals over everything that matched, and one session in full (its power curve, the live view, the
ledger posting, the flags)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from app.domain.errors import ConcurrentEdit, NotFound, ValidationError
from app.domain.permissions import Actor, Permission
from app.services import audit
from app.services.unit import Db, read, write
from db.models import ChargeSession, Pile, PortSample, Station
from db.models_billing import Settlement, Tariff, TariffVersion
from db.models_ledger import JournalTxn
from db.models_people import ChargingUser
from db.types import utcnow

WAYS = ("coin", "card", "qr", "free", "monthly")


@dataclass(frozen=True, slots=True)
class TxnFilter:
    start: datetime | None = None  # inclusive, by session start
    end: datetime | None = None  # exclusive
    station_id: uuid.UUID | None = None
    pile_id: uuid.UUID | None = None
    port_number: int | None = None
    user_id: uuid.UUID | None = None
    user_text: str = ""  # name or phone contains
    card_no: int | None = None
    ways: frozenset[str] = frozenset()  # empty: every way
    status: str | None = None  # settled | flagged | unpaid
    limit: int = 2000

    def check(self) -> TxnFilter:
        for t in (self.start, self.end):
            if t is not None and t.tzinfo is None:
                raise ValidationError("时间需带时区", "times need a time zone", field="period")
        if self.start and self.end and self.end <= self.start:
            raise ValidationError("结束时间须晚于开始时间", "the end must be after the start", field="period")
        if unknown := set(self.ways) - set(WAYS):
            raise ValidationError(f"未知的支付方式：{unknown}", f"unknown payment ways: {unknown}", field="ways")
        return self


@dataclass(frozen=True, slots=True)
class TxnRow:
    settlement_id: uuid.UUID
    version: int
    started_at: datetime
    ended_at: datetime
    station_code: str
    pile_code: str
    port_number: int
    way: str
    user_id: uuid.UUID | None
    user_name: str
    card_no: int | None
    minutes_used: int
    energy_wh: int
    amount_fen: int
    refund_fen: int
    net_fen: int
    status: str
    flags: tuple[str, ...]
    stop_reason: str


@dataclass(frozen=True, slots=True)
class WayTotal:
    sessions: int = 0
    energy_wh: int = 0
    net_fen: int = 0


@dataclass(frozen=True, slots=True)
class Totals:
    sessions: int = 0
    energy_wh: int = 0
    minutes: int = 0
    amount_fen: int = 0
    refund_fen: int = 0
    net_fen: int = 0
    by_way: dict[str, WayTotal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TxnPage:
    rows: tuple[TxnRow, ...]
    totals: Totals  # over every matching session, not only the rows shown
    truncated: bool


def filtered(q: Select, flt: TxnFilter) -> Select:  # type: ignore[type-arg]
    """``q`` (over Settlement) narrowed by the filter."""
    S = Settlement
    if flt.start is not None:
        q = q.where(S.started_at >= flt.start)
    if flt.end is not None:
        q = q.where(S.started_at < flt.end)
    if flt.station_id is not None:
        q = q.where(S.station_id == flt.station_id)
    if flt.pile_id is not None:
        q = q.where(S.pile_id == flt.pile_id)
    if flt.port_number is not None:
        q = q.where(S.port_number == flt.port_number)
    if flt.user_id is not None:
        q = q.where(S.user_id == flt.user_id)
    if flt.user_text.strip():
        like = f"%{flt.user_text.strip()}%"
        q = q.where(S.user_id.in_(select(ChargingUser.id).where(
            ChargingUser.name.like(like) | ChargingUser.phone.like(like))))  # fmt: skip
    if flt.card_no is not None:
        q = q.where(S.card_no == flt.card_no)
    if flt.ways:
        q = q.where(S.payment.in_(sorted(flt.ways)))
    if flt.status:
        q = q.where(S.status == flt.status)
    return q


def totals(s: Session, flt: TxnFilter) -> Totals:
    S = Settlement
    q = filtered(select(S.payment, func.count(), func.sum(S.energy_wh), func.sum(S.minutes_used),
                        func.sum(S.amount_fen), func.sum(S.refund_fen), func.sum(S.net_fen)), flt).group_by(S.payment)
    acc = [0] * 6
    by_way: dict[str, WayTotal] = {}
    for way, *vals in s.execute(q):
        nums = [int(v or 0) for v in vals]
        acc = [a + b for a, b in zip(acc, nums, strict=True)]
        by_way[way] = WayTotal(nums[0], nums[1], nums[5])
    return Totals(*acc, by_way=by_way)  # type: ignore[arg-type]


def _rows(s: Session, flt: TxnFilter, limit: int | None, only: uuid.UUID | None = None) -> list[TxnRow]:
    S = Settlement
    q = filtered(select(S, Station.code, Pile.code, ChargingUser.name)
                 .join(Station, Station.id == S.station_id).join(Pile, Pile.id == S.pile_id)
                 .outerjoin(ChargingUser, ChargingUser.id == S.user_id), flt).order_by(S.started_at.desc(), S.seq)
    if only is not None:
        q = q.where(S.id == only)
    if limit is not None:
        q = q.limit(limit)
    return [TxnRow(r.id, r.version, r.started_at, r.ended_at, station, pile, r.port_number, r.payment, r.user_id,
                   name or "", r.card_no, r.minutes_used, r.energy_wh, r.amount_fen, r.refund_fen, r.net_fen, r.status,
                   tuple(f["code"] for f in json.loads(r.flags or "[]")), r.stop_reason)
            for r, station, pile, name in s.execute(q)]  # fmt: skip


def search(actor: Actor, db: Db, flt: TxnFilter) -> TxnPage:
    flt.check()
    with read(db, actor, Permission.VIEW_REPORTS) as s:
        rows = _rows(s, flt, flt.limit + 1)
        return TxnPage(tuple(rows[:flt.limit]), totals(s, flt), len(rows) > flt.limit)


def all_rows(actor: Actor, db: Db, flt: TxnFilter) -> list[TxnRow]:
    """Every matching row (for exports), newest first."""
    flt.check()
    with read(db, actor, Permission.VIEW_REPORTS) as s:
        return _rows(s, flt, None)


@dataclass(frozen=True, slots=True)
class SessionDetail:
    row: TxnRow
    flags: tuple[dict[str, str], ...]
    curve: tuple[tuple[datetime, int, int], ...]  # (ts, power W, energy Wh) from the port's samples
    live: tuple[datetime, datetime | None, int, str] | None  # started, ended, energy, payment as seen live
    tariff: str | None  # "EB-STD v2"
    txn: tuple[uuid.UUID, str, int] | None  # journal posting: id, reference, amount
    minutes_bought: int
    peak_power_w: int
    tier: int
    seq: int
    reviewed: str | None


def session_detail(actor: Actor, db: Db, settlement_id: uuid.UUID) -> SessionDetail:
    with read(db, actor, Permission.VIEW_REPORTS) as s:
        st = s.get(Settlement, settlement_id)
        if st is None:
            raise NotFound("交易", "transaction", settlement_id)
        row = _rows(s, TxnFilter(), None, only=st.id)[0]
        curve: tuple[tuple[datetime, int, int], ...] = ()
        if st.port_id is not None:
            curve = tuple((p.ts, p.power_w, p.energy_wh) for p in s.execute(
                select(PortSample.ts, PortSample.power_w, PortSample.energy_wh)
                .where(PortSample.port_id == st.port_id, PortSample.ts >= st.started_at, PortSample.ts <= st.ended_at)
                .order_by(PortSample.ts)))  # fmt: skip
        live = None
        if st.session_id is not None and (cs := s.get(ChargeSession, st.session_id)) is not None:
            live = (cs.started_at, cs.ended_at, cs.energy_wh, cs.payment)
        tariff = None
        if st.tariff_version_id is not None:
            tv = aliased(TariffVersion)
            got = s.execute(select(Tariff.code, tv.number).join(tv, tv.tariff_id == Tariff.id)
                            .where(tv.id == st.tariff_version_id)).first()  # fmt: skip
            tariff = f"{got[0]} v{got[1]}" if got else None
        txn = None
        if st.txn_id is not None and (j := s.get(JournalTxn, st.txn_id)) is not None:
            txn = (j.id, j.reference, j.amount_fen)
        reviewed = f"{st.reviewed_by}: {st.review_note or ''}" if st.reviewed_by else None
        return SessionDetail(row, tuple(json.loads(st.flags or "[]")), curve, live, tariff, txn, st.minutes_bought,
                             st.peak_power_w, st.tier, st.seq, reviewed)  # fmt: skip


def review(actor: Actor, db: Db, settlement_id: uuid.UUID, *, note: str, expected_version: int) -> None:
    """Finance has looked at a flagged or unpaid session: who, when, what they concluded (audited). The
    settlement's money and flags stay as they are; a correction is a separate ledger adjustment."""
    if not note.strip():
        raise ValidationError("请填写核对结论", "write down what was found", field="note")
    with write(db, actor, Permission.VIEW_LEDGER) as s:
        st = s.get(Settlement, settlement_id)
        if st is None:
            raise NotFound("交易", "transaction", settlement_id)
        if st.version != expected_version:
            raise ConcurrentEdit("交易", "transaction")
        before = {"reviewed_by": st.reviewed_by, "review_note": st.review_note}
        st.reviewed_by, st.reviewed_at, st.review_note = actor.login, utcnow(), note.strip()[:2000]
        s.flush()
        audit.append(s, actor, "settlement.reviewed", "settlement", st.id, before=before,
                     after={"reviewed_by": actor.login, "review_note": st.review_note, "status": st.status})
