"""The daily close (日结): what the books say the day brought in, against what was counted, and everything
that does not add up, listed — then the close is recorded (once per day, audited).

* cash: the drawer's ledger movements of the day (cash top-ups in, cash refunds out) vs the cash counted;
* coins: coin revenue of the sessions that started that day vs the coins collected from the boxes (optional);
* energy, per station: the piles' own meters vs the energy the day's sessions sold (losses);
* discrepancies: the two differences, flagged and unpaid sessions, records not yet settled, sessions the
  console saw end with no pile record after an hour, and stations whose losses are out of the usual band.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import Conflict
from app.domain.journal import CASH
from app.domain.money import format_money
from app.domain.permissions import Actor, Permission
from app.services import audit
from app.services.unit import Db, read, write
from db.models import ChargeSession, OfflineRecord, Pile, Port, Station
from db.models_billing import DailyClose, MeterDay, Settlement
from db.models_ledger import JournalEntry, LedgerAccount

LOSS_BAND = (-0.02, 0.10)  # sold may exceed metered by rounding only; >10 % lost is worth a look
RECORD_WAIT = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class StationEnergy:
    code: str
    name: str
    metered_wh: int
    sold_wh: int
    sessions: int
    coin_fen: int

    @property
    def loss_share(self) -> float | None:
        return (self.metered_wh - self.sold_wh) / self.metered_wh if self.metered_wh else None


@dataclass(frozen=True, slots=True)
class Discrepancy:
    code: str  # cash | coins | flagged | unpaid | unsettled | missing_record | loss
    zh: str
    en: str
    amount: str = ""


@dataclass
class DayFigures:
    day: date
    tz: str
    cash_in_fen: int = 0  # cash top-ups
    cash_out_fen: int = 0  # cash refunds
    coins_settled_fen: int = 0
    cash_counted_fen: int | None = None
    coins_counted_fen: int | None = None
    stations: list[StationEnergy] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    closed_by: str | None = None
    closed_at: datetime | None = None

    @property
    def cash_ledger_fen(self) -> int:
        return self.cash_in_fen - self.cash_out_fen

    @property
    def metered_wh(self) -> int:
        return sum(x.metered_wh for x in self.stations)

    @property
    def sold_wh(self) -> int:
        return sum(x.sold_wh for x in self.stations)


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def figures(s: Session, day: date, *, tz: str = "Asia/Shanghai", cash_counted_fen: int | None = None,
            coins_counted_fen: int | None = None, now: datetime | None = None) -> DayFigures:
    start, end = day_bounds(day, tz)
    f = DayFigures(day, tz, cash_counted_fen=cash_counted_fen, coins_counted_fen=coins_counted_fen)
    cash = s.execute(select(func.coalesce(func.sum(JournalEntry.amount_fen).filter(JournalEntry.amount_fen > 0), 0),
                            func.coalesce(func.sum(JournalEntry.amount_fen).filter(JournalEntry.amount_fen < 0), 0))
                     .join(LedgerAccount, LedgerAccount.id == JournalEntry.account_id)
                     .where(LedgerAccount.code == CASH.code, JournalEntry.posted_at >= start,
                            JournalEntry.posted_at < end)).one()  # fmt: skip
    f.cash_in_fen, f.cash_out_fen = int(cash[0]), -int(cash[1])
    S = Settlement
    sold = {sid: (int(n), int(e or 0), int(c or 0)) for sid, n, e, c in s.execute(
        select(S.station_id, func.count(), func.sum(S.energy_wh),
               func.sum(S.net_fen).filter(S.payment == "coin"))
        .where(S.started_at >= start, S.started_at < end).group_by(S.station_id))}  # fmt: skip
    metered: dict[object, int] = {}
    prev = {p: last for p, last in s.execute(select(MeterDay.pile_id, MeterDay.last_wh)
                                             .where(MeterDay.day == day - timedelta(days=1)))}  # fmt: skip
    for sid, pile_id, first_wh, last_wh in s.execute(
            select(Pile.station_id, MeterDay.pile_id, MeterDay.first_wh, MeterDay.last_wh)
            .join(Pile, Pile.id == MeterDay.pile_id).where(MeterDay.day == day)):  # fmt: skip
        metered[sid] = metered.get(sid, 0) + max(0, last_wh - prev.get(pile_id, first_wh))
    for sid, code, name in s.execute(select(Station.id, Station.code, Station.name).order_by(Station.code)):
        n, e, c = sold.get(sid, (0, 0, 0))
        f.stations.append(StationEnergy(code, name, metered.get(sid, 0), e, n, c))
    f.coins_settled_fen = sum(x.coin_fen for x in f.stations)
    _discrepancies(s, f, start, end, now or datetime.now(UTC))
    return f


def _discrepancies(s: Session, f: DayFigures, start: datetime, end: datetime, now: datetime) -> None:
    out = f.discrepancies
    if f.cash_counted_fen is not None and f.cash_counted_fen != f.cash_ledger_fen:
        d = f.cash_counted_fen - f.cash_ledger_fen
        out.append(Discrepancy("cash", "现金清点与账本不符", "cash counted differs from the ledger", _signed(d)))
    if f.coins_counted_fen is not None and f.coins_counted_fen != f.coins_settled_fen:
        d = f.coins_counted_fen - f.coins_settled_fen
        out.append(Discrepancy("coins", "投币箱清点与投币收入不符", "coins collected differ from coin revenue",
                               _signed(d)))
    S = Settlement
    for status, n, fen in s.execute(select(S.status, func.count(), func.sum(S.net_fen))
                                    .where(S.started_at >= start, S.started_at < end, S.status != "settled")
                                    .group_by(S.status).order_by(S.status)):  # fmt: skip
        if status == "flagged":
            out.append(Discrepancy("flagged", f"{n} 笔交易与实时记录或资费不一致，待核对",
                                   f"{n} sessions disagree with the live view or the tariff",
                                   format_money(int(fen or 0))))
        elif status == "unpaid":
            out.append(Discrepancy("unpaid", f"{n} 笔扫码交易钱包余额不足未扣款",
                                   f"{n} QR sessions the wallet could not pay", format_money(int(fen or 0))))
    unsettled = s.scalar(select(func.count()).select_from(OfflineRecord)
                         .outerjoin(Settlement, Settlement.record_id == OfflineRecord.id)
                         .where(Settlement.id.is_(None), OfflineRecord.start_time >= start,
                                OfflineRecord.start_time < end))  # fmt: skip
    if unsettled:
        out.append(Discrepancy("unsettled", f"{unsettled} 条充电桩记录尚未结算",
                               f"{unsettled} pile records not settled yet"))
    missing = s.scalar(select(func.count()).select_from(ChargeSession)
                       .join(Port, Port.id == ChargeSession.port_id)
                       .outerjoin(OfflineRecord, (OfflineRecord.pile_id == Port.pile_id)
                                  & (OfflineRecord.port_number == Port.number)
                                  & (OfflineRecord.session_id == ChargeSession.pile_session_id))
                       .where(ChargeSession.ended_at.is_not(None), ChargeSession.started_at >= start,
                              ChargeSession.started_at < end, ChargeSession.ended_at < now - RECORD_WAIT,
                              OfflineRecord.id.is_(None)))  # fmt: skip
    if missing:
        out.append(Discrepancy("missing_record", f"{missing} 次充电已结束一小时以上仍无充电桩记录",
                               f"{missing} sessions ended over an hour ago without a pile record"))
    for x in f.stations:
        share = x.loss_share
        if share is not None and not LOSS_BAND[0] <= share <= LOSS_BAND[1]:
            out.append(Discrepancy("loss", f"{x.code} {x.name} 损耗率 {share:.1%} 超出正常范围",
                                   f"{x.code} losses of {share:.1%} are outside the usual band",
                                   f"{(x.metered_wh - x.sold_wh) / 1000:.1f} kWh"))


def _signed(fen: int) -> str:
    return ("+" if fen > 0 else "") + format_money(fen)


def preview(actor: Actor, db: Db, day: date, *, tz: str = "Asia/Shanghai", cash_counted_fen: int | None = None,
            coins_counted_fen: int | None = None) -> DayFigures:
    """The day's figures and discrepancies, as they would be closed (nothing is written)."""
    with read(db, actor, Permission.VIEW_LEDGER) as s:
        f = figures(s, day, tz=tz, cash_counted_fen=cash_counted_fen, coins_counted_fen=coins_counted_fen)
        row = s.scalar(select(DailyClose).where(DailyClose.day == day))
        if row is not None:
            f.closed_by, f.closed_at = row.closed_by, row.closed_at
        return f


