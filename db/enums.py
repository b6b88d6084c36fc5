"""Vocabularies of the string columns that the schema itself names.

Stored as plain strings (``String(24)``), never as database enums, so adding a value needs no
migration. These are StrEnums, so a member can be assigned to a ``Mapped[str]`` column directly.
Device-level vocabularies (port state, payment way, stop reason) belong to the protocol layer.
"""

from __future__ import annotations

from enum import StrEnum


class Protocol(StrEnum):
    MODBUS_RTU = "modbus-rtu"
    MODBUS_TCP = "modbus-tcp"
    OCPP16 = "ocpp16"


class VehicleClass(StrEnum):
    EBIKE = "ebike"
    TRIKE = "trike"
    LSEV = "lsev"
    CAR = "car"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    MAJOR = "major"
    CRITICAL = "critical"


class SessionStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class CommandOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    UNCONFIRMED = "unconfirmed"
