"""Firmware upgrade over Modbus (the map's `firmware` and `firmware_data` blocks): the image file, the
checksums, the codec of both blocks, and the typed operations on one pile.

Pure except ``FirmwareLink``, which talks through a ``PileDevice`` (so the engine's line poller, which
owns the bus, is the only one sending). The pile side is comm/sim/pile_maint.py.

Image file (``.cdfw``): a 64-byte header then the image bytes::

    0  magic "CDFW"            4  format version (u16, 1)     6  header length (u16, 64)
    8  model, ASCII, NUL-padded (16 bytes)                      24 version major, minor, patch (3 × u16)
    30 image size (u32)        34 image CRC-32 (u32)          38 reserved (22 bytes, zero)
    60 header CRC-32 of bytes 0..59 (u32)
All integers big-endian. The image CRC is what the pile is told at BEGIN and checks at VERIFY.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from comm.pile.codec import CodecError, decode_block, encode_block
from comm.pile.messages import FirmwareCommand, FirmwareError, FirmwareState
from comm.pile.register_map import RegisterMap

MAGIC = b"CDFW"
HEADER = struct.Struct(">4sHH16s3HII22s")  # 60 bytes, then the header CRC
HEADER_LEN = 64
MAX_IMAGE = 16 * 1024 * 1024

Version = tuple[int, int, int]


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def _crc16_table() -> list[int]:
    table = []
    for n in range(256):
        crc = n
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_T16 = _crc16_table()


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS (poly 0x8005 reflected, init 0xFFFF): 0x4B37 for b"123456789"."""
    crc = 0xFFFF
    for b in data:
        crc = (crc >> 8) ^ _T16[(crc ^ b) & 0xFF]
    return crc


def version_text(v: Version) -> str:
    return ".".join(str(x) for x in v)


def parse_version(text: str) -> Version:
    parts = text.strip().lstrip("vV").split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or any(int(p) > 0xFFFF for p in parts):
        raise ValueError(f"version must be major.minor.patch (0–65535 each), not {text!r}")
    return int(parts[0]), int(parts[1]), int(parts[2])


class ImageError(ValueError):
    """A firmware file that is not a valid image (its message says what is wrong)."""