def close_day(actor: Actor, db: Db, day: date, *, cash_counted_fen: int, coins_counted_fen: int | None = None,
              tz: str = "Asia/Shanghai") -> DayFigures:
    """Record the close of ``day`` with what was counted; a day is closed once (Conflict after that)."""
    with write(db, actor, Permission.VIEW_LEDGER) as s:
        if s.scalar(select(DailyClose.id).where(DailyClose.day == day)) is not None:
            raise Conflict(f"{day} 已日结", f"{day} is already closed")
        f = figures(s, day, tz=tz, cash_counted_fen=cash_counted_fen, coins_counted_fen=coins_counted_fen)
        issues = [asdict(d) for d in f.discrepancies]
        row = DailyClose(day=day, cash_counted_fen=cash_counted_fen, cash_ledger_fen=f.cash_ledger_fen,
                         coins_counted_fen=coins_counted_fen, coins_settled_fen=f.coins_settled_fen,
                         metered_wh=f.metered_wh, sold_wh=f.sold_wh,
                         discrepancies=json.dumps(issues, ensure_ascii=False), closed_by=actor.login)  # fmt: skip
        s.add(row)
        try:
            s.flush()
        except IntegrityError as exc:  # another desk closed the same day a moment ago
            raise Conflict(f"{day} 已日结", f"{day} is already closed") from exc
        audit.append(s, actor, "close.day", "daily_close", day.isoformat(), after={
            "cash_counted_fen": cash_counted_fen, "cash_ledger_fen": f.cash_ledger_fen,
            "coins_counted_fen": coins_counted_fen, "coins_settled_fen": f.coins_settled_fen,
            "metered_wh": f.metered_wh, "sold_wh": f.sold_wh,
            "discrepancies": [d["code"] for d in issues]})  # fmt: skip
        f.closed_by, f.closed_at = actor.login, row.closed_at
        return f
