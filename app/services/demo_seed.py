"""Demo accounts and residents, so `./run demo` shows a console with people and money in it.

Everything goes through the real services (accounts, users, wallets), so the demo's audit trail and
ledger are what an office would have. Runs once per demo database.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.errors import ChargeDeskError
from app.domain.journal import PayMethod
from app.domain.permissions import Actor, Role
from app.domain.residents import UserDraft
from app.services import accounts, users, wallets
from app.services.unit import Db

DEMO_PASSWORD = "chargedesk-demo"
# login, display name, roles
DEMO_STAFF: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("xitong", "系统管理员 王强", (Role.SYSTEM_ADMIN,)),
    ("sheshi", "设施管理员 李娜", (Role.FACILITY_ADMIN,)),
    ("faka", "发卡员 张敏", (Role.CARD_ADMIN,)),
    ("jiankong", "值班监控 刘洋", (Role.MONITORING_ADMIN,)),
    ("caiwu", "财务 陈静", (Role.FINANCE_ADMIN,)),
    ("yunwei", "运维 赵刚", (Role.MAINTENANCE,)),
    ("yunwei2", "运维 孙磊", (Role.MAINTENANCE,)),
)


@dataclass(frozen=True)
class DemoResident:
    name: str
    phone: str
    building: str
    unit: str
    room: str
    vehicle_class: str
    card_no: str | None
    balance_fen: int


def seed_demo(db: Db, residents: Iterable[DemoResident], *, top_ups: int = 150, seed: int = 7) -> Actor:
    """Create the base account `admin` and one account per role (password DEMO_PASSWORD), register the
    residents, and post some top-ups. Returns the base account's Actor. Idempotent: a second call on the
    same database only signs in."""
    if not accounts.needs_first_run(db):
        return accounts.login(db, "admin", DEMO_PASSWORD)
    accounts.create_base_account(db, login="admin", display_name="运营商管理员", password=DEMO_PASSWORD)
    base = accounts.login(db, "admin", DEMO_PASSWORD)
    for login, name, roles in DEMO_STAFF:
        accounts.create_account(base, db, login=login, display_name=name, password=DEMO_PASSWORD, roles=roles)
    clerk = accounts.login(db, "faka", DEMO_PASSWORD)
    rng = random.Random(seed)
    registered = []
    for r in residents:
        try:
            info = users.register_user(base, db, UserDraft(
                name=r.name, phone=r.phone, building=r.building, unit=r.unit, room=r.room,
                vehicle_class=r.vehicle_class, card_no=r.card_no))
        except ChargeDeskError:
            continue  # a duplicate card or phone in generated data: the resident is simply left out
        registered.append((info, r))
    methods = [PayMethod.CASH, PayMethod.WECHAT, PayMethod.WECHAT, PayMethod.ALIPAY]
    for n, (info, r) in enumerate(rng.sample(registered, min(top_ups, len(registered)))):
        amount = max(1000, r.balance_fen // 100 * 100) if r.balance_fen else rng.choice((2000, 3000, 5000, 10000))
        wallets.top_up(clerk, db, user_id=info.user_id, amount_fen=amount, method=rng.choice(methods),
                       idempotency_key=f"demo-seed-{n}")
    return base
