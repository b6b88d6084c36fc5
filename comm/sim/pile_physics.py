"""Per-port session state and the pile's small physical models (mains, heat, night window).

Kept apart from pile_model.SimPile so the state machine there reads as rules, not arithmetic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from comm.pile.messages import Payment, PileConfig, PortFault, StopReason
from comm.sim.vehicles import Vehicle

MAX_STEP_S = 10.0  # physics sub-step while something charges (a fast-forward stays right)
IDLE_STEP_S = 60.0  # nothing draws power: only the cabinet cools
MEASURE_S = 5.0  # the pile watches the load this long before it picks the power tier
NO_LOAD_S = 60.0  # STARTING with nothing drawing for this long → NO_LOAD
UNPLUG_S = 30.0  # at/below unplug_power_w for this long while charging → UNPLUGGED
OVER_TEMP_HYST_DC = 100  # over-temperature clears 10 °C below the threshold
EPS = 1e-6

# Cabinet heat: relays, contactors and wiring dissipate a share of what flows; the cabinet
# settles at ambient + K·P with time constant TAU. 8 kW on a 25 °C day → ~63 °C (just under the
# 70 °C default); the same load on a 40 °C afternoon trips it.
THERMAL_K_C_PER_W = 0.0048
THERMAL_TAU_S = 1200.0

# Mains: the feeder's own level (per pile, drawn at construction), a slow ±1.5 V swing over
# three hours, and a sag with the pile's own load (a long thin feeder cable).
MAINS_SWING_DV = 15.0
MAINS_PERIOD_S = 3 * 3600.0
MAINS_SAG_DV_PER_W = 0.008


@dataclass(slots=True)
class Session:
    """A running session. Everything but the timers is what the pile keeps in NV memory
    (power-failure memory, M2.4) so it can resume or close the session after a power cut."""

    session_id: int  # shown in the port block; the record written at the stop carries it
    payment: Payment
    start_clock: float
    cfg: PileConfig  # tiers and session cap as they were at the start (config changes apply to new sessions)
    coin_fen: int = 0
    card_fen: int = 0
    remote_fen: int = 0
    card_no: int = 0
    fixed_min: int = 0  # minutes granted up front: remote minutes, free mode, monthly card
    tier_fen: int = 0  # money converted into minutes by the power tier once the load is measured
    bought_min: int = 0  # known once charging
    tier: int = 0
    measured_w: float = 0.0  # peak power seen during measurement: decides the tier
    peak_w: float = 0.0
    used_s: float = 0.0
    energy_wh: float = 0.0
    charging: bool = False  # measurement done, paid time running
    # volatile: reset at power-up
    measure_s: float = 0.0
    noload_s: float = 0.0
    unplug_s: float = 0.0
    full_s: float = 0.0

    @property
    def amount_fen(self) -> int:
        return self.coin_fen + self.card_fen + self.remote_fen

    @property
    def remaining_s(self) -> float:
        return max(0.0, self.bought_min * 60.0 - self.used_s) if self.charging else 0.0

    def reset_timers(self) -> None:
        self.measure_s = self.noload_s = self.unplug_s = self.full_s = 0.0
        if not self.charging:
            self.measured_w = 0.0


@dataclass(slots=True)
class Port:
    n: int
    vehicle: Vehicle | None = None  # what is physically plugged in (survives anything)
    session: Session | None = None
    fault: PortFault = PortFault.NONE  # latched, kept in NV memory
    stop_reason: StopReason = StopReason.NONE
    last: Session | None = None  # the last finished session, still shown on the port block
    power_w: float = 0.0  # present draw (0 with the relay open)


def load_power(port: Port) -> float:
    """What the load on `port` would draw with the relay closed."""
    v = port.vehicle
    return v.power_w(v.charged_wh) if v is not None else 0.0


def integrate_energy(vehicle: Vehicle, dt_s: float) -> tuple[float, float]:
    """Move the vehicle's charge on by `dt_s` (midpoint rule on its charge curve).
    Returns (energy delivered Wh, power at the end W)."""
    e0 = vehicle.charged_wh
    p0 = vehicle.power_w(e0)
    p_mid = vehicle.power_w(e0 + p0 * dt_s / 7200.0)
    de = p_mid * dt_s / 3600.0
    vehicle.charged_wh = e0 + de
    return de, vehicle.power_w(vehicle.charged_wh)


def thermal_step(temp_c: float, ambient_c: float, power_w: float, dt_s: float) -> float:
    """Exact first-order response for a constant load over the step."""
    target = ambient_c + THERMAL_K_C_PER_W * power_w
    return target + (temp_c - target) * math.exp(-dt_s / THERMAL_TAU_S)


def mains_dv(base_dv: float, phase: float, t: float, load_w: float) -> float:
    swing = MAINS_SWING_DV * math.sin(2 * math.pi * t / MAINS_PERIOD_S + phase)
    return base_dv + swing - MAINS_SAG_DV_PER_W * load_w


def in_window(minute: int, start: int, end: int) -> bool:
    """Whether local `minute` of the day lies in [start, end), a window that may wrap midnight;
    start == end is an empty window."""
    if start == end:
        return False
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def local_minute(clock: float, tz_offset_min: int) -> int:
    return int((clock + tz_offset_min * 60) // 60) % 1440


def clamp(value: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(value)))


U16 = 0xFFFF
U32 = 0xFFFFFFFF
