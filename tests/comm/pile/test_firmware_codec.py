"""The firmware image file, the checksums and the firmware blocks of the register map."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comm.pile.codec import CodecError
from comm.pile.firmware import (
    FirmwareCodec,
    FirmwareControl,
    FirmwareImage,
    FirmwareStatus,
    ImageError,
    blocks,
    crc16_modbus,
    crc32,
    parse_version,
)
from comm.pile.messages import FirmwareCommand, FirmwareError, FirmwareState
from comm.pile.register_map import load_map

CODEC = FirmwareCodec(load_map("ACX10A"))


def test_known_answers() -> None:
    assert crc16_modbus(b"123456789") == 0x4B37  # CRC-16/MODBUS check value
    assert crc32(b"123456789") == 0xCBF43926  # CRC-32/ISO-HDLC check value
    assert crc16_modbus(bytes.fromhex("010300000001")) == 0x0A84  # the CRC of a Modbus RTU frame, low byte first
    assert parse_version("v1.12.3") == (1, 12, 3)
    with pytest.raises(ValueError):
        parse_version("1.2")


def test_the_map_places_the_blocks() -> None:
    assert (CODEC.control.address, CODEC.control.length, CODEC.control.writable) == (0x2000, 24, 9)
    assert (CODEC.data.address, CODEC.data.length, CODEC.window) == (0x2080, 123, 240)


def test_image_round_trip_and_damage_is_named() -> None:
    img = FirmwareImage("ACX10A", (1, 3, 0), bytes(range(256)) * 9 + b"tail")
    data = img.pack()
    assert len(data) == 64 + img.size and FirmwareImage.parse(data) == img
    with pytest.raises(ImageError, match="CRC-32"):
        FirmwareImage.parse(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    with pytest.raises(ImageError, match="header"):
        FirmwareImage.parse(data[:30] + b"\x09" + data[31:])
    with pytest.raises(ImageError, match="CDFW"):
        FirmwareImage.parse(b"MZ" + data[2:])
    with pytest.raises(ImageError, match="size"):
        FirmwareImage.parse(data[:-1])


@given(st.binary(max_size=200))
def test_garbage_is_an_image_error_never_a_crash(data: bytes) -> None:
    try:
        FirmwareImage.parse(data)
    except ImageError:
        pass


@given(st.integers(0, 0xFFFF), st.binary(min_size=1, max_size=240))
def test_blocks_round_trip_and_a_flipped_bit_is_caught(index: int, data: bytes) -> None:
    regs = CODEC.encode_block(index, data)
    assert len(regs) == CODEC.data.length and CODEC.decode_block(regs) == (index, data)
    bad = list(regs)
    bad[3] ^= 0x0100  # first data register, high byte
    with pytest.raises(CodecError):
        CODEC.decode_block(bad)


def test_control_and_status_round_trip() -> None:
    c = FirmwareControl(FirmwareCommand.BEGIN, 77, 123_456, 0xDEADBEEF, (2, 0, 14))
    assert CODEC.decode_control(CODEC.encode_control(c)) == c
    s = FirmwareStatus(FirmwareState.TRIAL, FirmwareError.NONE, 77, 515, 123_456, 0xDEADBEEF, (0, 0, 0),
                       (1, 2, 0), 240)
    assert CODEC.decode_status(CODEC.encode_status(s, c)) == s
    with pytest.raises(CodecError):
        CODEC.encode_block(0, b"x" * 241)
    assert [len(b) for b in blocks(b"y" * 500, 240)] == [240, 240, 20]
