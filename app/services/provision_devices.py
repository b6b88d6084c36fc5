"""Provisioning of meters (and their RS-485 lines) from a plan: what `chargedesk sim --provision` and
the demo write for the simulated community's meters. Idempotent by meter code, never deletes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Bus, Pile, Station
from db.models_meters import Meter


@dataclass(frozen=True)
class MeterPlan:
    code: str
    name: str
    kind: str  # "transformer" | "pile"
    protocol: str  # "modbus-rtu" | "dlt645"
    model: str
    bus: str  # BusPlan.name of the station (a line of its own: piles and meters never share a port)
    address: str
    pile: str | None = None  # pile code, for a pile meter
    multiplier: int = 1


def provision_meter(session: Session, st: Station, buses: dict[str, Bus], mp: MeterPlan) -> bool:
    """Create or update one meter; True if it was new."""
    meter = session.scalar(select(Meter).where(Meter.code == mp.code))
    new = meter is None
    if meter is None:
        meter = Meter(code=mp.code, station_id=st.id, bus_id=buses[mp.bus].id, name=mp.name, kind=mp.kind,
                      protocol=mp.protocol, model=mp.model, address=mp.address)
        session.add(meter)
    pile_id = session.scalar(select(Pile.id).where(Pile.code == mp.pile)) if mp.pile else None
    meter.station_id, meter.bus_id, meter.name, meter.kind = st.id, buses[mp.bus].id, mp.name, mp.kind
    meter.protocol, meter.model, meter.address = mp.protocol, mp.model, mp.address
    meter.pile_id, meter.multiplier = pile_id, mp.multiplier
    session.flush()
    return new


@dataclass(frozen=True)
class CarPilePlan:
    """A car charge point (OCPP 1.6J) and its pile. `key_hash`: app.domain.charge_point_auth.hash_key(key)."""

    code: str
    name: str
    identity: str
    key_hash: str | None
    connectors: int = 1
    security_profile: int = 1
    max_current_a: int = 32
    pos_x: float | None = None
    pos_y: float | None = None


def provision_charge_point(session: Session, st: Station, plan: CarPilePlan) -> bool:
    """Create or update one accepted charge point with its pile; True if it was new."""
    from app.services.charge_points import create_car_pile
    from db.models_ocpp import ChargePoint

    cp = session.scalar(select(ChargePoint).where(ChargePoint.identity == plan.identity))
    new = cp is None
    if cp is None:
        cp = ChargePoint(identity=plan.identity, connectors=plan.connectors, max_current_a=plan.max_current_a)
        session.add(cp)
        session.flush()
    cp.status, cp.security_profile, cp.password_hash = "accepted", plan.security_profile, plan.key_hash
    cp.connectors, cp.max_current_a = plan.connectors, plan.max_current_a
    if cp.pile_id is None:
        pile = create_car_pile(session, cp, station_id=st.id, code=plan.code, name=plan.name)
        pile.pos_x, pile.pos_y = plan.pos_x, plan.pos_y
    session.flush()
    return new
