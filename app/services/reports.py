"""Report generation as services: the role check, one read-only session for the figures, then the PDF.

The GUI runs these off its thread with a progress callback and a cancel flag; the CLI calls the
``*_unchecked`` forms (whoever can open the database file can read it — like ``audit verify``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.permissions import Actor, Permission
from app.reports.daily_close_pdf import render_daily_close
from app.reports.monthly_data import MonthlyData, collect
from app.reports.monthly_pdf import render_monthly
from app.reports.pdf_kit import Progress
from app.reports.qr_labels import labels, render_labels
from app.services.daily_close import DayFigures, figures
from app.services.unit import Db, read
from db.models import Operator
from db.models_billing import DailyClose


@dataclass(frozen=True, slots=True)
class ReportResult:
    pages: int
    sessions: int
    revenue_fen: int
    energy_wh: int


def _monthly(s: Session, month: str, station: str | None, out: str | Path | BinaryIO, prepared_by: str,
             progress: Progress | None, cancelled: Callable[[], bool] | None) -> ReportResult:
    if progress is not None:
        progress(2, "query")
    data: MonthlyData = collect(s, month, station_code=station)
    pages = render_monthly(data, out, prepared_by=prepared_by, progress=progress, cancelled=cancelled)
    t = data.stats.total
    return ReportResult(pages, t.sessions, t.net_fen, t.energy_wh)


def monthly_report(actor: Actor, db: Db, month: str, out: str | Path | BinaryIO, *, station: str | None = None,
                   progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> ReportResult:
    with read(db, actor, Permission.VIEW_REPORTS) as s:
        return _monthly(s, month, station, out, actor.login, progress, cancelled)


def monthly_report_unchecked(db: Db, month: str, out: str | Path | BinaryIO, *,
                             station: str | None = None) -> ReportResult:
    with db() as s:
        return _monthly(s, month, station, out, "", None, None)


def _close(s: Session, day: date) -> DayFigures:
    row = s.scalar(select(DailyClose).where(DailyClose.day == day))
    f = figures(s, day, cash_counted_fen=row.cash_counted_fen if row else None,
                coins_counted_fen=row.coins_counted_fen if row else None)
    if row is not None:
        f.closed_by, f.closed_at = row.closed_by, row.closed_at
    return f


def daily_close_report(actor: Actor, db: Db, day: date, out: str | Path | BinaryIO) -> int:
    with read(db, actor, Permission.VIEW_LEDGER) as s:
        return render_daily_close(_close(s, day), out, operator=_operator(s))


def daily_close_report_unchecked(db: Db, day: date, out: str | Path | BinaryIO) -> int:
    with db() as s:
        return render_daily_close(_close(s, day), out, operator=_operator(s))


def qr_label_sheet(actor: Actor, db: Db, out: str | Path | BinaryIO, *, station: str | None = None,
                   pile: str | None = None) -> int:
    """Facility staff print the stickers they put on the ports (M12.4)."""
    with read(db, actor, Permission.MANAGE_PILES) as s:
        return render_labels(labels(s, station_code=station, pile_code=pile), out)


def qr_label_sheet_unchecked(db: Db, out: str | Path | BinaryIO, *, station: str | None = None,
                             pile: str | None = None) -> int:
    with db() as s:
        return render_labels(labels(s, station_code=station, pile_code=pile), out)


def _operator(s: Session) -> str:
    return s.scalar(select(Operator.name).order_by(Operator.code).limit(1)) or "ChargeDesk"
