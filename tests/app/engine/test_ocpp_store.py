"""What a car charge point is told about a card (Authorize, StartTransaction, the local list) on SQLite and
PostgreSQL: an IC card reported lost at the desk (or returned, or replaced) is Blocked there too."""

from __future__ import annotations

from sqlalchemy import Engine, update
from sqlalchemy.orm import sessionmaker

from app.engine.ocpp_store import authorize, local_list
from db.engine import session_factory
from db.models_cards import Card
from db.models_people import ChargingUser


def test_a_lost_returned_or_replaced_card_is_blocked_online_and_in_the_local_list(db_engine: Engine) -> None:
    db: sessionmaker = session_factory(db_engine)
    with db() as s, s.begin():
        holder, other, gone = (ChargingUser(name="张三", card_no="880001"), ChargingUser(name="李四", card_no="880002"),
                               ChargingUser(name="王五", card_no="880003", active=False))
        s.add_all([holder, other, gone])
        s.flush()
        s.add_all([Card(card_no=880001, uid="01020304", user_id=holder.id, kind="stored", state="active"),
                   Card(card_no=880002, uid="01020305", user_id=other.id, kind="stored", state="active"),
                   Card(card_no=880009, uid="01020309", user_id=other.id, kind="stored", state="replaced")])
    assert [authorize(db, t) for t in ("880001", "880002", "880003", "880009", "nope")] == [
        "Accepted", "Accepted", "Blocked", "Invalid", "Invalid"]
    assert local_list(db) == [("880001", "Accepted"), ("880002", "Accepted"), ("880003", "Blocked"),
                              ("880009", "Blocked")]

    with db() as s, s.begin():  # 挂失 at the desk
        s.execute(update(Card).where(Card.card_no == 880001).values(state="lost"))
    assert authorize(db, "880001") == "Blocked" and authorize(db, "880002") == "Accepted"
    assert dict(local_list(db))["880001"] == "Blocked"
    with db() as s, s.begin():  # found again (解挂)
        s.execute(update(Card).where(Card.card_no == 880001).values(state="active"))
    assert authorize(db, "880001") == "Accepted"