@dataclass(frozen=True)
class FirmwareImage:
    model: str
    version: Version
    payload: bytes

    @property
    def size(self) -> int:
        return len(self.payload)

    @property
    def crc(self) -> int:
        return crc32(self.payload)

    def pack(self) -> bytes:
        head = HEADER.pack(MAGIC, 1, HEADER_LEN, self.model.encode("ascii")[:16].ljust(16, b"\0"), *self.version,
                           self.size, self.crc, b"\0" * 22)
        return head + struct.pack(">I", crc32(head)) + self.payload

    @classmethod
    def parse(cls, data: bytes) -> FirmwareImage:
        if len(data) < HEADER_LEN:
            raise ImageError(f"file too short for a firmware header ({len(data)} bytes)")
        magic, fmt, hlen, model, major, minor, patch, size, crc, _ = HEADER.unpack_from(data)
        if magic != MAGIC:
            raise ImageError("not a ChargeDesk firmware image (no CDFW header)")
        if fmt != 1 or hlen != HEADER_LEN:
            raise ImageError(f"unsupported image format {fmt} (header {hlen} bytes)")
        if struct.unpack_from(">I", data, 60)[0] != crc32(data[:60]):
            raise ImageError("the image header is damaged (header CRC mismatch)")
        payload = data[HEADER_LEN:]
        if len(payload) != size or not 0 < size <= MAX_IMAGE:
            raise ImageError(f"image size {len(payload)} bytes, header says {size}")
        if crc32(payload) != crc:
            raise ImageError("the image is damaged (CRC-32 mismatch)")
        return cls(model.rstrip(b"\0").decode("ascii", "replace"), (major, minor, patch), payload)

    @classmethod
    def load(cls, path: str | Path) -> FirmwareImage:
        try:
            return cls.parse(Path(path).read_bytes())
        except OSError as exc:
            raise ImageError(f"cannot read {path}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class FirmwareStatus:
    state: FirmwareState
    error: FirmwareError
    result_seq: int
    next_block: int
    received: int
    computed_crc: int
    staged: Version
    previous: Version
    block_bytes: int


@dataclass(frozen=True, slots=True)
class FirmwareControl:
    command: FirmwareCommand
    seq: int
    image_size: int = 0
    image_crc: int = 0
    version: Version = (0, 0, 0)


class FirmwareCodec:
    """The two firmware blocks of a map, both ways (console and simulator)."""

    def __init__(self, rmap: RegisterMap) -> None:
        if "firmware" not in rmap.blocks or "firmware_data" not in rmap.blocks:
            raise CodecError(f"pile model {rmap.model} has no firmware upgrade blocks")
        self.map = rmap
        self.control = rmap.block("firmware")
        self.data = rmap.block("firmware_data")
        self.window = self.data.field("data").size * 2  # bytes of data one block can carry

    @staticmethod
    def supported(rmap: RegisterMap) -> bool:
        return "firmware" in rmap.blocks and "firmware_data" in rmap.blocks

    def encode_control(self, c: FirmwareControl) -> list[int]:
        if not 1 <= c.seq <= 0xFFFF:
            raise CodecError(f"firmware: seq {c.seq} outside 1..65535")
        values = {"command": c.command, "seq": c.seq, "image_size": c.image_size, "image_crc": c.image_crc,
                  "version_major": c.version[0], "version_minor": c.version[1], "version_patch": c.version[2]}
        return encode_block(self.map, self.control, values, length=self.control.writable)

    def decode_control(self, regs: Sequence[int]) -> FirmwareControl:
        n = self.control.writable or self.control.length
        v = decode_block(self.map, self.control, list(regs[:n]) + [0] * (self.control.length - n))
        return FirmwareControl(v["command"], v["seq"], v["image_size"], v["image_crc"],
                               (v["version_major"], v["version_minor"], v["version_patch"]))

    def encode_status(self, s: FirmwareStatus, last: FirmwareControl | None = None) -> list[int]:
        values: dict[str, Any] = {
            "state": s.state, "error": s.error, "result_seq": s.result_seq, "next_block": s.next_block,
            "received": s.received, "computed_crc": s.computed_crc, "block_bytes": s.block_bytes,
            **{f"staged_{k}": x for k, x in zip(("major", "minor", "patch"), s.staged, strict=True)},
            **{f"previous_{k}": x for k, x in zip(("major", "minor", "patch"), s.previous, strict=True)},
        }
        if last is not None:  # the control registers read back as last written
            values |= {"command": last.command, "seq": last.seq, "image_size": last.image_size,
                       "image_crc": last.image_crc, "version_major": last.version[0],
                       "version_minor": last.version[1], "version_patch": last.version[2]}
        return encode_block(self.map, self.control, values)

    def decode_status(self, regs: Sequence[int]) -> FirmwareStatus:
        v = decode_block(self.map, self.control, regs)
        return FirmwareStatus(v["state"], v["error"], v["result_seq"], v["next_block"], v["received"],
                              v["computed_crc"], (v["staged_major"], v["staged_minor"], v["staged_patch"]),
                              (v["previous_major"], v["previous_minor"], v["previous_patch"]), v["block_bytes"])

    def encode_block(self, index: int, data: bytes) -> list[int]:
        if not 0 < len(data) <= self.window:
            raise CodecError(f"firmware block of {len(data)} bytes (1..{self.window})")
        return encode_block(self.map, self.data, {"block_index": index, "block_len": len(data),
                                                   "block_crc": crc16_modbus(data), "data": data})

    def decode_block(self, regs: Sequence[int]) -> tuple[int, bytes]:
        """(index, data) of a written block; CodecError when its length or CRC is wrong."""
        v = decode_block(self.map, self.data, regs)
        n = v["block_len"]
        if not 0 < n <= self.window:
            raise CodecError(f"firmware_data: block_len {n} outside 1..{self.window}")
        data = v["data"][:n]
        if crc16_modbus(data) != v["block_crc"]:
            raise CodecError(f"firmware_data: block {v['block_index']} CRC mismatch")
        return v["block_index"], data


def blocks(payload: bytes, size: int) -> list[bytes]:
    return [payload[i : i + size] for i in range(0, len(payload), size)]
