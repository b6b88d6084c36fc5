"""Report: the monthly billing report for 100 000 sessions — total time vs its SQL aggregation alone.

A SQLite file gets the shipped simulated community (6 stations, 72 piles, 720 ports), 300 residents with
cards and wallets, and a month of generated pile records (4.5 sessions per port and day ≈ 100 000), settled
by the real settlement (its throughput is printed too). Then, in the same run and alternating so neither
profits from a warmer cache, the report's SQL part alone (``monthly_data.collect``) and the whole report
(the same collect + the A4 PDF with charts and tables) are timed, three times each; medians are
compared. Target: the PDF adds less than the query itself (total / query < 2). Peak memory: Python's
own allocations during one whole report (tracemalloc) and the process's peak RSS.
"""

from __future__ import annotations

import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from app.domain import passwords
from app.reports.monthly_data import collect, month_bounds
from app.services import reports
from app.services.demo_seed import DemoResident, seed_demo
from app.services.history_seed import generate_history, provision_offline
from app.services.settlement import settle_pending
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.models_billing import Settlement

MONTH = "2026-10"


def _residents(n: int) -> list[DemoResident]:
    rng = random.Random(4)
    return [DemoResident(f"住户{i:03d}", f"139{i:08d}", str(1 + i % 16), str(1 + i % 3), f"{1 + i % 18}0{1 + i % 4}",
                         "ebike", str(77_000_000 + i), rng.choice((0, 3000, 5000, 10000))) for i in range(n)]


def run(quick: bool = False) -> Iterator[str]:
    per_port_day = 0.9 if quick else 4.5
    tmp = Path(tempfile.mkdtemp(prefix="chargedesk-bench-report-"))
    engine = make_engine(f"sqlite:///{tmp / 'report.db'}")
    upgrade(engine)
    db = session_factory(engine)
    passwords.configure(time_cost=1, memory_cost=8)  # set-up only
    with db() as s, s.begin():
        provision_offline(s)
    seed_demo(db, _residents(300), top_ups=300)
    _first, start, end = month_bounds(MONTH, "Asia/Shanghai")
    t0 = time.perf_counter()
    with db() as s, s.begin():
        made = generate_history(s, start=start, end=end, sessions_per_port_day=per_port_day, seed=9)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    settled = settle_pending(db, batch=500)
    settle_s = time.perf_counter() - t0
    with db() as s:
        n = int(s.scalar(select(func.count()).select_from(Settlement)) or 0)
    yield f"{n:,} sessions in {MONTH} (generated in {gen_s:.1f} s; {made.orders:,} app orders)"
    yield (f"settlement: {settled.total:,} records in {settle_s:.1f} s = {settled.total / settle_s:,.0f}/s "
           f"({settled.unpaid:,} unpaid, {settled.posted_fen / 100:,.2f} yuan posted)")

    sql_times, total_times, pages = [], [], 0
    for i in range(3):
        with db() as s:
            t0 = time.perf_counter()
            data = collect(s, MONTH)
            sql_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        r = reports.monthly_report_unchecked(db, MONTH, tmp / f"report-{i}.pdf")
        total_times.append(time.perf_counter() - t0)
        pages = r.pages
        assert r.sessions == data.stats.total.sessions == n
    q, t = statistics.median(sql_times), statistics.median(total_times)
    tracemalloc.start()
    reports.monthly_report_unchecked(db, MONTH, tmp / "report-mem.pdf")
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    size = (tmp / "report-0.pdf").stat().st_size
    yield f"SQL aggregation alone: {q * 1000:.0f} ms (median of 3: {', '.join(f'{x * 1000:.0f}' for x in sql_times)})"
    yield (f"whole report (query + {pages}-page PDF, {size / 1024:.0f} KiB): {t * 1000:.0f} ms "
           f"(median of 3: {', '.join(f'{x * 1000:.0f}' for x in total_times)})")
    yield f"ratio total / query: {t / q:.2f}  (the PDF adds {(t - q) / q:.0%} of the query; target < 100%)"
    yield f"peak memory: {peak / 2**20:.1f} MiB Python allocations during one report; process peak RSS {rss:.0f} MiB"
    engine.dispose()
