"""Car piles (OCPP 1.6J) under ordered charging: their transactions as allocation requests, the decisions as
charging profiles.

A car is controlled while its charge point is connected and a transaction runs on the connector; its request
has the charge point's range (6 A up to its configured maximum, per phase, at 230 V), the energy the
transaction delivered, the state of charge when MeterValues carry it, the transaction's start as arrival and a
priority when the card belongs to a user group with priority. A car that draws clearly less than the limit in
force (its on-board charger, the taper near full) asks for what it draws plus a little, so the capacity it
cannot use goes to the others.

A decision becomes a TxProfile in amperes on the car's connector (6–32 A, or 0 A: the car pauses and keeps
its transaction). The first one of a transaction is always sent (the car is then under control and staff see
its limit); after that only when it matters: a pause or a resume, a rise of at least the hysteresis, a cut —
a cut smaller than the hysteresis only when the spare capacity left unallocated cannot carry the
difference. So the charge point is not sent a profile every period, and the limit is never exceeded.
A failed send is logged as a pile event and tried again in the next step. When ordered charging is switched
off the profiles are cleared (ClearChargingProfile); a TxProfile ends with its transaction anyway.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.domain.ordered_charging import (
    CAR_MAX_A,
    CAR_MIN_A,
    VOLTS,
    ChargeRequest,
    Decision,
    Kind,
    Override,
    Status,
)
from app.engine.ocpp_commands import ClearChargingProfile, SetChargingProfile
from app.engine.ordered_store import PortInfo, PortKey, request_key

if TYPE_CHECKING:
    from app.engine.ocpp_mapping import Connector
    from app.engine.ocpp_session import CentralCP
    from app.engine.ordered import OrderedRuntime

log = logging.getLogger(__name__)
PROFILE_ID = 1600  # + connector: ordered charging's TxProfile, apart from staff's and a remote start's (100 + n)
STACK_LEVEL = 1  # above a TxProfile sent with a remote start (level 0): the controller's limit is the one in force
CAR_LIMITED = 0.85  # drawing less than this share of the limit in force: the car itself limits its current
CAR_HEADROOM_A = 2  # what a car that limits itself is offered above what it draws (per phase)


@dataclass
class CarTrack:
    """What the controller knows about one car's transaction (engine loop only)."""

    station_id: uuid.UUID
    tx_id: int
    phases: int = 1
    sent_a: float | None = None  # the limit in force that we sent (None: none in this transaction)
    changed_at: float = 0.0  # when the limit in force last changed (when the controller first saw it, at first)
    paused_at: float | None = None  # paused by the controller since
    running_since: float = 0.0  # charging without a pause of ours since
    cap_w: int | None = None  # what the car itself draws at most, plus headroom (None: as much as it is given)
    soc0: tuple[int, int] | None = None  # (first SoC seen, energy then): the battery size from what it took since


@dataclass(frozen=True, slots=True)
class Send:
    """What `plan_limit` decided for one car: send `limit_a` (None: keep the one in force)."""

    limit_a: float | None
    kept_w: int  # headroom used by keeping a slightly higher limit


def target_a(d: Decision, phases: int, max_a: float) -> float:
    """The decision as a per-phase current limit: 0 (pause) or 6 A up to the car's maximum, in 0.1 A."""
    if not d.power_w:
        return 0.0
    da = d.current_da or d.power_w * 10 // (VOLTS * phases)  # the allocation's own limit, per phase
    return min(max(da / 10, float(CAR_MIN_A)), max_a)


def plan_limit(target: float, in_force: float | None, phases: int, headroom_w: int, hysteresis_a: float) -> Send:
    """Send the new limit, or keep the one in force (it is within the hysteresis and still fits)?
    `in_force` None: none of ours yet."""
    if target == in_force:
        return Send(None, 0)
    if in_force is None or target == 0 or in_force == 0:
        return Send(target, 0)  # a pause or a resume is always sent
    if target > in_force:  # a rise too small to matter only leaves capacity unused: never over the limit
        return Send(target if target - in_force >= hysteresis_a else None, 0)
    excess = math.ceil((in_force - target) * VOLTS * phases)
    if in_force - target < hysteresis_a and excess <= headroom_w:
        return Send(None, excess)
    return Send(target, 0)


def phases_of(c: Connector, known: int) -> int:
    """Phases the car charges on, from power / (L1 current × voltage) once it draws enough to tell."""
    if c.current_ca >= 300 and c.voltage_dv > 0 and c.power_w > 0:
        return min(max(round(c.power_w / (c.current_ca / 100 * c.voltage_dv / 10)), 1), 3)
    return known


