"""Which lines the engine opens and which piles answer on each, read once from the database.

A line is one transport the engine owns: an RS-485 bus (one serial port, several unit ids) or
the TCP connection to one Ethernet pile. The specs are plain values so pollers never touch the ORM.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.enums import Protocol
from db.models import Bus, Pile


@dataclass(frozen=True, slots=True)
class PileSpec:
    pile_id: uuid.UUID
    code: str
    station_id: uuid.UUID
    model: str
    unit_id: int
    port_count: int
    ports: dict[int, uuid.UUID]  # port number -> port id


@dataclass(frozen=True, slots=True)
class LineSpec:
    name: str
    kind: str  # "rtu" | "tcp"
    piles: tuple[PileSpec, ...]
    device: str = ""
    baudrate: int = 9600
    parity: str = "N"
    stopbits: int = 1
    timeout_ms: int = 300
    host: str = ""
    port: int = 502

    def describe(self) -> str:
        if self.kind == "rtu":
            return f"RS-485 bus {self.name} ({self.device}, {self.baudrate} baud)"
        return f"pile link {self.name} ({self.host}:{self.port})"


def _pile_spec(p: Pile) -> PileSpec:
    ports = {port.number: port.id for port in p.ports}
    return PileSpec(p.id, p.code, p.station_id, p.model, p.unit_id or 1, max(ports, default=0), ports)


def load_lines(session: Session) -> list[LineSpec]:
    """Every enabled Modbus line with its enabled piles (OCPP piles are not polled)."""
    piles = session.scalars(
        select(Pile)
        .where(Pile.enabled.is_(True), Pile.protocol.in_([Protocol.MODBUS_RTU, Protocol.MODBUS_TCP]))
        .options(selectinload(Pile.ports))
        .order_by(Pile.code)
    ).all()
    by_bus: dict[uuid.UUID, list[Pile]] = defaultdict(list)
    lines: list[LineSpec] = []
    for p in piles:
        if p.protocol == Protocol.MODBUS_RTU and p.bus_id is not None:
            by_bus[p.bus_id].append(p)
        elif p.protocol == Protocol.MODBUS_TCP and p.host and p.tcp_port:
            lines.append(LineSpec(name=p.code, kind="tcp", piles=(_pile_spec(p),), host=p.host, port=p.tcp_port))
    if by_bus:
        buses = session.scalars(
            select(Bus).where(Bus.id.in_(by_bus), Bus.enabled.is_(True)).options(selectinload(Bus.station))
        ).all()
        for bus in buses:
            lines.append(LineSpec(
                name=f"{bus.station.code}/{bus.name}", kind="rtu", piles=tuple(_pile_spec(p) for p in by_bus[bus.id]),
                device=bus.device, baudrate=bus.baudrate, parity=bus.parity, stopbits=bus.stopbits,
                timeout_ms=bus.timeout_ms,
            ))
    return sorted(lines, key=lambda line: (line.kind, line.name))
