"""Who lives in a simulated compound and when they come to charge.

Residents are generated from a seed (name, building/unit/room, a phone-like id, card, vehicle).
Arrivals follow the evening-heavy profile of community e-bike sheds: a morning bump, a lunch
bump, the big peak 18:00–22:00 local, few at night; most evening arrivals leave the bike
overnight. Every random choice comes from the `random.Random` passed in.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from comm.pile.messages import Payment, PileConfig
from comm.sim.cards import CardKind
from comm.sim.config import PileSpec, StationSpec
from comm.sim.vehicles import Vehicle, VehicleKind, random_need, random_vehicle

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵万严武戴孔"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉红建国文斌辉鹏飞宇浩然俊峰晓燕丹萍鑫婷雪梅志海波亮"

# Relative arrivals per local hour 0–23 (evening peak, morning and lunch bumps, quiet nights).
HOURLY_PROFILE = (0.15, 0.08, 0.05, 0.05, 0.05, 0.1, 0.4, 1.0, 0.9, 0.5, 0.45, 0.6,
                  0.9, 0.7, 0.45, 0.45, 0.55, 1.1, 2.2, 2.8, 2.8, 2.2, 1.2, 0.5)
SESSIONS_PER_RESIDENT_DAY = 0.55  # an e-bike is charged every other day or so
TRIKE_SHARE = 0.12
MISUSE_SHARE = 0.01  # someone tries a power strip or a heater on a port


@dataclass(frozen=True, slots=True)
class Resident:
    rid: str
    name: str
    station: str
    building: int
    unit: int
    room: str
    phone: str  # phone-like id, masked as apps display it ("138****4321"): never a dialable number
    card_no: int  # 0: no card, pays with coins
    card_kind: CardKind | None
    balance_fen: int  # opening balance of the card
    vehicle: Vehicle  # the resident's charger; each visit brings a different state of charge

    @property
    def home(self) -> str:
        return f"{self.building}号楼{self.unit}单元{self.room}"


@dataclass(frozen=True, slots=True)
class Arrival:
    time: float
    station: str
    pile: str  # preferred pile and port; the community picks another free one if it is taken
    port: int
    resident: Resident
    vehicle: Vehicle
    payment: Payment  # COIN, CARD, MONTHLY or FREE
    coins: int
    stay_s: float  # how long the vehicle stays plugged in


def make_residents(station: StationSpec, count: int, rng: random.Random, *, card_base: int) -> list[Resident]:
    """`count` residents of `station`; cards numbered from `card_base` upwards."""
    out = []
    buildings = max(2, count // 12)
    for i in range(count):
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        draw = rng.random()
        kind = CardKind.MONTHLY if draw < 0.12 else CardKind.STORED if draw < 0.8 else None
        balance = 0 if kind is not CardKind.STORED else rng.choice((0, 200, 500, 1000, 2000, 3000, 5000))
        vkind = VehicleKind.TRICYCLE if rng.random() < TRIKE_SHARE else VehicleKind.EBIKE
        out.append(Resident(
            rid=f"{station.code}-R{i + 1:03d}", name=name, station=station.code,
            building=rng.randint(1, buildings), unit=rng.randint(1, 3),
            room=f"{rng.randint(1, 18)}{rng.randint(1, 4):02d}",
            phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}",
            card_no=card_base + i if kind is not None else 0, card_kind=kind, balance_fen=balance,
            vehicle=random_vehicle(vkind, rng),
        ))
    return out


def local_hour(t: float, tz_offset_min: int) -> float:
    return ((t + tz_offset_min * 60) % 86400) / 3600


def stay_for(hour: float, rng: random.Random) -> float:
    """Seconds a vehicle that arrives at local `hour` stays plugged in."""
    if hour >= 17 or hour < 2:  # evening: mostly overnight, picked up 06:30–08:30
        if rng.random() < 0.75:
            leave = rng.uniform(6.5, 8.5) + 24
            return (leave - (hour if hour >= 17 else hour + 24)) * 3600
        return rng.uniform(1, 4) * 3600
    if 6 <= hour < 10 and rng.random() < 0.4:  # charged while at work, back 17:00–19:00
        return (rng.uniform(17, 19) - hour) * 3600
    return rng.uniform(1, 5) * 3600


def _poisson(lam: float, rng: random.Random) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class ArrivalProcess:
    """Arrivals at one station. Deterministic for a given rng and window."""

    def __init__(self, station: StationSpec, residents: Sequence[Resident], *, tz_offset_min: int = 480,
                 per_resident_day: float = SESSIONS_PER_RESIDENT_DAY) -> None:
        self.station = station
        self.residents = list(residents)
        self.tz_offset_min = tz_offset_min
        self.daily = per_resident_day * len(self.residents)
        self.ports = [(p, n) for p in station.piles for n in range(1, len(p.ports) + 1)]

    def rate_per_hour(self, hour: int) -> float:
        return self.daily * HOURLY_PROFILE[hour] / sum(HOURLY_PROFILE)

    def arrivals(self, start: float, end: float, rng: random.Random) -> Iterator[Arrival]:
        """Arrivals in [start, end), in time order (piecewise-constant rate per local hour)."""
        times: list[float] = []
        t = start
        while t < end and self.residents:
            hour = int(local_hour(t, self.tz_offset_min))
            slot_end = min(end, t - (t + self.tz_offset_min * 60) % 3600 + 3600)
            n = _poisson(self.rate_per_hour(hour) * (slot_end - t) / 3600, rng)
            times += sorted(rng.uniform(t, slot_end) for _ in range(n))
            t = slot_end
        for at in times:
            yield self.arrival_at(at, rng)

    def arrival_at(self, t: float, rng: random.Random, resident: Resident | None = None) -> Arrival:
        who = resident or rng.choice(self.residents)
        vehicle = who.vehicle.recharge_need(random_need(who.vehicle.kind, rng))
        if rng.random() < MISUSE_SHARE:
            vehicle = random_vehicle(VehicleKind.MISUSE, rng)
        pile, port = self.pick_port(vehicle.kind, rng)
        hour = local_hour(t, self.tz_offset_min)
        stay = 120.0 if vehicle.kind is VehicleKind.MISUSE else max(1200.0, stay_for(hour, rng))
        payment = self.payment_of(who, rng)
        coins = 0
        if payment is Payment.COIN:
            coins = min(4, 1 + int(stay // (4 * 3600)) + (vehicle.kind is VehicleKind.TRICYCLE))
        return Arrival(t, self.station.code, pile.code, port, who, vehicle, payment, coins, stay)

    def payment_of(self, who: Resident, rng: random.Random) -> Payment:
        cfg: PileConfig = self.station.pile_config
        if cfg.mode.free_mode and rng.random() < 0.8:
            return Payment.FREE
        if who.card_kind is CardKind.MONTHLY and cfg.mode.monthly_card:
            return Payment.MONTHLY
        if who.card_kind is CardKind.STORED and rng.random() < 0.85:
            return Payment.CARD
        return Payment.COIN

    def pick_port(self, kind: VehicleKind, rng: random.Random) -> tuple[PileSpec, int]:
        """A port of the vehicle's class if the station has one (tricycles to tricycle ports)."""
        want = "trike" if kind is VehicleKind.TRICYCLE else "ebike"
        fitting = [(p, n) for p, n in self.ports if p.ports[n - 1] == want] or self.ports
        return rng.choice(fitting)


def initial_occupancy(process: ArrivalProcess, now: float, rng: random.Random,
                      fraction: float = 0.35) -> list[tuple[Arrival, float]]:
    """Sessions to seed so a demo starts with about `fraction` of the ports busy: (arrival, elapsed_s)
    pairs, each arrival dated `elapsed_s` before `now` with its stay running past `now`."""
    ports = list(process.ports)
    rng.shuffle(ports)
    want = min(round(fraction * len(ports)), len(process.residents))
    people = rng.sample(process.residents, want)
    out = []
    for who, (pile, port) in zip(people, ports, strict=False):
        elapsed = rng.uniform(600, 4 * 3600)
        arrival = process.arrival_at(now - elapsed, rng, resident=who)
        if arrival.vehicle.kind is VehicleKind.MISUSE:
            continue
        stay = max(arrival.stay_s, elapsed + rng.uniform(1200, 6 * 3600))
        out.append((Arrival(arrival.time, arrival.station, pile.code, port, who, arrival.vehicle,
                            arrival.payment, arrival.coins, stay), elapsed))
    return out
