"""The pile session: typed requests to one pile over a pymodbus client (RTU bus or TCP link).

One `PileDevice` per pile; several share one client on an RS-485 bus. The caller (the engine's
line poller) owns the client and guarantees one outstanding request at a time. Every failure
comes out as a `PileLinkError` subclass that says in plain words what happened.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from pymodbus import FramerType
from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.client.base import ModbusBaseClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from comm.pile.codec import CodecError, PileCodec
from comm.pile.messages import (
    Command,
    CommandCode,
    CommandResult,
    CommandStatus,
    PileConfig,
    PileIdentity,
    PileStatus,
    PortLive,
    RecordsHeader,
    TransactionRecord,
)
from comm.pile.register_map import load_map

log = logging.getLogger(__name__)
# pymodbus logs every timeout at ERROR with a frame dump; the poller reports link health itself.
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)

EXCEPTION_NAMES = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "device failure",
    6: "device busy",
}


class PileLinkError(Exception):
    """Talking to a pile failed."""


class PileTimeout(PileLinkError):
    """No (valid) reply in time: the pile is silent, the reply was garbled, or the line is down."""


class PileDisconnected(PileLinkError):
    """The serial port or TCP connection is not open."""


class PileRefused(PileLinkError):
    """The pile answered with a Modbus exception."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


class PileBadReply(PileLinkError):
    """A reply arrived but its content is not what the register map allows."""


class CommandFailed(PileLinkError):
    """The pile did not carry out a command, or its read-back does not confirm it."""

    def __init__(self, message: str, result: CommandResult | None = None) -> None:
        super().__init__(message)
        self.result = result


def serial_client(
    device: str, *, baudrate: int, parity: str = "N", stopbits: int = 1, timeout: float
) -> AsyncModbusSerialClient:
    return AsyncModbusSerialClient(
        device, framer=FramerType.RTU, baudrate=baudrate, bytesize=8, parity=parity,
        stopbits=stopbits, timeout=timeout, retries=0, reconnect_delay=0,
    )


def tcp_client(host: str, port: int, *, timeout: float) -> AsyncModbusTcpClient:
    # Reconnects are the poller's business (with back-off and an offline state), not pymodbus's.
    return AsyncModbusTcpClient(host, port=port, timeout=timeout, retries=0, reconnect_delay=0)


def wire_timeout(baudrate: int, *, floor_s: float) -> float:
    """A reply timeout that a healthy pile can always meet at this baud rate.

    The longest reply (125 registers = 255 bytes) takes 0.29 s at 9600 baud; a fixed 300 ms
    timeout would make every full read a coin toss.
    """
    worst_wire = (8 + 255) * 11 / baudrate
    return max(floor_s, worst_wire * 1.5 + 0.1)


