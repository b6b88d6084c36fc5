"""The fast sample path writes exactly what the ORM column types would, on both backends."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import Operator, Pile, Port, PortSample, Station
from db.samples import insert_samples


def _port(engine: Engine) -> uuid.UUID:
    with Session(engine) as s, s.begin():
        op = Operator(code="O", name="o")
        st = Station(operator=op, code="S", name="s", charging_limit_w=1000)
        pile = Pile(station=st, code="P", name="p", model="ACX10A", protocol="modbus-tcp", host="h", tcp_port=502)
        port = Port(pile=pile, number=1, vehicle_class="ebike", qr_id="P-01")
        s.add_all([op, st, pile, port])
        s.flush()
        return port.id


def test_samples_read_back_through_the_orm_equal(db_engine: Engine) -> None:
    port_id = _port(db_engine)
    t0 = datetime(2026, 11, 25, 20, 0, 0, 123456, tzinfo=UTC)
    beijing = timezone(timedelta(hours=8))
    rows = [
        (port_id, t0, "CHARGING", 2213, 157, 330, 412),
        (port_id, (t0 + timedelta(seconds=10)).astimezone(beijing), "IDLE", 0, 0, 0, 412),
    ]
    with db_engine.begin() as conn:
        insert_samples(conn, rows)
    with Session(db_engine) as s:
        got = s.scalars(select(PortSample).where(PortSample.ts >= t0).order_by(PortSample.ts)).all()
    assert [(g.port_id, g.ts, g.state, g.voltage_dv, g.current_ca, g.power_w, g.energy_wh) for g in got] == [
        rows[0], (port_id, t0 + timedelta(seconds=10), "IDLE", 0, 0, 0, 412)]
    assert got[1].ts.tzinfo is UTC


def test_naive_timestamps_are_refused(db_engine: Engine) -> None:
    port_id = _port(db_engine)
    with pytest.raises(ValueError, match="naive"), db_engine.begin() as conn:
        insert_samples(conn, [(port_id, datetime(2026, 1, 1), "IDLE", 0, 0, 0, 0)])
