"""Modbus meter codec: which registers to read, and registers ⇄ `MeterReading`. Pure (no I/O).

Requests are planned once per map: fields close together are read in one request (up to the
meter's `max_read` and `max_gap`), so a poll costs one or two round trips instead of four.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from comm.meters.messages import MeterReading
from comm.meters.register_map import MeterField, MeterMap


class MeterCodecError(ValueError):
    """Registers that cannot be a reading (NaN, infinite, out of range) or a reading that cannot be encoded."""


@dataclass(frozen=True, slots=True)
class ReadSpan:
    address: int
    count: int


def plan_reads(m: MeterMap, *, max_gap: int | None = None) -> tuple[ReadSpan, ...]:
    gap = m.max_gap if max_gap is None else max_gap
    spans: list[list[int]] = []  # [start, end) per request
    for f in sorted(m.fields, key=lambda f: f.address):
        end = f.address + f.words
        if spans and f.address - spans[-1][1] <= gap and end - spans[-1][0] <= m.max_read:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([f.address, end])
    return tuple(ReadSpan(a, b - a) for a, b in spans)


def _raw(f: MeterField, words: list[int]) -> float:
    if f.type == "uint16":
        return words[0]
    if f.type == "int16":
        return words[0] - 0x10000 if words[0] & 0x8000 else words[0]
    value = (words[0] << 16) | words[1]  # high word first
    if f.type == "uint32":
        return value
    if f.type == "int32":
        return value - (1 << 32) if value & 0x8000_0000 else value
    return float(struct.unpack(">f", value.to_bytes(4, "big"))[0])


def decode_field(f: MeterField, words: list[int]) -> int:
    if len(words) != f.words or any(not 0 <= w <= 0xFFFF for w in words):
        raise MeterCodecError(f"{f.name}: need {f.words} 16-bit registers, got {words}")
    raw = _raw(f, words)
    if not math.isfinite(raw):
        raise MeterCodecError(f"{f.name}: the meter reports {raw}")
    value = round(raw * f.scale)
    if f.name == "energy_wh" and value < 0:
        raise MeterCodecError(f"energy register is negative ({raw})")
    if abs(value) >= 2**62:
        raise MeterCodecError(f"{f.name}: {raw} is out of range")
    return value


def decode_reading(m: MeterMap, blocks: dict[int, list[int]]) -> MeterReading:
    """`blocks`: start address → the registers read there (as planned by `plan_reads`)."""
    values: dict[str, int] = {}
    for f in m.fields:
        for start, regs in blocks.items():
            if start <= f.address and f.address + f.words <= start + len(regs):
                values[f.name] = decode_field(f, regs[f.address - start : f.address - start + f.words])
                break
        else:
            raise MeterCodecError(f"{m.model}: {f.name} at {f.address:#06x} was not read")
    return MeterReading(**values)


def encode_field(f: MeterField, value: int) -> list[int]:
    """The registers a meter would hold for `value` (in project units): the simulator's side."""
    raw = value / f.scale
    if f.type == "float32":
        bits = int.from_bytes(struct.pack(">f", raw), "big")
        return [bits >> 16, bits & 0xFFFF]
    n = round(raw)
    lo, hi = {"uint16": (0, 0xFFFF), "int16": (-0x8000, 0x7FFF), "uint32": (0, 0xFFFF_FFFF),
              "int32": (-0x8000_0000, 0x7FFF_FFFF)}[f.type]
    if not lo <= n <= hi:
        raise MeterCodecError(f"{f.name}: {value} does not fit {f.type} at scale {f.scale:g}")
    n &= 0xFFFF if f.words == 1 else 0xFFFF_FFFF
    return [n] if f.words == 1 else [n >> 16, n & 0xFFFF]


def encode_reading(m: MeterMap, reading: MeterReading) -> dict[int, int]:
    """Register address → value for every register the map names."""
    regs: dict[int, int] = {}
    for f in m.fields:
        for k, w in enumerate(encode_field(f, getattr(reading, f.name))):
            regs[f.address + k] = w
    return regs
