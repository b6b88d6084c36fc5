"""A month of generated history, settled, on a provisioned two-station community (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from app.domain.permissions import Role
from app.reports.monthly_data import month_bounds
from app.services.history_seed import generate_history
from app.services.settlement import settle_pending
from tests.app.services.billing_site import Billing, make_billing
from tests.app.services.conftest import Desk, make_desk


@dataclass
class Month:
    desk: Desk
    billing: Billing
    month: str
    start: datetime
    end: datetime


def current_month() -> str:
    now = datetime.now(UTC).astimezone()
    return f"{now.year:04d}-{now.month:02d}"


@pytest.fixture
def month(db_engine: Engine) -> Month:
    desk = make_desk(db_engine)
    b = make_billing(desk)
    for i, card in enumerate(("880001", "880002", "880003")):
        uid = desk.user(f"住户{i}", card_no=card, building=str(i + 1), unit="1", room=f"{i + 1}01")
        desk.fund(uid, 5000)
    name = current_month()
    _first, start, end = month_bounds(name, "Asia/Shanghai")
    until = min(end, datetime.now(UTC) - timedelta(minutes=5))
    with desk.db() as s, s.begin():
        generate_history(s, start=start, end=until, sessions_per_port_day=1.2, seed=5,
                         samples_since=until - timedelta(days=1))
    settle_pending(desk.db)
    clerk = desk.by_role[Role.CARD_ADMIN]
    from app.services import wallets

    uid = desk.user("退款用户", card_no="880009")
    desk.fund(uid, 3000)
    wallets.refund(clerk, desk.db, user_id=uid, amount_fen=1200, method="cash", idempotency_key="r1", reason="搬家")
    return Month(desk, b, name, start, end)
