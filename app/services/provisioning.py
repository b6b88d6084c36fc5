"""Provisioning: put stations, buses, piles and ports into the database from a plan.

Used by the demo and `chargedesk sim --provision` (the plan comes from the simulation config and
the simulator's device paths / TCP ports), and by tests. Idempotent by code: running it again
updates addresses (a pty path changes on every simulator start) and adds what is new; it never
deletes, so history stays attached to its piles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.provision_devices import CarPilePlan, MeterPlan, provision_charge_point, provision_meter
from db.enums import Protocol
from db.models import Bus, Operator, Pile, Port, Station


@dataclass(frozen=True)
class BusPlan:
    name: str
    device: str
    baudrate: int = 9600
    parity: str = "N"
    stopbits: int = 1
    timeout_ms: int = 300


@dataclass(frozen=True)
class PilePlan:
    code: str
    name: str
    ports: tuple[str, ...]  # vehicle class per port, port 1 first
    model: str = "ACX10A"
    bus: str | None = None  # BusPlan.name for RS-485 piles
    unit_id: int | None = None
    host: str | None = None  # Modbus TCP piles
    tcp_port: int | None = None
    pos_x: float | None = None
    pos_y: float | None = None

    @property
    def protocol(self) -> str:
        return Protocol.MODBUS_RTU if self.bus else Protocol.MODBUS_TCP


@dataclass(frozen=True)
class StationPlan:
    code: str
    name: str
    charging_limit_w: int
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    site_plan: str | None = None
    site_plan_w: int | None = None
    site_plan_h: int | None = None
    buses: tuple[BusPlan, ...] = ()
    piles: tuple[PilePlan, ...] = ()
    meters: tuple[MeterPlan, ...] = ()
    car_piles: tuple[CarPilePlan, ...] = ()


@dataclass
class ProvisionResult:
    stations: int = 0
    piles: int = 0
    ports: int = 0
    updated: list[str] = field(default_factory=list)
    meters: int = 0
    car_piles: int = 0


def provision(session: Session, *, operator_code: str, operator_name: str,
              stations: list[StationPlan]) -> ProvisionResult:
    result = ProvisionResult()
    op = session.scalar(select(Operator).where(Operator.code == operator_code))
    if op is None:
        op = Operator(code=operator_code, name=operator_name)
        session.add(op)
        session.flush()
    for sp in stations:
        st = session.scalar(select(Station).where(Station.code == sp.code))
        if st is None:
            st = Station(code=sp.code, operator_id=op.id, name=sp.name, charging_limit_w=sp.charging_limit_w)
            session.add(st)
            result.stations += 1
        st.name, st.address, st.lat, st.lon = sp.name, sp.address, sp.lat, sp.lon
        st.charging_limit_w = sp.charging_limit_w
        if sp.site_plan is not None:  # a plan drawn or uploaded earlier is kept unless the plan names one
            st.site_plan = sp.site_plan
        st.site_plan_w, st.site_plan_h = sp.site_plan_w, sp.site_plan_h
        session.flush()
        buses: dict[str, Bus] = {}
        for bp in sp.buses:
            bus = session.scalar(select(Bus).where(Bus.station_id == st.id, Bus.name == bp.name))
            if bus is None:
                bus = Bus(station_id=st.id, name=bp.name, device=bp.device)
                session.add(bus)
            elif bus.device != bp.device:
                result.updated.append(f"{sp.code}/{bp.name}: {bus.device} → {bp.device}")
            bus.device, bus.baudrate, bus.parity = bp.device, bp.baudrate, bp.parity
            bus.stopbits, bus.timeout_ms = bp.stopbits, bp.timeout_ms
            buses[bp.name] = bus
        session.flush()
        for pp in sp.piles:
            _pile(session, st, buses, pp, result)
        for mp in sp.meters:
            result.meters += provision_meter(session, st, buses, mp)
        for cp in sp.car_piles:
            result.car_piles += provision_charge_point(session, st, cp)
    session.flush()
    return result


def _pile(session: Session, st: Station, buses: dict[str, Bus], pp: PilePlan, result: ProvisionResult) -> None:
    pile = session.scalar(select(Pile).where(Pile.code == pp.code))
    if pile is None:
        pile = Pile(code=pp.code, station_id=st.id, name=pp.name, model=pp.model, protocol=pp.protocol)
        session.add(pile)
        result.piles += 1
    bus = buses[pp.bus] if pp.bus else None
    pile.name, pile.model, pile.protocol = pp.name, pp.model, pp.protocol
    pile.bus_id = bus.id if bus else None
    pile.unit_id = pp.unit_id if bus else (pp.unit_id or 1)
    pile.host, pile.tcp_port = (None, None) if bus else (pp.host, pp.tcp_port)
    if pile.pos_x is None or pile.pos_y is None:  # where staff dragged a pile on the map wins over the plan
        pile.pos_x, pile.pos_y = pp.pos_x, pp.pos_y
    session.flush()
    have = {p.number for p in pile.ports}
    for number, vclass in enumerate(pp.ports, start=1):
        if number not in have:
            # The QR id is what the sticker on the port encodes; stable and unique across the operator.
            pile.ports.append(Port(number=number, vehicle_class=vclass, qr_id=f"{pp.code}-{number:02d}"))
            result.ports += 1
