"""A whole simulated community: every station's SimPiles, the residents, their cards and their habits.

`Community.advance(now)` applies the arrivals and departures that fall due (in time order, each
pile advanced to the moment of the event) and then brings every pile to `now`. Arrivals are drawn
per station and clock hour from an rng seeded by (seed, station, hour), so the same config and
seed give the same evening whether the runner ticks every 100 ms or fast-forwards a day.
"""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from enum import StrEnum

from comm.pile.messages import Payment, PortFault, PortState
from comm.sim.cards import CardBook, CardKind
from comm.sim.config import PileSpec, SimConfig, StationSpec
from comm.sim.pile_model import SimPile, SwipeResult
from comm.sim.residents import Arrival, ArrivalProcess, Resident, initial_occupancy, make_residents
from comm.sim.vehicles import Vehicle, VehicleKind, random_vehicle

TOP_UP_CHANCE = 0.3  # a resident whose card is empty tops it up (else pays coins)
REFUND_SWIPE_CHANCE = 0.6  # a card user swipes again when collecting a still-charging bike


class Fault(StrEnum):
    SHORT = "short"  # port
    LINE_FAULT = "line_fault"  # port: faulty wiring found by the self-test
    RELAY_STUCK = "relay_stuck"  # port
    METER_ERROR = "meter_error"  # port
    OVERLOAD = "overload"  # port: someone plugs in a heater
    SMOKE = "smoke"  # level
    SMOKE_CLEAR = "smoke_clear"
    HEAT_WAVE = "heat_wave"  # ambient to `level` 0.1 °C (default 750): the cabinet overheats
    COOL = "cool"  # ambient back to 25 °C
    DOOR_OPEN = "door_open"
    DOOR_CLOSE = "door_close"
    POWER_CUT = "power_cut"
    POWER_RESTORE = "power_restore"


_PORT_FAULTS = {
    Fault.LINE_FAULT: PortFault.LINE_FAULT,
    Fault.RELAY_STUCK: PortFault.RELAY_STUCK,
    Fault.METER_ERROR: PortFault.METER_ERROR,
}


@dataclass(slots=True)
class CommunityStats:
    arrivals: int = 0
    started: int = 0
    turned_away: int = 0  # no free port at the station
    refused: int = 0  # the pile would not start (night, faults, overload …)
    departures: int = 0
    top_ups: int = 0
    by_payment: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Visit:
    resident: Resident
    pile: str
    port: int
    vehicle: Vehicle
    refund_swipe: bool


