"""Canonical pile vocabulary: enums and the dataclasses the codec produces and consumes.

Every pile model maps its raw register values onto these names in its register-map file
(comm/pile/maps/*.toml), so the engine, the database and the GUI only ever see these.
Units are in the field names: _dv 0.1 V, _ca 0.01 A, _w W, _wh Wh, _dc 0.1 °C, _fen 0.01 CNY.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum


class PortState(StrEnum):
    IDLE = "IDLE"
    STARTING = "STARTING"  # paid / started, waiting for the load to appear
    CHARGING = "CHARGING"
    FAULT = "FAULT"
    DISABLED = "DISABLED"  # night cut-off or switched off

    @property
    def active(self) -> bool:
        return self in (PortState.STARTING, PortState.CHARGING)


class PortFault(StrEnum):
    NONE = "NONE"
    OVERLOAD = "OVERLOAD"
    SHORT_CIRCUIT = "SHORT_CIRCUIT"
    RELAY_STUCK = "RELAY_STUCK"
    LINE_FAULT = "LINE_FAULT"
    METER_ERROR = "METER_ERROR"


class PileFault(StrEnum):
    NONE = "NONE"
    OVER_TEMP = "OVER_TEMP"
    SMOKE = "SMOKE"
    DOOR_OPEN = "DOOR_OPEN"
    INTERNAL = "INTERNAL"


class StopReason(StrEnum):
    NONE = "NONE"
    TIME_UP = "TIME_UP"
    UNPLUGGED = "UNPLUGGED"
    FULL = "FULL"
    PORT_FAULT = "PORT_FAULT"
    OVERLOAD = "OVERLOAD"
    CARD_REFUND = "CARD_REFUND"
    NO_LOAD = "NO_LOAD"
    REMOTE_STOP = "REMOTE_STOP"
    NIGHT_CUTOFF = "NIGHT_CUTOFF"
    OVER_TEMP = "OVER_TEMP"
    SMOKE = "SMOKE"
    SHORT_CIRCUIT = "SHORT_CIRCUIT"
    POWER_LOST = "POWER_LOST"


class Payment(StrEnum):
    NONE = "NONE"
    COIN = "COIN"
    CARD = "CARD"
    REMOTE = "REMOTE"  # QR code / app, started from the console
    FREE = "FREE"
    MONTHLY = "MONTHLY"


class CommandCode(StrEnum):
    NONE = "NONE"
    START_PORT = "START_PORT"
    STOP_PORT = "STOP_PORT"
    SYNC_CLOCK = "SYNC_CLOCK"
    REBOOT = "REBOOT"
    ACK_RECORDS = "ACK_RECORDS"
    CLEAR_FAULT = "CLEAR_FAULT"
    SELF_TEST = "SELF_TEST"  # test one port's relay, line and meter; a fault found latches on the port


class CommandResult(StrEnum):
    NONE = "NONE"
    OK = "OK"
    BAD_PORT = "BAD_PORT"
    PORT_BUSY = "PORT_BUSY"
    PORT_FAULT = "PORT_FAULT"
    REFUSED = "REFUSED"
    BAD_ARGUMENT = "BAD_ARGUMENT"
    NOT_RUNNING = "NOT_RUNNING"


class FirmwareCommand(StrEnum):
    NONE = "NONE"
    BEGIN = "BEGIN"
    VERIFY = "VERIFY"
    ACTIVATE = "ACTIVATE"
    CONFIRM = "CONFIRM"
    ROLLBACK = "ROLLBACK"
    ABORT = "ABORT"


class FirmwareState(StrEnum):
    IDLE = "IDLE"
    RECEIVING = "RECEIVING"
    VERIFIED = "VERIFIED"
    TRIAL = "TRIAL"  # running the new image, not yet confirmed
    FAILED = "FAILED"


class FirmwareError(StrEnum):
    NONE = "NONE"
    BAD_STATE = "BAD_STATE"
    BAD_SIZE = "BAD_SIZE"
    INCOMPLETE = "INCOMPLETE"
    IMAGE_CRC = "IMAGE_CRC"
    PORTS_BUSY = "PORTS_BUSY"
    BOOT_FAILED = "BOOT_FAILED"
    ROLLED_BACK = "ROLLED_BACK"
    TRIAL_EXPIRED = "TRIAL_EXPIRED"


class BlacklistError(StrEnum):
    NONE = "NONE"
    BAD_VERSION = "BAD_VERSION"
    TOO_MANY = "TOO_MANY"
    INCOMPLETE = "INCOMPLETE"  # an entry below count was not written since the last commit
    LIST_CRC = "LIST_CRC"


# Enum class for each enum name used in the register-map files.
ENUMS: dict[str, type[Enum]] = {
    "port_state": PortState,
    "port_fault": PortFault,
    "pile_fault": PileFault,
    "stop_reason": StopReason,
    "payment": Payment,
    "command": CommandCode,
    "command_result": CommandResult,
    "firmware_command": FirmwareCommand,
    "firmware_state": FirmwareState,
    "firmware_error": FirmwareError,
    "blacklist_error": BlacklistError,
}


@dataclass(frozen=True, slots=True)
class PileIdentity:
    map_version: int
    port_count: int
    model: str
    serial: str
    fw_major: int
    fw_minor: int
    fw_patch: int
    hw_version: int
    boot_count: int

    @property
    def firmware(self) -> str:
        return f"{self.fw_major}.{self.fw_minor}.{self.fw_patch}"


@dataclass(frozen=True, slots=True)
class PileFlags:
    mains_present: bool = True
    smoke_alarm: bool = False
    over_temp: bool = False
    door_open: bool = False
    night_cutoff: bool = False
    free_mode: bool = False
    pile_overload: bool = False


@dataclass(frozen=True, slots=True)
class PileStatus:
    flags: PileFlags
    temperature_dc: int
    smoke_level: int
    meter_wh: int
    total_power_w: int
    mains_voltage_dv: int
    clock: int
    pile_fault: PileFault
    charging_mask: int
    change_counter: int
    record_newest: int
    record_acked: int
    uptime_s: int
    blacklist_version: int = 0  # card blacklist in use (0 = none, or a map without the blacklist blocks)


@dataclass(frozen=True, slots=True)
class PortLive:
    state: PortState
    voltage_dv: int
    current_ca: int
    power_w: int
    energy_wh: int
    elapsed_min: int
    remaining_min: int
    fault: PortFault
    stop_reason: StopReason
    payment: Payment
    session_id: int


@dataclass(frozen=True, slots=True)
class ModeFlags:
    free_mode: bool = False
    monthly_card: bool = True
    refund_on_swipe: bool = True
    night_cutoff: bool = False
    smoke_detector: bool = True
    power_memory: bool = True


@dataclass(frozen=True, slots=True)
class PowerTier:
    max_w: int
    min_per_yuan: int


@dataclass(frozen=True, slots=True)
class PileConfig:
    """What the console may set on a pile (the writable part of the config block)."""

    coin_fee_fen: int = 100
    swipe_fee_fen: int = 100
    max_port_power_w: int = 1500
    max_pile_power_w: int = 8000
    tiers: tuple[PowerTier, ...] = (
        PowerTier(200, 240),
        PowerTier(400, 180),
        PowerTier(700, 120),
        PowerTier(1000, 90),
        PowerTier(1500, 60),
    )
    mode: ModeFlags = field(default_factory=ModeFlags)
    full_stop_power_w: int = 30
    full_stop_min: int = 10
    night_start_min: int = 0
    night_end_min: int = 300
    over_temp_dc: int = 700
    smoke_threshold: int = 150
    max_session_min: int = 720
    free_min: int = 240
    unplug_power_w: int = 3

    def minutes_for(self, amount_fen: int, power_w: int) -> int:
        """Minutes that `amount_fen` buys at `power_w` (按功率给时间); 0 above the last tier."""
        for tier in self.tiers:
            if power_w <= tier.max_w:
                return min(self.max_session_min, amount_fen * tier.min_per_yuan // 100)
        return 0

    def tier_of(self, power_w: int) -> int:
        """1-based power tier for `power_w`; 0 when above every tier (overload)."""
        for i, tier in enumerate(self.tiers, start=1):
            if power_w <= tier.max_w:
                return i
        return 0


@dataclass(frozen=True, slots=True)
class Command:
    code: CommandCode
    port: int = 0
    minutes: int = 0
    amount_fen: int = 0
    arg: int = 0
    seq: int = 0


@dataclass(frozen=True, slots=True)
class CommandStatus:
    result: CommandResult
    result_seq: int


@dataclass(frozen=True, slots=True)
class RecordsHeader:
    oldest: int
    newest: int
    acked: int
    capacity: int
    lost: int


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """One finished session as the pile stored it (offline transaction record).

    `seq` numbers records in the order the pile wrote them (the ring's read pointer counts these);
    `session_id` is the id the port showed while the session ran, linking the record to it.
    """

    seq: int
    session_id: int
    port: int
    start_time: int
    end_time: int
    minutes_bought: int
    minutes_used: int
    energy_wh: int
    amount_fen: int
    refund_fen: int
    payment: Payment
    card_no: int
    stop_reason: StopReason
    peak_power_w: int
    tier: int
