"""Configuration of a simulated community: stations, their RS-485 buses and Ethernet piles.

`load_config()` reads comm/sim/community.toml (or a file of the same shape) and checks it: unique
codes, unit ids 1–247 unique per bus, positions inside the site plan, pile settings inside the
ranges of the register map. Every error names the offending entry.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from comm.pile.messages import ModeFlags, PileConfig, PowerTier

DEFAULT_CONFIG = Path(__file__).with_name("community.toml")
_MAP = Path(__file__).resolve().parent.parent / "pile" / "maps" / "acx10a.toml"
PORT_CLASSES = {"e": "ebike", "t": "trike"}  # compact port strings: "eeeeeeeett"
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
MAX_PORTS = 10


class SimConfigError(ValueError):
    """A simulation config that cannot be used; the message names the entry and the problem."""


@dataclass(frozen=True, slots=True)
class PileSpec:
    code: str
    x: int  # position on the station's site plan, pixels
    y: int
    ports: tuple[str, ...]  # vehicle class per port: "ebike" / "trike"
    unit_id: int = 1  # Modbus unit id (RS-485 address; 1 for Ethernet piles)
    bus: str | None = None  # RS-485 bus name; None for a Modbus TCP pile
    tcp_port: int = 0  # Modbus TCP listening port; 0 = any free port


@dataclass(frozen=True, slots=True)
class BusSpec:
    name: str
    baudrate: int = 9600
    piles: tuple[PileSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class StationSpec:
    code: str
    name: str  # Chinese name as residents say it
    name_en: str
    address: str
    lat: float
    lon: float
    charging_limit_w: int  # transformer capacity left for charging (M9)
    plan_w: int  # site plan size, pixels
    plan_h: int
    buses: tuple[BusSpec, ...] = ()
    tcp_piles: tuple[PileSpec, ...] = ()
    pile_config: PileConfig = field(default_factory=PileConfig)
    residents: int | None = None  # None: a share of SimConfig.residents by port count

    @property
    def piles(self) -> tuple[PileSpec, ...]:
        return tuple(p for b in self.buses for p in b.piles) + self.tcp_piles

    @property
    def port_count(self) -> int:
        return sum(len(p.ports) for p in self.piles)


@dataclass(frozen=True, slots=True)
class SimConfig:
    seed: int = 1
    speed: float = 1.0  # sim seconds per real second
    residents: int = 500
    tz_offset_min: int = 480  # local time of the community (night window, evening peak)
    stations: tuple[StationSpec, ...] = ()

    @property
    def piles(self) -> tuple[PileSpec, ...]:
        return tuple(p for s in self.stations for p in s.piles)

    def station(self, code: str) -> StationSpec:
        for s in self.stations:
            if s.code == code:
                return s
        raise KeyError(code)

    def residents_of(self, station: StationSpec) -> int:
        """Residents living at `station`: its own count, else a share by ports (rounded so the
        shares add up to the total)."""
        if station.residents is not None:
            return station.residents
        shared = [s for s in self.stations if s.residents is None]
        fixed = sum(s.residents or 0 for s in self.stations)
        pool, ports = max(0, self.residents - fixed), sum(s.port_count for s in shared)
        cum = 0
        for s in shared:
            start = pool * cum // ports if ports else 0
            cum += s.port_count
            if s is station:
                return (pool * cum // ports if ports else 0) - start
        return 0


def load_config(path: str | Path | None = None) -> SimConfig:
    p = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        with p.open("rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise SimConfigError(f"{p}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SimConfigError(f"{p}: not valid TOML: {exc}") from None
    return parse_config(data, source=p.name)


# ---------------------------------------------------------------------------------- parsing
class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, msg: str) -> SimConfigError:
        return SimConfigError(f"{self.source}: {where}: {msg}" if where else f"{self.source}: {msg}")


def _take(
    ctx: _Ctx, where: str, d: Mapping[str, Any], key: str, kind: type | tuple[type, ...], default: Any = ...
) -> Any:
    if key not in d:
        if default is ...:
            raise ctx.fail(where, f"missing '{key}'")
        return default
    value = d[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        names = " or ".join(k.__name__ for k in kinds)
        raise ctx.fail(where, f"'{key}' must be {names}, not {value!r}")
    return value


def _no_extra(ctx: _Ctx, where: str, d: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(d) - allowed)
    if extra:
        raise ctx.fail(where, f"unknown key(s) {', '.join(extra)} (allowed: {', '.join(sorted(allowed))})")


def parse_config(data: Mapping[str, Any], source: str = "<config>") -> SimConfig:
    ctx = _Ctx(source)
    _no_extra(ctx, "", data, {"seed", "speed", "residents", "tz_offset_min", "stations"})
    speed = float(_take(ctx, "", data, "speed", (int, float), 1.0))
    if not 0 < speed <= 10_000:
        raise ctx.fail("", f"speed {speed} must be above 0 and at most 10000")
    residents = _take(ctx, "", data, "residents", int, 500)
    if residents < 0:
        raise ctx.fail("", "residents must not be negative")
    tz = _take(ctx, "", data, "tz_offset_min", int, 480)
    raw = _take(ctx, "", data, "stations", list)
    if not raw:
        raise ctx.fail("", "no stations")
    stations = tuple(_station(ctx, i, s) for i, s in enumerate(raw))
    _unique(ctx, [(f"stations[{i}]", s.code) for i, s in enumerate(stations)], "station code")
    _unique(ctx, [(f"station {s.code}", p.code) for s in stations for p in s.piles], "pile code")
    _unique(ctx, [(f"pile {p.code}", p.tcp_port) for p in (q for s in stations for q in s.piles) if p.tcp_port],
            "tcp_port")
    return SimConfig(seed=_take(ctx, "", data, "seed", int, 1), speed=speed, residents=residents,
                     tz_offset_min=tz, stations=stations)


def _unique(ctx: _Ctx, items: list[tuple[str, object]], what: str) -> None:
    seen: dict[object, str] = {}
    for where, key in items:
        if key in seen:
            raise ctx.fail(where, f"{what} {key!r} is used twice (also by {seen[key]})")
        seen[key] = where


def _station(ctx: _Ctx, i: int, d: Any) -> StationSpec:
    where = f"stations[{i}]"
    if not isinstance(d, dict):
        raise ctx.fail(where, "must be a table")
    code = _take(ctx, where, d, "code", str)
    where = f"station {code}"
    _no_extra(ctx, where, d, {"code", "name", "name_en", "address", "lat", "lon", "charging_limit_w", "plan",
                              "buses", "tcp_piles", "pile_config", "residents"})
    lat, lon = float(_take(ctx, where, d, "lat", (int, float))), float(_take(ctx, where, d, "lon", (int, float)))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ctx.fail(where, f"lat/lon {lat}, {lon} is not a place on Earth")
    plan = _take(ctx, where, d, "plan", list)
    if len(plan) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in plan):
        raise ctx.fail(where, f"plan must be [width, height] in pixels, not {plan!r}")
    limit = _take(ctx, where, d, "charging_limit_w", int)
    if limit <= 0:
        raise ctx.fail(where, "charging_limit_w must be positive")
    residents = _take(ctx, where, d, "residents", int, None)
    if residents is not None and residents < 0:
        raise ctx.fail(where, "residents must not be negative")
    size = (plan[0], plan[1])
    buses = tuple(_bus(ctx, where, size, j, b) for j, b in enumerate(_take(ctx, where, d, "buses", list, [])))
    _unique(ctx, [(f"{where} buses[{j}]", b.name) for j, b in enumerate(buses)], "bus name")
    tcp = tuple(_pile(ctx, f"{where} tcp_piles[{j}]", size, p, bus=None)
                for j, p in enumerate(_take(ctx, where, d, "tcp_piles", list, [])))
    if not buses and not tcp:
        raise ctx.fail(where, "has no piles")
    return StationSpec(
        code=code, name=_take(ctx, where, d, "name", str), name_en=_take(ctx, where, d, "name_en", str),
        address=_take(ctx, where, d, "address", str), lat=lat, lon=lon, charging_limit_w=limit,
        plan_w=size[0], plan_h=size[1], buses=buses, tcp_piles=tcp,
        pile_config=_pile_config(ctx, where, _take(ctx, where, d, "pile_config", dict, {})), residents=residents,
    )


def _bus(ctx: _Ctx, station: str, size: tuple[int, int], j: int, d: Any) -> BusSpec:
    if not isinstance(d, dict):
        raise ctx.fail(f"{station} buses[{j}]", "must be a table")
    name = _take(ctx, f"{station} buses[{j}]", d, "name", str)
    where = f"{station} bus {name!r}"
    _no_extra(ctx, where, d, {"name", "baudrate", "piles"})
    baud = _take(ctx, where, d, "baudrate", int, 9600)
    if baud not in BAUDRATES:
        raise ctx.fail(where, f"baudrate {baud} is not one of {', '.join(map(str, BAUDRATES))}")
    piles = tuple(_pile(ctx, f"{where} piles[{k}]", size, p, bus=name)
                  for k, p in enumerate(_take(ctx, where, d, "piles", list)))
    if not piles:
        raise ctx.fail(where, "has no piles")
    _unique(ctx, [(f"{where} pile {p.code}", p.unit_id) for p in piles], "unit_id")
    return BusSpec(name=name, baudrate=baud, piles=piles)


def _pile(ctx: _Ctx, where: str, size: tuple[int, int], d: Any, *, bus: str | None) -> PileSpec:
    if not isinstance(d, dict):
        raise ctx.fail(where, "must be a table")
    code = _take(ctx, where, d, "code", str)
    where = f"{where} ({code})"
    allowed = {"code", "x", "y", "ports", "unit_id"} | ({"tcp_port"} if bus is None else set())
    _no_extra(ctx, where, d, allowed)
    unit = _take(ctx, where, d, "unit_id", int, ... if bus is not None else 1)
    if not 1 <= unit <= 247:
        raise ctx.fail(where, f"unit_id {unit} outside 1–247")
    x, y = _take(ctx, where, d, "x", int), _take(ctx, where, d, "y", int)
    if not (0 <= x < size[0] and 0 <= y < size[1]):
        raise ctx.fail(where, f"position ({x}, {y}) is outside the {size[0]}×{size[1]} site plan")
    tcp_port = _take(ctx, where, d, "tcp_port", int, 0)
    if not 0 <= tcp_port <= 65535:
        raise ctx.fail(where, f"tcp_port {tcp_port} outside 0–65535")
    return PileSpec(code=code, x=x, y=y, ports=_ports(ctx, where, d.get("ports", "e" * MAX_PORTS)),
                    unit_id=unit, bus=bus, tcp_port=tcp_port)


def _ports(ctx: _Ctx, where: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        bad = sorted(set(value) - set(PORT_CLASSES))
        if bad:
            raise ctx.fail(where, f"ports {value!r}: unknown class letter(s) {''.join(bad)} (e = e-bike, t = trike)")
        classes = tuple(PORT_CLASSES[c] for c in value)
    elif isinstance(value, list) and all(v in PORT_CLASSES.values() for v in value):
        classes = tuple(value)
    else:
        raise ctx.fail(where, f"ports must be a string like 'eeeeeeeett' or a list of 'ebike'/'trike', not {value!r}")
    if not 1 <= len(classes) <= MAX_PORTS:
        raise ctx.fail(where, f"{len(classes)} ports: a pile has 1–{MAX_PORTS}")
    return classes


def _map_ranges() -> dict[str, tuple[int, int]]:
    with _MAP.open("rb") as f:
        blocks = tomllib.load(f)["blocks"]
    cfg = next(b for b in blocks if b["name"] == "config")
    return {fd["name"]: (int(fd.get("min", 0)), int(fd.get("max", 0xFFFF))) for fd in cfg["fields"]}


def _pile_config(ctx: _Ctx, station: str, d: Mapping[str, Any]) -> PileConfig:
    """Station-wide pile settings over the defaults, checked against the register map's ranges."""
    where = f"{station} pile_config"
    scalars = {f.name for f in fields(PileConfig)} - {"tiers", "mode"}
    _no_extra(ctx, where, d, scalars | {"tiers", "mode"})
    ranges, changes = _map_ranges(), {}
    for key in scalars & set(d):
        value = _take(ctx, where, d, key, int)
        lo, hi = ranges.get(key, (0, 0xFFFF))
        if not lo <= value <= hi:
            raise ctx.fail(where, f"{key} {value} outside {lo}–{hi}")
        changes[key] = value
    if "mode" in d:
        mode = _take(ctx, where, d, "mode", dict)
        _no_extra(ctx, f"{where} mode", mode, {f.name for f in fields(ModeFlags)})
        changes["mode"] = ModeFlags(**{k: _take(ctx, f"{where} mode", mode, k, bool) for k in mode})
    if "tiers" in d:
        tiers = _take(ctx, where, d, "tiers", list)
        ok = len(tiers) == 5 and all(isinstance(t, list) and len(t) == 2 and all(isinstance(v, int) for v in t)
                                     for t in tiers)
        if not ok or any(not (0 <= a <= 3500 and 1 <= b <= 1440) for a, b in tiers):
            raise ctx.fail(where, "tiers must be five [max_w 0–3500, min_per_yuan 1–1440] pairs")
        if any(tiers[k][0] >= tiers[k + 1][0] for k in range(4)):
            raise ctx.fail(where, "tier max_w must rise from tier 1 to tier 5")
        changes["tiers"] = tuple(PowerTier(a, b) for a, b in tiers)
    return replace(PileConfig(), **changes)
