"""The pile side of remote maintenance (the layer above pile_actions): two firmware image slots with
block transfer, verification, activation on trial, confirmation and rollback; and the port self-test.

Faults for demos and tests: a flash that corrupts stored blocks (the image CRC then fails at VERIFY),
an image that does not boot (the bootloader returns to the previous one), an image that boots but
fails its own checks (pile fault INTERNAL, so the console rolls it back), and latent port faults
that only the self-test finds. Time is sim time: activation reboots the pile, which is silent for
``boot_s`` seconds; a trial not confirmed within ``trial_s`` rolls back by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from comm.pile.codec import CodecError
from comm.pile.firmware import FirmwareCodec, FirmwareControl, FirmwareStatus, Version, crc32
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
from comm.pile.register_map import RegisterMap
from comm.sim.pile_actions import PileInputs

SLOT_BYTES = 512 * 1024
BOOT_S = 4.0
TRIAL_S = 600.0
_NO_VERSION: Version = (0, 0, 0)


class FirmwareRefused(ValueError):
    """A firmware block the pile does not store (the wire answers exception 03)."""


class PileMaintenance(PileInputs):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._fw_broken = False  # read by pile_fault while the core initialises
        self._boot_until: float | None = None
        super().__init__(*args, **kwargs)
        # flash (kept across power cuts)
        self.fw_state = FirmwareState.IDLE
        self.fw_error = FirmwareError.NONE
        self.fw_staged: Version = _NO_VERSION
        self.fw_previous: Version = _NO_VERSION
        self._fw_begin: FirmwareControl | None = None
        self._fw_buf = bytearray()
        self._fw_next = 0
        self._fw_crc = 0
        self._fw_seq = 0
        self._fw_last: FirmwareControl | None = None
        self.slot_bytes = SLOT_BYTES
        self.block_bytes = 240
        self.boot_s = BOOT_S
        self.trial_s = TRIAL_S
        self._boot_into: tuple[str, Version] | None = None  # ("new" | "back" | "fail", version)
        self._trial_until: float | None = None
        # injected faults
        self.fw_corrupt_blocks = 0  # the next N stored blocks get one flipped bit (a failing flash)
        self.fw_boot_fail = False  # the staged image does not boot
        self.fw_bad_image = False  # the staged image boots but fails its self-check
        self.latent_faults: dict[int, PortFault] = {}
        self.firmware_history: list[tuple[float, str]] = []  # (sim time, what happened): for tests

    # ------------------------------------------------------------------ read side
    @property
    def pile_fault(self) -> PileFault:
        return PileFault.INTERNAL if self._fw_broken and self.powered else super().pile_fault

    def firmware_status(self) -> FirmwareStatus:
        return FirmwareStatus(self.fw_state, self.fw_error, self._fw_seq, self._fw_next, len(self._fw_buf),
                              self._fw_crc, self.fw_staged, self.fw_previous, self.block_bytes)

    @property
    def firmware_last_control(self) -> FirmwareControl | None:
        return self._fw_last

    # ------------------------------------------------------------------ time
    def advance(self, now: float) -> None:
        super().advance(now)
        if self._boot_until is not None and now >= self._boot_until:
            self._finish_boot(self._boot_until)
        if self.fw_state is FirmwareState.TRIAL and self._trial_until is not None and now >= self._trial_until:
            self._trial_until = None  # before the reboot: power_cut advances the pile again
            self._reboot(now, "back", FirmwareError.TRIAL_EXPIRED)

    def _reboot(self, now: float, into: str, error: FirmwareError = FirmwareError.NONE) -> None:
        self.power_cut(now)
        self._boot_until = now + self.boot_s
        self._boot_into = (into, self.fw_staged if into == "new" else self.fw_previous)
        self.fw_error = error
        self._trial_until = None

    def _finish_boot(self, at: float) -> None:
        into, version = self._boot_into or ("back", self.firmware)
        self._boot_until = self._boot_into = None
        if into == "new" and self.fw_boot_fail:
            self.fw_state, self.fw_error = FirmwareState.FAILED, FirmwareError.BOOT_FAILED
            self.fw_staged = _NO_VERSION  # the bootloader marked the slot bad
            self.firmware_history.append((at, f"boot of {version} failed; back on {self.firmware}"))
        elif into == "new":
            self.fw_previous, self.firmware, self.fw_staged = self.firmware, version, _NO_VERSION
            self.fw_state, self.fw_error = FirmwareState.TRIAL, FirmwareError.NONE
            self._trial_until = at + self.trial_s
            self._fw_broken = self.fw_bad_image
            self.firmware_history.append((at, f"running {version} on trial"))
        else:
            if self.fw_previous != _NO_VERSION:
                self.firmware, self.fw_previous = self.fw_previous, _NO_VERSION
            self.fw_state, self._fw_broken = FirmwareState.IDLE, False
            self.firmware_history.append((at, f"rolled back to {self.firmware}"))
        self.power_restore(at)

    # ------------------------------------------------------------------ firmware commands
    def firmware_control(self, c: FirmwareControl, now: float) -> None:
        if not self.powered:
            return
        self.advance(now)
        self._fw_last, self._fw_seq = c, c.seq
        err = self._fw_command(c, now)
        if err is not None:
            self.fw_error = err

    def _fw_command(self, c: FirmwareControl, now: float) -> FirmwareError | None:
        st = self.fw_state
        if c.command is FirmwareCommand.BEGIN:
            if st is FirmwareState.TRIAL:
                return FirmwareError.BAD_STATE
            if not 0 < c.image_size <= self.slot_bytes:
                return FirmwareError.BAD_SIZE
            self._fw_begin, self._fw_buf, self._fw_next, self._fw_crc = c, bytearray(), 0, 0
            self.fw_state, self.fw_error, self.fw_staged = FirmwareState.RECEIVING, FirmwareError.NONE, _NO_VERSION
            return None
        if c.command is FirmwareCommand.VERIFY:
            if st not in (FirmwareState.RECEIVING, FirmwareState.VERIFIED) or self._fw_begin is None:
                return FirmwareError.BAD_STATE
            self._fw_crc = crc32(bytes(self._fw_buf))
            if len(self._fw_buf) != self._fw_begin.image_size:
                self.fw_state = FirmwareState.FAILED
                return FirmwareError.INCOMPLETE
            if self._fw_crc != self._fw_begin.image_crc:
                self.fw_state = FirmwareState.FAILED
                return FirmwareError.IMAGE_CRC
            self.fw_state, self.fw_error, self.fw_staged = FirmwareState.VERIFIED, FirmwareError.NONE, \
                self._fw_begin.version
            return None
        if c.command is FirmwareCommand.ACTIVATE:
            if st is not FirmwareState.VERIFIED:
                return FirmwareError.BAD_STATE
            if any(p.session is not None for p in self.ports):
                return FirmwareError.PORTS_BUSY
            self._reboot(now, "new")
            return None
        if c.command is FirmwareCommand.CONFIRM:
            if st is not FirmwareState.TRIAL:
                return FirmwareError.BAD_STATE
            self.fw_state, self.fw_error, self._trial_until = FirmwareState.IDLE, FirmwareError.NONE, None
            self.firmware_history.append((now, f"{self.firmware} confirmed"))
            return None
        if c.command is FirmwareCommand.ROLLBACK:
            if st is FirmwareState.TRIAL or (st is FirmwareState.IDLE and self.fw_previous != _NO_VERSION):
                self._reboot(now, "back", FirmwareError.ROLLED_BACK)
                return None
            if st is FirmwareState.FAILED and self.fw_error is FirmwareError.BOOT_FAILED:
                self.fw_state = FirmwareState.IDLE  # the bootloader already went back: acknowledge it
                return FirmwareError.ROLLED_BACK
            return FirmwareError.BAD_STATE
        if c.command is FirmwareCommand.ABORT:
            if st is FirmwareState.TRIAL:
                return FirmwareError.BAD_STATE
            self._fw_begin, self._fw_buf, self._fw_next, self._fw_crc = None, bytearray(), 0, 0
            self.fw_state, self.fw_error, self.fw_staged = FirmwareState.IDLE, FirmwareError.NONE, _NO_VERSION
            return None
        return FirmwareError.BAD_STATE

    def firmware_block(self, index: int, data: bytes) -> None:
        """Store one block (its CRC was checked on the wire side); FirmwareRefused otherwise."""
        if self.fw_state is not FirmwareState.RECEIVING or self._fw_begin is None:
            raise FirmwareRefused("not receiving")
        if index == self._fw_next - 1:
            return  # the console did not get our reply and sent it again: already stored
        if index != self._fw_next:
            raise FirmwareRefused(f"block {index}, expected {self._fw_next}")
        end = len(self._fw_buf) + len(data)
        if end > self._fw_begin.image_size or (len(data) != self.block_bytes and end != self._fw_begin.image_size):
            raise FirmwareRefused(f"block {index}: {len(data)} bytes")
        stored = bytearray(data)
        if self.fw_corrupt_blocks > 0:  # the flash write went wrong; nobody notices until VERIFY
            self.fw_corrupt_blocks -= 1
            stored[len(stored) // 2] ^= 0x10
        self._fw_buf += stored
        self._fw_next += 1

    # ------------------------------------------------------------------ self-test
    def _execute(self, cmd: Command, now: float) -> CommandResult:
        if cmd.code is CommandCode.SELF_TEST:
            return self._self_test(cmd.port)
        return super()._execute(cmd, now)

    def _self_test(self, port: int) -> CommandResult:
        if not 1 <= port <= len(self.ports):
            return CommandResult.BAD_PORT
        p = self._port(port)
        if p.session is not None:
            return CommandResult.PORT_BUSY  # the relay cannot be switched under a running charge
        found = self.latent_faults.pop(port, None)
        if found is not None:
            p.fault = found
        return CommandResult.OK if p.fault is PortFault.NONE else CommandResult.PORT_FAULT

    def inject_latent_fault(self, port: int, fault: PortFault) -> None:
        """A fault the pile has not noticed yet (worn relay, loose terminal): the self-test finds it."""
        self._port(port)
        self.latent_faults[port] = fault


# ---------------------------------------------------------------------- wire side (slave.py calls these)
_codecs: dict[tuple[str, str], FirmwareCodec] = {}


def _codec(rmap: RegisterMap) -> FirmwareCodec | None:
    if not FirmwareCodec.supported(rmap):
        return None
    key = (rmap.model, rmap.source)
    if key not in _codecs:
        _codecs[key] = FirmwareCodec(rmap)
    return _codecs[key]


def firmware_image(rmap: RegisterMap, pile: Any, block: str) -> list[int] | None:
    """Registers of the firmware blocks as the pile shows them (None: not a firmware block)."""
    codec = _codec(rmap)
    if codec is None or block not in ("firmware", "firmware_data"):
        return None
    if block == "firmware_data":
        return [0] * codec.data.length
    return codec.encode_status(pile.firmware_status(), pile.firmware_last_control)


def firmware_write(rmap: RegisterMap, pile: Any, address: int, values: Sequence[int], now: float) -> bool:
    """Carry out a write to the firmware blocks; False when the address is not theirs.
    Raises ValueError for a request the pile refuses (the wire answers exception 03)."""
    codec = _codec(rmap)
    if codec is None:
        return False
    if address == codec.control.address and len(values) == codec.control.writable:
        try:
            c = codec.decode_control(values)
        except CodecError as exc:
            raise ValueError(str(exc)) from None
        pile.firmware_control(c, now)
        return True
    if address == codec.data.address and len(values) == codec.data.length:
        try:
            index, data = codec.decode_block(values)
        except CodecError as exc:
            raise ValueError(str(exc)) from None
        pile.firmware_block(index, data)
        return True
    return False


def sim_action(pile: PileMaintenance, action: str, args: Sequence[str]) -> dict[str, object]:
    """`chargedesk sim ctl` actions for maintenance faults (demos, training, testing the console):
    fw-boot-fail, fw-bad-image, fw-corrupt [N blocks], fw-ok (clear them), latent PORT FAULT."""
    if action == "fw-boot-fail":
        pile.fw_boot_fail = True
    elif action == "fw-bad-image":
        pile.fw_bad_image = True
    elif action == "fw-corrupt":
        pile.fw_corrupt_blocks = int(args[0]) if args else 1
    elif action == "fw-ok":
        pile.fw_boot_fail = pile.fw_bad_image = False
        pile.fw_corrupt_blocks = 0
    elif action == "latent":
        port = int(args[0]) if args else 1
        fault = PortFault(args[1].upper()) if len(args) > 1 else PortFault.RELAY_STUCK
        pile.inject_latent_fault(port, fault)
        return {"latent": fault.value, "port": port}
    else:
        raise ValueError(f"unknown maintenance action {action!r}")
    return {"firmware": pile.identity().firmware, "boot_fail": pile.fw_boot_fail, "bad_image": pile.fw_bad_image,
            "corrupt_blocks": pile.fw_corrupt_blocks}
