"""The simulated pile's firmware slots and self-test, driven through its register server (the wire side
without the wire): transfer, verification, activation on trial, confirmation, and every way back."""

from __future__ import annotations

import random

import pytest

from comm.pile.codec import PileCodec
from comm.pile.firmware import FirmwareCodec, FirmwareControl, FirmwareImage, FirmwareStatus, blocks
from comm.pile.messages import (
    Command,
    CommandCode,
    CommandResult,
    FirmwareCommand,
    FirmwareError,
    FirmwareState,
    PileFault,
    PortFault,
)
from comm.pile.register_map import load_map
from comm.sim.pile_model import SimPile
from comm.sim.slave import PileRegisterServer, _Exc
from comm.sim.vehicles import Vehicle, VehicleKind

RMAP = load_map("ACX10A")
FW = FirmwareCodec(RMAP)
IMG = FirmwareImage("ACX10A", (1, 3, 0), bytes(random.Random(1).randbytes(1000)))


class Wire:
    def __init__(self) -> None:
        self.t = 1_000_000.0
        self.pile = SimPile(code="P1", serial="SN1", unit_id=1, rng=random.Random(3), now=self.t)
        self.pile.boot_s, self.pile.trial_s = 5.0, 60.0
        self.server = PileRegisterServer(self.pile, PileCodec(RMAP), lambda: self.t)
        self.seq = 0

    def tick(self, s: float) -> None:
        self.t += s
        self.pile.advance(self.t)

    def status(self) -> FirmwareStatus:
        return FW.decode_status(self.server.read("holding", FW.control.address, FW.control.length))

    def ctl(self, cmd: FirmwareCommand, img: FirmwareImage | None = None) -> FirmwareStatus:
        self.seq += 1
        c = FirmwareControl(cmd, self.seq, img.size if img else 0, img.crc if img else 0,
                            img.version if img else (0, 0, 0))
        self.server.write(FW.control.address, FW.encode_control(c))
        return self.status() if self.pile.powered else FirmwareStatus(
            FirmwareState.IDLE, FirmwareError.NONE, 0, 0, 0, 0, (0, 0, 0), (0, 0, 0), 0)

    def send(self, img: FirmwareImage) -> None:
        for i, chunk in enumerate(blocks(img.payload, 240)):
            self.server.write(FW.data.address, FW.encode_block(i, chunk))


def test_upgrade_confirm_and_the_pile_keeps_the_old_version_for_a_rollback() -> None:
    w = Wire()
    assert w.pile.identity().firmware == "1.2.0"
    st = w.ctl(FirmwareCommand.BEGIN, IMG)
    assert (st.state, st.result_seq, st.block_bytes) == (FirmwareState.RECEIVING, 1, 240)
    w.send(IMG)
    st = w.ctl(FirmwareCommand.VERIFY)
    assert (st.state, st.computed_crc, st.received, st.staged) == (FirmwareState.VERIFIED, IMG.crc, 1000, (1, 3, 0))
    boots = w.pile.boot_count
    w.ctl(FirmwareCommand.ACTIVATE)
    assert not w.pile.powered  # rebooting: silent on the wire
    w.tick(4.9)
    assert not w.pile.powered
    w.tick(0.2)
    assert w.pile.powered and w.pile.boot_count == boots + 1 and w.pile.identity().firmware == "1.3.0"
    st = w.status()
    assert (st.state, st.previous) == (FirmwareState.TRIAL, (1, 2, 0))
    st = w.ctl(FirmwareCommand.CONFIRM)
    assert (st.state, st.error) == (FirmwareState.IDLE, FirmwareError.NONE)
    w.tick(120)  # confirmed: the trial watchdog no longer applies
    assert w.pile.identity().firmware == "1.3.0"


