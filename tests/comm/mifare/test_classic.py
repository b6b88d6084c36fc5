"""The MIFARE Classic 1K chip model against the datasheet tables (protocol-facts §5)."""

from __future__ import annotations

import itertools

import pytest

from comm.mifare.classic import (
    DATA_ACCESS,
    TRANSPORT_TRAILER,
    AccessBitsError,
    CardNak,
    Cond,
    MifareClassic1K,
    ValueBlockError,
    access_bytes,
    decode_access,
    parse_value_block,
    trailer,
    value_block,
)

H = bytes.fromhex
FF = b"\xff" * 6
KA, KB = H("A1A2A3A4A5A6"), H("B1B2B3B4B5B6")
UID = H("01020304")


@pytest.mark.parametrize(("conds", "wire"), [
    (((0, 0, 0),) * 3 + ((0, 0, 1),), "FF 07 80"),
    (((1, 1, 0),) * 3 + ((0, 1, 1),), "08 77 8F"),
    (((0, 0, 0), (1, 1, 0), (0, 0, 0), (0, 1, 1)), "5D 27 8A"),
    (((0, 0, 0), (1, 1, 0), (0, 0, 0), (0, 0, 1)), "DD 27 82"),
    (((0, 0, 0),) * 3 + ((0, 1, 1),), "7F 07 88"),
    (((0, 0, 1),) * 3 + ((0, 1, 1),), "7F 00 F8"),
])  # fmt: skip
def test_access_bytes_known_answers(conds: tuple[Cond, ...], wire: str) -> None:
    assert access_bytes(conds) == H(wire)
    assert decode_access(H(wire)) == conds


def test_every_access_combination_round_trips_and_a_flipped_bit_is_a_violation() -> None:
    for combo in itertools.product(list(DATA_ACCESS), repeat=4):
        b = access_bytes(combo)
        assert decode_access(b) == combo
        for bit in range(24):
            flipped = bytearray(b)
            flipped[bit // 8] ^= 1 << (bit % 8)
            with pytest.raises(AccessBitsError):
                decode_access(bytes(flipped))
    assert H("FFFFFFFFFFFF FF0780 69 FFFFFFFFFFFF") == TRANSPORT_TRAILER


@pytest.mark.parametrize(("value", "addr", "wire"), [
    (1234567, 17, "87 D6 12 00 78 29 ED FF 87 D6 12 00 11 EE 11 EE"),
    (100, 5, "64 00 00 00 9B FF FF FF 64 00 00 00 05 FA 05 FA"),
    (-1, 5, "FF FF FF FF 00 00 00 00 FF FF FF FF 05 FA 05 FA"),
])  # fmt: skip
def test_value_blocks_known_answers(value: int, addr: int, wire: str) -> None:
    assert value_block(value, addr) == H(wire)
    assert parse_value_block(H(wire)) == (value, addr)


@pytest.mark.parametrize("i", [0, 3, 4, 7, 8, 11, 12, 13, 14, 15])
def test_a_value_block_with_any_byte_changed_is_refused(i: int) -> None:
    b = bytearray(value_block(100, 5))
    b[i] ^= 0x01
    with pytest.raises(ValueBlockError):
        parse_value_block(bytes(b))


def _card_with(cond: Cond) -> MifareClassic1K:
    card = MifareClassic1K(UID)
    card.blocks[4][:] = value_block(1000, 4)
    card.blocks[7][:] = trailer(KA, (cond, (0, 0, 0), (0, 0, 0), (0, 1, 1)), KB)
    return card


def _try(card: MifareClassic1K, key: str, op: int) -> bool:
    card.select()
    card.authenticate(4, key, KA if key == "A" else KB, UID)
    try:
        if op == 0:
            card.read(4)
        elif op == 1:
            card.write(4, value_block(7, 4))
        elif op == 2:
            card.increment(4, 1)
            card.transfer(4)
        else:
            card.decrement(4, 1)
            card.transfer(4)
    except CardNak:
        assert card.halted  # a NAK halts the card
        return False
    return True


@pytest.mark.parametrize("cond", list(DATA_ACCESS))
def test_data_block_access_follows_table_8(cond: Cond) -> None:
    for op, key in itertools.product(range(4), "AB"):
        assert _try(_card_with(cond), key, op) == (key in DATA_ACCESS[cond][op]), (cond, op, key)


def test_trailer_rules_keys_and_violations() -> None:
    card = MifareClassic1K(UID)
    card.select()
    card.authenticate(4, "A", FF, UID)
    assert card.read(7) == bytes(6) + H("FF078069") + FF  # key A never readable; transport: key B readable
    with pytest.raises(CardNak):
        card.select() or card.authenticate(4, "B", FF, UID)  # readable Key B can't authenticate
    card.select()
    card.authenticate(4, "A", FF, UID)
    card.write(7, trailer(KA, ((1, 1, 0),) * 3 + ((0, 1, 1),), KB))
    card.select()
    card.authenticate(4, "A", KA, UID)
    assert card.read(7) == bytes(6) + H("08778F69") + bytes(6)
    with pytest.raises(CardNak):  # 011: only Key B writes keys
        card.write(7, trailer(FF, ((1, 1, 0),) * 3 + ((0, 1, 1),), KB))
    card.select()
    card.authenticate(4, "B", KB, UID)
    bad = bytearray(trailer(KA, ((0, 0, 0),) * 3 + ((0, 1, 1),), KB))
    bad[6] ^= 0x01
    card.write(7, bytes(bad))  # the chip takes it … and the sector is blocked for good
    for key, k in (("A", KA), ("B", KB)):
        card.select()
        with pytest.raises(CardNak):
            card.authenticate(4, key, k, UID)


def test_block_0_is_read_only_and_auth_binds_the_uid() -> None:
    card = MifareClassic1K(UID)
    card.select()
    with pytest.raises(CardNak):
        card.authenticate(0, "A", FF, H("01020305"))
    card.select()
    card.authenticate(0, "A", FF, UID)
    assert card.read(0)[:5] == UID + bytes([0x04])  # BCC = XOR of the UID
    with pytest.raises(CardNak):
        card.write(0, bytes(16))


def test_value_operations_need_a_transfer_and_a_dump_round_trips() -> None:
    card = _card_with((1, 1, 0))
    card.select()
    card.authenticate(4, "B", KB, UID)
    card.increment(4, 50)
    assert parse_value_block(card.read(4)) == (1000, 4)  # not yet: only the register changed
    card.transfer(4)
    card.restore(4)
    card.transfer(5)
    assert card.read(5) == value_block(1050, 4)
    assert MifareClassic1K.from_dump(card.dump()).dump() == card.dump()