class PileDevice:
    """Typed operations on one pile through a shared pymodbus client."""

    def __init__(self, client: ModbusBaseClient, unit_id: int, *, model: str = "ACX10A") -> None:
        self.client = client
        self.unit_id = unit_id
        self.codec = PileCodec(load_map(model))
        self._seq = 0

    # -- raw access ----------------------------------------------------------------------------
    async def _call(self, what: str, request: Any) -> Any:
        # `request` makes the call: pymodbus raises "not connected" while building it, not when awaited,
        # and that must become PileDisconnected too (a bare exception would end the line's poller).
        try:
            reply = await request()
        except ConnectionException as exc:
            raise PileDisconnected(f"unit {self.unit_id}: {what}: not connected ({exc})") from None
        except ModbusIOException as exc:
            raise PileTimeout(f"unit {self.unit_id}: {what}: no valid reply in time") from exc
        except ModbusException as exc:
            raise PileBadReply(f"unit {self.unit_id}: {what}: {exc}") from exc
        if reply.isError():
            code = getattr(reply, "exception_code", 0)
            raise PileRefused(f"unit {self.unit_id}: {what}: pile answered '{EXCEPTION_NAMES.get(code, code)}'", code)
        return reply

    async def read(self, table: str, address: int, count: int) -> list[int]:
        fn = self.client.read_input_registers if table == "input" else self.client.read_holding_registers
        reply = await self._call(f"read {table} {address:#06x}+{count}",
                                 lambda: fn(address, count=count, device_id=self.unit_id))
        regs = list(reply.registers)
        if len(regs) != count:
            raise PileBadReply(f"unit {self.unit_id}: asked for {count} registers at {address:#06x}, got {len(regs)}")
        return regs

    async def write(self, address: int, values: Sequence[int]) -> None:
        await self._call(f"write {address:#06x}+{len(values)}",
                         lambda: self.client.write_registers(address, list(values), device_id=self.unit_id))

    def _decode(self, fn: Any, regs: Sequence[int]) -> Any:
        try:
            return fn(regs)
        except CodecError as exc:
            raise PileBadReply(f"unit {self.unit_id}: {exc}") from exc

    # -- typed reads ---------------------------------------------------------------------------
    async def read_identity(self) -> PileIdentity:
        b = self.codec.identity
        return self._decode(self.codec.decode_identity, await self.read(b.table, b.address, b.length))

    async def read_status(self) -> PileStatus:
        b = self.codec.pile
        return self._decode(self.codec.decode_status, await self.read(b.table, b.address, b.length))

    async def read_ports(self, first: int = 1, last: int | None = None) -> dict[int, PortLive]:
        """Ports first..last (inclusive) in one request."""
        last = self.codec.map.ports if last is None else last
        addr = self.codec.port_address(first)
        count = (last - first + 1) * self.codec.port.length
        ports = self._decode(self.codec.decode_ports, await self.read("input", addr, count))
        return {first + i: p for i, p in enumerate(ports)}

    async def read_config(self) -> tuple[PileConfig, int]:
        b = self.codec.config
        return self._decode(self.codec.decode_config, await self.read(b.table, b.address, b.length))

    async def read_records(self) -> tuple[RecordsHeader, list[TransactionRecord]]:
        start, count = self.codec.records_span
        return self._decode(self.codec.decode_records, await self.read("holding", start, count))

    # -- writes confirmed by read-back ----------------------------------------------------------
    async def write_config(self, cfg: PileConfig) -> int:
        """Write the configuration and read it back; returns the pile's new config revision."""
        try:
            regs = self.codec.encode_config(cfg)
        except CodecError as exc:
            raise CommandFailed(f"configuration not sent: {exc}") from exc
        await self.write(self.codec.config.address, regs)
        back, revision = await self.read_config()
        if back != cfg:
            raise CommandFailed(f"unit {self.unit_id}: configuration read back differs from what was written")
        return revision

    def next_seq(self) -> int:
        self._seq = self._seq % 0xFFFF + 1
        return self._seq

    async def command(self, cmd: Command) -> CommandStatus:
        """Send a command and read its result back; raises CommandFailed unless the pile says OK."""
        if cmd.seq == 0:
            cmd = Command(cmd.code, cmd.port, cmd.minutes, cmd.amount_fen, cmd.arg, self.next_seq())
        try:
            regs = self.codec.encode_command(cmd)
        except CodecError as exc:
            raise CommandFailed(f"command not sent: {exc}") from exc
        await self.write(self.codec.command.address, regs)
        status = self._decode(self.codec.decode_command_status,
                              await self.read("holding", self.codec.command_result_address, 2))
        if status.result_seq != cmd.seq:
            raise CommandFailed(
                f"unit {self.unit_id}: {cmd.code.value} not confirmed (pile reports command {status.result_seq}, "
                f"sent {cmd.seq})"
            )
        if status.result is not CommandResult.OK:
            raise CommandFailed(f"unit {self.unit_id}: {cmd.code.value} refused: {status.result.value}", status.result)
        return status

    async def ack_records(self, seq: int) -> None:
        await self.command(Command(CommandCode.ACK_RECORDS, arg=seq))
