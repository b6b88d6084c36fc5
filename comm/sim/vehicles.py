"""Loads a resident plugs into a simulated pile port: e-bike and e-tricycle chargers, misuse, a short.

A charger's AC draw follows the usual three-stage curve of a lead-acid / Li-ion charger:
constant power (bulk, CC) to ~80 % of the energy the battery needs, a taper (CV) in which the
power falls linearly with the energy delivered (so it decays exponentially in time) down to the
float level at 100 %, then a float/trickle draw of a few watts for as long as it stays plugged.
The float level sits above the pile's unplug threshold (3 W) and below its full-detection
threshold (30 W), so the pile sees "full", not "unplugged".
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from enum import StrEnum

BULK_FRACTION = 0.8  # CC phase ends at this fraction of the energy needed


class VehicleKind(StrEnum):
    EBIKE = "ebike"  # 48 V battery (GB 17761 limit), charger 100–350 W
    TRICYCLE = "trike"  # 60 V battery, charger 500–1400 W
    MISUSE = "misuse"  # a power strip or heater on the port: 1800–2500 W, never "full"
    SHORT = "short"  # a shorted cable or charger: trips the port's short-circuit protection


# kind → (battery V, rated W range, energy-needed Wh range, float W range, power factor)
_KINDS: dict[VehicleKind, tuple[int, tuple[int, int], tuple[int, int], tuple[float, float], float]] = {
    VehicleKind.EBIKE: (48, (100, 350), (300, 1000), (4.0, 20.0), 0.95),
    VehicleKind.TRICYCLE: (60, (500, 1400), (1000, 4000), (6.0, 20.0), 0.95),
    VehicleKind.MISUSE: (0, (1800, 2500), (100_000, 100_000), (0.0, 0.0), 1.0),
    VehicleKind.SHORT: (0, (0, 0), (0, 0), (0.0, 0.0), 1.0),
}

SHORT_POWER_W = 20_000.0  # what the pile would see for a dead short before its fuse/relay trips


@dataclass(slots=True)
class Vehicle:
    """One battery + charger (or other load). `charged_wh` is the battery's state and moves with it
    from port to port; the charge curve itself is the pure function `power_w(delivered_wh)`."""

    kind: VehicleKind
    rated_w: float
    need_wh: float
    float_w: float = 10.0
    battery_v: int = 48
    pf: float = 0.95
    charged_wh: float = 0.0

    @property
    def short(self) -> bool:
        return self.kind is VehicleKind.SHORT

    @property
    def full(self) -> bool:
        return self.kind in (VehicleKind.EBIKE, VehicleKind.TRICYCLE) and self.charged_wh >= self.need_wh

    def power_w(self, delivered_wh: float) -> float:
        """AC power drawn after `delivered_wh` has gone into the battery."""
        if self.kind is VehicleKind.SHORT:
            return SHORT_POWER_W
        if self.kind is VehicleKind.MISUSE:
            return self.rated_w  # a heater does not taper
        bulk_end = BULK_FRACTION * self.need_wh
        if delivered_wh < bulk_end:
            return self.rated_w
        if delivered_wh >= self.need_wh:
            return self.float_w
        frac = (delivered_wh - bulk_end) / (self.need_wh - bulk_end)
        return self.rated_w - (self.rated_w - self.float_w) * frac

    def recharge_need(self, need_wh: float) -> Vehicle:
        """The same vehicle back another day with an emptier battery (same charger)."""
        return replace(self, need_wh=need_wh, charged_wh=0.0)


def random_vehicle(kind: VehicleKind | str, rng: random.Random) -> Vehicle:
    """A plausible vehicle of `kind`, every choice drawn from `rng`."""
    kind = VehicleKind(kind)
    volts, (p_lo, p_hi), (e_lo, e_hi), (f_lo, f_hi), pf = _KINDS[kind]
    rated = float(rng.randint(p_lo, p_hi) // 10 * 10) if p_hi else 0.0
    need = float(rng.randint(e_lo, e_hi)) if e_hi else 0.0
    flt = round(rng.uniform(f_lo, f_hi), 1) if f_hi else 0.0
    return Vehicle(kind=kind, rated_w=rated, need_wh=need, float_w=flt, battery_v=volts, pf=pf)


def random_need(kind: VehicleKind, rng: random.Random) -> float:
    """Energy a vehicle of `kind` needs on a given evening (depth of discharge varies by day)."""
    _, _, (e_lo, e_hi), _, _ = _KINDS[kind]
    return float(rng.randint(e_lo, e_hi)) if e_hi else 0.0


def short_circuit() -> Vehicle:
    return Vehicle(kind=VehicleKind.SHORT, rated_w=0.0, need_wh=0.0, float_w=0.0, battery_v=0, pf=1.0)


def charge_time_s(vehicle: Vehicle, full_below_w: float = 30.0, step_s: float = 10.0) -> float:
    """Seconds until the draw falls to `full_below_w` from the vehicle's present charge (for
    planning stays and for tests); inf for loads that never get there."""
    if vehicle.kind not in (VehicleKind.EBIKE, VehicleKind.TRICYCLE) or vehicle.float_w > full_below_w:
        return float("inf")
    e, t = vehicle.charged_wh, 0.0
    while vehicle.power_w(e) > full_below_w:
        p = vehicle.power_w(e)
        e += vehicle.power_w(e + p * step_s / 7200.0) * step_s / 3600.0
        t += step_s
    return t
