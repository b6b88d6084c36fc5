"""Simulated energy meters: a power source integrated into an energy register, served over Modbus
(a vendor register map) or DL/T 645-2007, on the same pseudo-terminal buses as the piles.

The transformer meter of a community reads the household load (load_curve) plus whatever the
simulated piles and car charge points of that community draw at that instant.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from pymodbus.constants import ExcCodes
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.register_message import ReadHoldingRegistersResponse, ReadInputRegistersResponse

from comm.dlt645 import codec as dlt
from comm.meters.codec import encode_reading
from comm.meters.messages import MeterReading
from comm.meters.register_map import MeterMap

log = logging.getLogger(__name__)
PowerSource = Callable[[float], float]  # sim time → watts


class SimMeter:
    """A meter's physics: energy is the integral of the power source; voltage ripples about nominal."""

    def __init__(self, code: str, power: PowerSource, *, now: float, energy_wh: float = 0.0, phases: int = 1,
                 nominal_dv: int = 2300, clock: Callable[[], float] | None = None) -> None:
        self.code = code
        self.power = power
        self.phases = phases
        self.nominal_dv = nominal_dv
        self.energy_wh = energy_wh
        self.clock = clock
        self._t = now
        self._p = max(0.0, power(now))

    def advance(self, now: float) -> None:
        if now <= self._t:
            return
        p = max(0.0, self.power(now))
        self.energy_wh += (self._p + p) / 2 * (now - self._t) / 3600.0  # trapezoid between ticks
        self._t, self._p = now, p

    def reading(self, now: float | None = None) -> MeterReading:
        if now is None and self.clock is not None:
            now = self.clock()
        if now is not None:
            self.advance(now)
        # Voltage sags a little under load (≈ 2 % at full load of a 100 kW feeder).
        voltage = round(self.nominal_dv * (1.0 - min(self._p, 100_000) / 5_000_000))
        current = round(self._p / self.phases / (voltage / 10) * 100) if voltage else 0
        return MeterReading(int(self.energy_wh), round(self._p), voltage, current)


class ModbusMeterServer:
    """Answers FC03/FC04 requests from a meter's register image (as RtuBusServer's per-unit server)."""

    def __init__(self, meter: SimMeter, meter_map: MeterMap, *, span: int = 0x200) -> None:
        self.meter = meter
        self.map = meter_map
        self.span = span  # registers the meter answers (unnamed ones read as 0)
        self.requests = 0

    def image(self) -> dict[int, int]:
        r = self.meter.reading()
        return encode_reading(self.map, _clamped(self.map, r))

    def handle(self, req: ModbusPDU) -> ModbusPDU:
        self.requests += 1
        fc = req.function_code
        if fc != self.map.function:
            return _exception(req, ExcCodes.ILLEGAL_FUNCTION)
        if not 1 <= req.count <= self.map.max_read or req.address + req.count > self.span:
            return _exception(req, ExcCodes.ILLEGAL_ADDRESS if req.count else ExcCodes.ILLEGAL_VALUE)
        image = self.image()
        regs = [image.get(a, 0) for a in range(req.address, req.address + req.count)]
        cls = ReadInputRegistersResponse if fc == 4 else ReadHoldingRegistersResponse
        return cls(registers=regs, dev_id=req.dev_id, transaction_id=req.transaction_id)


def _clamped(m: MeterMap, r: MeterReading) -> MeterReading:
    """A register that would overflow saturates, as a real meter's display does."""
    limits = {"uint16": 0xFFFF, "int16": 0x7FFF, "uint32": 0xFFFF_FFFF, "int32": 0x7FFF_FFFF, "float32": 1e30}
    values = {}
    for f in m.fields:
        top = int(limits[f.type] * f.scale)
        values[f.name] = max(-top, min(top, getattr(r, f.name)))
    return MeterReading(**values)


def _exception(req: ModbusPDU, code: ExcCodes) -> ModbusPDU:
    resp = ExceptionResponse(req.function_code, int(code))
    resp.dev_id, resp.transaction_id = req.dev_id, req.transaction_id
    return resp


class Dlt645MeterResponder:
    """Answers DL/T 645-2007 'read data' and 'read address' for one simulated meter."""

    def __init__(self, meter: SimMeter, address: str) -> None:
        self.meter = meter
        self.address = address
        self.requests = 0

    def values(self, di: int) -> tuple[int, ...] | None:
        r = self.meter.reading()
        energy = min(r.energy_wh // 10, 99_999_999)  # 0.01 kWh, 8 BCD digits
        power = max(-799_999, min(799_999, r.power_w * 10))  # 0.0001 kW = 0.1 W
        current = max(-799_999, min(799_999, r.current_ca * 10))  # 0.001 A
        table = {
            dlt.ENERGY_TOTAL: (energy,), dlt.ENERGY_FORWARD: (energy,), dlt.ENERGY_REVERSE: (0,),
            dlt.VOLTAGE_A: (r.voltage_dv,), dlt.VOLTAGE_BLOCK: (r.voltage_dv,) * 3,
            dlt.CURRENT_A: (current,), dlt.POWER_TOTAL: (power,),
        }  # fmt: skip
        if self.meter.phases == 3:
            table |= {0x02010200: (r.voltage_dv,), 0x02010300: (r.voltage_dv,), 0x02020200: (current,),
                      0x02020300: (current,)}
        return table.get(di)

    def handle(self, frame: dlt.Frame) -> dlt.Frame | None:
        if frame.is_reply:
            return None
        if frame.function == dlt.Function.READ_ADDRESS and frame.address in (dlt.WILDCARD, self.address):
            self.requests += 1
            return dlt.read_address_reply(self.address)
        if frame.address != self.address:
            return None
        self.requests += 1
        if frame.function != dlt.Function.READ_DATA:
            return dlt.error_reply(self.address, frame.function, 0x01)
        if len(frame.data) < 4:
            return dlt.error_reply(self.address, frame.function, 0x01)
        di = int.from_bytes(frame.data[:4], "little")
        values = self.values(di)
        if values is None:
            return dlt.error_reply(self.address, frame.function, 0x02)  # no requested data
        return dlt.read_reply(self.address, di, values)
