"""The settlement worker: settles pile records as they arrive, and keeps each pile's daily meter readings.

Why a worker beside the engine and not a call inside the engine's record storing: the engine commits a
record and only then acknowledges it to the pile; putting ledger postings (wallet row locks, the audit
chain head shared with every desk) into that transaction would make the pile's acknowledgement wait on the
card desk, and a settlement error would stop records from being stored at all. So the engine only tells
(``RecordsStored``: the subscriber sets an event and returns), and this thread settles — at once when told,
and every ``interval_s`` as a sweep that also catches records stored while no worker was running. Settling
is idempotent by the pile's record, so several desks each running a worker is harmless.

Meter readings: the pile's own energy meter arrives in every status poll; the newest per pile is kept in
memory and written every ``meter_interval_s`` as the day's first/last reading (``meter_day``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.engine.events import Event, PileUpdate, RecordsStored
from app.services.settlement import SettleSummary, settle_pending
from app.services.unit import Db, transaction
from db.models import Pile, Station
from db.models_billing import MeterDay

log = logging.getLogger(__name__)


def store_meter_readings(db: Db, readings: dict[uuid.UUID, tuple[datetime, int]]) -> int:
    """Write the newest reading of each pile into its local day's row (first reading of the day, or last)."""
    if not readings:
        return 0
    with db() as s:
        zones = {r.id: ZoneInfo(r.timezone or "Asia/Shanghai") for r in s.execute(
            select(Pile.id, Station.timezone).join(Station, Station.id == Pile.station_id)
            .where(Pile.id.in_(list(readings))))}  # fmt: skip
    written = 0
    for attempt in range(2):
        try:
            with transaction(db) as s:
                for pile_id, (ts, wh) in readings.items():
                    if pile_id not in zones:
                        continue
                    day = ts.astimezone(zones[pile_id]).date()
                    row = s.get(MeterDay, (pile_id, day))
                    if row is None:
                        s.add(MeterDay(pile_id=pile_id, day=day, first_wh=wh, last_wh=wh, first_at=ts, last_at=ts))
                    elif ts > row.last_at:
                        s.execute(update(MeterDay).where(MeterDay.pile_id == pile_id, MeterDay.day == day)
                                  .values(last_wh=wh, last_at=ts))  # fmt: skip
                    written += 1
            return written
        except IntegrityError:  # another desk inserted the same day first: the second pass updates it
            written = 0
            if attempt:
                raise
    return written


class SettlementWorker:
    def __init__(self, db: Db, *, interval_s: float = 60.0, meter_interval_s: float = 300.0,
                 grace_s: float = 8.0) -> None:
        self.db = db
        self.grace_s = grace_s  # > the engine's flush interval (2 s): the live view is written first
        self.interval_s = interval_s
        self.meter_interval_s = meter_interval_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._meters: dict[uuid.UUID, tuple[datetime, int]] = {}
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.last: SettleSummary | None = None
        self.runs = 0
        self.error: str | None = None

    # -- engine side: must return at once ---------------------------------------------------------------
    def on_events(self, batch: list[Event]) -> None:
        for ev in batch:
            if isinstance(ev, RecordsStored) and ev.seqs:
                self._wake.set()
            elif isinstance(ev, PileUpdate) and ev.status is not None and ev.online:
                with self._lock:
                    self._meters[ev.pile_id] = (ev.ts, ev.status.meter_wh)

    def attach(self, engine: object) -> SettlementWorker:
        self._unsubscribe = engine.subscribe(self.on_events)  # type: ignore[attr-defined]
        return self

    # -- own thread -------------------------------------------------------------------------------------
    def start(self) -> SettlementWorker:
        self._thread = threading.Thread(target=self._run, name="chargedesk-settlement", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._flush_meters()

    def poke(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        now = time.monotonic()
        next_sweep, next_meters, due = now, now + self.meter_interval_s, None  # a sweep first: records
        while not self._stop.is_set():                                         # stored while none ran
            now = time.monotonic()
            if now >= next_sweep or (due is not None and now >= due):
                self.settle_now()
                next_sweep, due = now + self.interval_s, None
            if now >= next_meters:
                self._flush_meters()
                next_meters = now + self.meter_interval_s
            wake_at = min(next_sweep, next_meters, due if due is not None else next_sweep)
            if self._wake.wait(max(0.05, wake_at - time.monotonic())):
                self._wake.clear()
                if due is None and not self._stop.is_set():  # new records: settle once they are past the grace
                    due = time.monotonic() + self.grace_s + 0.5

    def settle_now(self) -> SettleSummary | None:
        try:
            summary = settle_pending(self.db, grace_s=self.grace_s)
        except Exception as exc:  # logged and retried on the next sweep; never kills the thread
            log.exception("settlement failed")
            self.error = str(exc)
            return None
        self.error = None
        self.runs += 1
        self.last = summary
        if summary.total:
            log.info("settled %d records (%d flagged, %d unpaid), ¥%.2f posted", summary.total, summary.flagged,
                     summary.unpaid, summary.posted_fen / 100)
        return summary

    def _flush_meters(self) -> None:
        with self._lock:
            readings, self._meters = self._meters, {}
        try:
            store_meter_readings(self.db, readings)
        except Exception:
            log.exception("meter readings not stored")
            with self._lock:
                self._meters = readings | self._meters
