"""Read-only views of stations, piles and ports for the console, the CLI and the demo summary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Pile, Station


@dataclass(frozen=True, slots=True)
class PortInfo:
    port_id: uuid.UUID
    number: int
    vehicle_class: str
    qr_id: str


@dataclass(frozen=True, slots=True)
class PileInfo:
    pile_id: uuid.UUID
    code: str
    name: str
    model: str
    protocol: str
    address: str  # "bus XC01/bus-1 unit 3" or "10.0.0.5:502"
    serial_no: str | None
    firmware: str | None
    online: bool
    pos_x: float | None
    pos_y: float | None
    ports: tuple[PortInfo, ...]


@dataclass(frozen=True, slots=True)
class StationInfo:
    station_id: uuid.UUID
    code: str
    name: str
    address: str
    lat: float | None
    lon: float | None
    charging_limit_w: int
    piles: tuple[PileInfo, ...]
    site_plan: str | None = None  # image file name in the site-plan directory
    site_plan_w: int | None = None
    site_plan_h: int | None = None


def _pile_info(p: Pile) -> PileInfo:
    if p.bus is not None:
        where = f"{p.bus.name} unit {p.unit_id}"
    elif p.host:
        where = f"{p.host}:{p.tcp_port}"
    else:
        where = "—"
    ports = tuple(PortInfo(port.id, port.number, port.vehicle_class, port.qr_id) for port in p.ports)
    return PileInfo(p.id, p.code, p.name, p.model, p.protocol, where, p.serial_no, p.firmware, p.online,
                    p.pos_x, p.pos_y, ports)


def list_stations(session: Session) -> list[StationInfo]:
    stations = session.scalars(
        select(Station)
        .options(
            selectinload(Station.piles).selectinload(Pile.ports),
            selectinload(Station.piles).selectinload(Pile.bus),
        )
        .order_by(Station.code)
    ).all()
    return [
        StationInfo(s.id, s.code, s.name, s.address, s.lat, s.lon, s.charging_limit_w,
                    tuple(_pile_info(p) for p in s.piles), s.site_plan, s.site_plan_w, s.site_plan_h)
        for s in stations
    ]


def move_pile(session: Session, pile_id: uuid.UUID, x: float, y: float) -> None:
    """Place a pile on its station's site plan (pixels). Raises LookupError for an unknown pile."""
    pile = session.get(Pile, pile_id)
    if pile is None:
        raise LookupError(f"no pile {pile_id}")
    station = pile.station
    w, h = station.site_plan_w, station.site_plan_h
    if w and h and not (0 <= x <= w and 0 <= y <= h):
        raise ValueError(f"position ({x:.0f}, {y:.0f}) is outside the site plan "
                         f"({w} × {h}) / 位置超出总平面图范围")
    pile.pos_x, pile.pos_y = x, y
