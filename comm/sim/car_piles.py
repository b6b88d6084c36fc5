"""The car piles of a simulated community: N OCPP charge points spread over the stations, each a real
OCPP 1.6J client of the console's central system, with residents' cars arriving in the evening.

Keys are derived from the simulation seed, so `chargedesk sim --provision` (which registers the
charge points with the hash of that key) and the running simulator agree without sharing a file.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from comm.sim.car import random_car
from comm.sim.charge_point import SimChargePoint
from comm.sim.community import Community
from comm.sim.config import SimConfig
from comm.sim.meter_site import MeterLines

ARRIVAL_HOURS = range(17, 23)  # local: residents come home and plug in
DEPARTURE_HOURS = range(7, 9)


@dataclass(frozen=True, slots=True)
class CarPileSpec:
    code: str
    station: str
    identity: str
    key: str
    x: int
    y: int
    connectors: int = 1


def car_key(seed: int, identity: str) -> str:
    return hashlib.sha256(f"chargedesk-sim:{seed}:{identity}".encode()).hexdigest()[:24]


def plan_car_piles(config: SimConfig, count: int) -> list[CarPileSpec]:
    """`count` charge points, round-robin over the stations, placed along the site plan's right edge."""
    specs = []
    per: dict[str, int] = {}
    for i in range(count):
        st = config.stations[i % len(config.stations)]
        k = per[st.code] = per.get(st.code, 0) + 1
        identity = f"{st.code}-C{k:02d}"
        specs.append(CarPileSpec(identity, st.code, identity, car_key(config.seed, identity),
                                 x=st.plan_w - 90, y=min(st.plan_h - 60, 90 + 80 * (k - 1))))
    return specs


@dataclass
class CarPiles:
    plan: list[CarPileSpec]
    url: str  # ws://host:port/ocpp/ (the identity is appended)
    clock: Callable[[], float]
    community: Community
    meters: MeterLines | None = None
    tz_offset_min: int = 480
    seed: int = 1
    cps: dict[str, SimChargePoint] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    async def start(self, *, occupancy: float = 0.5) -> None:
        rng = random.Random(f"{self.seed}:cars")
        cards = [r.card_no for people in self.community.residents.values() for r in people if r.card_no]
        self._cards = cards or [0]
        for spec in self.plan:
            cp = SimChargePoint(spec.identity, self.url.rstrip("/") + "/" + spec.identity, password=spec.key,
                                connectors=spec.connectors, clock=self.clock, rng=random.Random(spec.identity),
                                meter_interval_s=10.0, serial=f"AC7-{spec.identity}")
            self.cps[spec.identity] = cp
            if self.meters is not None:
                self.meters.extra_load.setdefault(spec.station, []).append(cp.power_w)
            await cp.start()
            if rng.random() < occupancy:  # some cars are already charging when the simulator starts
                self.arrive(spec.identity, rng)
        self._task = asyncio.create_task(self._residents(rng))

    def arrive(self, identity: str, rng: random.Random) -> bool:
        cp = self.cps[identity]
        cp.plug(1, random_car(rng))
        return cp.start_transaction(1, str(rng.choice(self._cards)))

    async def _residents(self, rng: random.Random) -> None:
        while True:
            await asyncio.sleep(60)
            hour = int((self.clock() / 3600 + self.tz_offset_min / 60) % 24)
            for identity, cp in self.cps.items():
                c = cp.connectors[1]
                if c.car is None and hour in ARRIVAL_HOURS and rng.random() < 0.05:
                    self.arrive(identity, rng)
                elif c.car is not None:
                    leaving = hour in DEPARTURE_HOURS and rng.random() < 0.1
                    if leaving or (c.car.soc >= 1.0 and rng.random() < 0.02):
                        cp.unplug(1)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        for cp in self.cps.values():
            await cp.stop()
