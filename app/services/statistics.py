"""Statistics of settled sessions (M6.3, M4.4): revenue, energy, sessions and utilisation by day, hour of
day, station, pile/port and payment way.

The database does the heavy part in one GROUP BY: sessions summed per (station, way, UTC hour of start).
That is at most 24 × days × stations × ways small rows whatever the number of sessions, and folding them
into local days and hours of day in Python is exact in any time zone (whole-hour offsets), DST included —
which a date() in SQL, evaluated in UTC or in a fixed offset, is not.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from app.domain.permissions import Actor, Permission
from app.services.transactions import TxnFilter, filtered
from app.services.unit import Db, read
from db.models import Pile, Port, Station
from db.models_billing import Settlement


class HourBucket(FunctionElement[int]):
    """Hours since the epoch of a UTC timestamp column (integer division, both backends)."""

    type = BigInteger()
    inherit_cache = True


@compiles(HourBucket, "sqlite")
def _hour_sqlite(element: HourBucket, compiler: Any, **kw: Any) -> str:
    (col,) = element.clauses
    return f"(CAST(strftime('%s', {compiler.process(col, **kw)}) AS INTEGER) / 3600)"


@compiles(HourBucket, "postgresql")
def _hour_pg(element: HourBucket, compiler: Any, **kw: Any) -> str:
    (col,) = element.clauses
    return f"(CAST(floor(extract(epoch from {compiler.process(col, **kw)}) / 3600) AS BIGINT))"


@dataclass
class Sums:
    sessions: int = 0
    energy_wh: int = 0
    amount_fen: int = 0
    refund_fen: int = 0
    net_fen: int = 0
    minutes: int = 0

    def add(self, other: Sums) -> None:
        self.sessions += other.sessions
        self.energy_wh += other.energy_wh
        self.amount_fen += other.amount_fen
        self.refund_fen += other.refund_fen
        self.net_fen += other.net_fen
        self.minutes += other.minutes


@dataclass(frozen=True, slots=True)
class HourRow:
    station_id: uuid.UUID
    way: str
    hour: datetime  # UTC start of the hour the sessions started in
    sums: Sums


def hour_rows(s: Session, flt: TxnFilter) -> list[HourRow]:
    """The one aggregation query: sessions per (station, way, UTC hour of start)."""
    S = Settlement
    bucket = HourBucket(S.started_at)
    q = filtered(select(S.station_id, S.payment, bucket, func.count(), func.sum(S.energy_wh), func.sum(S.amount_fen),
                        func.sum(S.refund_fen), func.sum(S.net_fen), func.sum(S.minutes_used)), flt)
    q = q.group_by(S.station_id, S.payment, bucket)
    return [HourRow(st, way, datetime.fromtimestamp(int(h) * 3600, UTC),
                    Sums(int(n), int(e or 0), int(a or 0), int(r or 0), int(net or 0), int(m or 0)))
            for st, way, h, n, e, a, r, net, m in s.execute(q)]  # fmt: skip


@dataclass
class Statistics:
    start: datetime
    end: datetime
    tz: str
    total: Sums = field(default_factory=Sums)
    by_day: dict[date, Sums] = field(default_factory=dict)
    by_hour: dict[int, Sums] = field(default_factory=dict)  # local hour of day the sessions started
    by_way: dict[str, Sums] = field(default_factory=dict)
    by_station: dict[uuid.UUID, Sums] = field(default_factory=dict)
    station_names: dict[uuid.UUID, str] = field(default_factory=dict)
    by_port: list[tuple[str, int, Sums, float]] = field(default_factory=list)  # pile, port, sums, utilisation
    busy_by_hour: dict[int, float] = field(default_factory=dict)  # share of ports charging, by local hour
    ports: int = 0


def fold(rows: list[HourRow], start: datetime, end: datetime, zone: ZoneInfo) -> Statistics:
    st = Statistics(start, end, zone.key)
    day, last = start.astimezone(zone).date(), (end - timedelta(microseconds=1)).astimezone(zone).date()
    while day <= last:
        st.by_day[day] = Sums()
        day += timedelta(days=1)
    st.by_hour = {h: Sums() for h in range(24)}
    for r in rows:
        local = r.hour.astimezone(zone)
        for target in (st.total, st.by_day.setdefault(local.date(), Sums()), st.by_hour[local.hour],
                       st.by_way.setdefault(r.way, Sums()), st.by_station.setdefault(r.station_id, Sums())):
            target.add(r.sums)
    return st


def utilisation(s: Session, flt: TxnFilter, st: Statistics, zone: ZoneInfo) -> None:
    """Per port: sessions, minutes charged and the share of the period; per hour of day: the share of all
    ports that were charging (each session spread over the hours it ran)."""
    S = Settlement
    port_q = select(Port.id, Pile.code, Port.number).join(Pile, Pile.id == Port.pile_id)
    if flt.station_id is not None:
        port_q = port_q.where(Pile.station_id == flt.station_id)
    if flt.pile_id is not None:
        port_q = port_q.where(Pile.id == flt.pile_id)
    ports = {pid: (code, n) for pid, code, n in s.execute(port_q.order_by(Pile.code, Port.number))}
    st.ports = len(ports)
    period_min = max(1.0, (st.end - st.start).total_seconds() / 60)
    sums: dict[uuid.UUID, Sums] = defaultdict(Sums)
    q = filtered(select(S.port_id, func.count(), func.sum(S.energy_wh), func.sum(S.net_fen), func.sum(S.minutes_used)),
                 flt).group_by(S.port_id)
    for pid, n, e, net, m in s.execute(q):
        if pid is not None:
            sums[pid] = Sums(int(n), int(e or 0), 0, 0, int(net or 0), int(m or 0))
    st.by_port = [(code, n, sums[pid], min(1.0, sums[pid].minutes / period_min)) for pid, (code, n) in ports.items()]
    busy = [0.0] * 24
    spans = filtered(select(S.started_at, S.minutes_used), flt).execution_options(yield_per=5000)
    for started, minutes in s.execute(spans):
        t, left = started.astimezone(zone), float(minutes)
        while left > 0:
            take = min(left, 60 - t.minute - t.second / 60)
            busy[t.hour] += take
            left -= take
            t = (t + timedelta(minutes=take)).astimezone(zone)
    days = max(1, len(st.by_day))
    st.busy_by_hour = {h: (busy[h] / (60 * days * st.ports)) if st.ports else 0.0 for h in range(24)}


def statistics(actor: Actor, db: Db, flt: TxnFilter, *, tz: str = "Asia/Shanghai") -> Statistics:
    """Everything the Statistics tab charts, for the filter's period (which it needs: start and end)."""
    flt.check()
    if flt.start is None or flt.end is None:
        raise ValueError("statistics need a period")
    zone = ZoneInfo(tz)
    with read(db, actor, Permission.VIEW_REPORTS) as s:
        st = fold(hour_rows(s, flt), flt.start, flt.end, zone)
        st.station_names = {sid: f"{code} {name}" for sid, code, name in s.execute(
            select(Station.id, Station.code, Station.name))}  # fmt: skip
        utilisation(s, flt, st, zone)
        return st


