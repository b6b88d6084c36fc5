"""Meter sessions: one `read()` → `MeterReading`, over Modbus (pymodbus client) or DL/T 645 (Dlt645Link).

Several meters share one line; the caller (the engine's meter poller) owns the client or link and
sends one request at a time. Every failure is a `MeterLinkError` subclass with a plain message.
"""

from __future__ import annotations

from typing import Any, Protocol

from pymodbus.client.base import ModbusBaseClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from comm.dlt645 import codec as dlt
from comm.dlt645.link import Dlt645Disconnected, Dlt645Link, Dlt645LinkError, Dlt645Timeout
from comm.meters.codec import MeterCodecError, decode_reading, plan_reads
from comm.meters.messages import (
    MeterBadReply,
    MeterDisconnected,
    MeterReading,
    MeterRefused,
    MeterTimeout,
)
from comm.meters.register_map import load_meter_map

MODBUS_EXCEPTIONS = {1: "illegal function", 2: "illegal data address", 3: "illegal data value",
                     4: "device failure", 6: "device busy"}


class Meter(Protocol):
    async def read(self) -> MeterReading: ...


def _scaled(r: MeterReading, multiplier: int) -> MeterReading:
    """Apply the CT/PT ratio of a meter wired through transformers (voltage stays as measured)."""
    if multiplier == 1:
        return r
    return MeterReading(r.energy_wh * multiplier, r.power_w * multiplier, r.voltage_dv, r.current_ca * multiplier)


class ModbusMeter:
    def __init__(self, client: ModbusBaseClient, unit_id: int, model: str, *, multiplier: int = 1) -> None:
        self.client = client
        self.unit_id = unit_id
        self.map = load_meter_map(model)
        self.spans = plan_reads(self.map)
        self.multiplier = multiplier

    async def _read_span(self, address: int, count: int) -> list[int]:
        fn = self.client.read_input_registers if self.map.function == 4 else self.client.read_holding_registers
        what = f"meter unit {self.unit_id} ({self.map.model}): read {address:#06x}+{count}"
        try:
            reply: Any = await fn(address, count=count, device_id=self.unit_id)
        except ConnectionException as exc:
            raise MeterDisconnected(f"{what}: not connected ({exc})") from None
        except ModbusIOException:
            raise MeterTimeout(f"{what}: no valid reply in time") from None
        except ModbusException as exc:
            raise MeterBadReply(f"{what}: {exc}") from None
        if reply.isError():
            code = getattr(reply, "exception_code", 0)
            raise MeterRefused(f"{what}: meter answered '{MODBUS_EXCEPTIONS.get(code, code)}'")
        regs = list(reply.registers)
        if len(regs) != count:
            raise MeterBadReply(f"{what}: got {len(regs)} registers")
        return regs

    async def read(self) -> MeterReading:
        blocks = {s.address: await self._read_span(s.address, s.count) for s in self.spans}
        try:
            return _scaled(decode_reading(self.map, blocks), self.multiplier)
        except MeterCodecError as exc:
            raise MeterBadReply(f"meter unit {self.unit_id} ({self.map.model}): {exc}") from None


class Dlt645Meter:
    """A DL/T 645-2007 meter: forward active energy, phase A voltage and current, total power."""

    def __init__(self, link: Dlt645Link, address: str, *, multiplier: int = 1) -> None:
        self.link = link
        self.address = dlt.decode_address(dlt.encode_address(address))  # normalised, validated
        self.multiplier = multiplier

    async def read_value(self, di: int) -> int:
        what = f"meter {self.address} ({dlt.data_id(di).name})"
        try:
            reply = await self.link.transact(dlt.read_request(self.address, di))
            return dlt.parse_read_reply(reply, di)[0]
        except Dlt645Timeout as exc:
            raise MeterTimeout(str(exc)) from None
        except Dlt645Disconnected as exc:
            raise MeterDisconnected(str(exc)) from None
        except Dlt645LinkError as exc:
            raise MeterTimeout(f"{what}: {exc}") from None
        except dlt.MeterRefused as exc:
            raise MeterRefused(str(exc)) from None
        except dlt.Dlt645Error as exc:
            raise MeterBadReply(f"{what}: {exc}") from None

    async def read(self) -> MeterReading:
        energy = await self.read_value(dlt.ENERGY_FORWARD)  # 0.01 kWh
        voltage = await self.read_value(dlt.VOLTAGE_A)  # 0.1 V
        current = await self.read_value(dlt.CURRENT_A)  # 0.001 A
        power = await self.read_value(dlt.POWER_TOTAL)  # 0.0001 kW = 0.1 W
        return _scaled(MeterReading(energy * 10, round(power / 10), voltage, round(current / 10)), self.multiplier)
