"""Maintenance commands the line poller carries out on the bus it owns (between polls, like any command):
firmware control and blocks, reading the firmware block and the identity, remote diagnosis (status,
ports and identity in one go) and the port self-test.

The upgrade itself (retries, verification, activation, rollback) is orchestrated by
app.services.firmware, one small command at a time, so the other piles of a bus keep being polled
between two blocks. Results come back in ``CommandOutcome.data``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.engine.commands import CommandOutcome
from comm.pile.codec import CodecError
from comm.pile.device import CommandFailed, PileDevice, PileDisconnected, PileTimeout
from comm.pile.firmware import FirmwareCodec, FirmwareControl, FirmwareStatus, Version
from comm.pile.messages import Command, CommandCode, CommandResult, FirmwareCommand, FirmwareError, PortFault


@dataclass(frozen=True, slots=True)
class FirmwareCtl:
    """One firmware command (BEGIN with size, CRC and version; VERIFY; ACTIVATE; CONFIRM; ROLLBACK; ABORT).
    Confirmed by reading the firmware block back (result_seq); after ACTIVATE or ROLLBACK a pile that stays
    silent is rebooting (the boot count tells)."""

    pile_id: uuid.UUID
    command: FirmwareCommand
    image_size: int = 0
    image_crc: int = 0
    version: Version = (0, 0, 0)
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class FirmwareBlock:
    """One image block; the pile's normal reply is the confirmation (it checks CRC and index first)."""

    pile_id: uuid.UUID
    index: int
    data: bytes
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ReadFirmware:
    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ReadIdentity:
    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ReadDiagnostics:
    """Identity, pile status and every port's live values (fault registers) in three reads."""

    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class SelfTest:
    pile_id: uuid.UUID
    port: int
    issued_by: str | None = None


OmCommand = FirmwareCtl | FirmwareBlock | ReadFirmware | ReadIdentity | ReadDiagnostics | SelfTest
OM_COMMANDS = (FirmwareCtl, FirmwareBlock, ReadFirmware, ReadIdentity, ReadDiagnostics, SelfTest)
REBOOTS = (FirmwareCommand.ACTIVATE, FirmwareCommand.ROLLBACK)  # the pile may not answer the read-back
CTL_ATTEMPTS = 3  # writes of one firmware command that the read-back shows did not land
READ_BACK_TRIES = 2  # silent read-backs before the pile counts as silent (rebooting, for REBOOTS)
QUIET = (FirmwareCtl, FirmwareBlock, ReadFirmware, ReadIdentity)  # no extra poll after these, no command log row
Request = Callable[[Awaitable[Any]], Awaitable[Any]]


