"""Stored port samples for trends: a port's or a station's values over a time range."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Pile, Port, PortSample


@dataclass(frozen=True, slots=True)
class Series:
    """Parallel lists; times are UTC Unix seconds (floats for plotting only — values stay integers)."""

    t: list[float]
    voltage_dv: list[int]
    current_ca: list[int]
    power_w: list[int]


def port_series(session: Session, port_id: uuid.UUID, since: datetime, until: datetime,
                *, limit: int = 50_000) -> Series:
    rows = session.execute(
        select(PortSample.ts, PortSample.voltage_dv, PortSample.current_ca, PortSample.power_w)
        .where(PortSample.port_id == port_id, PortSample.ts >= since, PortSample.ts < until)
        .order_by(PortSample.ts).limit(limit)
    ).all()
    return Series([r[0].timestamp() for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows])


def station_power(session: Session, station_id: uuid.UUID, since: datetime, until: datetime,
                  *, bucket_s: int = 60) -> list[tuple[float, int]]:
    """Charging power of a station per time bucket: per port the mean of its samples, summed over ports."""
    rows = session.execute(
        select(PortSample.port_id, PortSample.ts, PortSample.power_w)
        .join(Port, Port.id == PortSample.port_id).join(Pile, Pile.id == Port.pile_id)
        .where(Pile.station_id == station_id, PortSample.ts >= since, PortSample.ts < until)
    ).all()
    per: dict[tuple[int, uuid.UUID], list[int]] = {}
    for port_id, ts, w in rows:
        per.setdefault((int(ts.timestamp()) // bucket_s, port_id), []).append(w)
    buckets: dict[int, int] = {}
    for (b, _), ws in per.items():
        buckets[b] = buckets.get(b, 0) + sum(ws) // len(ws)
    return [(b * bucket_s, w) for b, w in sorted(buckets.items())]


def sample_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(PortSample)) or 0)
