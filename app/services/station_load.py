"""Read side of the station load and the meters (for the console's station view and reports)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models_meters import Meter, StationLoadRow


@dataclass(frozen=True, slots=True)
class LoadPoint:
    t: float  # Unix seconds
    limit_w: int
    transformer_w: int | None
    charging_w: int
    other_w: int | None


@dataclass(frozen=True, slots=True)
class MeterInfo:
    meter_id: uuid.UUID
    code: str
    name: str
    kind: str
    protocol: str
    model: str
    address: str
    pile_id: uuid.UUID | None


def load_history(session: Session, station_id: uuid.UUID, since: datetime, until: datetime, *,
                 max_points: int = 2000) -> list[LoadPoint]:
    rows = session.execute(
        select(StationLoadRow.ts, StationLoadRow.limit_w, StationLoadRow.transformer_w, StationLoadRow.charging_w,
               StationLoadRow.other_w)
        .where(StationLoadRow.station_id == station_id, StationLoadRow.ts >= since, StationLoadRow.ts < until)
        .order_by(StationLoadRow.ts)).all()
    step = max(1, len(rows) // max_points)  # a week of minute rows is thinned for the plot
    return [LoadPoint(r.ts.timestamp(), r.limit_w, r.transformer_w, r.charging_w, r.other_w) for r in rows[::step]]


def station_meters(session: Session, station_id: uuid.UUID) -> list[MeterInfo]:
    return [MeterInfo(m.id, m.code, m.name, m.kind, m.protocol, m.model, m.address, m.pile_id)
            for m in session.scalars(select(Meter).where(Meter.station_id == station_id).order_by(Meter.code))]
