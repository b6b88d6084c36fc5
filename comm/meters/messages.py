"""What a meter reading is, in the project's integer units, whatever the meter's protocol."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MeterProtocol(StrEnum):
    MODBUS_RTU = "modbus-rtu"
    DLT645 = "dlt645"


class MeterKind(StrEnum):
    TRANSFORMER = "transformer"  # the community's incoming supply: everything, charging included
    PILE = "pile"  # one pile's (or one car wallbox's) supply


@dataclass(frozen=True, slots=True)
class MeterReading:
    energy_wh: int  # import / forward active energy, total register
    power_w: int  # total active power (negative = export)
    voltage_dv: int  # phase A (L1) voltage, 0.1 V
    current_ca: int  # phase A (L1) current, 0.01 A


class MeterLinkError(Exception):
    """Reading a meter failed; the message says what happened in plain words."""


class MeterTimeout(MeterLinkError):
    """No valid reply in time."""


class MeterDisconnected(MeterLinkError):
    """The serial port is not open."""


class MeterRefused(MeterLinkError):
    """The meter answered with an exception / abnormal reply."""


class MeterBadReply(MeterLinkError):
    """A reply arrived but its content is impossible (NaN, out of range, wrong identifier)."""
