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