def _ts(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _outcome(ok: bool, detail: str, wall: Callable[[], float], **data: Any) -> CommandOutcome:
    return CommandOutcome(ok, detail, _ts(wall()), data=data)


_fw_codecs: dict[str, FirmwareCodec] = {}


def _fw(dev: PileDevice) -> FirmwareCodec:
    model = dev.codec.map.model
    if model not in _fw_codecs:
        try:
            _fw_codecs[model] = FirmwareCodec(dev.codec.map)
        except CodecError as exc:
            raise CommandFailed(f"{exc}: it cannot be upgraded remotely") from None
    return _fw_codecs[model]


async def read_firmware(request: Request, dev: PileDevice) -> FirmwareStatus:
    fw = _fw(dev)
    regs = await request(dev.read("holding", fw.control.address, fw.control.length))
    return dev._decode(fw.decode_status, regs)  # type: ignore[no-any-return]


async def _read_back(request: Request, dev: PileDevice, reboots: bool) -> FirmwareStatus | None:
    """The firmware block, or None when the pile stays silent for READ_BACK_TRIES reads — or, after a command
    that reboots it, is not there at all (an Ethernet pile drops its connection while it boots)."""
    for _ in range(READ_BACK_TRIES):
        try:
            return await read_firmware(request, dev)
        except PileTimeout:
            continue
        except PileDisconnected:
            if reboots:
                return None
            raise
    return None


async def _firmware_ctl(request: Request, dev: PileDevice, cmd: FirmwareCtl, wall: Callable[[], float]
                        ) -> CommandOutcome:
    """Write the command, then read the firmware block back: its result_seq says whether the pile got it.

    A lost request or a lost reply (a noisy line; a pile that went straight into the reboot it was told
    to do) is not a failure in itself — the read-back tells which, and only a command that never landed is
    written again (with the same sequence number), so nothing is carried out twice. The number follows the one
    the pile reports now, so a read-back can never be mistaken for ours (after a console restart, say)."""
    fw = _fw(dev)
    before = await _read_back(request, dev, False)
    if before is None:
        raise PileTimeout(f"unit {dev.unit_id}: firmware {cmd.command.value}: the pile does not answer (not sent)")
    seq = before.result_seq % 0xFFFF + 1
    ctl = FirmwareControl(cmd.command, seq, cmd.image_size, cmd.image_crc, cmd.version)
    status: FirmwareStatus | None = None
    reboots = cmd.command in REBOOTS
    for _ in range(CTL_ATTEMPTS):
        try:
            await request(dev.write(fw.control.address, fw.encode_control(ctl)))
        except PileTimeout:
            pass  # the read-back says whether it arrived
        except PileDisconnected:
            if not reboots:
                raise
        status = await _read_back(request, dev, reboots)
        if status is None:
            if reboots:  # it went straight into its reboot: the boot count will tell
                return _outcome(True, f"{cmd.command.value} accepted; the pile is rebooting", wall)
            raise PileTimeout(f"unit {dev.unit_id}: firmware {cmd.command.value}: the pile does not answer")
        if status.result_seq == seq:
            ok = status.error is FirmwareError.NONE or (
                cmd.command is FirmwareCommand.ROLLBACK and status.error is FirmwareError.ROLLED_BACK)
            return _outcome(ok, f"firmware {cmd.command.value}: {status.state.value}"
                            + ("" if ok else f" ({status.error.value})"), wall, status=status)
    assert status is not None
    raise CommandFailed(f"unit {dev.unit_id}: firmware {cmd.command.value} not confirmed after {CTL_ATTEMPTS} "
                        f"attempts (pile reports command {status.result_seq}, sent {seq})")


async def execute_om(request: Request, dev: PileDevice, cmd: object, wall: Callable[[], float]
                     ) -> CommandOutcome | None:
    """Carry out a maintenance command; None when ``cmd`` is not one (the poller's own commands)."""
    if isinstance(cmd, FirmwareBlock):
        await request(dev.write(_fw(dev).data.address, _fw(dev).encode_block(cmd.index, cmd.data)))
        return _outcome(True, f"block {cmd.index} stored", wall)
    if isinstance(cmd, FirmwareCtl):
        return await _firmware_ctl(request, dev, cmd, wall)
    if isinstance(cmd, ReadFirmware):
        status = await read_firmware(request, dev)
        return _outcome(True, f"firmware {status.state.value}", wall, status=status)
    if isinstance(cmd, ReadIdentity):
        ident = await request(dev.read_identity())
        return _outcome(True, f"firmware {ident.firmware}, boot {ident.boot_count}", wall, identity=ident)
    if isinstance(cmd, ReadDiagnostics):
        ident = await request(dev.read_identity())
        status = await request(dev.read_status())
        ports = await request(dev.read_ports())
        return _outcome(True, "diagnostics read", wall, identity=ident, status=status, ports=ports)
    if isinstance(cmd, SelfTest):
        try:
            await request(dev.command(Command(CommandCode.SELF_TEST, cmd.port)))
        except CommandFailed as exc:
            if exc.result is not CommandResult.PORT_FAULT:
                raise
        live = (await request(dev.read_ports(cmd.port, cmd.port)))[cmd.port]
        found = live.fault is not PortFault.NONE
        return _outcome(True, f"port {cmd.port}: " + (f"fault {live.fault.value}" if found else "passed"), wall,
                        port=cmd.port, fault=live.fault.value, live=live)
    return None
