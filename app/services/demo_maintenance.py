"""Demo work orders: a month of maintenance history, so the Work orders tab, a pile's history and the
managers' summary have something to show. Everything goes through the real services (with past
times), as the demo's technicians and the person on duty would have done it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.domain.fault_rules import alarm_title
from app.domain.permissions import Actor
from app.domain.work_orders import RepairResult, WoAction, WoSource
from app.services import accounts, work_orders
from app.services.stations import StationInfo
from app.services.unit import Db
from app.services.work_orders import OrderDraft, RepairDraft
from db.models_maintenance import WorkOrder
from db.types import utcnow

REPAIRS = (
    ("port.short_circuit", "critical", "充电线绝缘破损短路", "充电线 ×1", RepairResult.FIXED),
    ("port.relay_stuck", "major", "继电器触点粘连", "继电器 ×1", RepairResult.FIXED),
    ("port.line_fault", "major", "端子松动，线路接触不良", "", RepairResult.FIXED),
    ("pile.offline", "major", "RS-485 接线盒进水", "接线盒 ×1\n终端电阻 ×1", RepairResult.FIXED),
    ("port.meter_error", "major", "计量芯片故障，暂时停用该端口", "", RepairResult.WORKAROUND),
    ("pile.door_open", "minor", "柜门锁舌变形", "门锁 ×1", RepairResult.FIXED),
)
SEEN = ("值班巡查发现", "居民电话报修", "告警后现场确认", "监控发现端口反复故障", "物业保安反映")


def seed_work_orders(db: Db, base: Actor, stations: list[StationInfo], password: str, *, seed: int = 7,
                     now: datetime | None = None) -> int:
    """Raise and work through about thirty orders over the last month; a few stay open (one late).
    Runs once per database; returns how many orders it raised."""
    with db() as s:
        if s.scalar(select(func.count()).select_from(WorkOrder)):
            return 0
    now = now or utcnow()
    rng = random.Random(seed)
    duty = accounts.login(db, "jiankong", password)
    techs = [accounts.login(db, login, password) for login in ("yunwei", "yunwei2")]
    piles = [(st, p) for st in stations for p in st.piles]
    n = 0
    for day in range(30, 0, -1):
        for _ in range(rng.choice((0, 1, 1, 2))):
            st, pile = rng.choice(piles)
            code, sev, cause, parts, result = rng.choice(REPAIRS)
            port = rng.randint(1, len(pile.ports)) if code.startswith("port.") else None
            t0 = now - timedelta(days=day, hours=rng.uniform(0, 10))
            tech = rng.choice(techs)
            o = work_orders.raise_order(duty, db, OrderDraft(pile_id=pile.pile_id, port_number=port, severity=sev,
                                                             title=alarm_title(code, pile.code, port),
                                                             description=rng.choice(SEEN), assignee_id=tech.account_id),
                                        now=t0)
            n += 1
            t = t0 + timedelta(minutes=rng.uniform(10, 90))
            o = work_orders.transition(tech, db, o.order_id, WoAction.START, expected_version=o.version, now=t)
            t += timedelta(hours=rng.uniform(0.5, 30 if sev != "critical" else 5))
            work_orders.add_repair_log(tech, db, o.order_id, RepairDraft(cause, rng.randint(15, 120), result,
                                                                         parts=parts), now=t)
            o = work_orders.transition(tech, db, o.order_id, WoAction.RESOLVE, expected_version=o.version,
                                       note=cause, now=t)
            if day > 2:
                t += timedelta(hours=rng.uniform(1, 8))
                o = work_orders.transition(duty, db, o.order_id, WoAction.VERIFY, expected_version=o.version, now=t)
                work_orders.transition(duty, db, o.order_id, WoAction.CLOSE, expected_version=o.version, now=t)
    st, pile = piles[0]
    late = work_orders.raise_order(duty, db, OrderDraft(pile_id=pile.pile_id, port_number=7, severity="critical",
                                                        title=f"{pile.code} #7 插座烧黑 / socket burnt",
                                                        description="居民反映有焦味", assignee_id=techs[0].account_id),
                                   now=now - timedelta(hours=6))
    work_orders.transition(techs[0], db, late.order_id, WoAction.START, expected_version=late.version,
                           now=now - timedelta(hours=5))
    work_orders.raise_order(duty, db, OrderDraft(
        source=WoSource.COMPLAINT, station_id=st.station_id, severity="minor",
        title="3号车棚照明灯不亮，晚上看不清插座", reporter="3栋 王先生 139****2871", description="居民电话反映"),
        now=now - timedelta(hours=2))
    _st2, pile2 = piles[len(piles) // 2]
    work_orders.raise_order(duty, db, OrderDraft(pile_id=pile2.pile_id, severity="major",
                                                 title=f"{pile2.code} 屏幕花屏", assignee_id=techs[1].account_id),
                            now=now - timedelta(hours=1))
    return n + 3
