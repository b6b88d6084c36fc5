"""Event hub: coalesces engine events and hands them to subscribers at most every 200 ms.

Live values are coalesced (only the newest per port / pile / line survives a batch); discrete
events (a session ended, an alarm raised) are kept in order. Subscribers are called on the engine
thread and must return quickly — the Qt bridge only emits one queued signal per batch.
A thread-safe snapshot of the newest values lets a window fill itself when it opens.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from app.engine.events import (
    AlarmCleared,
    AlarmKey,
    AlarmRaised,
    ChargePointSeen,
    DatabaseHealth,
    Event,
    LineHealth,
    MeterUpdate,
    OrderedStatus,
    PileUpdate,
    PortUpdate,
    StationLoad,
)

log = logging.getLogger(__name__)
Subscriber = Callable[[list[Event]], None]


@dataclass
class Snapshot:
    """Newest values, copied out for another thread."""

    ports: dict[uuid.UUID, PortUpdate] = field(default_factory=dict)
    piles: dict[uuid.UUID, PileUpdate] = field(default_factory=dict)
    lines: dict[str, LineHealth] = field(default_factory=dict)
    alarms: dict[AlarmKey, AlarmRaised] = field(default_factory=dict)
    database: DatabaseHealth | None = None
    meters: dict[uuid.UUID, MeterUpdate] = field(default_factory=dict)
    loads: dict[uuid.UUID, StationLoad] = field(default_factory=dict)  # by station id
    charge_points: dict[str, ChargePointSeen] = field(default_factory=dict)  # by OCPP identity
    ordered: dict[uuid.UUID, OrderedStatus] = field(default_factory=dict)  # ordered charging, by station id


class EventHub:
    def __init__(self, interval_s: float = 0.2) -> None:
        self.interval_s = interval_s
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []
        self._coalesced: dict[tuple[str, object], Event] = {}
        self._ordered: list[Event] = []
        self._latest = Snapshot()
        self._dirty = asyncio.Event()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, events: list[Event]) -> None:
        """Engine loop only."""
        if not events:
            return
        with self._lock:
            for ev in events:
                self._remember(ev)
                if isinstance(ev, PortUpdate):
                    self._coalesced[("port", ev.port_id)] = ev
                elif isinstance(ev, PileUpdate):
                    self._coalesced[("pile", ev.pile_id)] = ev
                elif isinstance(ev, LineHealth):
                    self._coalesced[("line", ev.line)] = ev
                elif isinstance(ev, DatabaseHealth):
                    self._coalesced[("db", None)] = ev
                elif isinstance(ev, MeterUpdate):
                    self._coalesced[("meter", ev.meter_id)] = ev
                elif isinstance(ev, StationLoad):
                    self._coalesced[("load", ev.station_id)] = ev
                elif isinstance(ev, OrderedStatus):
                    self._coalesced[("ordered", ev.station_id)] = ev
                else:
                    self._ordered.append(ev)
        self._dirty.set()

    def _remember(self, ev: Event) -> None:
        latest = self._latest
        if isinstance(ev, PortUpdate):
            latest.ports[ev.port_id] = ev
        elif isinstance(ev, PileUpdate):
            latest.piles[ev.pile_id] = ev
        elif isinstance(ev, LineHealth):
            latest.lines[ev.line] = ev
        elif isinstance(ev, AlarmRaised):
            latest.alarms[ev.key] = ev
        elif isinstance(ev, AlarmCleared):
            latest.alarms.pop(ev.key, None)
        elif isinstance(ev, DatabaseHealth):
            latest.database = ev
        elif isinstance(ev, MeterUpdate):
            latest.meters[ev.meter_id] = ev
        elif isinstance(ev, StationLoad):
            latest.loads[ev.station_id] = ev
        elif isinstance(ev, ChargePointSeen):
            latest.charge_points[ev.identity] = ev
        elif isinstance(ev, OrderedStatus):
            latest.ordered[ev.station_id] = ev

    def snapshot(self) -> Snapshot:
        """Any thread."""
        with self._lock:
            s = self._latest
            return Snapshot(dict(s.ports), dict(s.piles), dict(s.lines), dict(s.alarms), s.database,
                            meters=dict(s.meters), loads=dict(s.loads), charge_points=dict(s.charge_points),
                            ordered=dict(s.ordered))

    def _take(self) -> tuple[list[Event], list[Subscriber]]:
        with self._lock:
            batch = self._ordered + list(self._coalesced.values())
            self._ordered, self._coalesced = [], {}
            return batch, list(self._subscribers)

    def flush(self) -> None:
        batch, subscribers = self._take()
        if not batch:
            return
        for cb in subscribers:
            try:
                cb(batch)
            except Exception:  # a broken subscriber must not stop the engine or the others
                log.exception("event subscriber failed")

    async def run(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            self.flush()
            await asyncio.sleep(self.interval_s)
