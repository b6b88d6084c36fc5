"""The live text summary `chargedesk demo` and `chargedesk engine` print: one line per station.

Built from the engine's snapshot (newest values) and the station list; pure formatting, so it is
tested without a terminal.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from datetime import datetime

from app.engine.events import LineHealth
from app.engine.hub import Snapshot
from app.services.stations import StationInfo
from comm.pile.messages import PortState


def _pad(text: str, width: int) -> str:
    """Left-align for a terminal: CJK characters take two columns."""
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cols)


def _kw(watts: int) -> str:
    return f"{watts / 1000:6.1f} kW"


def render_summary(stations: list[StationInfo], snap: Snapshot, now: datetime) -> str:
    lines = [
        f"ChargeDesk 小区充电运营台 — live summary  {now.astimezone().strftime('%Y-%m-%d %H:%M:%S')}",
        "",
        f"{_pad('station / 小区', 26)}{'piles online':>13}{'charging':>10}{'waiting':>9}{'fault':>7}{'power':>11}"
        f"{'limit':>11}{'alarms':>8}",
    ]
    tot = Counter[str]()
    alarms_by_pile = Counter(k.pile_id for k in snap.alarms)
    for st in stations:
        c = Counter[str]()
        for pile in st.piles:
            c["piles"] += 1
            pu = snap.piles.get(pile.pile_id)
            if pu is not None and pu.online:
                c["online"] += 1
                if pu.status is not None:
                    c["power"] += pu.status.total_power_w
            c["alarms"] += alarms_by_pile[pile.pile_id]
            for port in pile.ports:
                upd = snap.ports.get(port.port_id)
                if upd is None or pu is None or not pu.online:
                    continue
                state = upd.live.state
                c["charging"] += state is PortState.CHARGING
                c["waiting"] += state is PortState.STARTING
                c["fault"] += state is PortState.FAULT
        tot.update(c)
        name = f"{st.code} {st.name}"
        lines.append(
            f"{_pad(name, 26)}{c['online']:>6}/{c['piles']:<6}{c['charging']:>10}{c['waiting']:>9}{c['fault']:>7}"
            f"{_kw(c['power']):>11}{_kw(st.charging_limit_w):>11}{c['alarms']:>8}"
        )
    lines.append(
        f"{'total':<26}{tot['online']:>6}/{tot['piles']:<6}{tot['charging']:>10}{tot['waiting']:>9}"
        f"{tot['fault']:>7}{_kw(tot['power']):>11}{'':>11}{tot['alarms']:>8}"
    )
    lines += ["", "lines / 通信线路:"]
    # One row per RS-485 bus; Ethernet piles (one TCP link each) are summed per station.
    station_of = {p.code: st.code for st in stations for p in st.piles}
    rows: dict[str, list[LineHealth]] = {}
    for name, h in sorted(snap.lines.items()):
        key = name if h.kind in ("rtu", "meter") else f"{station_of.get(name, '?')} Ethernet"
        rows.setdefault(key, []).append(h)
    for key, hs in rows.items():
        up = sum(h.connected for h in hs)
        online, total = sum(h.piles_online for h in hs), sum(h.piles_total for h in hs)
        polls = sum(h.polls_per_s for h in hs)
        errors = sum(h.error_rate for h in hs) / len(hs)
        state = "up" if up == len(hs) else f"{len(hs) - up} DOWN"
        lines.append(f"  {key:<16} {hs[0].kind:<4} {state:<7} {online:>2}/{total:<2} piles"
                     f"  {polls:5.1f} polls/s  errors {errors:6.1%}")
    if snap.database is not None and not snap.database.ok:
        lines.append(f"\nDATABASE PROBLEM: {snap.database.detail} ({snap.database.pending} rows waiting)")
    recent = sorted(snap.alarms.values(), key=lambda a: a.ts, reverse=True)[:5]
    if recent:
        codes = {p.pile_id: p.code for st in stations for p in st.piles}
        lines += ["", "open alarms (newest first):"]
        for a in recent:
            where = codes.get(a.key.pile_id, "?") + (f" port {a.key.port_number}" if a.key.port_number else "")
            lines.append(f"  {a.ts.astimezone().strftime('%H:%M:%S')}  {a.severity:<8} {a.key.code:<20} {where}")
    return "\n".join(lines)
