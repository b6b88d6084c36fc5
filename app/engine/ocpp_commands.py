"""Commands for car piles (OCPP 1.6J charge points), sent from the console through the engine.

Each is a frozen dataclass naming the pile; the central system turns it into the OCPP call and the
charge point's answer into a `CommandOutcome` (ok only when the charge point says Accepted).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RemoteStart:
    pile_id: uuid.UUID
    connector: int = 1
    id_tag: str = ""  # empty: the console's own tag for the operator
    limit_a: float | None = None  # a TxProfile with this current limit, sent with the start
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteStop:
    pile_id: uuid.UUID
    connector: int = 1  # the transaction running on this connector is stopped
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeConfiguration:
    pile_id: uuid.UUID
    key: str
    value: str
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class GetConfiguration:
    pile_id: uuid.UUID
    keys: tuple[str, ...] = ()  # empty: every key
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ResetChargePoint:
    pile_id: uuid.UUID
    hard: bool = False
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class UnlockConnector:
    pile_id: uuid.UUID
    connector: int = 1
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeAvailability:
    pile_id: uuid.UUID
    connector: int = 0  # 0: the whole charge point
    operative: bool = True
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class UpdateFirmware:
    pile_id: uuid.UUID
    file_name: str  # a file in the engine's firmware directory, served by its file endpoint
    retrieve_in_s: int = 0
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class GetDiagnostics:
    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ReserveNow:
    pile_id: uuid.UUID
    connector: int
    id_tag: str
    minutes: int = 15
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class CancelReservation:
    pile_id: uuid.UUID
    reservation_id: int
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class SendLocalList:
    pile_id: uuid.UUID
    full: bool = True  # Full: every charging user's card; else Differential with `id_tags`
    id_tags: tuple[tuple[str, str], ...] = ()  # (idTag, status) for a differential update
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class GetLocalListVersion:
    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class SetChargingProfile:
    """A current limit (6–32 A on AC, or 0 A: pause) for a connector (0 = the whole charge point,
    ChargePointMaxProfile)."""

    pile_id: uuid.UUID
    limit_a: float
    connector: int = 0
    purpose: str = ""  # empty: ChargePointMaxProfile on connector 0, TxDefaultProfile otherwise
    profile_id: int = 1
    stack_level: int = 0
    duration_s: int | None = None
    number_phases: int | None = None
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ClearChargingProfile:
    pile_id: uuid.UUID
    profile_id: int | None = None
    connector: int | None = None
    purpose: str | None = None
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class GetCompositeSchedule:
    pile_id: uuid.UUID
    connector: int = 0
    duration_s: int = 3600
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class TriggerMessage:
    pile_id: uuid.UUID
    message: str  # BootNotification | Heartbeat | MeterValues | StatusNotification | …StatusNotification
    connector: int | None = None
    issued_by: str | None = None


OcppCommand = (
    RemoteStart | RemoteStop | ChangeConfiguration | GetConfiguration | ResetChargePoint | UnlockConnector
    | ChangeAvailability | UpdateFirmware | GetDiagnostics | ReserveNow | CancelReservation | SendLocalList
    | GetLocalListVersion | SetChargingProfile | ClearChargingProfile | GetCompositeSchedule | TriggerMessage
)
OCPP_COMMANDS: tuple[type, ...] = OcppCommand.__args__  # type: ignore[attr-defined]
MIN_LIMIT_A, MAX_LIMIT_A = 6.0, 32.0  # IEC 61851 AC: below 6 A a car cannot charge