class Community:
    def __init__(self, config: SimConfig, *, now: float, occupancy: float = 0.35) -> None:
        self.config = config
        self.cards = CardBook()
        self.stats = CommunityStats()
        self.piles: dict[str, SimPile] = {}
        self.residents: dict[str, list[Resident]] = {}
        self._specs: dict[str, tuple[StationSpec, PileSpec]] = {}
        self._processes: dict[str, ArrivalProcess] = {}
        self._events: list[tuple[float, int, Arrival | _Visit]] = []
        self._order = 0
        self._visits: dict[str, _Visit] = {}  # resident id → where their vehicle is plugged in
        self._rng = random.Random(f"{config.seed}:community")
        self._t = now
        rng = random.Random(config.seed)
        for si, station in enumerate(config.stations):
            for pi, spec in enumerate(station.piles):
                self._specs[spec.code] = (station, spec)
                self.piles[spec.code] = self._make_pile(station, spec, si * 100 + pi + 1, rng, now)
            people = make_residents(station, config.residents_of(station), rng, card_base=10_000_000 * (si + 1))
            for r in people:
                if r.card_kind is not None:
                    until = now + rng.uniform(5, 60) * 86400 if r.card_kind is CardKind.MONTHLY else 0.0
                    self.cards.add(r.card_no, r.balance_fen, kind=r.card_kind, monthly_until=until)
            self.residents[station.code] = people
            self._processes[station.code] = ArrivalProcess(station, people, tz_offset_min=config.tz_offset_min)
        for code, process in self._processes.items():
            seed_rng = random.Random(f"{config.seed}:{code}:seed")
            for arrival, elapsed in initial_occupancy(process, now, seed_rng, occupancy):
                self._seed(arrival, elapsed, now)
        self._gen_until = now

    def _make_pile(self, station: StationSpec, spec: PileSpec, index: int, rng: random.Random, now: float) -> SimPile:
        return SimPile(
            code=spec.code, serial=f"ACX{index:05d}", unit_id=spec.unit_id, port_count=len(spec.ports),
            config=station.pile_config, rng=random.Random(f"{self.config.seed}:{spec.code}"), now=now,
            cards=self.cards, firmware=(1, 2, 0) if rng.random() < 0.8 else (1, 1, 3),
            hw_version=rng.choice((1, 2)), tz_offset_min=self.config.tz_offset_min,
            clock_offset_s=rng.uniform(-120, 120), meter_wh=rng.randint(200_000, 3_000_000),
            boot_count=rng.randint(1, 40),
        )

    # ------------------------------------------------------------------ lookups
    @property
    def time(self) -> float:
        return self._t

    def pile(self, code: str) -> SimPile:
        return self.piles[code]

    def station_of(self, pile_code: str) -> StationSpec:
        return self._specs[pile_code][0]

    def spec(self, pile_code: str) -> PileSpec:
        return self._specs[pile_code][1]

    def all_residents(self) -> list[Resident]:
        return [r for people in self.residents.values() for r in people]

    def busy_ports(self) -> int:
        return sum(1 for p in self.piles.values() for n in range(1, len(p.ports) + 1) if p.session(n) is not None)

    # ------------------------------------------------------------------ time
    def advance(self, now: float) -> None:
        if now < self._t:
            return
        while self._gen_until <= now:  # draw arrivals hour by hour, a little ahead of time
            start = self._gen_until
            end = (start // 3600 + 1) * 3600
            for code, process in self._processes.items():
                rng = random.Random(f"{self.config.seed}:{code}:{int(start // 3600)}")
                for a in process.arrivals(start, end, rng):
                    self._push(a.time, a)
            self._gen_until = end
        while self._events and self._events[0][0] <= now:
            t, _, ev = heapq.heappop(self._events)
            if isinstance(ev, Arrival):
                self._arrive(ev, t)
            else:
                self._depart(ev, t)
        for pile in self.piles.values():
            pile.advance(now)
        self._t = now

    def _push(self, t: float, ev: Arrival | _Visit) -> None:
        self._order += 1
        heapq.heappush(self._events, (t, self._order, ev))

    # ------------------------------------------------------------------ residents
    def _free_port(self, a: Arrival) -> tuple[SimPile, int] | None:
        def free(pile: SimPile, n: int) -> bool:
            return (pile.powered and pile.vehicle(n) is None and pile.session(n) is None
                    and pile.port_state(n) is PortState.IDLE)

        pile = self.piles[a.pile]
        if free(pile, a.port):
            return pile, a.port
        process = self._processes[a.station]
        want = "trike" if a.vehicle.kind is VehicleKind.TRICYCLE else "ebike"
        candidates = sorted(process.ports, key=lambda pn: pn[0].ports[pn[1] - 1] != want)
        for spec, n in candidates:
            if free(self.piles[spec.code], n):
                return self.piles[spec.code], n
        return None

    def _arrive(self, a: Arrival, t: float) -> None:
        self.stats.arrivals += 1
        if a.resident.rid in self._visits:
            return  # their bike is already on a port
        spot = self._free_port(a)
        if spot is None:
            self.stats.turned_away += 1
            return
        pile, port = spot
        pile.plug(port, a.vehicle, t)
        paid = self._pay(pile, port, a, t)
        if paid is None:
            self.stats.refused += 1
        else:
            self.stats.started += 1
            self.stats.by_payment[paid.value] = self.stats.by_payment.get(paid.value, 0) + 1
        visit = _Visit(a.resident, pile.code, port, a.vehicle, self._rng.random() < REFUND_SWIPE_CHANCE)
        self._visits[a.resident.rid] = visit
        self._push(t + (a.stay_s if paid is not None else 60.0), visit)

    def _pay(self, pile: SimPile, port: int, a: Arrival, t: float) -> Payment | None:
        """Start the port the way the resident pays; None if the pile refused everything."""
        card = a.resident.card_no
        if a.payment is Payment.FREE and pile.press_free(port, t):
            return Payment.FREE
        if a.payment in (Payment.CARD, Payment.MONTHLY) and card:
            result = pile.swipe_card(port, card, t)
            if result is SwipeResult.INSUFFICIENT and self._rng.random() < TOP_UP_CHANCE:
                self.cards.top_up(card, 5000)
                self.stats.top_ups += 1
                result = pile.swipe_card(port, card, t)
            if result is SwipeResult.STARTED:
                return a.payment
            if result in (SwipeResult.REFUSED, SwipeResult.PORT_FAULT, SwipeResult.NO_POWER):
                return None
        coins = a.coins or (2 if a.stay_s > 4 * 3600 else 1)
        return Payment.COIN if pile.insert_coins(port, coins, t) else None

    def _depart(self, v: _Visit, t: float) -> None:
        pile = self.piles[v.pile]
        if pile.vehicle(v.port) is v.vehicle:
            s = pile.session(v.port)
            card = v.resident.card_no
            if (s is not None and v.refund_swipe and card and s.card_no == card and s.payment is Payment.CARD
                    and pile.config.mode.refund_on_swipe):
                pile.swipe_card(v.port, card, t)
            pile.unplug(v.port, t)
        self._visits.pop(v.resident.rid, None)
        self.stats.departures += 1

    def _seed(self, a: Arrival, elapsed: float, now: float) -> None:
        pile = self.piles[a.pile]
        pay = a.payment if a.resident.card_no or a.payment is Payment.FREE else Payment.COIN
        if pay is Payment.FREE and not pile.config.mode.free_mode:
            pay = Payment.COIN
        ok = pile.seed_session(a.port, a.vehicle, now, payment=pay, elapsed_s=elapsed,
                               card_no=a.resident.card_no, coins=max(a.coins, 1))
        if not ok and pay is not Payment.COIN:  # e.g. an empty card: they paid with coins
            pay = Payment.COIN
            ok = pile.seed_session(a.port, a.vehicle, now, payment=pay, elapsed_s=elapsed, coins=max(a.coins, 1))
        if ok:
            visit = _Visit(a.resident, a.pile, a.port, a.vehicle, self._rng.random() < REFUND_SWIPE_CHANCE)
            self._visits[a.resident.rid] = visit
            self._push(a.time + a.stay_s, visit)

    # ------------------------------------------------------------------ faults
    def inject(
        self, pile_code: str, fault: Fault | str, now: float, *, port: int = 1, level: int | None = None
    ) -> None:
        """Fault injection for demos, training and tests, by pile code."""
        pile = self.piles[pile_code]  # KeyError names an unknown pile
        fault = Fault(fault)
        self.advance(now)
        if fault is Fault.SHORT:
            pile.inject_short(port, now)
        elif fault in _PORT_FAULTS:
            pile.inject_port_fault(port, _PORT_FAULTS[fault], now)
        elif fault is Fault.OVERLOAD:
            pile.unplug(port, now)
            pile.plug(port, random_vehicle(VehicleKind.MISUSE, self._rng), now)
            pile.insert_coins(port, 1, now)
        elif fault is Fault.SMOKE:
            pile.set_smoke(400 if level is None else level, now)
        elif fault is Fault.SMOKE_CLEAR:
            pile.set_smoke(0, now)
        elif fault is Fault.HEAT_WAVE:
            pile.set_ambient(750 if level is None else level)
        elif fault is Fault.COOL:
            pile.set_ambient(250 if level is None else level)
        elif fault in (Fault.DOOR_OPEN, Fault.DOOR_CLOSE):
            pile.open_door(fault is Fault.DOOR_OPEN)
        elif fault is Fault.POWER_CUT:
            pile.power_cut(now)
        else:
            pile.power_restore(now)

    def set_ambient(self, temp_dc: int) -> None:
        """Weather: the outdoor temperature around every cabinet, 0.1 °C."""
        for pile in self.piles.values():
            pile.set_ambient(temp_dc)
