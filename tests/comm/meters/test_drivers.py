"""Meter drivers against simulated meters on real pseudo-terminals (DL/T 645 and Modbus RTU)."""

from __future__ import annotations

import asyncio
import time

import pytest

from comm.dlt645.link import Dlt645Link
from comm.meters.device import Dlt645Meter, ModbusMeter
from comm.meters.messages import MeterRefused, MeterTimeout
from comm.meters.register_map import load_meter_map
from comm.pile.device import serial_client
from comm.sim.dlt645_bus import Dlt645BusServer
from comm.sim.meters import Dlt645MeterResponder, ModbusMeterServer, SimMeter
from comm.sim.rtu_bus import RtuBusServer

T0 = 1_750_000_000.0


def meter(watts: float, energy_wh: float, phases: int = 1) -> SimMeter:
    return SimMeter("M", lambda t: watts, now=T0, energy_wh=energy_wh, phases=phases, clock=lambda: T0)


async def test_dlt645_meters_on_a_pty_line() -> None:
    a = Dlt645MeterResponder(meter(11_268, 1_234_560, phases=3), "123456789012")
    b = Dlt645MeterResponder(meter(2_000, 500), "000000000161")
    bus = Dlt645BusServer([a, b], baudrate=2400, turnaround_s=0.005)
    device = await bus.start()
    link = Dlt645Link(device, baudrate=2400, timeout=0.6)
    try:
        await link.open()
        t0 = time.monotonic()
        r = await Dlt645Meter(link, "123456789012").read()
        elapsed = time.monotonic() - t0
        assert r == a.meter.reading() and r.energy_wh == 1_234_560 and r.power_w == 11_268
        assert 2250 < r.voltage_dv < 2300 and r.current_ca == round(11_268 / 3 / (r.voltage_dv / 10) * 100)
        # four request/reply pairs of ≈ 20 + 20 bytes at 2400 baud, 11 bits each: ≥ 0.7 s on the wire
        assert elapsed >= 4 * 36 * 11 / 2400
        assert (await Dlt645Meter(link, "000000000161").read()).power_w == 2000
        assert await Dlt645Meter(link, "000000000161").read_value(0x02010100) == b.meter.reading().voltage_dv
        with pytest.raises(MeterRefused, match="no requested data"):
            await Dlt645Meter(link, "000000000161").read_value(0x02020200)  # phase B current of a 1-phase meter
        bus.faults.silent.add("000000000161")
        with pytest.raises(MeterTimeout, match="no valid reply"):
            await Dlt645Meter(link, "000000000161").read()
        assert (await Dlt645Meter(link, "123456789012").read()).energy_wh == 1_234_560  # the neighbour answers
    finally:
        link.shutdown()
        await bus.stop()


async def test_dlt645_read_address_and_noise() -> None:
    bus = Dlt645BusServer([Dlt645MeterResponder(meter(100, 10), "652022122003")], baudrate=9600)
    device = await bus.start()
    link = Dlt645Link(device, baudrate=9600, timeout=0.25)
    try:
        await link.open()
        assert await link.read_address() == "652022122003"
        bus.faults.noise_rate = 0.2
        results = []
        for _ in range(8):
            try:
                results.append((await Dlt645Meter(link, "652022122003").read()).power_w)
            except MeterTimeout:
                results.append(None)
        assert None in results and 100 in results  # a corrupted reply is a timeout, never a wrong value
        assert set(results) <= {None, 100}
        assert link.garbage > 0
    finally:
        link.shutdown()
        await bus.stop()


async def test_modbus_meters_of_two_vendors_share_a_bus() -> None:
    sdm = ModbusMeterServer(meter(7_321, 8_765_430, phases=3), load_meter_map("SDM630"))
    acrel = ModbusMeterServer(meter(1_126, 12_345_670), load_meter_map("DDSY1352"))
    bus = RtuBusServer({1: sdm, 2: acrel}, baudrate=9600)  # type: ignore[dict-item]
    device = await bus.start()
    client = serial_client(device, baudrate=9600, timeout=0.5)
    try:
        assert await client.connect()
        r1 = await ModbusMeter(client, 1, "SDM630").read()
        assert r1.power_w == 7321 and r1.voltage_dv == sdm.meter.reading().voltage_dv
        assert abs(r1.energy_wh - 8_765_430) <= 1
        assert sdm.requests == 1  # one request for the whole reading
        r2 = await ModbusMeter(client, 2, "DDSY1352", multiplier=1).read()
        assert r2 == acrel.meter.reading()
        assert acrel.requests == 2
        ct = await ModbusMeter(client, 2, "DDSY1352", multiplier=40).read()  # through a 200/5 A CT
        assert (ct.energy_wh, ct.power_w, ct.voltage_dv) == (12_345_670 * 40, 1126 * 40, r2.voltage_dv)
        with pytest.raises(MeterRefused, match="illegal function"):
            await ModbusMeter(client, 1, "DDSY1352").read()  # wrong map: FC03 to an FC04 meter
        with pytest.raises(MeterTimeout):
            await ModbusMeter(client, 9, "SDM120").read()  # nobody at unit 9
        await asyncio.sleep(0)
    finally:
        client.close()
        await bus.stop()
