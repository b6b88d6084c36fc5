"""Small row builders for the db tests (valid rows with sensible defaults)."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from db.enums import Protocol, VehicleClass
from db.models import Bus, Operator, Pile, Port, Station

_n = itertools.count(1)


def operator(session: Session, **kw: Any) -> Operator:
    n = next(_n)
    row = Operator(**{"code": f"OP{n:03d}", "name": f"Operator {n}", **kw})
    session.add(row)
    return row


def station(session: Session, **kw: Any) -> Station:
    n = next(_n)
    if "operator" not in kw and "operator_id" not in kw:
        kw["operator"] = operator(session)
    row = Station(**{"code": f"XC{n:02d}", "name": f"Community {n}", "charging_limit_w": 80_000, **kw})
    session.add(row)
    return row


def bus(session: Session, st: Station, **kw: Any) -> Bus:
    n = next(_n)
    row = Bus(**{"station": st, "name": f"line {n}", "device": f"/dev/ttyUSB{n}", **kw})
    session.add(row)
    return row


def rtu_pile(session: Session, st: Station, line: Bus, unit_id: int, *, ports: int = 0, **kw: Any) -> Pile:
    n = next(_n)
    row = Pile(
        **{
            "station": st,
            "code": f"{st.code}-P{n:02d}",
            "name": f"Pile {n}",
            "model": "ACX10A",
            "protocol": Protocol.MODBUS_RTU,
            "bus": line,
            "unit_id": unit_id,
            **kw,
        }
    )
    for number in range(1, ports + 1):
        row.ports.append(Port(number=number, vehicle_class=VehicleClass.EBIKE, qr_id=f"{row.code}-{number:02d}"))
    session.add(row)
    return row
