"""What the engine publishes: frozen dataclasses, delivered to subscribers in coalesced batches.

Subscribers (the GUI bridge, the demo summary, tests) get plain values only — never ORM rows,
never live objects the engine thread still mutates.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from comm.meters.messages import MeterReading
from comm.pile.messages import PileIdentity, PileStatus, PortLive


@dataclass(frozen=True, slots=True)
class PortUpdate:
    """Latest live values of one port (coalesced: a batch holds only the newest per port)."""

    pile_id: uuid.UUID
    port_id: uuid.UUID
    number: int
    live: PortLive
    ts: datetime


@dataclass(frozen=True, slots=True)
class PileUpdate:
    """Latest status of a pile (coalesced per pile)."""

    pile_id: uuid.UUID
    online: bool
    status: PileStatus | None
    ts: datetime


@dataclass(frozen=True, slots=True)
class PileOnline:
    pile_id: uuid.UUID
    identity: PileIdentity | None
    ts: datetime


@dataclass(frozen=True, slots=True)
class PileOffline:
    pile_id: uuid.UUID
    reason: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class PileRebooted:
    pile_id: uuid.UUID
    identity: PileIdentity | None
    ts: datetime


@dataclass(frozen=True, slots=True)
class AlarmKey:
    pile_id: uuid.UUID
    port_number: int | None
    code: str


@dataclass(frozen=True, slots=True)
class AlarmRaised:
    key: AlarmKey
    severity: str
    detail: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class AlarmCleared:
    key: AlarmKey
    ts: datetime


@dataclass(frozen=True, slots=True)
class SessionStarted:
    pile_id: uuid.UUID
    port_id: uuid.UUID
    number: int
    pile_session_id: int
    payment: str
    started_at: datetime
    minutes_bought: int | None


@dataclass(frozen=True, slots=True)
class SessionEnded:
    pile_id: uuid.UUID
    port_id: uuid.UUID
    number: int
    pile_session_id: int
    ended_at: datetime
    energy_wh: int
    max_power_w: int
    stop_reason: str


@dataclass(frozen=True, slots=True)
class Sample:
    """A downsampled port reading due for the database."""

    port_id: uuid.UUID
    ts: datetime
    state: str
    voltage_dv: int
    current_ca: int
    power_w: int
    energy_wh: int


@dataclass(frozen=True, slots=True)
class PileEventLogged:
    pile_id: uuid.UUID
    kind: str
    severity: str
    detail: str
    ts: datetime
    port_number: int | None = None


@dataclass(frozen=True, slots=True)
class RecordsStored:
    pile_id: uuid.UUID
    seqs: tuple[int, ...]
    duplicates: int
    ts: datetime


@dataclass(frozen=True, slots=True)
class LineHealth:
    """Health of one line (an RS-485 bus or a TCP pile link), published about once a second."""

    line: str
    kind: str  # "rtu" | "tcp"
    connected: bool
    polls_per_s: float
    error_rate: float  # failed requests / all requests over the last window
    piles_online: int
    piles_total: int
    ts: datetime


@dataclass(frozen=True, slots=True)
class DatabaseHealth:
    ok: bool
    detail: str
    pending: int
    ts: datetime


@dataclass(frozen=True, slots=True)
class MeterUpdate:
    """Newest reading of a meter (coalesced per meter); `reading` None while it is offline."""

    meter_id: uuid.UUID
    station_id: uuid.UUID
    kind: str  # "transformer" | "pile"
    online: bool
    reading: MeterReading | None
    ts: datetime
    detail: str = ""


@dataclass(frozen=True, slots=True)
class StationLoad:
    """A station's live load (coalesced per station), W. `spare_w` = limit − other load: what charging
    may draw (MISSION M9.1); the three metered values are None while the transformer meter is silent."""

    station_id: uuid.UUID
    limit_w: int
    charging_w: int
    transformer_w: int | None
    other_w: int | None
    spare_w: int | None
    meter_at: datetime | None  # when the transformer reading used here was taken
    ts: datetime


@dataclass(frozen=True, slots=True)
class ChargePointSeen:
    """An OCPP charge point connected, booted or was refused (held for approval, wrong password …)."""

    identity: str
    pile_id: uuid.UUID | None
    status: str  # "connected" | "accepted" | "pending" | "rejected" | "auth_failed" | "disconnected"
    detail: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class OrderedPort:
    """One vehicle under ordered charging; times in Unix seconds. `status`: an e-bike port "charging" | "queued" |
    "held"; a car "charging" (as fast as it can) | "limited" (a lower current) | "paused" (0 A) | "held"."""

    pile_id: uuid.UUID
    port_id: uuid.UUID | None
    number: int
    status: str
    reason: str  # app.domain.ordered_charging.Reason value
    power_w: int
    expected_start: int | None  # None: not within the schedule ahead
    expected_done: int | None
    priority: int = 0
    limit_a: float | None = None  # a car: the charging-profile limit in force (None: none sent, or an e-bike port)


@dataclass(frozen=True, slots=True)
class OrderedStatus:
    """A station's ordered charging after a control step (coalesced per station): capacity, the vehicles, and
    the schedule ahead as (Unix s, planned charging W, forecast spare W)."""

    station_id: uuid.UUID
    enabled: bool
    source: str  # "meter" | "fallback" | "estimate" (no transformer meter: a configured household estimate)
    limit_w: int
    other_w: int | None
    charging_w: int
    spare_w: int
    allocated_w: int
    ports: tuple[OrderedPort, ...]
    plan: tuple[tuple[int, int, int], ...]
    ts: datetime


Event = (
    PortUpdate | PileUpdate | PileOnline | PileOffline | PileRebooted | AlarmRaised | AlarmCleared
    | SessionStarted | SessionEnded | PileEventLogged | RecordsStored | LineHealth | DatabaseHealth
    | MeterUpdate | StationLoad | ChargePointSeen | OrderedStatus
)
