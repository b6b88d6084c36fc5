"""Register map loading and the pile codec: known answers, round trips, and garbage."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comm.pile.codec import CodecError, PileCodec
from comm.pile.messages import (
    Command,
    CommandCode,
    CommandResult,
    ModeFlags,
    Payment,
    PileConfig,
    PileFault,
    PileFlags,
    PileIdentity,
    PileStatus,
    PortFault,
    PortLive,
    PortState,
    PowerTier,
    RecordsHeader,
    StopReason,
    TransactionRecord,
)
from comm.pile.register_map import MapError, available_models, load_map, load_map_file

ACX = load_map("ACX10A")
C = PileCodec(ACX)
MAP_TEXT = (Path(__file__).parents[3] / "comm/pile/maps/acx10a.toml").read_text(encoding="utf-8")

PORT = PortLive(PortState.CHARGING, 2213, 157, 330, 412, 75, 165, PortFault.NONE, StopReason.NONE, Payment.COIN, 70001)
RECORD = TransactionRecord(
    seq=70001, session_id=80123, port=3, start_time=1_790_000_000, end_time=1_790_014_400, minutes_bought=240,
    minutes_used=200,
    energy_wh=812, amount_fen=200, refund_fen=33, payment=Payment.CARD, card_no=4_000_000_123,
    stop_reason=StopReason.CARD_REFUND, peak_power_w=310, tier=2,
)


def test_the_shipped_map_loads_with_the_documented_layout() -> None:
    assert available_models() == ["ACX10A"]
    assert ACX.ports == 10 and ACX.record_window == 4
    assert ACX.span(C.port) == (0x0100, 120)  # all ten ports in one read, within the 125 limit
    assert C.records_span == (0x1200, 88)
    assert C.port_address(1) == 0x0100 and C.port_address(10) == 0x0100 + 9 * 12
    assert C.command_result_address == 0x1107


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('offset = 1, type = "u16", doc = "Number', 'offset = 0, type = "u16", doc = "Number'), "overlaps"),
        (("name = \"CHARGING\"", "name = \"CHARGNG\""), "not a member"),
        (('enum = "stop_reason", doc = "Why the', 'enum = "stop_reasons", doc = "Why the'), "not defined"),
        (("address = 0x0020", "address = 0x0010"), "overlap"),
        (("type = \"u32\", doc = \"Pile energy", "type = \"u64\", doc = \"Pile energy"), "unknown type"),
    ],
)
def test_a_broken_map_file_is_refused_with_a_clear_message(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    old, new = edit
    assert old in MAP_TEXT
    bad = tmp_path / "bad.toml"
    bad.write_text(MAP_TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(MapError, match=message):
        load_map_file(bad)


def test_unknown_model_names_the_known_ones() -> None:
    with pytest.raises(MapError, match="ACX10A"):
        load_map("XYZ99")


def test_port_block_known_answer() -> None:
    regs = C.encode_port(PORT)
    # state CHARGING=2, 221.3 V, 1.57 A, 330 W, 412 Wh, 75 min, 165 min, no fault, no stop, COIN=1, id 70001
    assert regs == [2, 2213, 157, 330, 412, 75, 165, 0, 0, 1, 70001 >> 16, 70001 & 0xFFFF]
    assert C.decode_ports(regs) == [PORT]


def test_identity_ascii_and_status_flags_round_trip() -> None:
    ident = PileIdentity(1, 10, "ACX10A", "XC0103-2026-0042", 1, 2, 3, 4, 65535)
    regs = C.encode_identity(ident)
    assert regs[2] == int.from_bytes(b"AC", "big") and regs[5] == 0  # "ACX10A" NUL-padded
    assert C.decode_identity(regs) == ident and C.decode_identity(regs).firmware == "1.2.3"
    status = PileStatus(
        PileFlags(mains_present=True, smoke_alarm=True, night_cutoff=True), -55, 420, 4_000_123, 2900, 2231,
        1_790_000_000, PileFault.SMOKE, 0b1000000101, 65535, 1234, 1200, 86_400,
    )
    regs = C.encode_status(status)
    assert regs[0] == 0b10011 and regs[1] == 0x10000 - 55
    assert C.decode_status(regs) == status


def test_reserved_flag_bits_are_ignored() -> None:
    status = C.decode_status([0x8001] + [0] * 23)
    assert status.flags == PileFlags(mains_present=True, smoke_alarm=False)


def test_config_round_trip_and_limits() -> None:
    cfg = PileConfig(coin_fee_fen=150, mode=ModeFlags(free_mode=True, night_cutoff=True), night_start_min=1380)
    regs = C.encode_config(cfg)
    assert len(regs) == 24 and regs[0] == 150 and regs[14] == 0b111111
    assert C.decode_config(regs) == (cfg, -1)
    full = C.encode_config_full(cfg, 9)
    assert C.decode_config(full) == (cfg, 9)
    with pytest.raises(CodecError, match="max_port_power_w: 5000 is above the maximum 3500"):
        C.encode_config(replace(cfg, max_port_power_w=5000))
    bad_tiers = replace(cfg, tiers=(PowerTier(300, 1), PowerTier(200, 1), *cfg.tiers[2:]))
    with pytest.raises(CodecError, match="increasing"):
        C.decode_config(C.encode_config(bad_tiers))
    with pytest.raises(CodecError, match="5 power tiers"):
        C.encode_config(replace(cfg, tiers=cfg.tiers[:4]))


def test_power_tier_arithmetic() -> None:
    cfg = PileConfig()
    assert cfg.minutes_for(100, 150) == 240 and cfg.tier_of(150) == 1
    assert cfg.minutes_for(200, 350) == 360 and cfg.tier_of(350) == 2
    assert cfg.minutes_for(500, 1200) == 300 and cfg.tier_of(1200) == 5
    assert cfg.minutes_for(1000, 100) == cfg.max_session_min  # capped
    assert cfg.minutes_for(100, 2000) == 0 and cfg.tier_of(2000) == 0  # overload: no time


def test_command_encoding_and_status() -> None:
    cmd = Command(CommandCode.START_PORT, port=3, amount_fen=200, seq=7)
    assert C.encode_command(cmd) == [1, 3, 0, 200, 0, 0, 7]
    assert C.decode_command(C.encode_command(cmd)) == cmd
    ack = Command(CommandCode.ACK_RECORDS, arg=70_001, seq=8)
    assert C.encode_command(ack)[4:6] == [1, 70_001 - 65_536]
    assert C.decode_command_status([1, 7]).result is CommandResult.OK
    with pytest.raises(CodecError):
        C.encode_command(replace(cmd, seq=0))
    with pytest.raises(CodecError, match="unknown value 99"):
        C.decode_command_status([99, 7])


def test_records_window_round_trip_and_sequence_check() -> None:
    header = RecordsHeader(oldest=69_990, newest=70_002, acked=70_000, capacity=256, lost=0)
    second = replace(RECORD, seq=70_002, port=4)
    regs = C.encode_records(header, [RECORD, second])
    assert len(regs) == 88
    assert C.decode_records(regs) == (header, [RECORD, second])
    # a window that does not start right after the read pointer is refused, never stored
    shifted = C.encode_records(replace(header, acked=69_999), [RECORD])
    with pytest.raises(CodecError, match="expected 70000"):
        C.decode_records(shifted)


def test_unknown_enum_values_are_named_in_the_error() -> None:
    regs = C.encode_port(PORT)
    regs[0] = 42
    with pytest.raises(CodecError, match=r"port\.state: unknown port_state value 42"):
        C.decode_ports(regs)


_word = st.integers(min_value=0, max_value=0xFFFF)
_junk = st.lists(st.one_of(_word, st.integers(), st.none()), max_size=160)


@settings(max_examples=300, deadline=None)
@given(regs=_junk)
def test_decoders_turn_garbage_into_codec_errors_only(regs: list[int]) -> None:
    for decode in (C.decode_identity, C.decode_status, C.decode_ports, C.decode_config, C.decode_records,
                   C.decode_command, C.decode_command_status):
        try:
            decode(regs)
        except CodecError:
            pass


@settings(max_examples=200, deadline=None)
@given(
    state=st.sampled_from(PortState), fault=st.sampled_from(PortFault), stop=st.sampled_from(StopReason),
    pay=st.sampled_from(Payment), vals=st.lists(_word, min_size=7, max_size=7),
    sid=st.integers(0, 0xFFFFFFFF),
)
def test_port_block_round_trips(state, fault, stop, pay, vals, sid) -> None:  # type: ignore[no-untyped-def]
    live = PortLive(state, *vals[:6], fault, stop, pay, sid)
    assert C.decode_ports(C.encode_port(live)) == [live]


def test_the_published_register_map_document_is_current() -> None:
    from comm.pile.docgen import render

    doc = Path(__file__).parents[3] / "docs/pile-modbus-map.md"
    hint = "regenerate: python -m comm.pile.docgen > docs/pile-modbus-map.md"
    assert doc.read_text(encoding="utf-8") == render(ACX), hint
