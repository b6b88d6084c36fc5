"""`chargedesk audit verify`: walk the audit chain and say exactly where it is broken (exit 1 if so)."""

from __future__ import annotations

import argparse

from db.engine import default_url, make_engine, session_factory


def run_audit_cli(args: argparse.Namespace) -> int:
    from app.services.audit import verify_chain

    engine = make_engine(args.db or default_url())
    try:
        report = verify_chain(session_factory(engine))
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if report.ok:
        print(f"审计链完整 / audit chain intact: {report.records} records, head #{report.head_seq} ({where})")
        return 0
    print(f"审计链已损坏 / audit chain BROKEN ({where}): {len(report.problems)} problem(s) "
          f"in {report.records} records, head #{report.head_seq}")  # fmt: skip
    for problem in report.problems:
        print(f"  {problem}")
    return 1
