"""Generated charging history: weeks of pile records as a community produces them, for the demo, the
screenshots, the report benchmark and tests.

The records go in exactly as the engine stores pile records (``offline_record``) and are then settled by
the real settlement, so everything downstream — the ledger, statistics, reports — sees what it would see
in an office. Evening arrivals peak at 19–21 h, e-bikes charge for hours at 100–350 W, e-tricycles at up to
1.4 kW; payment ways mix coin, card, QR (with a charge order naming a wallet that pays), monthly and free.
Record numbers start at 10⁹ so the simulator's own records (numbered from 1) never collide with them.
Daily pile meter readings are written too, a few per cent above what the sessions delivered (line losses).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.domain.tariffs import DEFAULT_BANDS
from db.models import OfflineRecord, Pile, Port, PortSample, Station
from db.models_billing import ChargeOrder, MeterDay
from db.models_ledger import LedgerAccount
from db.models_people import ChargingUser

HISTORY_SEQ = 1_000_000_000
Db = sessionmaker[Session]
WAYS = (("COIN", 0.36), ("CARD", 0.34), ("REMOTE", 0.2), ("MONTHLY", 0.07), ("FREE", 0.03))
# Arrival weight by local hour: a little at noon, most 18–22 h.
ARRIVALS = (2, 1, 1, 1, 1, 1, 2, 4, 5, 4, 3, 4, 6, 5, 3, 3, 4, 7, 12, 16, 15, 12, 7, 4)
STOPS = ("TIME_UP", "TIME_UP", "FULL", "UNPLUGGED", "CARD_REFUND")


@dataclass(frozen=True)
class HistoryResult:
    records: int
    orders: int
    meter_days: int
    samples: int


def _minutes(amount_fen: int, power_w: int) -> tuple[int, int]:
    for tier, band in enumerate(DEFAULT_BANDS, start=1):
        if power_w <= band.max_w:
            return min(720, amount_fen * band.min_per_yuan // 100), tier
    return 0, 0


def generate_history(session: Session, *, start: datetime, end: datetime, sessions_per_port_day: float = 1.6,
                     seed: int = 11, samples_since: datetime | None = None, tz: str = "Asia/Shanghai",
                     station_codes: list[str] | None = None) -> HistoryResult:
    """Insert generated records for every port, with session starts in [start, end). Commit is the caller's."""
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    q = (select(Port.id, Port.number, Port.vehicle_class, Pile.id, Pile.station_id)
         .join(Pile, Pile.id == Port.pile_id).join(Station, Station.id == Pile.station_id)
         .order_by(Pile.code, Port.number))  # fmt: skip
    if station_codes:
        q = q.where(Station.code.in_(station_codes))
    ports = list(session.execute(q))
    users = [(u.id, u.card_no) for u in session.execute(select(ChargingUser.id, ChargingUser.card_no)
                                                        .where(ChargingUser.active.is_(True)))]  # fmt: skip
    carded = [u for u in users if u[1] and u[1].isdigit()]
    # App users are the ones who topped up; a session is paid by a wallet that still holds its price, as the
    # app checks before it starts a port — when no wallet can, the resident pays with coins instead.
    wallet = {uid: int(bal) for uid, bal in session.execute(
        select(LedgerAccount.user_id, LedgerAccount.balance_fen)
        .where(LedgerAccount.user_id.is_not(None), LedgerAccount.balance_fen >= 100))}  # fmt: skip
    payers = sorted(wallet, key=str)
    seqs: dict[uuid.UUID, int] = {}
    for pid, top in session.execute(select(OfflineRecord.pile_id, func.max(OfflineRecord.seq))
                                    .group_by(OfflineRecord.pile_id)):  # fmt: skip
        seqs[pid] = max(int(top), HISTORY_SEQ)
    records: list[dict[str, object]] = []
    orders: list[dict[str, object]] = []
    samples: list[dict[str, object]] = []
    delivered: dict[tuple[uuid.UUID, object], int] = {}
    days = max(1, round((end - start).total_seconds() / 86400))
    hours = list(range(24))
    for port_id, number, vclass, pile_id, _station in ports:
        count = sum(1 for _ in range(int(days * sessions_per_port_day * 1.5)) if rng.random() < 1 / 1.5)
        for _ in range(count):
            day = rng.randrange(days)
            hour = rng.choices(hours, ARRIVALS)[0]
            t0 = (start.astimezone(zone) + timedelta(days=day)).replace(hour=hour, minute=rng.randrange(60),
                                                                         second=rng.randrange(60), microsecond=0)
            if not start <= t0 < end:
                continue
            trike = vclass == "trike" or rng.random() < 0.12
            power = rng.randint(500, 1300) if trike else rng.randint(90, 380)
            way = rng.choices([w for w, _ in WAYS], [p for _, p in WAYS])[0]
            seq = seqs[pile_id] = seqs.get(pile_id, HISTORY_SEQ) + 1
            amount = 0 if way in ("FREE", "MONTHLY") else 100 * rng.choice((1, 1, 2, 2, 2, 3, 4))
            bought, tier = _minutes(amount, power) if amount else ((240 if way == "FREE" else 720), 0)
            used = min(bought, int(bought * rng.uniform(0.35, 1.0)) if rng.random() < 0.4 else bought)
            stop = "TIME_UP" if used == bought else rng.choice(STOPS[1:])
            refund = 0
            if way == "CARD" and stop == "CARD_REFUND" and bought:
                refund = amount * (bought - used) // bought
            card_no = None
            if way in ("CARD", "MONTHLY") and carded:
                card_no = int(rng.choice(carded)[1])
            session_id = seq
            payer = None
            if way == "REMOTE":
                picks = [rng.choice(payers) for _ in range(4)] if payers else []
                payer = next((u for u in picks if wallet[u] >= amount), None)
                if payer is None:
                    way = "COIN"
                else:
                    wallet[payer] -= amount
            if payer is not None:
                orders.append({"id": uuid.uuid4(), "version": 1, "created_at": t0, "updated_at": t0,
                               "user_id": payer, "pile_id": pile_id, "port_number": number,
                               "amount_fen": amount, "minutes": 0, "pile_session_id": session_id,
                               "status": "started", "detail": "history", "created_by": "history"})  # fmt: skip
            energy = int(power * used / 60 * rng.uniform(0.75, 0.95))
            t1 = t0 + timedelta(minutes=used, seconds=rng.randrange(60))
            if t1 > end:  # still charging at the end of the history: its record does not exist yet
                if payer is not None:
                    wallet[payer] += amount
                    orders.pop()
                continue
            records.append({
                "id": uuid.uuid4(), "version": 1, "created_at": t1, "updated_at": t1, "pile_id": pile_id, "seq": seq,
                "session_id": session_id, "port_number": number, "start_time": t0.astimezone(UTC),
                "end_time": t1.astimezone(UTC), "minutes_bought": bought, "minutes_used": used, "energy_wh": energy,
                "amount_fen": amount, "refund_fen": refund, "payment": way, "card_no": card_no, "stop_reason": stop,
                "peak_power_w": power, "tier": tier, "received_at": t1.astimezone(UTC),
            })  # fmt: skip
            key = (pile_id, t0.date())
            delivered[key] = delivered.get(key, 0) + energy
            if samples_since is not None and t0 >= samples_since and used:
                samples += _curve(port_id, t0, used, power, energy)
    for i in range(0, len(records), 5000):
        session.execute(insert(OfflineRecord), records[i:i + 5000])
    if orders:
        session.execute(insert(ChargeOrder), orders)
    for i in range(0, len(samples), 20000):
        session.execute(insert(PortSample), samples[i:i + 20000])
    meter_days = _meters(session, delivered, zone, rng)
    return HistoryResult(len(records), len(orders), meter_days, len(samples))


