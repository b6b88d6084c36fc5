"""A provisioned community (two stations, TCP piles, no simulator) and pile records, for billing tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from app.services.provisioning import PilePlan, StationPlan, provision
from db.models import ChargeSession, OfflineRecord, Pile, Port, Station
from db.types import utcnow
from tests.app.services.conftest import Desk

T0 = datetime(2026, 10, 5, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai


@dataclass
class Billing:
    desk: Desk
    stations: dict[str, uuid.UUID] = field(default_factory=dict)
    piles: dict[str, uuid.UUID] = field(default_factory=dict)
    ports: dict[tuple[str, int], uuid.UUID] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)

    def record(self, pile: str, port: int = 1, *, payment: str = "COIN", amount: int = 200, refund: int = 0,
               energy: int = 300, start: datetime = T0, minutes: int = 90, bought: int | None = None,
               card_no: int | None = None, tier: int = 2, session_id: int | None = None,
               received: datetime | None = None) -> uuid.UUID:
        """Insert a record as the engine stores it; returns its id."""
        seq = self.seqs[pile] = self.seqs.get(pile, 0) + 1
        rid = uuid.uuid4()
        with self.desk.db() as s, s.begin():
            s.execute(insert(OfflineRecord).values(
                id=rid, version=1, pile_id=self.piles[pile], seq=seq, session_id=session_id or 1000 + seq,
                port_number=port, start_time=start, end_time=start + timedelta(minutes=minutes),
                minutes_bought=minutes if bought is None else bought, minutes_used=minutes, energy_wh=energy,
                amount_fen=amount, refund_fen=refund, payment=payment, card_no=card_no, stop_reason="TIME_UP",
                peak_power_w=300, tier=tier, received_at=received or utcnow()))
        return rid

    def live(self, pile: str, port: int, session_id: int, *, payment: str = "COIN", energy: int = 300,
             start: datetime = T0, minutes: int | None = 90) -> None:
        """The console's live view of a session (what the engine's writer stores)."""
        with self.desk.db() as s, s.begin():
            s.add(ChargeSession(port_id=self.ports[(pile, port)], pile_session_id=session_id, started_at=start,
                                ended_at=None if minutes is None else start + timedelta(minutes=minutes),
                                status="active" if minutes is None else "ended", payment=payment, energy_wh=energy))


def make_billing(desk: Desk) -> Billing:
    plans = [StationPlan(code, name, 60_000, piles=tuple(
        PilePlan(f"{code}-P0{i}", f"{code}-P0{i}", ("ebike",) * 4, host="127.0.0.1", tcp_port=30000 + i + 10 * n)
        for i in (1, 2))) for n, (code, name) in enumerate((("XC01", "莲城花园"), ("XC02", "春秋苑")))]
    with desk.db() as s, s.begin():
        provision(s, operator_code="OP", operator_name="许昌物业", stations=plans)
    b = Billing(desk)
    with desk.db() as s:
        b.stations = dict(s.execute(select(Station.code, Station.id)).all())
        b.piles = dict(s.execute(select(Pile.code, Pile.id)).all())
        for code, pid, n in s.execute(select(Pile.code, Port.id, Port.number).join(Port, Port.pile_id == Pile.id)):
            b.ports[(code, n)] = pid
    return b
