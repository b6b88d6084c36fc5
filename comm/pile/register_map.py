"""Register maps as data: load and validate a pile model's map file (comm/pile/maps/*.toml).

A map says where each canonical field lives (table, address, offset), how its raw value is
encoded (type, scale) and how raw enum values translate into the canonical names of
comm.pile.messages. Adding a vendor means adding a file, not code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from comm.pile.messages import ENUMS

MAPS_DIR = Path(__file__).parent / "maps"

FieldType = Literal["u16", "i16", "u32", "ascii", "enum", "flags", "bytes"]  # bytes: a raw data window
Table = Literal["input", "holding"]
_SIZES = {"u16": 1, "i16": 1, "u32": 2, "enum": 1, "flags": 1}


class MapError(ValueError):
    """A register-map file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Bit:
    bit: int
    name: str
    doc: str = ""


@dataclass(frozen=True, slots=True)
class FieldDef:
    name: str
    offset: int
    type: FieldType
    size: int
    doc: str = ""
    enum: str | None = None
    bits: tuple[Bit, ...] = ()
    scale: int = 1
    div: int = 1
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True, slots=True)
class BlockDef:
    name: str
    table: Table
    address: int
    length: int
    fields: tuple[FieldDef, ...]
    repeat: str | None = None
    writable: int | None = None  # registers 0..writable-1 may be written; None = read-only block
    doc: str = ""

    def field(self, name: str) -> FieldDef:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"block {self.name} has no field {name}")


@dataclass(frozen=True, slots=True)
class EnumDef:
    name: str
    to_name: dict[int, str]  # raw value -> canonical member name
    to_raw: dict[str, int]
    labels: dict[str, tuple[str, str]]  # canonical name -> (zh, en)


@dataclass(frozen=True, slots=True)
class RegisterMap:
    model: str
    title_zh: str
    title_en: str
    map_version: int
    ports: int
    max_read: int
    max_write: int
    record_window: int
    record_capacity: int
    blocks: dict[str, BlockDef]
    enums: dict[str, EnumDef]
    source: str
    blacklist_capacity: int = 0  # entries of the blacklist_card table (0: the model has no blacklist)

    def block(self, name: str) -> BlockDef:
        return self.blocks[name]

    def repeat_count(self, block: BlockDef) -> int:
        if block.repeat is None:
            return 1
        return int(getattr(self, {"port_count": "ports"}.get(block.repeat, block.repeat)))

    def span(self, block: BlockDef) -> tuple[int, int]:
        """(first address, register count) covered by a block and all its repeats."""
        return block.address, block.length * self.repeat_count(block)


def available_models() -> list[str]:
    return sorted(p.stem.upper() for p in MAPS_DIR.glob("*.toml"))


@cache
def load_map(model: str) -> RegisterMap:
    path = MAPS_DIR / f"{model.lower()}.toml"
    if not path.is_file():
        raise MapError(f"no register map for pile model {model!r}; known: {', '.join(available_models())}")
    return load_map_file(path)


def load_map_file(path: Path) -> RegisterMap:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MapError(f"{path.name}: cannot read: {exc}") from exc
    where = path.name
    try:
        m = data["model"]
        enums = {name: _enum(where, name, rows) for name, rows in data.get("enums", {}).items()}
        blocks = {}
        for raw in data["blocks"]:
            block = _block(where, raw, enums)
            if block.name in blocks:
                raise MapError(f"{where}: block {block.name} defined twice")
            blocks[block.name] = block
        rmap = RegisterMap(
            model=str(m["name"]),
            title_zh=str(m.get("title_zh", "")),
            title_en=str(m.get("title_en", "")),
            map_version=int(m["map_version"]),
            ports=int(m["ports"]),
            max_read=int(m.get("max_read", 125)),
            max_write=int(m.get("max_write", 123)),
            record_window=int(m.get("record_window", 1)),
            record_capacity=int(m.get("record_capacity", 0)),
            blocks=blocks,
            enums=enums,
            source=where,
            blacklist_capacity=int(m.get("blacklist_capacity", 0)),
        )
    except KeyError as exc:
        raise MapError(f"{where}: missing key {exc}") from exc
    _check_spans(rmap)
    return rmap


