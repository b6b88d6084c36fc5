"""OCPP 1.6 → the console's port and pile vocabulary. Pure (no I/O, no clock).

A car connector is a port: its OCPP status, error code, transaction and MeterValues become the same
`PortLive` an e-bike port reports, so sessions, samples and alarms come out of the one state store.
While a transaction runs the port stays active (CHARGING, or STARTING while the car or the charger
pauses); a fault during a transaction shows as the port's fault, the session ends with StopTransaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from comm.pile.messages import (
    Payment,
    PileFault,
    PileFlags,
    PileStatus,
    PortFault,
    PortLive,
    PortState,
    StopReason,
)

# OCPP ChargePointErrorCode → the port fault it means for an operator (others are logged as events).
ERROR_FAULTS: dict[str, PortFault] = {
    "GroundFailure": PortFault.LINE_FAULT,
    "OverVoltage": PortFault.LINE_FAULT,
    "UnderVoltage": PortFault.LINE_FAULT,
    "OverCurrentFailure": PortFault.OVERLOAD,
    "PowerMeterFailure": PortFault.METER_ERROR,
    "PowerSwitchFailure": PortFault.RELAY_STUCK,
    "ConnectorLockFailure": PortFault.RELAY_STUCK,
}
# OCPP StopTransaction reason → the nearest e-bike stop reason (the session row keeps the OCPP text).
STOP_REASONS: dict[str, StopReason] = {
    "EVDisconnected": StopReason.UNPLUGGED, "Remote": StopReason.REMOTE_STOP, "PowerLoss": StopReason.POWER_LOST,
    "EmergencyStop": StopReason.PORT_FAULT, "HardReset": StopReason.POWER_LOST, "SoftReset": StopReason.POWER_LOST,
    "Reboot": StopReason.POWER_LOST, "Local": StopReason.CARD_REFUND, "DeAuthorized": StopReason.REMOTE_STOP,
    "UnlockCommand": StopReason.REMOTE_STOP, "Other": StopReason.NONE,
}  # fmt: skip


@dataclass
class Connector:
    """What the central system knows about one connector (engine loop only)."""

    number: int
    status: str = "Available"
    error_code: str = "NoError"
    tx_id: int | None = None
    id_tag: str | None = None
    payment: Payment = Payment.CARD
    meter_start: int = 0
    register_wh: int | None = None
    started_at: datetime | None = None
    power_w: int = 0
    current_ca: int = 0
    voltage_dv: int = 0
    soc: int | None = None
    limit_a: float | None = None  # the newest charging limit sent to it (for display)
    stop_reason: str = ""  # OCPP reason of the transaction that just ended
    last_tx_id: int = 0  # the session id the port keeps showing after a stop
    last_energy_wh: int = 0

    @property
    def energy_wh(self) -> int:
        if self.register_wh is None:
            return 0
        return max(0, self.register_wh - self.meter_start)


def port_state(c: Connector) -> PortState:
    if c.tx_id is not None:
        return PortState.CHARGING if c.status == "Charging" else PortState.STARTING
    if c.status == "Faulted":
        return PortState.FAULT
    if c.status == "Unavailable":
        return PortState.DISABLED
    return PortState.IDLE


def port_live(c: Connector, now: datetime) -> PortLive:
    active = c.tx_id is not None
    elapsed = int((now - c.started_at).total_seconds() // 60) if active and c.started_at else 0
    return PortLive(
        state=port_state(c),
        voltage_dv=c.voltage_dv if active else 0,
        current_ca=c.current_ca if active else 0,
        power_w=c.power_w if active else 0,
        energy_wh=c.energy_wh if active else c.last_energy_wh,
        elapsed_min=max(0, min(elapsed, 0xFFFF)),
        remaining_min=0,
        fault=ERROR_FAULTS.get(c.error_code, PortFault.NONE),
        stop_reason=StopReason.NONE if active else STOP_REASONS.get(c.stop_reason, StopReason.NONE),
        payment=c.payment if active else Payment.NONE,
        session_id=c.tx_id if active and c.tx_id is not None else c.last_tx_id,
    )


def pile_status(connectors: dict[int, Connector], whole: Connector, now: datetime, *, boot_at: datetime | None,
                change_counter: int) -> PileStatus:
    """A charge point as a pile: connector 0 (`whole`) carries the charge point's own status."""
    fault = PileFault.NONE
    if whole.error_code == "HighTemperature" or any(c.error_code == "HighTemperature" for c in connectors.values()):
        fault = PileFault.OVER_TEMP
    elif whole.status == "Faulted":
        fault = PileFault.INTERNAL
    mask = sum(1 << (n - 1) for n, c in connectors.items() if c.tx_id is not None and 1 <= n <= 16)
    return PileStatus(
        flags=PileFlags(), temperature_dc=0, smoke_level=0,
        meter_wh=sum(c.register_wh or 0 for c in connectors.values()),
        total_power_w=sum(c.power_w for c in connectors.values() if c.tx_id is not None),
        mains_voltage_dv=next((c.voltage_dv for c in connectors.values() if c.voltage_dv), 0),
        clock=int(now.timestamp()), pile_fault=fault, charging_mask=mask, change_counter=change_counter & 0xFFFF,
        record_newest=0, record_acked=0, uptime_s=int((now - boot_at).total_seconds()) if boot_at else 0,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Measures:
    register_wh: int | None = None
    power_w: int | None = None
    current_ca: int | None = None
    voltage_dv: int | None = None
    soc: int | None = None


_SCALE = {  # (measurand, unit) → factor to the project's unit
    ("Energy.Active.Import.Register", "Wh"): 1, ("Energy.Active.Import.Register", "kWh"): 1000,
    ("Power.Active.Import", "W"): 1, ("Power.Active.Import", "kW"): 1000,
    ("Current.Import", "A"): 100, ("Voltage", "V"): 10, ("SoC", "Percent"): 1,
}  # fmt: skip
_DEFAULT_UNIT = {"Energy.Active.Import.Register": "Wh", "Power.Active.Import": "W", "Current.Import": "A",
                 "Voltage": "V", "SoC": "Percent"}
_FIELD = {"Energy.Active.Import.Register": "register_wh", "Power.Active.Import": "power_w",
          "Current.Import": "current_ca", "Voltage": "voltage_dv", "SoC": "soc"}


def parse_meter_values(meter_value: list[dict[str, Any]]) -> Measures:
    """The newest value of each measurand we use. Phase values: the phase-less one wins, else L1
    (L1-N for voltage); values that are not numbers or have units we do not know are skipped."""
    found: dict[str, tuple[int, int]] = {}  # field → (priority, value)
    for mv in meter_value:
        for sv in mv.get("sampled_value", []):
            measurand = sv.get("measurand", "Energy.Active.Import.Register")
            if measurand not in _FIELD or sv.get("format", "Raw") != "Raw":
                continue
            unit = sv.get("unit", _DEFAULT_UNIT[measurand])
            factor = _SCALE.get((measurand, unit))
            if factor is None:
                continue
            try:
                value = int((Decimal(str(sv.get("value", ""))) * factor).to_integral_value())
            except (InvalidOperation, ValueError):
                continue
            phase = sv.get("phase")
            priority = 2 if phase is None else 1 if phase in ("L1", "L1-N") else 0
            key = _FIELD[measurand]
            if key not in found or priority >= found[key][0]:
                found[key] = (priority, value)
    return Measures(**{k: v for k, (_p, v) in found.items()})


def apply_measures(c: Connector, m: Measures) -> None:
    if m.register_wh is not None:
        c.register_wh = m.register_wh
    if m.power_w is not None:
        c.power_w = max(0, m.power_w)
    if m.current_ca is not None:
        c.current_ca = max(0, m.current_ca)
    if m.voltage_dv is not None:
        c.voltage_dv = max(0, m.voltage_dv)
    if m.soc is not None:
        c.soc = m.soc
