"""What the monthly billing report says, collected in one read-only session (the report's SQL part).

Revenue, energy and sessions come from the settlements (one row per pile record, dated by the session's
start in the station's time zone); top-ups and refunds from the ledger (dated by posting); losses compare
the piles' own meters (``meter_day``) with the energy the sessions sold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.domain.journal import TxnKind
from app.services.statistics import Statistics, fold, hour_rows
from app.services.transactions import TxnFilter, filtered
from db.models import Operator, Pile, Station
from db.models_billing import MeterDay, Settlement
from db.models_ledger import JournalTxn
from db.models_people import ChargingUser


@dataclass(frozen=True, slots=True)
class PileLine:
    code: str
    sessions: int
    energy_wh: int
    minutes: int
    net_fen: int


@dataclass(frozen=True, slots=True)
class UserLine:
    name: str
    address: str
    sessions: int
    energy_wh: int
    net_fen: int


@dataclass(frozen=True, slots=True)
class MeterLine:
    code: str
    metered_wh: int
    sold_wh: int

    @property
    def loss_wh(self) -> int:
        return self.metered_wh - self.sold_wh

    @property
    def loss_share(self) -> float:
        return self.loss_wh / self.metered_wh if self.metered_wh else 0.0


@dataclass(frozen=True, slots=True)
class MoneyLine:
    method: str  # cash | wechat | alipay | bank
    count: int
    amount_fen: int


@dataclass
class MonthlyData:
    month: date  # first day
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    tz: str
    operator: str
    station: tuple[str, str] | None  # (code, name); None: the whole operator
    stats: Statistics
    by_pile: list[PileLine] = field(default_factory=list)
    top_users: list[UserLine] = field(default_factory=list)
    meters: list[MeterLine] = field(default_factory=list)
    card_holders: dict[str, int] = field(default_factory=dict)  # way → distinct cards/users (monthly, free)
    topups: list[MoneyLine] = field(default_factory=list)
    refunds: list[MoneyLine] = field(default_factory=list)
    settled_in_ledger_fen: int = 0  # what the settlements posted to the ledger this month
    flagged: int = 0
    unpaid: int = 0
    unpaid_fen: int = 0
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def metered_wh(self) -> int:
        return sum(m.metered_wh for m in self.meters)

    @property
    def sold_wh(self) -> int:
        return sum(m.sold_wh for m in self.meters)


def month_bounds(month: str | date, tz: str) -> tuple[date, datetime, datetime]:
    """"2026-10" → (2026-10-01, its first instant, the next month's first instant), in ``tz``, as UTC."""
    if isinstance(month, str):
        try:
            y, m = (int(x) for x in month.strip().split("-"))
            first = date(y, m, 1)
        except ValueError as exc:
            raise ValidationError(f"月份格式应为 YYYY-MM：{month}", f"the month is YYYY-MM: {month}",
                                  field="month") from exc  # fmt: skip
    else:
        first = month.replace(day=1)
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = ZoneInfo(tz)
    return (first, datetime(first.year, first.month, 1, tzinfo=zone).astimezone(UTC),
            datetime(nxt.year, nxt.month, 1, tzinfo=zone).astimezone(UTC))


def collect(s: Session, month: str | date, *, station_code: str | None = None, tz: str | None = None,
            top: int = 10) -> MonthlyData:
    station: Station | None = None
    if station_code:
        station = s.scalar(select(Station).where(Station.code == station_code))
        if station is None:
            raise NotFound("小区", "station", station_code)
    zone_name = tz or (station.timezone if station else "Asia/Shanghai")
    first, start, end = month_bounds(month, zone_name)
    flt = TxnFilter(start=start, end=end, station_id=station.id if station else None)
    stats = fold(hour_rows(s, flt), start, end, ZoneInfo(zone_name))
    stats.station_names = {sid: f"{c} {n}" for sid, c, n in s.execute(select(Station.id, Station.code, Station.name))}
    op = s.scalar(select(Operator.name).order_by(Operator.code).limit(1)) or "ChargeDesk"
    data = MonthlyData(first, start, end, zone_name, op, (station.code, station.name) if station else None, stats)
    S = Settlement
    data.by_pile = [PileLine(code, int(n), int(e or 0), int(m or 0), int(net or 0)) for code, n, e, m, net in s.execute(
        filtered(select(Pile.code, func.count(), func.sum(S.energy_wh), func.sum(S.minutes_used), func.sum(S.net_fen))
                 .join(Pile, Pile.id == S.pile_id), flt).group_by(Pile.code).order_by(Pile.code))]  # fmt: skip
    users = (filtered(select(S.user_id, func.count(), func.sum(S.energy_wh), func.sum(S.net_fen)), flt)
             .where(S.user_id.is_not(None)).group_by(S.user_id)
             .order_by(func.sum(S.net_fen).desc(), func.count().desc()).limit(top)).subquery()  # fmt: skip
    data.top_users = [UserLine(name, "-".join(x for x in (b, u, r) if x), int(n), int(e or 0), int(net or 0))
                      for name, b, u, r, n, e, net in s.execute(
        select(ChargingUser.name, ChargingUser.building, ChargingUser.unit, ChargingUser.room, *users.c[1:])
        .join(users, users.c.user_id == ChargingUser.id).order_by(users.c[3].desc(), users.c[1].desc()))]  # fmt: skip
    data.meters = _meters(s, data, flt, station.id if station else None)
    holders = filtered(select(func.count(func.distinct(S.card_no))), flt).where(S.payment == "monthly")
    data.card_holders["monthly"] = int(s.scalar(holders) or 0)  # free charging is anonymous: no count
    data.topups, data.refunds = _ledger(s, start, end, station is None)
    posted = filtered(select(func.coalesce(func.sum(S.net_fen), 0)), flt).where(S.txn_id.is_not(None))
    data.settled_in_ledger_fen = int(s.scalar(posted) or 0)
    for status, n, fen in s.execute(filtered(select(S.status, func.count(), func.sum(S.net_fen)), flt)
                                    .where(S.status != "settled").group_by(S.status)):  # fmt: skip
        if status == "flagged":
            data.flagged = int(n)
        elif status == "unpaid":
            data.unpaid, data.unpaid_fen = int(n), int(fen or 0)
    return data


def _meters(s: Session, data: MonthlyData, flt: TxnFilter, station_id: uuid.UUID | None) -> list[MeterLine]:
    """Per pile: what its meter counted over the month's days vs what its sessions sold."""
    first, last = data.month, (data.end.astimezone(ZoneInfo(data.tz)) - timedelta(microseconds=1)).date()
    q = (select(Pile.code, MeterDay.day, MeterDay.first_wh, MeterDay.last_wh).join(Pile, Pile.id == MeterDay.pile_id)
         .where(MeterDay.day >= first - timedelta(days=1), MeterDay.day <= last).order_by(Pile.code, MeterDay.day))
    if station_id is not None:
        q = q.where(Pile.station_id == station_id)
    metered: dict[str, int] = {}
    prev_last: dict[str, int] = {}
    for code, day, first_wh, last_wh in s.execute(q):
        if day >= first:  # a day's energy: from the previous day's last reading if there is one
            metered[code] = metered.get(code, 0) + max(0, last_wh - prev_last.get(code, first_wh))
        prev_last[code] = last_wh
    sold = {p.code: p.energy_wh for p in data.by_pile}
    return [MeterLine(code, metered.get(code, 0), sold.get(code, 0)) for code in sorted(set(metered) | set(sold))]


def _ledger(s: Session, start: datetime, end: datetime, operator_wide: bool) -> tuple[list[MoneyLine], list[MoneyLine]]:
    """Top-ups and refunds at the desk in the month, by payment method (the operator's, not a station's)."""
    if not operator_wide:
        return [], []
    out: dict[str, list[MoneyLine]] = {TxnKind.TOPUP.value: [], TxnKind.REFUND.value: []}
    q = (select(JournalTxn.kind, JournalTxn.method, func.count(), func.sum(JournalTxn.amount_fen))
         .where(JournalTxn.posted_at >= start, JournalTxn.posted_at < end,
                JournalTxn.kind.in_([TxnKind.TOPUP.value, TxnKind.REFUND.value]))
         .group_by(JournalTxn.kind, JournalTxn.method).order_by(JournalTxn.kind, JournalTxn.method))  # fmt: skip
    for kind, method, n, fen in s.execute(q):
        out[kind].append(MoneyLine(method or "", int(n), int(fen or 0)))
    return out[TxnKind.TOPUP.value], out[TxnKind.REFUND.value]
