"""`chargedesk report …`: the monthly billing report, the daily close and the QR label sheet as PDF files.

    chargedesk report monthly --month 2026-10 [--station XC01] -o october.pdf
    chargedesk report daily-close --day 2026-10-05 -o close.pdf
    chargedesk report qr-labels [--station XC01 | --pile XC01-P03] -o labels.pdf
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rep = sub.add_parser("report", help="PDF reports: monthly billing, daily close, QR labels")
    rsub = rep.add_subparsers(dest="report_command", required=True)
    m = rsub.add_parser("monthly", help="monthly billing report (operator or one station)")
    m.add_argument("--month", required=True, help="YYYY-MM")
    m.add_argument("--station", default=None, help="station code, e.g. XC01 (default: the whole operator)")
    d = rsub.add_parser("daily-close", help="the daily close (日结) of one day")
    d.add_argument("--day", required=True, help="YYYY-MM-DD")
    q = rsub.add_parser("qr-labels", help="A4 sheet of QR stickers, one per port")
    q.add_argument("--station", default=None)
    q.add_argument("--pile", default=None)
    for p in (m, d, q):
        p.add_argument("-o", "--output", required=True, help="the PDF file to write")
        p.add_argument("--db", default=None, help="database URL (default: $CHARGEDESK_DB_URL or the user data dir)")


def run_report_cli(args: argparse.Namespace) -> int:
    from app.domain.errors import ChargeDeskError
    from app.domain.money import format_money
    from app.services import reports
    from db.engine import default_url, make_engine, session_factory

    engine = make_engine(args.db or default_url())
    db = session_factory(engine)
    try:
        if args.report_command == "monthly":
            r = reports.monthly_report_unchecked(db, args.month, args.output, station=args.station)
            print(f"{args.output}: {r.pages} pages, {r.sessions} sessions, {r.energy_wh / 1000:.1f} kWh, "
                  f"revenue {format_money(r.revenue_fen)}")
        elif args.report_command == "daily-close":
            pages = reports.daily_close_report_unchecked(db, date.fromisoformat(args.day), args.output)
            print(f"{args.output}: {pages} pages")
        else:
            pages = reports.qr_label_sheet_unchecked(db, args.output, station=args.station, pile=args.pile)
            print(f"{args.output}: {pages} pages of labels")
    except (ChargeDeskError, ValueError) as exc:
        print(f"chargedesk report: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
