"""PN532 frames: the known-answer vectors of protocol-facts §4.3 byte for byte, and a fuzzed decoder."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comm.pn532 import codec
from comm.pn532.errors import FrameError
from comm.pn532.messages import Cmd, Mifare, parse_firmware, parse_targets

H = bytes.fromhex
KEY = b"\xff" * 6
UID = H("01020304")
VB100 = H("64000000 9BFFFFFF 64000000 05FA05FA")

HOST_VECTORS = [
    ("GetFirmwareVersion", Cmd.GET_FIRMWARE_VERSION, b"", "00 00 FF 02 FE D4 02 2A 00"),
    ("SAMConfiguration normal", Cmd.SAM_CONFIGURATION, H("01"), "00 00 FF 03 FD D4 14 01 17 00"),
    ("SAMConfiguration nfcpy", Cmd.SAM_CONFIGURATION, H("010000"), "00 00 FF 05 FB D4 14 01 00 00 17 00"),
    ("SAMConfiguration Adafruit", Cmd.SAM_CONFIGURATION, H("011401"), "00 00 FF 05 FB D4 14 01 14 01 02 00"),
    ("InListPassiveTarget", Cmd.IN_LIST_PASSIVE_TARGET, H("0100"), "00 00 FF 04 FC D4 4A 01 00 E1 00"),
    ("Auth A", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.AUTH_A, 4]) + KEY + UID,
     "00 00 FF 0F F1 D4 40 01 60 04 FF FF FF FF FF FF 01 02 03 04 83 00"),
    ("Auth B", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.AUTH_B, 4]) + KEY + UID,
     "00 00 FF 0F F1 D4 40 01 61 04 FF FF FF FF FF FF 01 02 03 04 82 00"),
    ("Read 4", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.READ, 4]), "00 00 FF 05 FB D4 40 01 30 04 B7 00"),
    ("Write 5 value", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.WRITE, 5]) + VB100,
     "00 00 FF 15 EB D4 40 01 A0 05 64 00 00 00 9B FF FF FF 64 00 00 00 05 FA 05 FA E8 00"),
    ("Decrement 5 by 10", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.DECREMENT, 5]) + (10).to_bytes(4, "little"),
     "00 00 FF 09 F7 D4 40 01 C0 05 0A 00 00 00 1C 00"),
    ("Increment 5 by 50", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.INCREMENT, 5]) + (50).to_bytes(4, "little"),
     "00 00 FF 09 F7 D4 40 01 C1 05 32 00 00 00 F3 00"),
    ("Transfer 5", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.TRANSFER, 5]), "00 00 FF 05 FB D4 40 01 B0 05 36 00"),
    ("Restore 5", Cmd.IN_DATA_EXCHANGE, bytes([1, Mifare.RESTORE, 5]), "00 00 FF 05 FB D4 40 01 C2 05 24 00"),
]
REPLY_VECTORS = [
    ("firmware", "00 00 FF 06 FA D5 03 32 01 06 07 E8 00", H("0332010607")),
    ("SAMConfiguration", "00 00 FF 02 FE D5 15 16 00", H("15")),
    ("one tag", "00 00 FF 0C F4 D5 4B 01 01 00 04 08 04 FB 0E E2 0B D8 00", H("4B0101000408 04FB0EE20B")),
    ("read 16×FF", "00 00 FF 13 ED D5 41 00 " + "FF " * 16 + "FA 00", H("4100") + b"\xff" * 16),
    ("InDataExchange OK", "00 00 FF 03 FD D5 41 00 EA 00", H("4100")),
    ("auth error", "00 00 FF 03 FD D5 41 14 D6 00", H("4114")),
]


@pytest.mark.parametrize(("name", "cmd", "params", "wire"), HOST_VECTORS, ids=[v[0] for v in HOST_VECTORS])
def test_host_frames_byte_for_byte(name: str, cmd: Cmd, params: bytes, wire: str) -> None:
    frame = codec.command(cmd, params)
    assert frame == H(wire)
    assert codec.decode(frame) == (len(frame), codec.Info(codec.HOST_TFI, bytes([cmd]) + params))


@pytest.mark.parametrize(("name", "wire", "data"), REPLY_VECTORS, ids=[v[0] for v in REPLY_VECTORS])
def test_reply_frames_byte_for_byte(name: str, wire: str, data: bytes) -> None:
    frame = H(wire)
    assert codec.decode(frame) == (len(frame), codec.Info(codec.PN532_TFI, data))
    assert codec.encode(data, tfi=codec.PN532_TFI) == frame


def test_replies_parse() -> None:
    fw = parse_firmware(H("0332010607"))
    assert (fw.ic, fw.version, fw.revision, fw.support, str(fw)) == (0x32, 1, 6, 7, "PN532 v1.6")
    (t,) = parse_targets(H("4B0101000408 04FB0EE20B"))
    assert (t.tg, t.atqa, t.sak, t.uid, t.is_mifare_1k) == (1, 0x0004, 0x08, H("FB0EE20B"), True)


def test_ack_nack_error_frames() -> None:
    assert H("00 00 FF 00 FF 00") == codec.ACK and H("00 00 FF FF 00 00") == codec.NACK
    assert codec.decode(codec.ACK) == (6, codec.Ack())
    assert codec.decode(codec.NACK) == (6, codec.Nack())
    assert codec.decode(H("00 00 FF 01 FF 7F 81 00")) == (8, codec.ErrorFrame())
    # ACK then a reply in one read, as they arrive on the line
    frames, rest = codec.decode_all(codec.ACK + H("00 00 FF 02 FE D5 15 16 00") + H("00 00 FF"))
    assert frames == [codec.Ack(), codec.Info(codec.PN532_TFI, H("15"))] and rest == H("00 00 FF")


def test_extended_frame_round_trip() -> None:
    data = bytes([0x40]) + bytes(range(256)) + b"\x01\x02"  # 259 bytes + TFI: does not fit LEN
    frame = codec.encode(data)
    assert frame[:5] == H("00 00 FF FF FF") and frame[5:7] == (260).to_bytes(2, "big")
    assert (frame[5] + frame[6] + frame[7]) & 0xFF == 0
    assert codec.decode(frame) == (len(frame), codec.Info(codec.HOST_TFI, data))
    with pytest.raises(ValueError):
        codec.encode(bytes(300))


@pytest.mark.parametrize(("wire", "reason"), [
    ("00 00 FF 03 FC D5 41 00 EA 00", "LCS"),  # length checksum off by one
    ("00 00 FF 03 FD D5 41 00 EB 00", "DCS"),
    ("00 00 FF 03 FD D5 41 00 EA 01", "postamble"),
    ("00 00 FF 00 FF 07", "postamble"),  # ACK without its 00
    ("00 00 FF 02 FE 99 15 52 00", "TFI"),
    ("00 00 FF FF FF 01 20 DF", "length"),  # extended, LEN 288 > 265
    ("12 34 00 00 FF 00 FF 00", "garbage"),
])  # fmt: skip
def test_broken_frames_are_clear_errors(wire: str, reason: str) -> None:
    with pytest.raises(FrameError) as err:
        codec.decode(H(wire))
    assert reason in str(err.value) and err.value.skip >= 1 and err.value.zh and err.value.en


def test_garbage_then_a_frame_resyncs() -> None:
    frames, rest = codec.decode_all(H("12 34 56") + codec.ACK)
    assert isinstance(frames[0], FrameError) and frames[1] == codec.Ack() and rest == b""


def test_padding_is_dropped_not_kept() -> None:
    assert codec.decode(bytes(50)) == (49, None)
    assert codec.decode(H("00 00 FF 03")) == (0, None)


@settings(max_examples=600, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_to_frames_or_clear_errors_and_always_progress(junk: bytes) -> None:
    buf = junk
    for _ in range(len(junk) + 2):  # every step consumes at least one byte, or waits
        try:
            used, frame = codec.decode(buf)
        except FrameError as exc:
            assert 1 <= exc.skip <= len(buf) and exc.zh and exc.en
            buf = buf[exc.skip:]
            continue
        assert 0 <= used <= len(buf)
        if frame is None:
            assert used < len(buf) or not buf
            break
        assert used > 0
        buf = buf[used:]
    else:
        pytest.fail("the decoder did not make progress")


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=270), st.sampled_from([codec.HOST_TFI, codec.PN532_TFI]),
       st.binary(max_size=20), st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=255))
def test_frames_survive_noise_around_them(data: bytes, tfi: int, noise: bytes, flip_at: int, flip: int) -> None:
    frame = codec.encode(data[:264], tfi=tfi)
    frames, _ = codec.decode_all(noise.replace(b"\x00", b"\x01") + frame)
    assert frames[-1] == codec.Info(tfi, data[:264])
    corrupted = bytearray(frame)
    corrupted[flip_at % len(frame)] ^= flip or 1
    out, _ = codec.decode_all(bytes(corrupted))  # a flipped bit: an error or a different frame, no crash
    assert all(isinstance(f, (FrameError, codec.Ack, codec.Nack, codec.ErrorFrame, codec.Info)) for f in out)