def _curve(port_id: uuid.UUID, t0: datetime, minutes: int, power: int, energy: int) -> list[dict[str, object]]:
    """A charge curve every 5 minutes: constant current, then tapering for the last third."""
    out: list[dict[str, object]] = []
    steps = max(2, minutes // 5)
    for k in range(steps + 1):
        frac = k / steps
        p = power if frac < 0.66 else int(power * max(0.08, (1 - frac) * 3))
        out.append({"port_id": port_id, "ts": (t0 + timedelta(minutes=5 * k)).astimezone(UTC),
                    "state": "CHARGING" if k < steps else "IDLE", "voltage_dv": 2200 + (k % 7),
                    "current_ca": int(p * 100 / 220), "power_w": p if k < steps else 0,
                    "energy_wh": int(energy * min(1.0, frac * 1.15) if frac < 0.66 else energy * (0.76 + 0.24 * frac))})
    return out


def _meters(session: Session, delivered: dict[tuple[uuid.UUID, object], int], zone: ZoneInfo,
            rng: random.Random) -> int:
    """A daily first/last reading per pile: the meter runs a few per cent ahead of the sessions."""
    rows = []
    running: dict[uuid.UUID, int] = {}
    for (pile_id, day), wh in sorted(delivered.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        first = running.get(pile_id, rng.randint(100_000, 900_000))
        last = first + int(wh * rng.uniform(1.025, 1.06))
        running[pile_id] = last
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)  # type: ignore[attr-defined]
        rows.append({"pile_id": pile_id, "day": day, "first_wh": first, "last_wh": last,
                     "first_at": (midnight + timedelta(minutes=1)).astimezone(UTC),
                     "last_at": (midnight + timedelta(hours=23, minutes=59)).astimezone(UTC)})
    have = {(p, d) for p, d in session.execute(select(MeterDay.pile_id, MeterDay.day))}
    rows = [r for r in rows if (r["pile_id"], r["day"]) not in have]
    if rows:
        session.execute(insert(MeterDay), rows)
    return len(rows)


def provision_offline(session: Session, config: str | None = None) -> int:
    """The shipped simulated community's stations, piles and ports, without starting the simulator (bench,
    reports on a copy): bus devices and TCP addresses are placeholders no engine could reach."""
    from app.services.provisioning import provision
    from app.sim_cli import OPERATOR, station_plans
    from comm.sim.config import load_config
    from comm.sim.site import SiteEndpoints

    cfg = load_config(config)
    tcp = [p.code for st in cfg.stations for p in st.tcp_piles]
    endpoints = SiteEndpoints(
        buses={f"{st.code}/{b.name}": f"offline:{st.code}/{b.name}" for st in cfg.stations for b in st.buses},
        tcp={code: ("192.0.2.1", 20000 + i) for i, code in enumerate(tcp)})  # TEST-NET-1: never routed
    return provision(session, operator_code=OPERATOR[0], operator_name=OPERATOR[1],
                     stations=station_plans(cfg, endpoints)).piles


def seed_demo_history(db: Db, *, days: int = 30, per_port_day: float = 0.8) -> HistoryResult | None:
    """A fresh demo database gets the last ``days`` of history (once); the settlement worker settles it."""
    with db() as s:
        if s.scalar(select(func.count()).select_from(OfflineRecord).where(OfflineRecord.seq > HISTORY_SEQ)):
            return None
    end = datetime.now(UTC) - timedelta(minutes=30)
    with db() as s, s.begin():
        return generate_history(s, start=end - timedelta(days=days), end=end, sessions_per_port_day=per_port_day,
                                samples_since=end - timedelta(days=1))
