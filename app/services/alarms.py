"""Alarms for the console: open list, history with filters, acknowledge with a comment."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Alarm, Pile, PileEvent
from db.types import utcnow

SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2, "warning": 3, "info": 4}


@dataclass(frozen=True, slots=True)
class AlarmInfo:
    alarm_id: uuid.UUID
    pile_id: uuid.UUID
    pile_code: str
    port_number: int | None
    code: str
    severity: str
    raised_at: datetime
    cleared_at: datetime | None
    acked_at: datetime | None
    acked_by: str | None
    detail: str


def _info(a: Alarm, code: str) -> AlarmInfo:
    return AlarmInfo(a.id, a.pile_id, code, a.port_number, a.code, a.severity, a.raised_at, a.cleared_at, a.acked_at,
                     a.acked_by, a.detail or "")


def open_alarms(session: Session) -> list[AlarmInfo]:
    """Alarms not cleared yet, and cleared ones nobody has acknowledged, most severe first."""
    rows = session.execute(
        select(Alarm, Pile.code).join(Pile, Pile.id == Alarm.pile_id)
        .where((Alarm.cleared_at.is_(None)) | (Alarm.acked_at.is_(None)))
    ).all()
    infos = [_info(a, code) for a, code in rows]
    return sorted(infos, key=lambda i: (SEVERITY_ORDER.get(i.severity, 9), -i.raised_at.timestamp()))


def alarm_history(session: Session, *, since: datetime, until: datetime, severity: str | None = None,
                  pile_code: str | None = None, limit: int = 5000) -> list[AlarmInfo]:
    q = (select(Alarm, Pile.code).join(Pile, Pile.id == Alarm.pile_id)
         .where(Alarm.raised_at >= since, Alarm.raised_at < until).order_by(Alarm.raised_at.desc()).limit(limit))
    if severity:
        q = q.where(Alarm.severity == severity)
    if pile_code:
        q = q.where(Pile.code.ilike(f"%{pile_code}%"))
    return [_info(a, code) for a, code in session.execute(q).all()]


def ack_alarm(session: Session, alarm_id: uuid.UUID, *, by: str, comment: str) -> AlarmInfo:
    """Acknowledge: who and when on the alarm, the comment in the pile's event log.

    Raises LookupError for an unknown alarm; acknowledging twice keeps the first acknowledgement.
    """
    alarm = session.get(Alarm, alarm_id)
    if alarm is None:
        raise LookupError(f"no alarm {alarm_id} / 告警不存在")
    if alarm.acked_at is None:
        alarm.acked_at, alarm.acked_by = utcnow(), by
        session.add(PileEvent(pile_id=alarm.pile_id, port_number=alarm.port_number, ts=alarm.acked_at,
                              kind="alarm_acked", severity="info",
                              detail=json.dumps({"alarm": str(alarm.id), "code": alarm.code, "by": by,
                                                 "comment": comment}, ensure_ascii=False)))
        session.flush()
    code = session.scalar(select(Pile.code).where(Pile.id == alarm.pile_id)) or "?"
    return _info(alarm, code)