class CarControl:
    def __init__(self, rt: OrderedRuntime, issuer: str) -> None:
        self.rt = rt
        self.issuer = issuer
        self.tracks: dict[PortKey, CarTrack] = {}
        self.inflight: dict[PortKey, asyncio.Future[Any]] = {}  # a limit sent, its answer not in yet

    # -- requests ----------------------------------------------------------------------------------
    def _cp(self, pile_id: uuid.UUID) -> CentralCP | None:
        ocpp = self.rt.engine.devices.ocpp
        identity = ocpp.by_pile.get(pile_id) if ocpp is not None else None
        cp = ocpp.sessions.get(identity) if ocpp is not None and identity else None
        return cp if cp is not None and cp.accepted else None

    def _online(self, pile_id: uuid.UUID) -> bool:
        return self._cp(pile_id) is not None

    def _connector(self, key: PortKey) -> Connector | None:
        """The connector of a connected, accepted charge point with a transaction running on it."""
        cp = self._cp(key[0])
        c = cp.connectors.get(key[1]) if cp is not None else None
        return c if c is not None and c.tx_id is not None else None

    def max_a(self, info: PortInfo) -> float:
        return float(min(info.max_current_a or CAR_MAX_A, CAR_MAX_A))

    def requests(self, station_id: uuid.UUID) -> list[ChargeRequest]:
        cfg = self.rt.config.get(station_id)
        if cfg is None:
            return []
        now = time.time()
        out = []
        for key, info in sorted(cfg.ports.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
            if info.kind is not Kind.CAR:
                continue
            c = self._connector(key)
            if c is None or c.tx_id is None:
                continue
            track = self.tracks.get(key)
            started = c.started_at.timestamp() if c.started_at else now
            if track is None or track.tx_id != c.tx_id:  # a new transaction: no profile of ours on it yet
                track = self.tracks[key] = CarTrack(station_id, c.tx_id, changed_at=now, running_since=now)
            track.phases = phases_of(c, track.phases)
            max_a = self.max_a(info)
            volts = VOLTS * track.phases
            max_w = min(info.max_power_w or int(max_a * volts), int(max_a * volts))
            min_w = CAR_MIN_A * volts
            limit = max_a if track.sent_a is None else track.sent_a
            settled = now - track.changed_at >= self.rt.tuning.car_settle_s
            if settled and limit >= CAR_MIN_A and c.status == "Charging":
                if c.power_w < CAR_LIMITED * limit * volts:  # it takes clearly less than it may
                    track.cap_w = min(track.cap_w or max_w, c.power_w + CAR_HEADROOM_A * volts)
                elif track.cap_w is not None and c.power_w >= track.cap_w - volts:  # it pushes at its cap: lift it
                    track.cap_w = None
            power_w = min(max(track.cap_w or max_w, min_w), max_w)
            capacity = None
            if c.soc is not None:
                if track.soc0 is None:
                    track.soc0 = (c.soc, c.energy_wh)
                elif c.soc - track.soc0[0] >= 5:
                    capacity = (c.energy_wh - track.soc0[1]) * 100 // (c.soc - track.soc0[0])
            ov = cfg.overrides.get(key)
            override = ov.action if ov is not None and ov.action is not None else Override.NONE
            priority = int(c.id_tag in cfg.priority_tags) + (ov.priority if ov is not None else 0)
            out.append(ChargeRequest(
                key=request_key(key), kind=Kind.CAR, power_w=power_w, arrived_s=int(started),
                running=track.paused_at is None, priority=priority, delivered_wh=c.energy_wh, soc_pct=c.soc,
                capacity_wh=capacity or None, waited_s=int(now - track.paused_at) if track.paused_at else 0,
                running_s=int(now - track.running_since) if track.paused_at is None else 0,
                min_power_w=min_w, phases=track.phases, override=override,
                allowed_w=0 if track.paused_at is not None else min(int(limit * volts), power_w)))
        return out

    # -- decisions → charging profiles -------------------------------------------------------------
    async def apply(self, station_id: uuid.UUID, decided: list[tuple[ChargeRequest, Decision]], headroom_w: int
                    ) -> bool:
        """Send the limits that changed enough (`headroom_w`: spare capacity the allocation left unused); True
        when every one needed was accepted."""
        cfg = self.rt.config.get(station_id)
        if cfg is None:
            return True
        keys = {request_key(k): k for k, info in cfg.ports.items() if info.kind is Kind.CAR}
        cuts, rises = [], []
        for r, d in decided:
            key = keys.get(r.key)
            track = self.tracks.get(key) if key is not None else None
            info = cfg.ports.get(key) if key is not None else None
            if key is None or track is None or info is None:
                continue
            target = target_a(d, track.phases, self.max_a(info))
            plan = plan_limit(target, track.sent_a, track.phases, headroom_w,
                              self.rt.tuning.car_hysteresis_a)
            headroom_w -= plan.kept_w
            if plan.limit_a is not None:
                lower = plan.limit_a < (self.max_a(info) if track.sent_a is None else track.sent_a)
                (cuts if lower else rises).append((key, track, plan.limit_a, d))
        if not cuts and not rises:
            return True
        # Cuts first: what a rise takes must already be free at the transformer.
        ok = all(await asyncio.gather(*(self._send(*s) for s in cuts)))
        ok &= all(await asyncio.gather(*(self._send(*s) for s in rises)))
        return ok

    async def _send(self, key: PortKey, track: CarTrack, limit_a: float, d: Decision) -> bool:
        """Send one limit; wait for the answer at most `car_answer_s`, so that a charge point slow to answer (its
        timeout is 30 s) does not hold up the control of everything else — its answer still counts when it comes."""
        busy = self.inflight.get(key)
        if busy is not None and not busy.done():
            return False  # the last one is still unanswered: decided again in the next step
        # Only a limit actually sent makes the next meter readings suspect (see OrderedRuntime._on_load): a charge
        # point that keeps us waiting must not keep the controller blind to the household load meanwhile.
        self.rt._switched[track.station_id] = time.time()
        cmd = SetChargingProfile(key[0], limit_a, connector=key[1], purpose="TxProfile", profile_id=PROFILE_ID + key[1],
                                 stack_level=STACK_LEVEL, issued_by=self.issuer)
        task = asyncio.ensure_future(self.rt.engine._submit(cmd))
        self.inflight[key] = task
        task.add_done_callback(lambda t: self._answered(key, track, limit_a, d, t))  # runs before the wait returns
        done, _ = await asyncio.wait({task}, timeout=self.rt.tuning.car_answer_s)
        if not done:
            self.rt._log(key, "ordered_limit_failed", "warning",
                         f"car charging limit {limit_a:g} A: no answer within {self.rt.tuning.car_answer_s:g} s yet")
            return False
        return not task.cancelled() and task.exception() is None and task.result().ok

    def _answered(self, key: PortKey, track: CarTrack, limit_a: float, d: Decision, task: asyncio.Future[Any]
                  ) -> None:
        if self.inflight.get(key) is task:
            del self.inflight[key]
        self.rt._switched[track.station_id] = time.time()
        if task.cancelled():
            return
        exc = task.exception()
        outcome = task.result() if exc is None else None
        if outcome is None or not outcome.ok:  # the limit in force stays as it was: the next step sends it again
            why = outcome.detail if outcome is not None else f"{type(exc).__name__}: {exc}"
            self.rt._log(key, "ordered_limit_failed", "warning", f"car charging limit {limit_a:g} A not set: {why}")
            return
        if self.tracks.get(key) is not track:
            return  # the transaction ended meanwhile: its TxProfile went with it
        was_paused = track.sent_a == 0
        track.sent_a, track.changed_at = limit_a, time.time()
        if limit_a == 0 and not was_paused:
            track.paused_at = track.changed_at
            self.rt._log(key, "ordered_paused", "info", f"car paused at 0 A ({d.reason.value})")
        elif limit_a and was_paused:
            track.paused_at, track.running_since = None, track.changed_at
            self.rt._log(key, "ordered_resumed", "info", f"car resumed at {limit_a:g} A ({d.reason.value})")
        else:
            log.debug("car %s limited to %g A (%s)", key, limit_a, d.reason.value)

    def limit_of(self, key: PortKey) -> float | None:
        track = self.tracks.get(key)
        return None if track is None else track.sent_a

    async def release(self, station_id: uuid.UUID) -> bool:
        """Ordered charging switched off: clear our profiles, the cars charge as their charge points allow."""
        mine = [(k, t) for k, t in self.tracks.items() if t.station_id == station_id]
        results = await asyncio.gather(*(self._clear(k, t) for k, t in mine))
        return all(results)

    async def _clear(self, key: PortKey, track: CarTrack) -> bool:
        if track.sent_a is None:
            del self.tracks[key]
            return True
        busy = self.inflight.get(key)
        if not self._online(key[0]) or (busy is not None and not busy.done()):
            return False  # cleared when it is back / has answered (a charge point keeps its profiles while offline)
        task = asyncio.ensure_future(self.rt.engine._submit(
            ClearChargingProfile(key[0], profile_id=PROFILE_ID + key[1], issued_by=self.issuer)))
        self.inflight[key] = task
        done, _ = await asyncio.wait({task}, timeout=self.rt.tuning.car_answer_s)
        if self.inflight.get(key) is task and task.done():
            del self.inflight[key]
        if not done or task.cancelled() or task.exception() is not None:
            return False  # asked again in the next step
        outcome = task.result()
        # "Unknown": nothing of ours is installed any more (the transaction ended and took its TxProfile along).
        if outcome.ok or outcome.data.get("status") == "Unknown":
            self.tracks.pop(key, None)
            self.rt._log(key, "ordered_released", "info", "ordered charging off: car charging limit cleared")
            return True
        self.rt._log(key, "ordered_release_failed", "warning", f"car charging limit not cleared: {outcome.detail}")
        return False


def car_status(d: Decision, r: ChargeRequest) -> str:
    """What staff see for a car: charging (as fast as it can), limited (a lower current), paused (0 A), held."""
    if d.status is Status.HELD:
        return "held"
    if not d.power_w:
        return "paused"
    return "limited" if d.power_w < r.power_w else "charging"