def test_refused_blocks_duplicates_and_a_corrupting_flash() -> None:
    w = Wire()
    w.ctl(FirmwareCommand.BEGIN, IMG)
    chunks = blocks(IMG.payload, 240)
    with pytest.raises(_Exc):  # out of order
        w.server.write(FW.data.address, FW.encode_block(1, chunks[1]))
    regs = FW.encode_block(0, chunks[0])
    regs[10] ^= 1
    with pytest.raises(_Exc):  # block CRC wrong
        w.server.write(FW.data.address, regs)
    w.server.write(FW.data.address, FW.encode_block(0, chunks[0]))
    w.server.write(FW.data.address, FW.encode_block(0, chunks[0]))  # a reply got lost: sent again, ignored
    assert w.status().next_block == 1
    w.pile.fw_corrupt_blocks = 1
    for i in range(1, len(chunks)):
        w.server.write(FW.data.address, FW.encode_block(i, chunks[i]))
    st = w.ctl(FirmwareCommand.VERIFY)
    assert (st.state, st.error) == (FirmwareState.FAILED, FirmwareError.IMAGE_CRC) and st.computed_crc != IMG.crc
    assert w.ctl(FirmwareCommand.ACTIVATE).error is FirmwareError.BAD_STATE
    st = w.ctl(FirmwareCommand.BEGIN, IMG)  # start over: the flash works now
    w.send(IMG)
    assert w.ctl(FirmwareCommand.VERIFY).state is FirmwareState.VERIFIED
    short = FirmwareImage("ACX10A", (1, 3, 1), b"z" * 100)
    w.ctl(FirmwareCommand.BEGIN, short)
    assert w.ctl(FirmwareCommand.VERIFY).error is FirmwareError.INCOMPLETE
    assert w.ctl(FirmwareCommand.BEGIN, FirmwareImage("ACX10A", (9, 9, 9), b"")).error is FirmwareError.BAD_SIZE


def stage(w: Wire) -> None:
    w.ctl(FirmwareCommand.BEGIN, IMG)
    w.send(IMG)
    assert w.ctl(FirmwareCommand.VERIFY).state is FirmwareState.VERIFIED


def test_an_image_that_does_not_boot_leaves_the_old_one_running() -> None:
    w = Wire()
    w.pile.fw_boot_fail = True
    stage(w)
    w.ctl(FirmwareCommand.ACTIVATE)
    w.tick(6)
    assert w.pile.powered and w.pile.identity().firmware == "1.2.0"
    st = w.status()
    assert (st.state, st.error, st.staged) == (FirmwareState.FAILED, FirmwareError.BOOT_FAILED, (0, 0, 0))
    st = w.ctl(FirmwareCommand.ROLLBACK)  # acknowledged: nothing to go back to
    assert (st.state, st.error) == (FirmwareState.IDLE, FirmwareError.ROLLED_BACK)


def test_a_bad_image_is_rolled_back_by_the_console_or_by_the_watchdog() -> None:
    w = Wire()
    w.pile.fw_bad_image = True
    stage(w)
    w.ctl(FirmwareCommand.ACTIVATE)
    w.tick(6)
    assert w.pile.identity().firmware == "1.3.0" and w.pile.status(w.t).pile_fault is PileFault.INTERNAL
    w.ctl(FirmwareCommand.ROLLBACK)
    assert not w.pile.powered
    w.tick(6)
    assert w.pile.identity().firmware == "1.2.0" and w.pile.status(w.t).pile_fault is PileFault.NONE
    assert w.status().error is FirmwareError.ROLLED_BACK
    # a trial nobody confirms goes back by itself
    w.pile.fw_bad_image = False
    stage(w)
    w.ctl(FirmwareCommand.ACTIVATE)
    w.tick(6)
    assert w.pile.identity().firmware == "1.3.0"
    w.tick(61)
    w.tick(6)
    assert w.pile.identity().firmware == "1.2.0" and w.status().error is FirmwareError.TRIAL_EXPIRED


def test_activation_waits_for_idle_ports_and_the_self_test_finds_latent_faults() -> None:
    w = Wire()
    stage(w)
    w.pile.plug(2, Vehicle(kind=VehicleKind.EBIKE, rated_w=300, need_wh=500, float_w=8, battery_v=48, pf=0.95), w.t)
    assert w.pile.insert_coins(2, 1, w.t) == 1
    assert w.ctl(FirmwareCommand.ACTIVATE).error is FirmwareError.PORTS_BUSY and w.pile.powered
    seq = 90
    w.pile.inject_latent_fault(4, PortFault.RELAY_STUCK)
    assert w.pile.port(4).fault is PortFault.NONE
    for port, expected in ((4, CommandResult.PORT_FAULT), (5, CommandResult.OK), (2, CommandResult.PORT_BUSY),
                           (11, CommandResult.BAD_PORT)):
        seq += 1
        assert w.pile.execute(Command(CommandCode.SELF_TEST, port, seq=seq), w.t) is expected
    assert w.pile.port(4).fault is PortFault.RELAY_STUCK
