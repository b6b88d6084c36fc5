"""Pile codec: registers ⇄ canonical dataclasses, driven by a register map. Pure: no I/O, no clock.

Both sides use it: the console decodes what it reads and encodes what it writes; the simulator
encodes what it serves and decodes what it is sent. Anything malformed raises CodecError with a
message that names the block, the field and the value.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import fields as dc_fields
from enum import Enum
from typing import Any

from comm.pile.messages import (
    ENUMS,
    Command,
    CommandResult,
    CommandStatus,
    ModeFlags,
    PileConfig,
    PileFlags,
    PileIdentity,
    PileStatus,
    PortLive,
    PowerTier,
    RecordsHeader,
    TransactionRecord,
)
from comm.pile.register_map import BlockDef, FieldDef, RegisterMap

N_TIERS = 5
_FLAG_TYPES: dict[str, type] = {"flags": PileFlags, "mode_flags": ModeFlags}


class CodecError(ValueError):
    """Registers that cannot be what the map says (wrong length, unknown enum, out of range)."""


def decode_block(rmap: RegisterMap, block: BlockDef, regs: Sequence[int]) -> dict[str, Any]:
    """Raw registers of one block instance → {canonical field name: value}."""
    if len(regs) < block.length:
        raise CodecError(f"{block.name}: {len(regs)} registers, need {block.length}")
    out: dict[str, Any] = {}
    for f in block.fields:
        raw = regs[f.offset : f.offset + f.size]
        for r in raw:
            if not isinstance(r, int) or not 0 <= r <= 0xFFFF:
                raise CodecError(f"{block.name}.{f.name}: register value {r!r} is not a 16-bit word")
        out[f.name] = _decode_field(rmap, block, f, raw)
    return out


def encode_block(
    rmap: RegisterMap, block: BlockDef, values: Mapping[str, Any], *, length: int | None = None
) -> list[int]:
    """{canonical field name: value} → raw registers (missing fields encode as 0)."""
    regs = [0] * (block.length if length is None else length)
    for f in block.fields:
        if f.offset + f.size > len(regs) or f.name not in values:
            continue
        regs[f.offset : f.offset + f.size] = _encode_field(rmap, block, f, values[f.name])
    return regs


def _decode_field(rmap: RegisterMap, block: BlockDef, f: FieldDef, raw: Sequence[int]) -> Any:
    if f.type == "bytes":
        return b"".join(r.to_bytes(2, "big") for r in raw)
    if f.type == "ascii":
        data = b"".join(r.to_bytes(2, "big") for r in raw).split(b"\0", 1)[0]
        try:
            return data.decode("ascii")
        except UnicodeDecodeError:
            raise CodecError(f"{block.name}.{f.name}: not ASCII text: {data!r}") from None
    if f.type == "enum":
        assert f.enum is not None
        enum = rmap.enums[f.enum]
        name = enum.to_name.get(raw[0])
        if name is None:
            raise CodecError(f"{block.name}.{f.name}: unknown {f.enum} value {raw[0]}")
        return ENUMS[f.enum][name]
    if f.type == "flags":
        # Bits the map does not name are reserved: ignored, so a newer firmware stays readable.
        return {b.name: bool(raw[0] >> b.bit & 1) for b in f.bits}
    if f.type == "u32":
        value = raw[0] << 16 | raw[1]
    elif f.type == "i16":
        value = raw[0] - 0x10000 if raw[0] & 0x8000 else raw[0]
    else:
        value = raw[0]
    return value * f.scale // f.div


def _encode_field(rmap: RegisterMap, block: BlockDef, f: FieldDef, value: Any) -> list[int]:
    where = f"{block.name}.{f.name}"
    if f.type == "bytes":
        data = bytes(value)
        if len(data) > f.size * 2:
            raise CodecError(f"{where}: {len(data)} bytes do not fit in {f.size} registers")
        data = data.ljust(f.size * 2, b"\0")
        return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    if f.type == "ascii":
        data = str(value).encode("ascii", "replace")[: f.size * 2].ljust(f.size * 2, b"\0")
        return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    if f.type == "enum":
        assert f.enum is not None
        name = value.value if isinstance(value, Enum) else str(value)
        raw = rmap.enums[f.enum].to_raw.get(name)
        if raw is None:
            raise CodecError(f"{where}: {name} has no raw value in map {rmap.model}")
        return [raw]
    if f.type == "flags":
        bits = {b.name: b.bit for b in f.bits}
        items = value.items() if isinstance(value, Mapping) else _asdict(value).items()
        word = 0
        for name, on in items:
            if name in bits and on:
                word |= 1 << bits[name]
        return [word]
    if isinstance(value, bool) or not isinstance(value, int):
        raise CodecError(f"{where}: {value!r} is not an integer")
    raw_value = value * f.div // f.scale
    lo, hi = {"u16": (0, 0xFFFF), "i16": (-0x8000, 0x7FFF), "u32": (0, 0xFFFFFFFF)}[f.type]
    if not lo <= raw_value <= hi:
        raise CodecError(f"{where}: {value} does not fit in {f.type}")
    if f.type == "u32":
        return [raw_value >> 16, raw_value & 0xFFFF]
    return [raw_value & 0xFFFF]


def _asdict(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dc_fields(obj)}


def _build(cls: type, values: Mapping[str, Any]) -> Any:
    names = {f.name for f in dc_fields(cls)}
    return cls(**{k: v for k, v in values.items() if k in names})


def check_limits(block: BlockDef, values: Mapping[str, Any]) -> None:
    """Range checks the map declares (min/max) — the pile answers exception 03 when they fail."""
    for f in block.fields:
        v = values.get(f.name)
        if not isinstance(v, int) or isinstance(v, bool):
            continue
        if f.min is not None and v < f.min:
            raise CodecError(f"{block.name}.{f.name}: {v} is below the minimum {f.min}")
        if f.max is not None and v > f.max:
            raise CodecError(f"{block.name}.{f.name}: {v} is above the maximum {f.max}")


class PileCodec:
    """Typed encode/decode of every block of one pile model."""

    def __init__(self, rmap: RegisterMap) -> None:
        self.map = rmap
        self.identity = rmap.block("identity")
        self.pile = rmap.block("pile")
        self.port = rmap.block("port")
        self.config = rmap.block("config")
        self.command = rmap.block("command")
        self.records_header = rmap.block("records_header")
        self.record = rmap.block("record")

    # -- addresses ---------------------------------------------------------------------------
    def port_address(self, port: int) -> int:
        if not 1 <= port <= self.map.ports:
            raise CodecError(f"port {port} outside 1..{self.map.ports}")
        return self.port.address + (port - 1) * self.port.length

    @property
    def records_span(self) -> tuple[int, int]:
        """Header plus the whole window, read in one request."""
        start = self.records_header.address
        end = self.record.address + self.record.length * self.map.record_window
        return start, end - start

    @property
    def command_result_address(self) -> int:
        return self.command.address + self.command.field("result").offset

    # -- identity and status -----------------------------------------------------------------
    def decode_identity(self, regs: Sequence[int]) -> PileIdentity:
        return _build(PileIdentity, decode_block(self.map, self.identity, regs))

    def encode_identity(self, ident: PileIdentity) -> list[int]:
        return encode_block(self.map, self.identity, _asdict(ident))

    def decode_status(self, regs: Sequence[int]) -> PileStatus:
        v = decode_block(self.map, self.pile, regs)
        v["flags"] = _build(PileFlags, v["flags"])
        return _build(PileStatus, v)

    def encode_status(self, status: PileStatus) -> list[int]:
        return encode_block(self.map, self.pile, _asdict(status))

    def decode_ports(self, regs: Sequence[int]) -> list[PortLive]:
        """Consecutive port blocks (starting at port 1 or wherever the read began)."""
        n, rest = divmod(len(regs), self.port.length)
        if rest or n == 0:
            raise CodecError(f"port blocks: {len(regs)} registers is not a multiple of {self.port.length}")
        stride = self.port.length
        chunks = (regs[i * stride : (i + 1) * stride] for i in range(n))
        return [_build(PortLive, decode_block(self.map, self.port, chunk)) for chunk in chunks]

    def encode_port(self, live: PortLive) -> list[int]:
        return encode_block(self.map, self.port, _asdict(live))

    # -- configuration -----------------------------------------------------------------------
    def encode_config(self, cfg: PileConfig) -> list[int]:
        """The writable registers of the config block; raises CodecError on out-of-range values."""
        values = self._config_values(cfg)
        check_limits(self.config, values)
        return encode_block(self.map, self.config, values, length=self.config.writable)

    def encode_config_full(self, cfg: PileConfig, revision: int) -> list[int]:
        return encode_block(self.map, self.config, self._config_values(cfg) | {"config_revision": revision})

    def decode_config(self, regs: Sequence[int]) -> tuple[PileConfig, int]:
        """Config registers → (config, revision). Accepts the writable part alone (revision -1)."""
        writable = self.config.writable or self.config.length
        if len(regs) < writable:
            raise CodecError(f"config: {len(regs)} registers, need {writable}")
        padded = list(regs[: self.config.length]) + [0] * max(0, self.config.length - len(regs))
        v = decode_block(self.map, self.config, padded)
        check_limits(self.config, v)
        tiers = tuple(PowerTier(v[f"tier{i}_max_w"], v[f"tier{i}_min_per_yuan"]) for i in range(1, N_TIERS + 1))
        if any(b.max_w <= a.max_w for a, b in itertools.pairwise(tiers)):
            raise CodecError("config: power tiers must have increasing upper bounds")
        v["tiers"] = tiers
        v["mode"] = _build(ModeFlags, v.pop("mode_flags"))
        return _build(PileConfig, v), (v["config_revision"] if len(regs) >= self.config.length else -1)

    @staticmethod
    def _config_values(cfg: PileConfig) -> dict[str, Any]:
        v = _asdict(cfg)
        tiers = v.pop("tiers")
        if len(tiers) != N_TIERS:
            raise CodecError(f"config: need exactly {N_TIERS} power tiers, got {len(tiers)}")
        for i, t in enumerate(tiers, start=1):
            v[f"tier{i}_max_w"], v[f"tier{i}_min_per_yuan"] = t.max_w, t.min_per_yuan
        v["mode_flags"] = v.pop("mode")
        return v

    # -- commands ----------------------------------------------------------------------------
    def encode_command(self, cmd: Command) -> list[int]:
        if not 1 <= cmd.seq <= 0xFFFF:
            raise CodecError(f"command: seq {cmd.seq} outside 1..65535")
        return encode_block(self.map, self.command, _asdict(cmd), length=self.command.writable)

    def decode_command(self, regs: Sequence[int]) -> Command:
        writable = self.command.writable or self.command.length
        padded = list(regs[:writable]) + [0] * (self.command.length - writable)
        return _build(Command, decode_block(self.map, self.command, padded))

    def encode_command_status(self, result: CommandResult, seq: int) -> list[int]:
        return [self.map.enums["command_result"].to_raw[result.value], seq]

    def decode_command_status(self, regs: Sequence[int]) -> CommandStatus:
        if len(regs) < 2:
            raise CodecError("command status: need 2 registers")
        name = self.map.enums["command_result"].to_name.get(regs[0])
        if name is None:
            raise CodecError(f"command.result: unknown value {regs[0]}")
        return CommandStatus(CommandResult[name], regs[1])

    # -- offline transaction records ---------------------------------------------------------
    def decode_records(self, regs: Sequence[int]) -> tuple[RecordsHeader, list[TransactionRecord]]:
        """Header + window → (header, the records present, in order)."""
        start, count = self.records_span
        if len(regs) < count:
            raise CodecError(f"records: {len(regs)} registers, need {count}")
        header = _build(RecordsHeader, decode_block(self.map, self.records_header, regs))
        records: list[TransactionRecord] = []
        base = self.record.address - start
        for k in range(self.map.record_window):
            chunk = regs[base + k * self.record.length : base + (k + 1) * self.record.length]
            v = decode_block(self.map, self.record, chunk)
            if v["seq"] == 0:
                break
            rec = _build(TransactionRecord, v)
            expected = header.acked + 1 + k
            if rec.seq != expected:
                raise CodecError(f"record window slot {k}: seq {rec.seq}, expected {expected}")
            records.append(rec)
        return header, records

    def encode_records(self, header: RecordsHeader, records: Sequence[TransactionRecord]) -> list[int]:
        regs = encode_block(self.map, self.records_header, _asdict(header))
        for k in range(self.map.record_window):
            if k < len(records):
                regs += encode_block(self.map, self.record, _asdict(records[k]))
            else:
                regs += [0] * self.record.length
        return regs
