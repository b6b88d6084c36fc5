"""UTCDateTime: UTC in storage, aware UTC out, naive refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError

from db.engine import session_factory, session_scope
from db.models import Pile, PileEvent
from db.types import UTCDateTime, utcnow
from tests.db import builders

CST = timezone(timedelta(hours=8), "CST")  # Asia/Shanghai has no DST: a fixed offset is exact


def _pile(engine: Engine) -> Pile:
    with session_scope(session_factory(engine)) as s:
        st_ = builders.station(s)
        return builders.rtu_pile(s, st_, builders.bus(s, st_), unit_id=1)


def _event_ts(engine: Engine, ts: datetime) -> datetime:
    pile = _pile(engine)
    with session_scope(session_factory(engine)) as s:
        event = PileEvent(pile_id=pile.id, ts=ts, kind="online")
        s.add(event)
    with session_scope(session_factory(engine)) as s:
        return s.scalars(select(PileEvent.ts).where(PileEvent.id == event.id)).one()


def test_aware_utc_round_trips(db_engine: Engine) -> None:
    ts = datetime(2024, 3, 1, 4, 5, 6, 7, tzinfo=UTC)
    back = _event_ts(db_engine, ts)
    assert back == ts
    assert back.tzinfo is UTC
    assert (back.hour, back.microsecond) == (4, 7)


def test_other_zone_comes_back_as_the_same_instant_in_utc(db_engine: Engine) -> None:
    back = _event_ts(db_engine, datetime(2024, 3, 1, 12, 5, 6, 7, tzinfo=CST))
    assert back.tzinfo is UTC
    assert back.replace(tzinfo=None) == datetime(2024, 3, 1, 4, 5, 6, 7)


def test_storage_is_utc(db_engine: Engine) -> None:
    _event_ts(db_engine, datetime(2024, 3, 1, 12, 5, 6, tzinfo=CST))
    with db_engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            raw = conn.execute(text("SELECT ts FROM pile_event")).scalar()
            assert raw == "2024-03-01 04:05:06.000000"
        else:
            raw = conn.execute(text("SELECT ts AT TIME ZONE 'UTC' FROM pile_event")).scalar()
            assert raw == datetime(2024, 3, 1, 4, 5, 6)


def test_comparisons_bind_in_utc(db_engine: Engine) -> None:
    """A filter value in another zone is converted too (SQLite compares the text, so it must be UTC)."""
    _event_ts(db_engine, datetime(2024, 3, 1, 4, 0, tzinfo=UTC))
    with session_scope(session_factory(db_engine)) as s:
        at = datetime(2024, 3, 1, 11, 59, tzinfo=CST)  # 03:59 UTC: the event is after it
        assert s.scalar(select(PileEvent.kind).where(PileEvent.ts > at)) == "online"
        at = datetime(2024, 3, 1, 12, 1, tzinfo=CST)  # 04:01 UTC: before it
        assert s.scalar(select(PileEvent.kind).where(PileEvent.ts > at)) is None


def test_naive_datetime_is_refused(db_engine: Engine) -> None:
    pile = _pile(db_engine)
    with pytest.raises(StatementError) as info, session_scope(session_factory(db_engine)) as s:
        s.add(PileEvent(pile_id=pile.id, ts=datetime(2024, 3, 1, 12, 0), kind="online"))
    assert isinstance(info.value.orig, ValueError)
    assert "naive" in str(info.value.orig)
    with session_scope(session_factory(db_engine)) as s:
        assert s.scalars(select(PileEvent)).all() == []


def test_bind_rejects_naive_and_non_datetimes() -> None:
    t = UTCDateTime()
    with pytest.raises(ValueError, match="naive"):
        t.process_bind_param(datetime(2024, 1, 1), sqlite.dialect())
    with pytest.raises(TypeError):
        t.process_bind_param("2024-01-01T00:00:00Z", postgresql.dialect())
    assert t.process_bind_param(None, sqlite.dialect()) is None


def test_utcnow_is_aware_utc() -> None:
    now = utcnow()
    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


@given(
    st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.sampled_from([UTC, CST]))
)
def test_bind_then_result_is_the_same_instant(value: datetime) -> None:
    t = UTCDateTime()
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        stored = t.process_bind_param(value, dialect)
        assert stored is not None
        assert stored.utcoffset() in (None, timedelta(0))
        back = t.process_result_value(stored, dialect)
        assert back == value
        assert back is not None and back.tzinfo is UTC
