"""The Modbus face of a simulated pile: serves a SimPile's state as registers, through the map.

Requests and replies are pymodbus PDUs (framing is pymodbus's job); this module only decides
what a request means for the pile. Reads may span adjacent blocks but never unmapped registers;
anything else is answered with the exception a real pile would give.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from pymodbus.constants import ExcCodes
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersResponse,
    ReadInputRegistersResponse,
    WriteMultipleRegistersResponse,
    WriteSingleRegisterResponse,
)

from comm.pile.codec import CodecError, PileCodec
from comm.pile.messages import (
    Command,
    CommandResult,
    PileConfig,
    PileIdentity,
    PileStatus,
    PortLive,
    RecordsHeader,
    TransactionRecord,
)
from comm.sim.pile_blacklist import blacklist_image, blacklist_write
from comm.sim.pile_maint import firmware_image, firmware_write

log = logging.getLogger(__name__)


class ServedPile(Protocol):
    """What the register server needs from a simulated pile (comm.sim.pile_model.SimPile)."""

    unit_id: int

    def identity(self) -> PileIdentity: ...
    def status(self, now: float) -> PileStatus: ...
    def port(self, n: int) -> PortLive: ...
    @property
    def config(self) -> PileConfig: ...
    @property
    def config_revision(self) -> int: ...
    def records_header(self) -> RecordsHeader: ...
    def record_window(self, count: int = ...) -> list[TransactionRecord]: ...
    @property
    def last_command(self) -> tuple[CommandResult, int]: ...
    def apply_config(self, cfg: PileConfig) -> None: ...
    def execute(self, cmd: Command, now: float) -> CommandResult: ...


class PileRegisterServer:
    """Answers Modbus request PDUs for one pile."""

    def __init__(self, pile: ServedPile, codec: PileCodec, clock: Callable[[], float]) -> None:
        self.pile = pile
        self.codec = codec
        self.clock = clock

    def handle(self, req: ModbusPDU) -> ModbusPDU:
        fc = req.function_code
        try:
            if fc in (3, 4):
                table = "holding" if fc == 3 else "input"
                regs = self.read(table, req.address, req.count)
                cls = ReadHoldingRegistersResponse if fc == 3 else ReadInputRegistersResponse
                return cls(registers=regs, dev_id=req.dev_id, transaction_id=req.transaction_id)
            if fc == 6:
                self.write(req.address, list(req.registers))
                return WriteSingleRegisterResponse(
                    address=req.address, registers=list(req.registers), dev_id=req.dev_id,
                    transaction_id=req.transaction_id,
                )
            if fc == 16:
                if not 1 <= len(req.registers) <= self.codec.map.max_write or len(req.registers) != req.count:
                    raise _Exc(ExcCodes.ILLEGAL_VALUE)
                self.write(req.address, list(req.registers))
                return WriteMultipleRegistersResponse(
                    address=req.address, count=req.count, dev_id=req.dev_id, transaction_id=req.transaction_id
                )
            raise _Exc(ExcCodes.ILLEGAL_FUNCTION)
        except _Exc as exc:
            resp = ExceptionResponse(fc, exc.code)
            resp.dev_id, resp.transaction_id = req.dev_id, req.transaction_id
            return resp

    # -- reads ---------------------------------------------------------------------------------
    def read(self, table: str, address: int, count: int) -> list[int]:
        """Registers address..address+count-1; they may span adjacent blocks but no unmapped gap."""
        if not 1 <= count <= self.codec.map.max_read:
            raise _Exc(ExcCodes.ILLEGAL_VALUE)
        rmap = self.codec.map
        blocks = sorted((b for b in rmap.blocks.values() if b.table == table), key=lambda b: b.address)
        out: list[int] = []
        at = address
        for block in blocks:
            start, span = rmap.span(block)
            if not start <= at < start + span:
                continue
            take = min(start + span - at, address + count - at)
            out += self._image(block.name)[at - start : at - start + take]
            at += take
            if at == address + count:
                return out
        raise _Exc(ExcCodes.ILLEGAL_ADDRESS)

    def _image(self, block: str) -> list[int]:
        c, p = self.codec, self.pile
        if block == "identity":
            return c.encode_identity(p.identity())
        if block == "pile":
            return c.encode_status(p.status(self.clock()))
        if block == "port":
            regs: list[int] = []
            for n in range(1, c.map.ports + 1):
                regs += c.encode_port(p.port(n))
            return regs
        if block == "config":
            return c.encode_config_full(p.config, p.config_revision & 0xFFFF)
        if block == "command":
            result, seq = p.last_command
            return [0] * (c.command.writable or 0) + c.encode_command_status(result, seq)
        fw = firmware_image(c.map, p, block)
        if fw is not None:
            return fw
        bl = blacklist_image(c.map, p, block)
        if bl is not None:
            return bl
        if block in ("records_header", "record"):
            image = c.encode_records(p.records_header(), p.record_window(c.map.record_window))
            return image if block == "records_header" else image[c.records_header.length :]
        raise _Exc(ExcCodes.ILLEGAL_ADDRESS)

    # -- writes --------------------------------------------------------------------------------
    def write(self, address: int, values: list[int]) -> None:
        c = self.codec
        cfg_start, cmd_start = c.config.address, c.command.address
        if cfg_start <= address and address + len(values) <= cfg_start + (c.config.writable or 0):
            current = c.encode_config(self.pile.config)
            off = address - cfg_start
            current[off : off + len(values)] = values
            try:
                cfg, _ = c.decode_config(current)
            except CodecError as exc:
                log.info("pile %s refused config: %s", self.pile.unit_id, exc)
                raise _Exc(ExcCodes.ILLEGAL_VALUE) from None
            self.pile.apply_config(cfg)
            return
        if address == cmd_start and len(values) == c.command.writable:
            try:
                cmd = c.decode_command(values)
            except CodecError:
                raise _Exc(ExcCodes.ILLEGAL_VALUE) from None
            self.pile.execute(cmd, self.clock())
            return
        try:
            if firmware_write(c.map, self.pile, address, values, self.clock()):
                return
        except ValueError as exc:
            log.info("pile %s refused a firmware write: %s", self.pile.unit_id, exc)
            raise _Exc(ExcCodes.ILLEGAL_VALUE) from None
        try:
            if blacklist_write(c.map, self.pile, address, values, self.clock()):
                return
        except ValueError as exc:
            log.info("pile %s refused a blacklist write: %s", self.pile.unit_id, exc)
            raise _Exc(ExcCodes.ILLEGAL_VALUE) from None
        raise _Exc(ExcCodes.ILLEGAL_ADDRESS)


class _Exc(Exception):
    def __init__(self, code: Any) -> None:
        super().__init__(code)
        self.code = int(code)
