"""DL/T 645-2007 codec: the public vectors of protocol-facts §3 byte for byte, round trips, and garbage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comm.dlt645.codec import (
    CURRENT_A,
    ENERGY_FORWARD,
    ENERGY_TOTAL,
    POWER_TOTAL,
    VOLTAGE_A,
    Dlt645Error,
    Frame,
    FrameScanner,
    MeterRefused,
    decode_address,
    decode_frame,
    encode_address,
    encode_frame,
    error_reply,
    parse_address_reply,
    parse_read_reply,
    read_address_reply,
    read_address_request,
    read_reply,
    read_request,
)

ADDR = "123456789012"


def hx(text: str) -> bytes:
    return bytes.fromhex(text)


# (description, frame built by our codec, preamble, the published bytes) — protocol-facts §3.3
KNOWN_FRAMES = [
    ("read forward active total", read_request(ADDR, ENERGY_FORWARD), 4,
     "FE FE FE FE 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16"),
    ("reply 1234.56 kWh", read_reply(ADDR, ENERGY_FORWARD, [123456]), 0,
     "68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16"),
    ("read combined active total", read_request(ADDR, ENERGY_TOTAL), 0,
     "68 12 90 78 56 34 12 68 11 04 33 33 33 33 67 16"),
    ("read Ua", read_request(ADDR, VOLTAGE_A), 0, "68 12 90 78 56 34 12 68 11 04 33 34 34 35 6B 16"),
    ("reply Ua 220.1 V", read_reply(ADDR, VOLTAGE_A, [2201]), 0,
     "68 12 90 78 56 34 12 68 91 06 33 34 34 35 34 55 76 16"),
    ("read Ia", read_request(ADDR, CURRENT_A), 0, "68 12 90 78 56 34 12 68 11 04 33 34 35 35 6C 16"),
    ("reply Ia 5.123 A", read_reply(ADDR, CURRENT_A, [5123]), 0,
     "68 12 90 78 56 34 12 68 91 07 33 34 35 35 56 84 33 FC 16"),
    ("reply Ia -5.123 A", read_reply(ADDR, CURRENT_A, [-5123]), 0,
     "68 12 90 78 56 34 12 68 91 07 33 34 35 35 56 84 B3 7C 16"),
    ("read P total", read_request(ADDR, POWER_TOTAL), 0, "68 12 90 78 56 34 12 68 11 04 33 33 36 35 6C 16"),
    ("reply P 1.1268 kW", read_reply(ADDR, POWER_TOTAL, [11268]), 0,
     "68 12 90 78 56 34 12 68 91 07 33 33 36 35 9B 45 34 03 16"),
    ("error reply: no requested data", error_reply(ADDR, 0x11, 0x02), 0, "68 12 90 78 56 34 12 68 D1 01 35 8D 16"),
    ("read address (wildcard)", read_address_request(), 4, "FE FE FE FE 68 AA AA AA AA AA AA 68 13 00 DF 16"),
    # field captures (§3.3): other addresses
    ("capture: forward total, 000000000161", read_request("000000000161", ENERGY_FORWARD), 4,
     "FE FE FE FE 68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16"),
    ("capture: reply 0.26 kWh", read_reply("000000000161", ENERGY_FORWARD, [26]), 0,
     "68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16"),
    ("capture: Ua request", read_request("000000000161", VOLTAGE_A), 0,
     "68 61 01 00 00 00 00 68 11 04 33 34 34 35 17 16"),
    ("capture: Ua 100.1 V", read_reply("000000000161", VOLTAGE_A, [1001]), 0,
     "68 61 01 00 00 00 00 68 91 06 33 34 34 35 34 43 10 16"),
    ("capture: combined total, 652022122003", read_request("652022122003", ENERGY_TOTAL), 0,
     "68 03 20 12 22 20 65 68 11 04 33 33 33 33 8D 16"),
    ("capture: reply 0.00 kWh", read_reply("652022122003", ENERGY_TOTAL, [0]), 0,
     "68 03 20 12 22 20 65 68 91 08 33 33 33 33 33 33 33 33 DD 16"),
]  # fmt: skip


@pytest.mark.parametrize(("what", "frame", "preamble", "wire"), KNOWN_FRAMES, ids=[k[0] for k in KNOWN_FRAMES])
def test_known_frames_byte_for_byte(what: str, frame: Frame, preamble: int, wire: str) -> None:
    assert encode_frame(frame, preamble=preamble) == hx(wire)
    assert decode_frame(hx(wire)) == frame


def test_address_is_bcd_low_byte_first() -> None:
    assert encode_address(ADDR) == hx("12 90 78 56 34 12")
    assert decode_address(hx("12 90 78 56 34 12")) == ADDR
    with pytest.raises(Dlt645Error, match="12 digits"):
        encode_address("12345")
    with pytest.raises(Dlt645Error, match="decimal digits"):
        encode_address("12345678901A")
    with pytest.raises(Dlt645Error, match="not BCD"):
        decode_address(hx("1A 90 78 56 34 12"))


def test_replies_decode_to_fixed_point_values() -> None:
    wire = {
        ENERGY_FORWARD: "68 12 90 78 56 34 12 68 91 08 33 33 34 33 89 67 45 33 54 16",
        VOLTAGE_A: "68 12 90 78 56 34 12 68 91 06 33 34 34 35 34 55 76 16",
        CURRENT_A: "68 12 90 78 56 34 12 68 91 07 33 34 35 35 56 84 B3 7C 16",
        POWER_TOTAL: "68 12 90 78 56 34 12 68 91 07 33 33 36 35 9B 45 34 03 16",
    }
    got = {di: parse_read_reply(decode_frame(hx(w)), di) for di, w in wire.items()}
    assert got == {ENERGY_FORWARD: (123456,), VOLTAGE_A: (2201,), CURRENT_A: (-5123,), POWER_TOTAL: (11268,)}


def test_abnormal_reply_names_the_error_and_a_reply_for_another_identifier_is_refused() -> None:
    err = decode_frame(hx("68 12 90 78 56 34 12 68 D1 01 35 8D 16"))
    assert err.is_reply and err.abnormal and err.function == 0x11
    with pytest.raises(MeterRefused, match="no requested data") as info:
        parse_read_reply(err, ENERGY_FORWARD)
    assert info.value.err == 0x02
    ua = decode_frame(hx("68 12 90 78 56 34 12 68 91 06 33 34 34 35 34 55 76 16"))
    with pytest.raises(Dlt645Error, match="asked for 00010000"):
        parse_read_reply(ua, ENERGY_FORWARD)
    with pytest.raises(Dlt645Error, match="not a reply"):
        parse_read_reply(read_request(ADDR, VOLTAGE_A), VOLTAGE_A)


def test_read_address_round_trip() -> None:
    reply = decode_frame(encode_frame(read_address_reply(ADDR), preamble=2))
    assert parse_address_reply(reply) == ADDR


@pytest.mark.parametrize(("wire", "problem"), [
    ("68 12 90 78 56 34 12 68 11 04 33 33 34 33 69 16", "checksum"),  # CS off by one
    ("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 17", "not 0x16"),
    ("68 12 90 78 56 34 12 67 11 04 33 33 34 33 68 16", "second 0x68"),
    ("68 12 90 78 56 34 12 68 11 04 33 33 34", "incomplete"),
    ("FE FE FE", "only preamble"),
    ("00 68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16", "starts with 0x68"),
    ("68 12 90 78 56 34 12 68 11 04 33 33 34 33 68 16 00", "after the end"),
])  # fmt: skip
def test_garbage_is_a_clear_error(wire: str, problem: str) -> None:
    with pytest.raises(Dlt645Error, match=problem):
        decode_frame(hx(wire))


def test_values_that_do_not_fit_are_refused() -> None:
    with pytest.raises(Dlt645Error, match="does not fit"):
        read_reply(ADDR, VOLTAGE_A, [10000])  # XXX.X V: 4 digits
    with pytest.raises(Dlt645Error, match="does not fit"):
        read_reply(ADDR, ENERGY_FORWARD, [-1])  # energy is unsigned
    with pytest.raises(Dlt645Error, match="not one this codec knows"):
        read_request(ADDR, 0x12345678)


def test_scanner_finds_frames_between_noise_and_broken_frames() -> None:
    good = encode_frame(read_reply(ADDR, VOLTAGE_A, [2201]), preamble=2)
    broken = bytearray(good)
    broken[-2] ^= 0xFF
    s = FrameScanner()
    stream = b"\x00\x68\x11" + bytes(broken) + b"\xfe\xfe" + good + good[:5]
    frames = s.feed(stream[:7]) + s.feed(stream[7:])
    assert frames == [read_reply(ADDR, VOLTAGE_A, [2201])]
    assert s.feed(good[5:]) == [read_reply(ADDR, VOLTAGE_A, [2201])]
    assert s.garbage > 0 and s.pending == 0


def test_a_frame_is_not_hidden_behind_noise_that_looks_like_a_frame_start() -> None:
    # 68, a valid BCD address, 68, and a length byte promising 80 bytes that will never come
    fake = hx("68 11 22 33 44 55 66 68 91 50")
    good = read_reply(ADDR, VOLTAGE_A, [2201])
    assert FrameScanner().feed(fake + encode_frame(good, preamble=2)) == [good]
    assert FrameScanner().feed(hx("68 00 00") + encode_frame(good, preamble=4)) == [good]  # hypothesis found it


addresses = st.text("0123456789", min_size=12, max_size=12)
payloads = st.binary(max_size=60)


@settings(max_examples=400, deadline=None)
@given(addresses, st.integers(0, 255), payloads, st.integers(0, 4))
def test_any_frame_round_trips(address: str, control: int, data: bytes, preamble: int) -> None:
    frame = Frame(address, control, data)
    assert decode_frame(encode_frame(frame, preamble=preamble)) == frame


@settings(max_examples=1500, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash_the_decoder(raw: bytes) -> None:
    try:
        frame = decode_frame(raw)
    except Dlt645Error:
        return
    assert decode_frame(encode_frame(frame)) == frame


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=120), st.binary(max_size=120), st.lists(st.integers(1, 40), max_size=8))
def test_scanner_finds_a_frame_in_any_noise_and_chunking(before: bytes, after: bytes, cuts: list[int]) -> None:
    frame = read_reply(ADDR, POWER_TOTAL, [-11268])
    stream = before + encode_frame(frame, preamble=4) + after
    s = FrameScanner()
    found: list[Frame] = []
    at = 0
    for c in cuts:
        found += s.feed(stream[at : at + c])
        at += c
    found += s.feed(stream[at:])
    assert frame in found  # noise can never hide a well-formed frame


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([ENERGY_FORWARD, VOLTAGE_A, CURRENT_A, POWER_TOTAL]), st.binary(min_size=0, max_size=12))
def test_parse_read_reply_on_garbage_values(di: int, value: bytes) -> None:
    frame = Frame(ADDR, 0x91, di.to_bytes(4, "little") + value)
    try:
        parse_read_reply(frame, di)
    except Dlt645Error:
        pass
