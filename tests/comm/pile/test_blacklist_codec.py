"""The card blacklist blocks of the register map: layout, chunking within the FC16 limit, the commit,
known answers, and garbage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comm.pile.blacklist import BlacklistCodec, BlacklistState, list_crc, wire_order
from comm.pile.codec import CodecError, PileCodec
from comm.pile.messages import BlacklistError, PileFlags, PileStatus
from comm.pile.register_map import load_map

ACX = load_map("ACX10A")
BL = BlacklistCodec(ACX)


def test_the_map_places_the_blacklist_blocks() -> None:
    assert (BL.header.address, BL.header.length, BL.header.writable) == (0x3000, 8, 5)
    assert BL.capacity == ACX.blacklist_capacity == 400
    assert ACX.span(BL.table) == (0x3010, 800)
    assert BL.chunk_entries == 61  # 122 registers: within the 123 of one FC16 request
    assert PileCodec(ACX).pile.field("blacklist_version").offset == 18  # read with every poll


def test_known_answers() -> None:
    assert list_crc([]) == 0
    assert list_crc([0x31323334, 0x35363738]) == 0x9AE0DAAF  # the bytes "12345678": CRC-32 of that, as published
    assert BL.encode_commit(7, [100001, 100002]) == [0, 7, 2, *divmod(list_crc([100001, 100002]), 0x10000)]
    assert BL.encode_chunks([0x12345678, 100001]) == [(0x3010, [0x1234, 0x5678, 0x0001, 0x86A1])]
    assert wire_order([5, 3, 5, 1]) == [1, 3, 5]


def test_a_full_list_goes_in_chunks_within_the_write_limit() -> None:
    cards = list(range(100001, 100001 + BL.capacity))
    chunks = BL.encode_chunks(cards)
    assert len(chunks) == 7  # 6 × 61 + 34
    assert all(len(regs) <= ACX.max_write and len(regs) % 2 == 0 for _, regs in chunks)
    got: dict[int, int] = {}
    for address, regs in chunks:
        got |= BL.decode_entries(address, regs)
    assert [got[k] for k in range(len(cards))] == cards
    commit = BL.decode_commit(BL.encode_commit(3, cards))
    assert (commit.version, commit.count, commit.list_crc) == (3, 400, list_crc(cards))


def test_what_the_pile_cannot_hold_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(CodecError, match="at most 400"):
        BL.encode_commit(1, list(range(1, 402)))
    with pytest.raises(CodecError, match="version"):
        BL.encode_commit(0, [1])
    with pytest.raises(CodecError, match="twice"):
        BL.encode_commit(1, [1, 1])
    with pytest.raises(CodecError, match="card number"):
        BL.encode_commit(1, [0])
    with pytest.raises(CodecError, match="whole entries"):
        BL.decode_entries(0x3011, [0, 1])
    with pytest.raises(CodecError, match="past entry"):
        BL.decode_entries(0x3010 + 2 * 399, [0, 1, 0, 2])
    with pytest.raises(CodecError, match="is 0"):
        BL.decode_entries(0x3010, [0, 0])


def test_header_and_status_round_trip() -> None:
    state = BlacklistState(9, 2, list_crc([4, 5]), 400, 0, BlacklistError.LIST_CRC)
    assert BL.decode_state(BL.encode_state(state)) == state
    c = PileCodec(ACX)
    status = PileStatus(PileFlags(), 250, 0, 0, 0, 2200, 0, c.map.enums["pile_fault"].to_name[0], 0, 0, 0, 0, 5,  # type: ignore[arg-type]
                        blacklist_version=0x0102_0304)
    regs = c.encode_status(status)
    assert regs[18:20] == [0x0102, 0x0304] and c.decode_status(regs).blacklist_version == 0x0102_0304


@given(st.lists(st.integers(0, 0xFFFF), min_size=8, max_size=8))
def test_garbage_headers_are_codec_errors_only(regs: list[int]) -> None:
    try:
        BL.decode_state(regs)
    except CodecError:
        pass


@given(st.lists(st.integers(1, 0xFFFFFFFF), max_size=120, unique=True), st.integers(1, 0xFFFFFFFF))
def test_any_list_round_trips(cards: list[int], version: int) -> None:
    cards = wire_order(cards)
    got: dict[int, int] = {}
    for address, regs in BL.encode_chunks(cards):
        assert len(regs) <= ACX.max_write
        got |= BL.decode_entries(address, regs)
    assert [got[k] for k in range(len(cards))] == cards
    assert BL.decode_commit(BL.encode_commit(version, cards)).list_crc == list_crc(cards)
