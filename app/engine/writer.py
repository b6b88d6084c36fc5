"""The engine's single database writer: batched, in its own thread, never on the poll loop.

Samples are appended with one executemany per flush; sessions, alarms and pile state are written
as they change; offline records are written (and committed) before the pile is acknowledged.
If the database refuses (disk full, locked, server gone) nothing is dropped but old samples beyond a
cap: the batch waits and is retried, and the engine reports the database as unhealthy.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.engine.commands import CommandOutcome, PileCommand, command_name, command_port
from app.engine.events import (
    AlarmCleared,
    AlarmKey,
    AlarmRaised,
    Event,
    PileEventLogged,
    PileOffline,
    PileOnline,
    PileUpdate,
    Sample,
    SessionEnded,
    SessionStarted,
)
from app.engine.om_commands import QUIET
from comm.pile.messages import TransactionRecord
from db.enums import SessionStatus
from db.models import Alarm, ChargeSession, OfflineRecord, Pile, PileEvent
from db.models import PileCommand as PileCommandRow
from db.samples import SampleRow, insert_samples
from db.types import utcnow

log = logging.getLogger(__name__)
# samples, changes (sessions, alarms, pile state, events), command log rows, last-seen per pile
Batch = tuple[list[SampleRow], list[Event], list[dict[str, object]], dict[uuid.UUID, datetime]]


def _bump() -> dict[str, object]:
    """Core UPDATEs must move the optimistic-lock version like ORM ones do."""
    return {"version": ChargeSession.version + 1, "updated_at": utcnow()}


def _ts(unix: int) -> datetime:
    return datetime.fromtimestamp(unix, UTC)


@dataclass
class StoreResult:
    stored: list[int]
    duplicates: int


class BatchWriter:
    """Collects engine events on the loop; `flush()` writes them in one transaction (DB thread)."""

    def __init__(self, factory: sessionmaker[Session], *, max_samples: int = 200_000) -> None:
        self.factory = factory
        self.max_samples = max_samples
        self._samples: list[SampleRow] = []
        self._changes: list[Event] = []
        self._commands: list[dict[str, object]] = []
        self._last_seen: dict[uuid.UUID, datetime] = {}
        self.dropped_samples = 0

    # -- collecting (engine loop thread) ------------------------------------------------------
    def add(self, events: Iterable[Event]) -> None:
        for ev in events:
            if isinstance(ev, Sample):
                self._samples.append((ev.port_id, ev.ts, ev.state, ev.voltage_dv, ev.current_ca, ev.power_w,
                                      ev.energy_wh))
            elif isinstance(ev, PileUpdate):
                if ev.online:
                    self._last_seen[ev.pile_id] = ev.ts
            elif isinstance(ev, SessionStarted | SessionEnded | AlarmRaised | AlarmCleared | PileOnline
                            | PileOffline | PileEventLogged):
                self._changes.append(ev)
        if len(self._samples) > self.max_samples:
            # The database has been failing for a long time: keep the newest samples, never the
            # sessions, alarms or records (those are in _changes and are never dropped).
            drop = len(self._samples) - self.max_samples
            del self._samples[:drop]
            self.dropped_samples += drop

    def log_command(self, pile_id: uuid.UUID, cmd: PileCommand, outcome: CommandOutcome, issued_at: datetime) -> None:
        if isinstance(cmd, QUIET):  # firmware blocks and read-backs: the upgrade keeps its own log (pile_event)
            return
        args = {k: getattr(cmd, k) for k in ("port", "minutes", "amount_fen") if hasattr(cmd, k)}
        self._commands.append({
            "id": uuid.uuid4(), "version": 1, "pile_id": pile_id, "port_number": command_port(cmd),
            "code": command_name(cmd), "args": json.dumps(args), "issued_at": issued_at,
            "issued_by": getattr(cmd, "issued_by", None), "finished_at": outcome.finished_at,
            "outcome": "ok" if outcome.ok else "failed", "detail": outcome.detail,
        })

    @property
    def pending(self) -> int:
        return len(self._samples) + len(self._changes) + len(self._commands)

    def take(self) -> Batch:
        batch = (self._samples, self._changes, self._commands, self._last_seen)
        self._samples, self._changes, self._commands, self._last_seen = [], [], [], {}
        return batch

    def give_back(self, batch: Batch) -> None:
        """A failed flush: put its rows in front of whatever arrived meanwhile, in order."""
        samples, changes, commands, seen = batch
        self._samples[:0] = samples
        self._changes[:0] = changes
        self._commands[:0] = commands
        self._last_seen = seen | self._last_seen

    # -- writing (database thread) ------------------------------------------------------------
    def write(self, batch: Batch) -> None:
        samples, changes, commands, seen = batch
        with self.factory() as s, s.begin():
            if samples:
                insert_samples(s.connection(), samples)
            for ev in changes:
                self._apply(s, ev)
            if commands:
                s.execute(insert(PileCommandRow), commands)
            if seen:  # one executemany: a thousand car piles report every second
                pile = Pile.__table__
                s.connection().execute(
                    update(pile).where(pile.c.id == bindparam("pile")).values(last_seen_at=bindparam("seen")),
                    [{"pile": pile_id, "seen": ts} for pile_id, ts in seen.items()])

    def _apply(self, s: Session, ev: Event) -> None:
        if isinstance(ev, SessionStarted):
            exists = s.scalar(select(ChargeSession.id).where(
                ChargeSession.port_id == ev.port_id, ChargeSession.pile_session_id == ev.pile_session_id))
            if exists is None:
                s.execute(insert(ChargeSession).values(
                    id=uuid.uuid4(), version=1, port_id=ev.port_id, pile_session_id=ev.pile_session_id,
                    started_at=ev.started_at, status=SessionStatus.ACTIVE, payment=ev.payment,
                    minutes_bought=ev.minutes_bought,
                ))
        elif isinstance(ev, SessionEnded):
            done = s.execute(update(ChargeSession).where(
                ChargeSession.port_id == ev.port_id, ChargeSession.pile_session_id == ev.pile_session_id,
                ChargeSession.status == SessionStatus.ACTIVE,
            ).values(ended_at=ev.ended_at, status=SessionStatus.ENDED, energy_wh=ev.energy_wh,
                     max_power_w=ev.max_power_w, stop_reason=ev.stop_reason, **_bump()))
            if done.rowcount == 0:
                log.info("session %s on port %s ended but was never seen starting", ev.pile_session_id, ev.number)
        elif isinstance(ev, AlarmRaised):
            s.execute(insert(Alarm).values(
                id=uuid.uuid4(), version=1, pile_id=ev.key.pile_id, port_number=ev.key.port_number,
                code=ev.key.code, severity=ev.severity, raised_at=ev.ts, detail=ev.detail,
            ))
        elif isinstance(ev, AlarmCleared):
            s.execute(update(Alarm).where(_alarm_where(ev.key)).values(
                cleared_at=ev.ts, version=Alarm.version + 1, updated_at=utcnow()))
        elif isinstance(ev, PileOnline):
            values: dict[str, object] = {"online": True, "last_seen_at": ev.ts}
            if ev.identity is not None:
                values |= {"serial_no": ev.identity.serial, "firmware": ev.identity.firmware,
                           "boot_count": ev.identity.boot_count}
            s.execute(update(Pile).where(Pile.id == ev.pile_id).values(
                **values, version=Pile.version + 1, updated_at=utcnow()))
        elif isinstance(ev, PileOffline):
            s.execute(update(Pile).where(Pile.id == ev.pile_id).values(
                online=False, version=Pile.version + 1, updated_at=utcnow()))
        elif isinstance(ev, PileEventLogged):
            s.execute(insert(PileEvent).values(
                id=uuid.uuid4(), version=1, pile_id=ev.pile_id, port_number=ev.port_number, ts=ev.ts,
                kind=ev.kind, severity=ev.severity, detail=ev.detail,
            ))

    def store_records(self, pile_id: uuid.UUID, records: list[TransactionRecord]) -> StoreResult:
        """Insert the pile's records in one transaction; ones already stored are skipped (not an error)."""
        result = StoreResult([], 0)
        with self.factory() as s, s.begin():
            known = set(s.scalars(select(OfflineRecord.seq).where(
                OfflineRecord.pile_id == pile_id, OfflineRecord.seq.in_([r.seq for r in records]))))
            now = utcnow()
            for r in records:
                if r.seq in known:
                    result.duplicates += 1
                    continue
                s.execute(insert(OfflineRecord).values(
                    id=uuid.uuid4(), version=1, pile_id=pile_id, seq=r.seq, session_id=r.session_id, port_number=r.port,
                    start_time=_ts(r.start_time), end_time=_ts(r.end_time), minutes_bought=r.minutes_bought,
                    minutes_used=r.minutes_used, energy_wh=r.energy_wh, amount_fen=r.amount_fen,
                    refund_fen=r.refund_fen, payment=r.payment.value, card_no=r.card_no or None,
                    stop_reason=r.stop_reason.value, peak_power_w=r.peak_power_w, tier=r.tier, received_at=now,
                ))
                result.stored.append(r.seq)
        return result

    def open_state(self) -> tuple[list[AlarmKey], list[tuple[uuid.UUID, uuid.UUID, int]]]:
        """Open alarms and active sessions, so a restarted engine continues instead of duplicating."""
        with self.factory() as s:
            alarms = [AlarmKey(a.pile_id, a.port_number, a.code)
                      for a in s.scalars(select(Alarm).where(Alarm.cleared_at.is_(None)))]
            sessions = [(row.port_id, row.id, row.pile_session_id) for row in s.execute(
                select(ChargeSession.port_id, ChargeSession.id, ChargeSession.pile_session_id)
                .where(ChargeSession.status == SessionStatus.ACTIVE))]
        return alarms, sessions


def _alarm_where(key: AlarmKey):  # type: ignore[no-untyped-def]
    port = Alarm.port_number.is_(None) if key.port_number is None else Alarm.port_number == key.port_number
    return and_(Alarm.pile_id == key.pile_id, Alarm.code == key.code, port, Alarm.cleared_at.is_(None))
