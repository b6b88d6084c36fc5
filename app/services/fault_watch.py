"""From the engine's alarms to work orders and fire-platform messages, off the engine loop.

``FaultOrderWatcher.attach(engine)`` subscribes to the engine's event batches; the subscriber only
puts alarm events on a queue (it runs on the engine thread and must never wait). A worker thread
takes them from there: it feeds the fault rules (app.domain.fault_rules), raises or updates work
orders for the triggers, queues smoke and over-temperature alarms for the fire-safety IoT platform,
and once a minute escalates overdue orders. Alarms still open when it starts (an engine restart does
not raise them again) are read from the database, so their clock keeps running.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from app.domain.fault_rules import ALARM_NAMES, FIRE_CODES, FaultRule, FaultWatch
from app.engine.events import AlarmCleared, AlarmKey, AlarmRaised, Event
from app.services import notifications as notify
from app.services import work_orders
from app.services.unit import Db, transaction
from db.models import Alarm, Pile, Station
from db.types import utcnow

log = logging.getLogger(__name__)


class EventSource(Protocol):
    def subscribe(self, callback: Callable[[list[Event]], None]) -> Callable[[], None]: ...


class FaultOrderWatcher:
    def __init__(self, db: Db, *, rules: dict[str, FaultRule] | None = None, tick_s: float = 1.0,
                 escalate_every_s: float = 60.0, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.watch: FaultWatch[AlarmKey] = FaultWatch(rules)
        self.tick_s = tick_s
        self.escalate_every = timedelta(seconds=escalate_every_s)
        self.clock = clock
        self.raised_orders: list[uuid.UUID] = []  # newly raised, for the log and the tests
        self._queue: queue.SimpleQueue[Event] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._last_escalation: datetime | None = None
        self._piles: dict[uuid.UUID, dict[str, Any]] = {}

    # -- engine side (engine thread: never blocks) ------------------------------------------------
    def attach(self, engine: EventSource) -> None:
        self._unsubscribe = engine.subscribe(self._on_batch)

    def _on_batch(self, events: list[Event]) -> None:
        for ev in events:
            if isinstance(ev, AlarmRaised | AlarmCleared):
                self._queue.put_nowait(ev)

    # -- worker ------------------------------------------------------------------------------------
    def start(self) -> None:
        self.seed_open_alarms()
        self._thread = threading.Thread(target=self._run, name="chargedesk-fault-orders", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def seed_open_alarms(self) -> None:
        with self.db() as s:
            for a in s.scalars(select(Alarm).where(Alarm.cleared_at.is_(None))):
                self.watch.raised(AlarmKey(a.pile_id, a.port_number, a.code), a.code, a.raised_at, a.detail or "")

    def _run(self) -> None:
        while not self._stop.is_set():
            batch: list[Event] = []
            try:
                batch.append(self._queue.get(timeout=self.tick_s))
                while True:
                    batch.append(self._queue.get_nowait())
            except queue.Empty:
                pass
            try:
                self.process(batch, self.clock())
            except Exception:  # the database may be down: log, keep the rules' state, try again next tick
                log.exception("fault → work order processing failed")

    def process(self, events: list[Event], now: datetime) -> None:
        """One round: feed the events, act on the triggers, escalate when due. Also callable directly."""
        for ev in events:
            if isinstance(ev, AlarmRaised):
                self.watch.raised(ev.key, ev.key.code, ev.ts, ev.detail)
                if ev.key.code in FIRE_CODES:
                    self._forward(ev.key, "alarm.raised", ev.ts, ev.severity, ev.detail)
            elif isinstance(ev, AlarmCleared):
                self.watch.cleared(ev.key, ev.ts)
                if ev.key.code in FIRE_CODES:
                    self._forward(ev.key, "alarm.cleared", ev.ts, "", "")
        for trigger in self.watch.due(now):
            info, created = work_orders.raise_from_fault(self.db, trigger, now=now)
            if created:
                self.raised_orders.append(info.order_id)
                log.info("work order %s raised: %s", info.number, info.title)
        if self._last_escalation is None or now - self._last_escalation >= self.escalate_every:
            self._last_escalation = now
            for info in work_orders.escalate_overdue(self.db, now=now):
                log.warning("work order %s overdue, escalation level %d", info.number, info.escalation_level)

    # -- fire-safety platform ----------------------------------------------------------------------
    def _pile(self, s: Any, pile_id: uuid.UUID) -> dict[str, Any]:
        if pile_id not in self._piles:
            row = s.execute(select(Pile, Station).join(Station, Station.id == Pile.station_id)
                            .where(Pile.id == pile_id)).one_or_none()
            if row is None:
                return {"pile_code": str(pile_id)}
            p, st = row
            self._piles[pile_id] = {
                "device": {"pile_code": p.code, "serial": p.serial_no, "model": p.model},
                "location": {"station_code": st.code, "station_name": st.name, "address": st.address,
                             "lat": st.lat if p.lat is None else p.lat, "lon": st.lon if p.lon is None else p.lon},
            }
        return self._piles[pile_id]

    def _forward(self, key: AlarmKey, event: str, ts: datetime, severity: str, detail: str) -> None:
        zh, en = ALARM_NAMES.get(key.code, (key.code, key.code))
        with transaction(self.db) as s:
            where = self._pile(s, key.pile_id)
            payload: dict[str, object] = {
                "event": event, "site_id": notify.get_settings(s).fire_site_id, "source": "ChargeDesk",
                "alarm": {"code": key.code, "name_zh": zh, "name_en": en, "severity": severity or None,
                          "detail": detail or None, "at": ts.isoformat()},
                "device": {**where.get("device", {}), "port": key.port_number},
                "location": where.get("location", {}),
            }
            notify.webhook(s, payload, dedup_key=f"fire:{event}:{key.pile_id}:{key.port_number}:{key.code}:"
                                                  f"{ts.isoformat()}", now=ts)
