"""Modbus meter register maps as data: one TOML file per meter model in maps/.

A map names, for each quantity of `MeterReading`, the register address, its type and the factor
that turns the raw value into the project's unit (e.g. SDM float volts × 10 → 0.1 V). Adding a
meter model is adding a file; `load_meter_map` checks it and names the entry at fault.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

MAPS_DIR = Path(__file__).with_name("maps")
FIELDS = ("energy_wh", "power_w", "voltage_dv", "current_ca")
TYPES = {"uint16": 1, "int16": 1, "uint32": 2, "int32": 2, "float32": 2}


class MeterMapError(ValueError):
    """A meter map that cannot be used."""


@dataclass(frozen=True, slots=True)
class MeterField:
    name: str
    address: int
    type: str
    scale: float

    @property
    def words(self) -> int:
        return TYPES[self.type]


@dataclass(frozen=True, slots=True)
class MeterMap:
    model: str
    vendor: str
    function: int  # 3 = holding registers, 4 = input registers
    max_read: int  # registers per request the meter accepts
    max_gap: int  # unused registers a request may span to save a round trip
    baudrate: int  # factory default
    phases: int
    fields: tuple[MeterField, ...]

    def field(self, name: str) -> MeterField:
        return next(f for f in self.fields if f.name == name)


def available_models() -> list[str]:
    return sorted(p.stem.upper() for p in MAPS_DIR.glob("*.toml"))


@functools.cache
def load_meter_map(model: str) -> MeterMap:
    path = MAPS_DIR / f"{model.lower()}.toml"
    if not path.is_file():
        raise MeterMapError(f"no register map for meter model {model!r} (known: {', '.join(available_models())})")
    return parse_meter_map(tomllib.loads(path.read_text(encoding="utf-8")), source=path.name)


def parse_meter_map(data: dict[str, object], *, source: str = "map") -> MeterMap:
    def need(key: str, kind: type) -> object:
        value = data.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise MeterMapError(f"{source}: '{key}' must be {kind.__name__}, not {value!r}")
        return value

    function = need("function", int)
    if function not in (3, 4):
        raise MeterMapError(f"{source}: function must be 3 (holding) or 4 (input), not {function}")
    max_read = need("max_read", int)
    if not 2 <= max_read <= 125:  # type: ignore[operator]
        raise MeterMapError(f"{source}: max_read must be 2..125")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, dict):
        raise MeterMapError(f"{source}: [fields] table missing")
    fields = []
    for name in FIELDS:
        spec = raw_fields.get(name)
        if not isinstance(spec, dict):
            raise MeterMapError(f"{source}: field '{name}' missing")
        address, typ, scale = spec.get("address"), spec.get("type"), spec.get("scale", 1)
        if not isinstance(address, int) or not 0 <= address <= 0xFFFF:
            raise MeterMapError(f"{source}: {name}.address must be 0..65535")
        if typ not in TYPES:
            raise MeterMapError(f"{source}: {name}.type must be one of {', '.join(TYPES)}")
        if not isinstance(scale, int | float) or isinstance(scale, bool) or scale <= 0:
            raise MeterMapError(f"{source}: {name}.scale must be a positive number")
        fields.append(MeterField(name, address, str(typ), float(scale)))
    extra = set(raw_fields) - set(FIELDS)
    if extra:
        raise MeterMapError(f"{source}: unknown fields {sorted(extra)}")
    return MeterMap(
        model=str(need("model", str)), vendor=str(data.get("vendor", "")), function=int(function),  # type: ignore[arg-type]
        max_read=int(max_read), max_gap=int(data.get("max_gap", 0)),  # type: ignore[call-overload, arg-type]
        baudrate=int(data.get("baudrate", 9600)), phases=int(data.get("phases", 1)),  # type: ignore[call-overload]
        fields=tuple(fields),
    )