def _enum(where: str, name: str, rows: list[dict[str, Any]]) -> EnumDef:
    canonical = ENUMS.get(name)
    if canonical is None:
        raise MapError(f"{where}: enum {name!r} is not a canonical enum ({', '.join(ENUMS)})")
    to_name: dict[int, str] = {}
    labels: dict[str, tuple[str, str]] = {}
    for row in rows:
        value, cname = int(row["value"]), str(row["name"])
        if cname not in canonical.__members__:
            raise MapError(f"{where}: enum {name}: {cname!r} is not a member of {canonical.__name__}")
        if value in to_name or not 0 <= value <= 0xFFFF:
            raise MapError(f"{where}: enum {name}: value {value} repeated or out of range")
        to_name[value] = cname
        labels[cname] = (str(row.get("zh", cname)), str(row.get("en", cname)))
    return EnumDef(name, to_name, {v: k for k, v in to_name.items()}, labels)


def _block(where: str, raw: dict[str, Any], enums: dict[str, EnumDef]) -> BlockDef:
    name = str(raw["name"])
    length = int(raw["length"])
    table = raw["table"]
    if table not in ("input", "holding"):
        raise MapError(f"{where}: block {name}: table must be input or holding")
    fields = []
    used: dict[int, str] = {}
    for f in raw.get("fields", []):
        ftype = f["type"]
        if ftype not in (*_SIZES, "ascii", "bytes"):
            raise MapError(f"{where}: {name}.{f.get('name')}: unknown type {ftype!r}")
        size = int(f["length"]) if ftype in ("ascii", "bytes") else _SIZES[ftype]
        fd = FieldDef(
            name=str(f["name"]),
            offset=int(f["offset"]),
            type=ftype,
            size=size,
            doc=str(f.get("doc", "")),
            enum=f.get("enum"),
            bits=tuple(Bit(int(b["bit"]), str(b["name"]), str(b.get("doc", ""))) for b in f.get("bits", [])),
            scale=int(f.get("scale", 1)),
            div=int(f.get("div", 1)),
            min=f.get("min"),
            max=f.get("max"),
        )
        if fd.type == "enum" and fd.enum not in enums:
            raise MapError(f"{where}: {name}.{fd.name}: enum {fd.enum!r} not defined")
        if fd.offset < 0 or fd.offset + fd.size > length:
            raise MapError(f"{where}: {name}.{fd.name}: offset {fd.offset} size {fd.size} outside block ({length})")
        for r in range(fd.offset, fd.offset + fd.size):
            if r in used:
                raise MapError(f"{where}: {name}.{fd.name} overlaps {used[r]} at register {r}")
            used[r] = fd.name
        if fd.scale < 1 or fd.div < 1:
            raise MapError(f"{where}: {name}.{fd.name}: scale and div must be ≥ 1")
        fields.append(fd)
    writable = raw.get("writable")
    return BlockDef(
        name=name,
        table=table,
        address=int(raw["address"]),
        length=length,
        fields=tuple(fields),
        repeat=raw.get("repeat"),
        writable=int(writable) if writable is not None else None,
        doc=str(raw.get("doc", "")),
    )


def _check_spans(rmap: RegisterMap) -> None:
    spans: list[tuple[str, int, int, str]] = []
    for b in rmap.blocks.values():
        start, count = rmap.span(b)
        if start + count > 0x10000:
            raise MapError(f"{rmap.source}: block {b.name} runs past register 0xFFFF")
        if count > rmap.max_read and b.repeat is None:
            raise MapError(f"{rmap.source}: block {b.name} is longer than one read ({rmap.max_read})")
        for other, s2, c2, t2 in spans:
            if t2 == b.table and start < s2 + c2 and s2 < start + count:
                raise MapError(f"{rmap.source}: blocks {b.name} and {other} overlap")
        spans.append((b.name, start, count, b.table))
