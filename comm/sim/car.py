"""A car on an AC charge point: its battery (capacity, state of charge, taper) and the charging
profiles the charge point obeys (OCPP 1.6 smart charging, limits in A, 6–32 A). Pure: no I/O.

The current the car draws is the least of the charge point's hardware limit, the composite of the
installed charging profiles at that instant, and what the car's on-board charger and battery accept
(full current up to 80 % SoC, then tapering linearly to 10 % of it at 100 %). Below 6 A an AC car
cannot charge (IEC 61851): the charge point offers nothing and the car waits (SuspendedEVSE).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

MIN_AC_A = 6.0
TAPER_FROM = 0.80


@dataclass
class CarBattery:
    capacity_wh: float
    soc: float  # 0..1
    onboard_a: float = 16.0  # on-board charger current limit per phase
    phases: int = 1
    target_soc: float = 1.0

    def acceptance_a(self) -> float:
        if self.soc >= self.target_soc:
            return 0.0
        if self.soc <= TAPER_FROM:
            return self.onboard_a
        frac = (1.0 - self.soc) / (1.0 - TAPER_FROM)  # 1 at 80 %, 0 at 100 %
        return self.onboard_a * (0.1 + 0.9 * frac)

    def charge(self, energy_wh: float) -> None:
        self.soc = min(1.0, self.soc + energy_wh / self.capacity_wh * 0.92)  # on-board charger losses

    @property
    def soc_pct(self) -> int:
        return round(self.soc * 100)


def random_car(rng: random.Random) -> CarBattery:
    """A plausible community car: 7 kW single-phase (or 11 kW three-phase) on-board charger."""
    capacity = rng.choice((42_000.0, 50_000.0, 60_000.0, 75_000.0))
    three = rng.random() < 0.25
    return CarBattery(capacity, soc=rng.uniform(0.15, 0.6), onboard_a=16.0 if three else 32.0,
                      phases=3 if three else 1)


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


@dataclass
class Profiles:
    """Charging profiles installed on a charge point (as the OCPP package hands them over: snake_case dicts)."""

    installed: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (connector, id) → profile

    def install(self, connector: int, profile: dict[str, Any]) -> None:
        pid, level = profile["charging_profile_id"], profile["stack_level"]
        purpose = profile["charging_profile_purpose"]
        for key, p in list(self.installed.items()):  # same id, or same purpose + stack level: replaced
            if p["charging_profile_id"] == pid or (
                    key[0] == connector and p["charging_profile_purpose"] == purpose and p["stack_level"] == level):
                del self.installed[key]
        self.installed[(connector, pid)] = profile

    def clear(self, *, profile_id: int | None = None, connector: int | None = None, purpose: str | None = None,
              stack_level: int | None = None) -> int:
        gone = [k for k, p in self.installed.items()
                if (profile_id is None or p["charging_profile_id"] == profile_id)
                and (connector is None or k[0] == connector)
                and (purpose is None or p["charging_profile_purpose"] == purpose)
                and (stack_level is None or p["stack_level"] == stack_level)]
        for k in gone:
            del self.installed[k]
        return len(gone)

    def drop_tx(self, tx_id: int) -> None:
        """TxProfiles end with their transaction."""
        for k in [k for k, p in self.installed.items() if p.get("transaction_id") == tx_id]:
            del self.installed[k]

    def _limit(self, p: dict[str, Any], now: datetime, tx_start: datetime | None, volts: float, phases: int
               ) -> float | None:
        sched = p["charging_schedule"]
        kind = p["charging_profile_kind"]
        if kind == "Relative":
            start = tx_start
        elif kind == "Recurring":
            start = _time(sched.get("start_schedule")) or now
            period = 86400 if p.get("recurrency_kind", "Daily") == "Daily" else 7 * 86400
            start = now - (now - start) % timedelta(seconds=period)
        else:
            start = _time(sched.get("start_schedule")) or _time(p.get("valid_from")) or now
        if start is None:
            return None
        valid_from, valid_to = _time(p.get("valid_from")), _time(p.get("valid_to"))
        if (valid_from and now < valid_from) or (valid_to and now >= valid_to):
            return None
        elapsed = (now - start).total_seconds()
        duration = sched.get("duration")
        if elapsed < 0 or (duration is not None and elapsed >= float(duration)):
            return None
        limit = None
        for period in sorted(sched["charging_schedule_period"], key=lambda x: x["start_period"]):
            if elapsed >= period["start_period"]:
                limit = float(period["limit"])
                n = int(period.get("number_phases") or phases)
        if limit is None:
            return None
        if sched.get("charging_rate_unit") == "W":
            return limit / (volts * n)
        return limit

    def limit_a(self, connector: int, now: datetime, *, tx_id: int | None, tx_start: datetime | None,
                volts: float = 230.0, phases: int = 1) -> float | None:
        """The composite current limit of `connector` now (None: no profile applies)."""

        def best(candidates: list[dict[str, Any]]) -> float | None:
            for p in sorted(candidates, key=lambda p: -p["stack_level"]):
                value = self._limit(p, now, tx_start, volts, phases)
                if value is not None:
                    return value
            return None

        def of(conn: int, purpose: str) -> list[dict[str, Any]]:
            return [p for (c, _), p in self.installed.items() if c == conn and p["charging_profile_purpose"] == purpose]

        cp_max = best(of(0, "ChargePointMaxProfile"))
        tx = None
        if tx_id is not None:
            tx = best([p for p in of(connector, "TxProfile") if p.get("transaction_id") in (None, tx_id)])
            if tx is None:
                tx = best(of(connector, "TxDefaultProfile"))
            if tx is None:
                tx = best(of(0, "TxDefaultProfile"))
        limits = [x for x in (cp_max, tx) if x is not None]
        return min(limits) if limits else None


def offered_a(hardware_a: float, profile_a: float | None) -> float:
    """What the charge point offers the car (0 below the 6 A minimum)."""
    a = hardware_a if profile_a is None else min(hardware_a, profile_a)
    return a if a >= MIN_AC_A else 0.0
