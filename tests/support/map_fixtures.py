"""Station data for the map tests, without a database: two small communities a kilometre apart."""

from __future__ import annotations

import uuid

from app.services.stations import PileInfo, PortInfo, StationInfo


def pile_id(code: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"chargedesk:pile:{code}")


def _pile(code: str, name: str, x: float | None, y: float | None, online: bool = True) -> PileInfo:
    pid = pile_id(code)
    ports = tuple(PortInfo(uuid.uuid5(pid, str(n)), n, "ebike", f"{code}-{n:02d}") for n in range(1, 11))
    return PileInfo(pid, code, name, "ACX10A", "modbus-tcp", "127.0.0.1:1502", None, None, online, x, y, ports)


def sample_stations() -> list[StationInfo]:
    a = StationInfo(
        uuid.uuid5(uuid.NAMESPACE_URL, "chargedesk:station:TA01"), "TA01", "莲城花园", "许昌市魏都区八一路166号",
        34.0368, 113.8431, 60000,
        (_pile("TA01-P01", "莲城花园 P01", 110, 180), _pile("TA01-P02", "莲城花园 P02", 250, 180),
         _pile("TA01-P03", "莲城花园 P03", 390, 560), _pile("TA01-P04", "莲城花园 P04", None, None, online=False)),
        None, 1200, 800)
    b = StationInfo(
        uuid.uuid5(uuid.NAMESPACE_URL, "chargedesk:station:TB02"), "TB02", "春秋苑", "许昌市魏都区建设路219号",
        34.0291, 113.8537, 55000,
        (_pile("TB02-P01", "春秋苑 P01", 170, 220), _pile("TB02-P02", "春秋苑 P02", 310, 600)),
        None, 1000, 700)
    return [a, b]
