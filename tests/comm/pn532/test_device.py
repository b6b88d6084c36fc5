"""The PN532 driver against the virtual reader on a real pseudo-terminal: wire bytes, distinct errors,
auto-detection and reconnecting after a replug."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from comm.mifare.classic import MifareClassic1K, access_bytes, trailer, value_block
from comm.pn532 import codec
from comm.pn532.device import PN532, Reader, find_reader
from comm.pn532.errors import (
    AccessDenied,
    AuthFailed,
    CardRemoved,
    NoCard,
    NoReader,
    ReaderNotAnswering,
    TwoCards,
)
from comm.sim.reader import VirtualReaderServer

H = bytes.fromhex
FF = b"\xff" * 6


@pytest.fixture
def server() -> Iterator[VirtualReaderServer]:
    with VirtualReaderServer() as srv:
        yield srv


@pytest.fixture
def dev(server: VirtualReaderServer) -> Iterator[PN532]:
    d = PN532.open(server.device)
    yield d
    d.close()


def test_wake_up_sends_the_known_frames(server: VirtualReaderServer, dev: PN532) -> None:
    assert str(dev.firmware) == "PN532 v1.6"
    assert server.received[0] == codec.command(0x14, H("011401"))  # after the 55 55 00… wake-up
    assert server.received[-1] == H("00 00 FF 02 FE D4 02 2A 00")


def test_mifare_commands_on_the_wire_match_the_vectors(server: VirtualReaderServer, dev: PN532) -> None:
    card = MifareClassic1K(H("01020304"))
    server.reader.place(card)
    assert dev.select().uid == H("01020304")
    assert server.received[-1] == codec.command(0x4A, H("0200"))  # two targets asked for, to see a second card
    dev.auth(4, "A", FF)
    assert server.received[-1] == H("00 00 FF 0F F1 D4 40 01 60 04 FF FF FF FF FF FF 01 02 03 04 83 00")
    dev.write(5, value_block(100, 5))
    assert server.received[-1] == H("00 00 FF 15 EB D4 40 01 A0 05 64 00 00 00 9B FF FF FF 64 00 00 00 05 FA 05 FA"
                                    " E8 00")
    dev.decrement(5, 10)
    assert server.received[-1] == H("00 00 FF 09 F7 D4 40 01 C0 05 0A 00 00 00 1C 00")
    dev.transfer(5)
    assert server.received[-1] == H("00 00 FF 05 FB D4 40 01 B0 05 36 00")
    dev.increment(5, 50)
    assert server.received[-1] == H("00 00 FF 09 F7 D4 40 01 C1 05 32 00 00 00 F3 00")
    dev.transfer(5)
    dev.restore(5)
    assert server.received[-1] == H("00 00 FF 05 FB D4 40 01 C2 05 24 00")
    dev.transfer(6)
    dev.read(4)
    assert server.received[-1] == H("00 00 FF 05 FB D4 40 01 30 04 B7 00")
    assert dev.read(5) == value_block(140, 5) and dev.read(6) == value_block(140, 5)


def test_no_card_two_cards_wrong_key(server: VirtualReaderServer, dev: PN532) -> None:
    with pytest.raises(NoCard):
        dev.select()
    a, b = MifareClassic1K(H("01020304")), MifareClassic1K(H("0A0B0C0D"))
    server.reader.place(a, b)
    with pytest.raises(TwoCards):
        dev.select()
    server.reader.remove(b)
    dev.select()
    with pytest.raises(AuthFailed) as err:
        dev.auth(8, "A", b"\x00" * 6)
    assert err.value.block == 8 and "wrong key" in err.value.en
    with pytest.raises(NoCard):  # a failed authentication halts the card: it must be selected again
        dev.read(8)
    dev.select()
    dev.auth(8, "A", FF)
    assert dev.read(8) == bytes(16)


def test_forbidden_access_fails_as_on_a_card(server: VirtualReaderServer, dev: PN532) -> None:
    card = MifareClassic1K(H("01020304"))
    key_a, key_b = H("A1A2A3A4A5A6"), H("B1B2B3B4B5B6")
    purse = ((1, 1, 0), (1, 1, 0), (1, 0, 0), (0, 1, 1))
    server.reader.place(card)
    dev.select()
    dev.auth(4, "A", FF)
    dev.write(4, value_block(500, 4))
    dev.write(7, trailer(key_a, purse, key_b))
    assert card.blocks[7][6:9] == access_bytes(purse) == H("48 37 8B")[:0] + access_bytes(purse)
    dev.select()
    dev.auth(4, "A", key_a)
    assert dev.read(7) == bytes(6) + access_bytes(purse) + b"\x69" + bytes(6)  # keys read as zeros
    dev.decrement(4, 20)  # Key A may decrement a purse …
    dev.transfer(4)
    with pytest.raises(AccessDenied):  # … but not increment it
        dev.increment(4, 20)
    dev.select()
    dev.auth(4, "A", key_a)
    with pytest.raises(AccessDenied):
        dev.write(6, bytes(16))  # block 2 of the sector: write with Key B only
    dev.select()
    dev.auth(4, "B", key_b)
    dev.increment(4, 100)
    dev.transfer(4)
    dev.write(6, bytes(range(16)))
    assert dev.read(4) == value_block(580, 4)
    with pytest.raises(AccessDenied):
        dev.increment(6, 1)  # not a value block


def test_card_pulled_mid_operation(server: VirtualReaderServer, dev: PN532) -> None:
    server.reader.place(MifareClassic1K(H("01020304")))
    dev.select()
    server.reader.tear_after(2)
    dev.auth(4, "A", FF)
    dev.read(4)
    with pytest.raises(CardRemoved) as err:
        dev.read(5)
    assert "read block 5" in err.value.en
    with pytest.raises(NoCard):
        dev.select()


def test_no_reader_on_that_port(tmp_path: Path) -> None:
    with pytest.raises(NoReader) as err:
        PN532.open(str(tmp_path / "ttyUSB9"))
    assert "ttyUSB9" in err.value.en and err.value.zh
    master, slave = os.openpty()  # a serial port where nothing answers
    try:
        with pytest.raises(NoReader):
            PN532.open(os.ttyname(slave), ack_timeout=0.05)
    finally:
        os.close(master)
        os.close(slave)


def test_reader_not_answering_then_back(server: VirtualReaderServer) -> None:
    reader = Reader(server.device, ports=lambda: [])
    assert str(reader.run(lambda d: d.get_firmware_version())) == "PN532 v1.6"
    server.silent = True
    with pytest.raises(ReaderNotAnswering):
        reader.run(lambda d: d.get_firmware_version())
    assert not reader.connected
    server.silent = False
    assert str(reader.run(lambda d: d.get_firmware_version())) == "PN532 v1.6"


def test_auto_detect_and_reconnect_after_replug(tmp_path: Path) -> None:
    master, slave = os.openpty()
    dead = os.ttyname(slave)
    first = VirtualReaderServer()
    first.start()
    ports = [str(tmp_path / "missing"), dead, first.device]
    try:
        dev = find_reader(ports)
        assert dev.port == first.device
        dev.close()
        reader = Reader(None, ports=lambda: list(ports))
        reader.run(lambda d: d.get_firmware_version())
        first.stop()  # the cable is pulled …
        with pytest.raises(ReaderNotAnswering):
            reader.run(lambda d: d.get_firmware_version())
        with VirtualReaderServer() as second:  # … and plugged into another USB port
            ports[-1] = second.device
            assert reader.run(lambda d: d.port) == second.device
    finally:
        first.stop()
        os.close(master)
        os.close(slave)
