"""Model behaviour on both backends: optimistic locking, uniqueness, checks, cascades, relationships."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from db.engine import session_factory, session_scope
from db.enums import Protocol, SessionStatus, VehicleClass
from db.models import ChargeSession, OfflineRecord, Operator, Pile, Port, PortSample, Station
from tests.db import builders

T0 = datetime(2024, 5, 1, 11, 0, tzinfo=UTC)


@pytest.fixture
def factory(db_engine: Engine) -> sessionmaker[Session]:
    return session_factory(db_engine)


def _record(pile: Pile, seq: int, **kw: object) -> OfflineRecord:
    values: dict[str, object] = {
        "pile_id": pile.id, "seq": seq, "session_id": seq + 100, "port_number": 3, "start_time": T0,
        "end_time": T0 + timedelta(hours=2), "minutes_bought": 240, "minutes_used": 120,
        "energy_wh": 412, "amount_fen": 200, "refund_fen": 100, "payment": "CARD",
        "card_no": 3_000_000_001, "stop_reason": "FULL", "peak_power_w": 236, "tier": 1,
    }  # fmt: skip
    return OfflineRecord(**{**values, **kw})


def _count(factory: sessionmaker[Session], model: type[object]) -> int:
    with session_scope(factory) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_synced_columns_are_filled_and_bumped(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        st = builders.station(s, name="Xincun")
    assert st.version == 1
    assert st.created_at.tzinfo is UTC and st.updated_at.tzinfo is UTC
    created, updated = st.created_at, st.updated_at
    time.sleep(0.002)
    with session_scope(factory) as s:
        row = s.get_one(Station, st.id)
        row.name = "Xincun North"
    with session_scope(factory) as s:
        row = s.get_one(Station, st.id)
        assert (row.name, row.version) == ("Xincun North", 2)
        assert row.created_at == created
        assert row.updated_at > updated


def test_core_insert_gets_synced_defaults(factory: sessionmaker[Session]) -> None:
    """Bulk writers insert with Core: id, timestamps and version still get filled in."""
    with session_scope(factory) as s:
        s.execute(insert(Operator), [{"code": "C1", "name": "one"}, {"code": "C2", "name": "two"}])
    with session_scope(factory) as s:
        rows = s.scalars(select(Operator).order_by(Operator.code)).all()
        assert [(r.code, r.version) for r in rows] == [("C1", 1), ("C2", 1)]
        assert rows[0].id != rows[1].id
        assert rows[0].created_at.tzinfo is UTC
        rows[0].name = "renamed"  # and the ORM's optimistic lock carries on from there
    with session_scope(factory) as s:
        assert s.scalar(select(Operator.version).where(Operator.code == "C1")) == 2


def test_stale_update_raises_and_first_change_is_kept(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        st = builders.station(s, name="Original", charging_limit_w=80_000)
    first, second = factory(), factory()
    try:
        a = first.get_one(Station, st.id)
        b = second.get_one(Station, st.id)
        assert a.version == b.version == 1
        a.charging_limit_w = 60_000
        b.name = "Edited elsewhere"
        first.commit()
        with pytest.raises(StaleDataError):
            second.commit()
        second.rollback()
    finally:
        first.close()
        second.close()
    with session_scope(factory) as s:
        row = s.get_one(Station, st.id)
        assert (row.name, row.charging_limit_w, row.version) == ("Original", 60_000, 2)


def test_offline_record_is_stored_once_per_pile_and_seq(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        st = builders.station(s)
        line = builders.bus(s, st)
        p1 = builders.rtu_pile(s, st, line, unit_id=1)
        p2 = builders.rtu_pile(s, st, line, unit_id=2)
    with session_scope(factory) as s:
        s.add(_record(p1, 17))
    # The console re-reads record 17 after a crash: the duplicate is refused, the first one stays.
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.add(_record(p1, 17, amount_fen=999))
    with session_scope(factory) as s:
        s.add(_record(p2, 17))  # the same seq on another pile is a different record
    with session_scope(factory) as s:
        rows = s.execute(select(OfflineRecord.pile_id, OfflineRecord.seq, OfflineRecord.amount_fen)).all()
        assert sorted((r.pile_id == p1.id, r.seq, r.amount_fen) for r in rows) == [
            (False, 17, 200),
            (True, 17, 200),
        ]
        rec = s.scalars(select(OfflineRecord).where(OfflineRecord.pile_id == p1.id)).one()
        assert rec.card_no == 3_000_000_001  # BigInteger: beyond int32
        assert rec.received_at.tzinfo is UTC


def test_pile_address_checks(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        st = builders.station(s)
    base = {"station_id": st.id, "name": "p", "model": "ACX10A"}
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.add(Pile(code="RTU-NO-BUS", protocol=Protocol.MODBUS_RTU, unit_id=3, **base))
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.add(Pile(code="TCP-NO-PORT", protocol=Protocol.MODBUS_TCP, host="10.0.0.7", **base))
    with session_scope(factory) as s:
        s.add(Pile(code="TCP-OK", protocol=Protocol.MODBUS_TCP, host="10.0.0.7", tcp_port=502, **base))
        s.add(Pile(code="CAR-1", protocol=Protocol.OCPP16, **base))
    with session_scope(factory) as s:
        piles = {p.code: p for p in s.scalars(select(Pile))}
        assert set(piles) == {"TCP-OK", "CAR-1"}
        assert piles["CAR-1"].enabled is True and piles["CAR-1"].online is False
        assert piles["CAR-1"].protocol == "ocpp16"


def test_unit_id_is_unique_per_bus(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        st = builders.station(s)
        line_a, line_b = builders.bus(s, st), builders.bus(s, st)
        builders.rtu_pile(s, st, line_a, unit_id=5)
        builders.rtu_pile(s, st, line_b, unit_id=5)  # same unit id on another line is fine
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        builders.rtu_pile(s, s.get_one(Station, st.id), s.merge(line_a), unit_id=5)


def test_ports_unique_ordered_and_cascade_with_their_pile(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        st = builders.station(s)
        pile = builders.rtu_pile(s, st, builders.bus(s, st), unit_id=1)
        for n in (3, 1, 2):
            pile.ports.append(Port(number=n, vehicle_class=VehicleClass.EBIKE, qr_id=f"Q{n}"))
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.add(Port(pile_id=pile.id, number=2, vehicle_class=VehicleClass.TRIKE, qr_id="Q-dup-number"))
    with session_scope(factory) as s:
        loaded = s.get_one(Pile, pile.id)
        assert [p.number for p in loaded.ports] == [1, 2, 3]
        assert loaded.station.piles == [loaded]
        assert loaded.bus is not None and loaded.bus.piles == [loaded]
        port_id = loaded.ports[0].id
        s.execute(
            insert(PortSample),
            [
                {"port_id": port_id, "ts": T0 + timedelta(seconds=i), "state": "CHARGING",
                 "voltage_dv": 2201, "current_ca": 105, "power_w": 231, "energy_wh": i}
                for i in range(3)
            ],
        )  # fmt: skip
    with session_scope(factory) as s:
        ids = s.scalars(select(PortSample.id).order_by(PortSample.ts)).all()
        assert len(ids) == 3 and ids == sorted(ids) and len(set(ids)) == 3
        # Deleted in SQL, not through the ORM: the database's ON DELETE CASCADE does the work.
        s.execute(delete(Pile).where(Pile.id == pile.id))
    assert _count(factory, Port) == 0
    assert _count(factory, PortSample) == 0


def test_charge_session_unique_per_port_and_pile_session(factory: sessionmaker[Session]) -> None:
    with session_scope(factory) as s:
        st = builders.station(s)
        pile = builders.rtu_pile(s, st, builders.bus(s, st), unit_id=1, ports=2)
    port1, port2 = pile.ports
    big = 2**40  # the pile's session id may exceed int32

    def session_row(port: Port) -> ChargeSession:
        return ChargeSession(port_id=port.id, pile_session_id=big, started_at=T0, payment="COIN")

    with session_scope(factory) as s:
        s.add_all([session_row(port1), session_row(port2)])
    with pytest.raises(IntegrityError), session_scope(factory) as s:
        s.add(session_row(port1))
    with session_scope(factory) as s:
        rows = s.scalars(select(ChargeSession)).all()
        assert [(r.pile_session_id, r.status, r.energy_wh) for r in rows] == [(big, SessionStatus.ACTIVE, 0)] * 2
