"""Modbus meter maps and codec: the frames of protocol-facts §2 byte for byte, round trips, garbage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU
from pymodbus.pdu.register_message import ReadHoldingRegistersRequest, ReadInputRegistersRequest

from comm.meters.codec import (
    MeterCodecError,
    ReadSpan,
    decode_field,
    decode_reading,
    encode_field,
    encode_reading,
    plan_reads,
)
from comm.meters.messages import MeterReading
from comm.meters.register_map import MeterMapError, available_models, load_meter_map, parse_meter_map

SDM630, SDM120 = load_meter_map("SDM630"), load_meter_map("SDM120")
DDSY, ADW = load_meter_map("DDSY1352"), load_meter_map("ADW300")


def request_frame(function: int, unit: int, span: ReadSpan) -> bytes:
    cls = ReadInputRegistersRequest if function == 4 else ReadHoldingRegistersRequest
    return FramerRTU(DecodePDU(False)).buildFrame(cls(address=span.address, count=span.count, dev_id=unit))


def reply_registers(wire: str) -> list[int]:
    used, pdu = FramerRTU(DecodePDU(False)).handleFrame(bytes.fromhex(wire), 0, 0)
    assert pdu is not None and used == len(bytes.fromhex(wire))
    return list(pdu.registers)


def test_the_four_vendor_maps_are_shipped() -> None:
    assert available_models() == ["ADW300", "DDSY1352", "SDM120", "SDM630"]
    assert (SDM630.function, DDSY.function, ADW.function) == (4, 3, 3)


@pytest.mark.parametrize(("field", "wire"), [
    ("voltage_dv", "01 04 00 00 00 02 71 CB"),
    ("current_ca", "01 04 00 06 00 02 91 CA"),
    ("energy_wh", "01 04 00 48 00 02 F1 DD"),
])  # fmt: skip
def test_sdm_single_field_requests(field: str, wire: str) -> None:
    f = SDM630.field(field)
    assert request_frame(4, 1, ReadSpan(f.address, f.words)) == bytes.fromhex(wire)


def test_sdm120_power_request_and_float_replies() -> None:
    f = SDM120.field("power_w")
    assert request_frame(4, 1, ReadSpan(f.address, 2)) == bytes.fromhex("01 04 00 0C 00 02 B1 C8")
    assert decode_field(SDM630.field("voltage_dv"), reply_registers("01 04 04 43 66 33 33 5A FA")) == 2302
    assert decode_field(SDM630.field("energy_wh"), reply_registers("01 04 04 44 9A 50 00 F3 5B")) == 1_234_500
    assert encode_field(SDM630.field("current_ca"), 500) == [0x40A0, 0x0000]  # 5.0 A
    assert encode_field(SDM120.field("power_w"), 1150) == [0x448F, 0xC000]  # 1150.0 W


def test_acrel_ddsy1352_frames() -> None:
    spans = plan_reads(DDSY)
    assert spans == (ReadSpan(0x0000, 2), ReadSpan(0x000B, 3))
    assert [request_frame(3, 1, s) for s in spans] == [bytes.fromhex("01 03 00 00 00 02 C4 0B"),
                                                       bytes.fromhex("01 03 00 0B 00 03 74 09")]
    blocks = {0x0000: reply_registers("01 03 04 00 12 D6 87 44 34"),
              0x000B: reply_registers("01 03 06 08 99 02 00 04 66 BF 73")}
    assert decode_reading(DDSY, blocks) == MeterReading(energy_wh=12_345_670, power_w=1126, voltage_dv=2201,
                                                        current_ca=512)


def test_sdm630_reads_everything_in_one_request_within_its_80_register_limit() -> None:
    assert plan_reads(SDM630) == (ReadSpan(0, 74),)
    assert all(s.count <= 80 for m in (SDM630, SDM120, DDSY, ADW) for s in plan_reads(m))


@pytest.mark.parametrize("m", [SDM630, SDM120, DDSY, ADW], ids=lambda m: m.model)
def test_readings_round_trip_through_the_register_image(m) -> None:  # type: ignore[no-untyped-def]
    reading = MeterReading(energy_wh=8_765_430, power_w=7321, voltage_dv=2298, current_ca=3187)
    image = encode_reading(m, reading)
    blocks = {s.address: [image.get(a, 0) for a in range(s.address, s.address + s.count)] for s in plan_reads(m)}
    back = decode_reading(m, blocks)
    if m.function == 4:  # float32 keeps 24 bits: 8 765.43 kWh survives to the Wh
        assert abs(back.energy_wh - reading.energy_wh) <= 1
        assert (back.power_w, back.voltage_dv, back.current_ca) == (7321, 2298, 3187)
    else:
        assert back == reading


def test_impossible_registers_are_clear_errors() -> None:
    nan = [0x7FC0, 0x0000]
    with pytest.raises(MeterCodecError, match="nan"):
        decode_field(SDM630.field("power_w"), nan)
    with pytest.raises(MeterCodecError, match="negative"):
        decode_field(ADW.field("energy_wh"), [0xFFFF, 0xFFFF])
    with pytest.raises(MeterCodecError, match="not read"):
        decode_reading(SDM630, {0: [0, 0]})
    with pytest.raises(MeterCodecError, match="does not fit"):
        encode_field(DDSY.field("voltage_dv"), 70_000)


def test_a_broken_map_names_the_problem() -> None:
    base = {"model": "X", "function": 3, "max_read": 10, "fields": {
        "energy_wh": {"address": 0, "type": "uint32"}, "power_w": {"address": 2, "type": "int16"},
        "voltage_dv": {"address": 3, "type": "uint16"}, "current_ca": {"address": 4, "type": "uint16"}}}
    assert parse_meter_map(base).model == "X"
    with pytest.raises(MeterMapError, match="function"):
        parse_meter_map({**base, "function": 6})
    with pytest.raises(MeterMapError, match=r"current_ca\.type"):
        parse_meter_map({**base, "fields": {**base["fields"], "current_ca": {"address": 4, "type": "float64"}}})  # type: ignore[dict-item]
    with pytest.raises(MeterMapError, match="no register map"):
        load_meter_map("DDSU666")


@settings(max_examples=500, deadline=None)
@given(st.sampled_from([SDM630, SDM120, DDSY, ADW]), st.lists(st.integers(0, 0xFFFF), min_size=80, max_size=80))
def test_any_registers_decode_or_fail_cleanly(m, regs: list[int]) -> None:  # type: ignore[no-untyped-def]
    blocks = {s.address: regs[: s.count] for s in plan_reads(m)}
    try:
        r = decode_reading(m, blocks)
    except MeterCodecError:
        return
    assert r.energy_wh >= 0
