"""Ordered charging (有序充电) in the engine: one control loop for every station that has it on.

Every control period (per station, default 60 s), on every arrival and departure, and at once when the
measured load goes above the limit, the controller reads the station's spare capacity (the transformer
meter's StationLoad events; without a transformer meter, the configured household estimate, marked
"estimate"), runs the allocation (app.domain.ordered_charging) and acts:

- an e-bike port that must wait is stopped at the pile (REMOTE_STOP) and held in the console-side queue
  with the minutes its resident paid for and has not charged yet (`ordered_queue`, kept across restarts);
- a queued port is started again (StartPort for exactly the owed minutes) when capacity frees;
- car piles (OCPP 1.6J) are controlled continuously (app.engine.ordered_cars): every car whose charge point
  is connected and runs a transaction is a request (`car_requests`), and its decision becomes a TxProfile
  of 6–32 A, or 0 A to pause it (`car_hook`), sent only when it changed by more than a small hysteresis;
  when ordered charging is switched off the profiles are cleared. Charging the controller cannot steer (a
  charge point that is offline, a pile it cannot reach) is taken off the spare capacity as foreign load.

Every stop and start, a car's pause and resume, and every command that failed (tried again in the next
step) is logged as a pile event with its reason; each step publishes an OrderedStatus (capacity, every
vehicle's status — a car's as charging / limited / paused with its current limit — and expected finish,
the schedule ahead) for the console.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.domain.ordered_capacity import (
    Capacity,
    CapacitySettings,
    MeterReading,
    estimated_capacity,
    spare_capacity,
)
from app.domain.ordered_charging import (
    AllocationSettings,
    ChargeRequest,
    Decision,
    Estimate,
    Kind,
    Reason,
    Status,
    allocate,
)
from app.domain.ordered_plan import plan_ahead
from app.engine.cancellation import raise_if_cancelled
from app.engine.commands import StartPort, StopPort
from app.engine.events import (
    Event,
    OrderedPort,
    OrderedStatus,
    PileEventLogged,
    SessionEnded,
    SessionStarted,
    StationLoad,
)
from app.engine.ordered_cars import CarControl, car_status
from app.engine.ordered_requests import build_requests, queued_entry
from app.engine.ordered_store import PortKey, Queued, QueueStore, StationConfig, load_config
from comm.pile.messages import PortState, StopReason
from db.engine import session_factory

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.engine.runtime import Engine

log = logging.getLogger(__name__)
ISSUER = "ordered-charging"
# (station, the cars' requests and decisions, spare capacity the allocation left unused) → all carried out?
CarHook = Callable[[uuid.UUID, list[tuple[ChargeRequest, Decision]], int], Awaitable[bool]]
CarSource = Callable[[uuid.UUID], list[ChargeRequest]]
CarRelease = Callable[[uuid.UUID], Awaitable[bool]]  # ordered charging off: the cars' limits cleared?


@dataclass(frozen=True)
class OrderedTuning:
    reload_s: float = 30.0  # settings and overrides are re-read this often
    period_s: float | None = None  # tests: one period for every station (else each station's setting)
    retry_s: float = 2.0  # a decision not carried out yet (a port still measuring its load)
    stale_after_s: int = 90  # a transformer reading older than this: the static fallback
    settle_s: int = 10  # readings are bucketed (the highest of each) over this long (see _on_load)
    quiet_after_switch_s: float = 5.0  # readings this soon after the controller switched a port are not used
    unconfirmed_s: float = 30.0  # a stop without an answer whose port still runs after this long never arrived
    plan_steps: int = 24
    plan_step_s: int = 300
    car_hysteresis_a: float = 1.0  # a car's limit is sent again only when it moves this much (or pauses)
    car_settle_s: float = 30.0  # a car's draw is judged against its limit only this long after a change
    car_answer_s: float = 5.0  # a charge point's answer to a new limit is awaited this long in a step
    default_power_w: dict[Kind, int] = field(
        default_factory=lambda: {Kind.EBIKE: 300, Kind.TRIKE: 1000, Kind.CAR: 7000})


def _ts(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


class OrderedRuntime:
    def __init__(self, engine: Engine, tuning: OrderedTuning | None = None) -> None:
        self.engine = engine
        self.tuning = tuning or OrderedTuning()
        self.queue_store = QueueStore(session_factory(engine.sql))
        self.config: dict[uuid.UUID, StationConfig] = {}
        self.queue: dict[PortKey, Queued] = {}
        self.resumed: dict[PortKey, Queued] = {}  # started again by us: the session's original terms
        self.starting: set[PortKey] = set()
        # Holds whose stop got no answer (a timeout on a busy bus) may still have reached the pile: the port's
        # next reading decides. Value: (entry, the pile's session id that was running).
        self.unconfirmed: dict[PortKey, tuple[Queued, int]] = {}
        self.sessions: dict[PortKey, SessionStarted] = {}
        self.running_since: dict[PortKey, float] = {}
        self.readings: dict[uuid.UUID, deque[MeterReading]] = {}
        self.loads: dict[uuid.UUID, StationLoad] = {}
        self.cars = CarControl(self, ISSUER)
        self.car_hook: CarHook | None = self.cars.apply
        self.car_requests: CarSource | None = self.cars.requests
        self.car_release: CarRelease | None = self.cars.release
        self._pile_station: dict[uuid.UUID, uuid.UUID] = {}
        self._woken: set[uuid.UUID] = set()
        self._wake: asyncio.Event | None = None
        self._pending: set[asyncio.Future[None]] = set()
        self._switched: dict[uuid.UUID, float] = {}  # station → when the controller last switched a port

    # -- set-up (caller's thread, before the loop) ------------------------------------------------
    def load(self, session: Session) -> None:
        self._configure(load_config(session, datetime.now(UTC)))
        self.queue = {(q.pile_id, q.number): q for q in self.queue_store.load()}

    def _configure(self, config: dict[uuid.UUID, StationConfig]) -> None:
        self.config = config
        self._pile_station = {pile: sid for sid, c in config.items() for pile, _ in c.ports}
        for sid, c in config.items():  # a limit changed in the settings shows in the station load at once
            self.engine.devices.loads.add_station(sid, c.limit_w)

    def tasks(self) -> list[Awaitable[None]]:
        return [self._run()]

    # -- events (engine thread, from the hub) ----------------------------------------------------------
    def _on_events(self, batch: list[Event]) -> None:
        for ev in batch:
            if isinstance(ev, StationLoad):
                self._on_load(ev)
            elif isinstance(ev, SessionStarted | SessionEnded):
                sid = self._pile_station.get(ev.pile_id)
                if sid is None:
                    continue
                key = (ev.pile_id, ev.number)
                if isinstance(ev, SessionStarted):
                    self.sessions[key] = ev
                    if key in self.starting:
                        continue  # our own StartPort
                    # A newer session than the one held or resumed: the resident paid again, or another vehicle.
                    # (The hub may deliver a session's start after the controller already acted on the port.)
                    resumed = self.resumed.get(key)
                    if resumed is not None and ev.pile_session_id > resumed.pile_session_id:
                        self.resumed.pop(key)
                    held = self.queue.get(key)
                    if held is not None and ev.pile_session_id > held.pile_session_id:
                        self._drop_queued(key, "replaced by a new session at the pile")
                else:
                    self.sessions.pop(key, None)
                    self.running_since.pop(key, None)
                    if key in self.resumed and self.resumed[key].pile_session_id == ev.pile_session_id:
                        self.resumed.pop(key)
                self._poke(sid)

    def _on_load(self, ev: StationLoad) -> None:
        self.loads[ev.station_id] = ev
        quiet = time.time() - self._switched.get(ev.station_id, 0.0) < self.tuning.quiet_after_switch_s
        if ev.other_w is not None and ev.meter_at is not None and not quiet:
            # The other load is a difference of two values read at slightly different instants: right after the
            # controller switched ports one of them is already new and the other not yet. One reading per
            # `settle_s` bucket, its highest: a resident's port switching in between is not household noise.
            at = int(ev.meter_at.timestamp())
            q = self.readings.setdefault(ev.station_id, deque(maxlen=720))
            bucket = max(self.tuning.settle_s, 1)
            if q and at // bucket == q[-1].at_s // bucket:
                if at >= q[-1].at_s:
                    q[-1] = MeterReading(at, max(q[-1].other_load_w, ev.other_w))
            elif not q or at > q[-1].at_s:
                q.append(MeterReading(at, ev.other_w))
        cfg = self.config.get(ev.station_id)
        if cfg is not None and cfg.enabled and ev.spare_w is not None and ev.charging_w > ev.spare_w - cfg.margin_w:
            self._poke(ev.station_id)  # above the limit (a neighbour's heater): shed now, not next period

    def _poke(self, station_id: uuid.UUID) -> None:
        self._woken.add(station_id)
        if self._wake is not None:
            self._wake.set()

    # -- the loop --------------------------------------------------------------------------------
    async def _run(self) -> None:
        self._wake = asyncio.Event()
        unsubscribe = self.engine.hub.subscribe(self._on_events)
        due: dict[uuid.UUID, float] = {}
        reloaded = time.monotonic()
        reloading: asyncio.Future[None] | None = None
        try:
            while True:
                raise_if_cancelled()
                now = time.monotonic()
                if now - reloaded >= self.tuning.reload_s and (reloading is None or reloading.done()):
                    # In the background: a slow database must not hold up shedding load over the limit.
                    reloading = asyncio.ensure_future(self._reload())
                    reloaded = now
                for sid, cfg in list(self.config.items()):
                    if sid in self._woken or now >= due.get(sid, 0.0):
                        self._woken.discard(sid)
                        try:
                            retry = await self._step(cfg)
                        except Exception:  # one station's trouble must not stop the others
                            log.exception("ordered charging step failed for station %s", sid)
                            retry = True
                        period = self.tuning.period_s or cfg.period_s
                        due[sid] = time.monotonic() + (min(self.tuning.retry_s, period) if retry else period)
                wait = min([d - time.monotonic() for d in due.values()] + [self.tuning.reload_s])
                if self._woken:
                    continue
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.01))
                except TimeoutError:
                    pass
        finally:
            if reloading is not None:
                reloading.cancel()
            unsubscribe()

    async def _reload(self) -> None:
        loop = asyncio.get_running_loop()

        def read() -> dict[uuid.UUID, StationConfig]:
            with session_factory(self.engine.sql)() as s:
                return load_config(s, datetime.now(UTC))

        try:
            config = await loop.run_in_executor(self.engine._db_pool, read)
        except Exception as exc:  # keep the last settings; the database may be back next time
            log.warning("ordered charging settings not re-read: %s", exc)
            return
        before = self.config
        self._configure(config)
        for sid, cfg in config.items():  # switched on or off, a new limit or overrides: act now, not next period
            old = before.get(sid)
            if old is None or (old.enabled, old.limit_w, old.margin_w, old.overrides) != (
                    cfg.enabled, cfg.limit_w, cfg.margin_w, cfg.overrides):
                self._poke(sid)

    # -- one control step --------------------------------------------------------------------------
    def _capacity(self, cfg: StationConfig, now: float, controlled_w: int) -> Capacity:
        period = int(self.tuning.period_s or cfg.period_s)
        cs = CapacitySettings(limit_w=cfg.limit_w, margin_w=cfg.margin_w, fallback_w=cfg.fallback_w,
                              stale_after_s=max(self.tuning.stale_after_s, 2 * period), period_s=period,
                              settle_s=self.tuning.settle_s,
                              horizon_s=self.tuning.plan_steps * self.tuning.plan_step_s,
                              forecast_step_s=self.tuning.plan_step_s)
        if cfg.has_meter:
            cap = spare_capacity(list(self.readings.get(cfg.station_id, ())), int(now), cs)
        else:
            cap = estimated_capacity(cfg.household_w, cs)
        # Charging the controller does not steer (a charge point offline, piles it cannot reach) still draws
        # from the same transformer.
        load = self.loads.get(cfg.station_id)
        foreign = max((load.charging_w if load else 0) - controlled_w, 0)
        if foreign:
            cap = replace(cap, spare_w=max(cap.spare_w - foreign, 0),
                          forecast_w=tuple(max(f - foreign, 0) for f in cap.forecast_w))
        return cap

    async def _step(self, cfg: StationConfig) -> bool:
        if not cfg.enabled:
            await self._release(cfg)
            return False
        if self.unconfirmed:
            await self._settle_unconfirmed(cfg.station_id)
        now = time.time()
        reqs, keys, controlled_w, measuring = build_requests(self, cfg, now)
        cap = self._capacity(cfg, now, controlled_w)
        settings = AllocationSettings(period_s=int(self.tuning.period_s or cfg.period_s))
        alloc = allocate(reqs, cap, int(now), settings)
        actions: list[Awaitable[bool]] = []
        cars: list[tuple[ChargeRequest, Decision]] = []
        for r, d in zip(reqs, alloc.decisions, strict=True):
            if r.kind is Kind.CAR:
                cars.append((r, d))
            elif r.running and not d.power_w:
                actions.append(self._hold(cfg, keys[r.key], r, d, now))
            elif not r.running and d.power_w:
                actions.append(self._resume(cfg, keys[r.key], d))
        results = await asyncio.gather(*actions) if actions else []
        if cars and self.car_hook is not None:
            results.append(await self.car_hook(cfg.station_id, cars, max(cap.spare_w - alloc.allocated_w, 0)))
        self._publish_status(cfg, reqs, keys, alloc.decisions, cap, now, settings)
        return measuring or not all(results)

    async def _hold(self, cfg: StationConfig, key: PortKey, r: ChargeRequest, d: Decision, now: float) -> bool:
        """Stop a running port and queue it with what its resident is still owed."""
        live = self.engine.store.port_live(*key)
        if live is None or live.state is not PortState.CHARGING:
            return False  # still measuring its load: the pile has not priced the minutes yet
        entry = queued_entry(self, cfg, key, r, d, live, now)
        self.unconfirmed.pop(key, None)
        self.queue[key] = entry  # before the stop: its SessionEnded must not look like a departure
        self._switched[cfg.station_id] = time.time()
        outcome = await self.engine._submit(StopPort(key[0], key[1], issued_by=ISSUER))
        self._switched[cfg.station_id] = time.time()
        if not outcome.ok:
            self.queue.pop(key, None)
            self.unconfirmed[key] = (entry, live.session_id)
            self._log(key, "ordered_hold_failed", "warning", f"could not hold the port: {outcome.detail}")
            return False
        await self._confirm_hold(key, entry, d.reason.value)
        return True

    async def _confirm_hold(self, key: PortKey, entry: Queued, why: str) -> None:
        self.queue[key] = entry
        self.resumed.pop(key, None)
        self.running_since.pop(key, None)
        self._log(key, "ordered_queued", "info", f"queued ({why}): {entry.owed_min} min still owed")
        await self._save([entry], [])

    async def _settle_unconfirmed(self, station_id: uuid.UUID) -> None:
        """A stop that timed out but took effect is a hold: the resident keeps the minutes owed. One that did not
        take effect leaves the port running, and the allocation decides about it again."""
        for key, (entry, running_id) in list(self.unconfirmed.items()):
            if entry.station_id != station_id:
                continue  # that station's own step decides it
            live = self.engine.store.port_live(*key)
            if live is None or (live.state.active and live.session_id == running_id):
                if time.time() - entry.queued_at.timestamp() > self.tuning.unconfirmed_s:
                    del self.unconfirmed[key]  # the stop never arrived: the port simply goes on charging
                continue  # not read since, or still running: wait for the pile's next answer
            del self.unconfirmed[key]
            if (not live.state.active and live.session_id == running_id
                    and live.stop_reason is StopReason.REMOTE_STOP):
                await self._confirm_hold(key, entry, "stop confirmed by the pile")

    async def _resume(self, cfg: StationConfig, key: PortKey, d: Decision) -> bool:
        q = self.queue.get(key)
        if q is None:
            return True
        if q.owed_min <= 0:
            self._drop_queued(key, "nothing left of what was paid")
            return True
        self.starting.add(key)
        self._switched[cfg.station_id] = time.time()
        try:
            outcome = await self.engine._submit(StartPort(key[0], key[1], minutes=q.owed_min, issued_by=ISSUER))
        finally:
            self.starting.discard(key)
            self._switched[cfg.station_id] = time.time()
        if not outcome.ok:
            self._log(key, "ordered_start_failed", "warning", f"queued port did not start: {outcome.detail}")
            return False
        self.queue.pop(key, None)
        self.resumed[key] = replace(q, pile_session_id=outcome.extra.get("session_id", 0))
        self.running_since[key] = time.time()
        self._log(key, "ordered_started", "info", f"started for the {q.owed_min} min still owed ({d.reason.value})")
        await self._save([], [key])
        return True

    async def _release(self, cfg: StationConfig) -> None:
        """Ordered charging switched off: every held port gets its minutes now, every car its full current."""
        held = [k for k, q in self.queue.items() if q.station_id == cfg.station_id]
        for key in held:
            await self._resume(cfg, key, _release_decision())
        if self.car_release is not None:
            await self.car_release(cfg.station_id)

    # -- bookkeeping ---------------------------------------------------------------------------------
    def _drop_queued(self, key: PortKey, why: str) -> None:
        q = self.queue.pop(key, None)
        if q is not None:
            self._log(key, "ordered_dropped", "info", f"left the queue: {why} ({q.owed_min} min were owed)")
            task = asyncio.ensure_future(self._save([], [key]))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _save(self, put: list[Queued], drop: list[PortKey]) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.engine._db_pool, self.queue_store.save, put, drop)
        except Exception as exc:  # the queue in memory still holds; the next change writes again
            log.error("ordered queue not written: %s", exc)

    def _log(self, key: PortKey, kind: str, severity: str, detail: str) -> None:
        self.engine._publish([PileEventLogged(key[0], kind, severity, detail, datetime.now(UTC), key[1])])

    def _publish_status(self, cfg: StationConfig, reqs: list[ChargeRequest], keys: dict[str, PortKey],
                        decisions: tuple[Decision, ...], cap: Capacity, now: float,
                        settings: AllocationSettings) -> None:
        plan = plan_ahead(reqs, cap, int(now), settings, steps=self.tuning.plan_steps)
        ports = []
        for r, d in zip(reqs, decisions, strict=True):
            pile_id, number = keys.get(r.key, (uuid.UUID(int=0), 0))
            info = cfg.ports.get((pile_id, number))
            car = r.kind is Kind.CAR
            ports.append(OrderedPort(pile_id, info.port_id if info else None, number,
                                     car_status(d, r) if car else d.status.value, d.reason.value, d.power_w,
                                     plan.start_s.get(r.key), plan.done_s.get(r.key), r.priority,
                                     self.cars.limit_of((pile_id, number)) if car else None))
        load = self.loads.get(cfg.station_id)
        self.engine.hub.publish([OrderedStatus(
            cfg.station_id, True, cap.source.value, cfg.limit_w, cap.other_load_w,
            load.charging_w if load else sum(d.power_w for d in decisions), cap.spare_w,
            sum(d.power_w for d in decisions), tuple(ports),
            tuple((s.at_s, s.charging_w, s.spare_w) for s in plan.steps), _ts(now))])


def _release_decision() -> Decision:
    return Decision("", Status.CHARGING, 0, None, Reason.OVERRIDE_RUN, Estimate(0, 0, 0, False))
