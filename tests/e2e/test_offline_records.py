"""Offline transaction records reach the database exactly once — across engine restarts,
a crash between commit and acknowledgement, and a pile power cut."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine.writer import BatchWriter
from db.engine import session_factory
from db.models import ChargeSession, OfflineRecord, Port
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, ebike, wait_for


def finish_sessions(site: Site, code: str, ports: range) -> None:
    """Charge a vehicle on each port, then let it be unplugged: one record per port."""
    pile = site.pile(code)
    for n in ports:
        site.on_sim(pile.plug, n, ebike(200), site.now())
        assert site.on_sim(pile.insert_coins, n, 1, site.now()) == 1
    site.clock.skip(120)
    site.on_sim(site.runtime.tick)
    for n in ports:
        site.on_sim(pile.unplug, n, site.now())
    site.clock.skip(40)
    site.on_sim(site.runtime.tick)


def stored(site: Site, code: str) -> list[int]:
    with Session(site.db) as s:
        return sorted(s.scalars(select(OfflineRecord.seq).where(OfflineRecord.pile_id == site.pile_ids[code])))


def stored_sessions(site: Site, code: str) -> list[int]:
    """Session ids of the stored records, in record order."""
    with Session(site.db) as s:
        return list(s.scalars(select(OfflineRecord.session_id).where(
            OfflineRecord.pile_id == site.pile_ids[code]).order_by(OfflineRecord.seq)))


def total(site: Site) -> int:
    with Session(site.db) as s:
        return s.scalar(select(func.count()).select_from(OfflineRecord)) or 0


def test_records_made_while_the_console_was_off_arrive_once_after_restarts(site: Site) -> None:
    code = BUS_PILES[0]
    site.start_engine()
    finish_sessions(site, code, range(1, 4))
    wait_for(lambda: stored(site, code) == [1, 2, 3])
    site.stop_engine()
    finish_sessions(site, code, range(4, 10))  # six sessions end while nobody listens (beyond one window)
    header = site.on_sim(site.pile(code).records_header)
    assert (header.newest, header.acked) == (9, 3)
    site.start_engine()
    wait_for(lambda: stored(site, code) == list(range(1, 10)))
    wait_for(lambda: site.on_sim(site.pile(code).records_header).acked == 9)
    site.stop_engine()
    site.start_engine()  # a plain restart reads nothing again
    wait_for(lambda: site.engine is not None and site.engine.snapshot().piles.get(site.pile_ids[code]))
    assert stored(site, code) == list(range(1, 10))
    record = next(r for r in site.on_sim(site.pile(code).ring.records) if r.seq == 5)
    with Session(site.db) as s:
        row = s.scalar(select(OfflineRecord).where(
            OfflineRecord.pile_id == site.pile_ids[code], OfflineRecord.seq == 5))
        assert row is not None
        assert (row.port_number, row.amount_fen, row.energy_wh, row.payment, row.stop_reason) == (
            record.port, record.amount_fen, record.energy_wh, "COIN", "UNPLUGGED")


def test_a_crash_between_commit_and_acknowledgement_does_not_store_twice(site: Site) -> None:
    code = TCP_PILES[0]
    finish_sessions(site, code, range(1, 4))
    # The console committed records 1 and 2 and died before telling the pile: the pile still offers them.
    window = site.on_sim(site.pile(code).record_window)
    BatchWriter(session_factory(site.db)).store_records(site.pile_ids[code], window[:2])
    assert site.on_sim(site.pile(code).records_header).acked == 0
    engine = site.start_engine()
    wait_for(lambda: site.on_sim(site.pile(code).records_header).acked == 3)
    assert stored(site, code) == [1, 2, 3]
    assert engine.writer is not None


def mask(site: Site, code: str) -> int | None:
    assert site.engine is not None
    pile = site.engine.snapshot().piles.get(site.pile_ids[code])
    return pile.status.charging_mask if pile is not None and pile.online and pile.status else None


def test_records_and_running_sessions_survive_a_pile_power_cut(site: Site) -> None:
    code = BUS_PILES[1]
    pile = site.pile(code)
    site.start_engine()
    for n in (1, 2):
        site.on_sim(pile.plug, n, ebike(250), site.now())
        site.on_sim(pile.insert_coins, n, 1, site.now())
    site.clock.skip(60)
    site.on_sim(site.runtime.tick)
    wait_for(lambda: mask(site, code) == 0b11)
    site.stop_engine()
    finish_sessions(site, code, range(3, 5))  # sessions 3 and 4 end: two records wait, unacknowledged
    site.on_sim(site.runtime.power_cut, code)
    site.clock.skip(300)
    site.on_sim(site.runtime.power_restore, code)
    site.on_sim(site.runtime.tick)
    site.start_engine()
    wait_for(lambda: stored(site, code) == [1, 2])
    assert stored_sessions(site, code) == [3, 4]
    wait_for(lambda: mask(site, code) == 0b11)  # power-failure memory: ports 1 and 2 charge on

    def live_sessions() -> list[tuple[int, str]]:
        with Session(site.db) as s:
            rows = s.scalars(select(ChargeSession).join(Port).where(Port.pile_id == site.pile_ids[code])).all()
            return sorted((r.pile_session_id, r.status) for r in rows)

    wait_for(lambda: live_sessions() == [(1, "active"), (2, "active")])
    for n in (1, 2):
        site.on_sim(pile.unplug, n, site.now())
    site.clock.skip(40)
    site.on_sim(site.runtime.tick)
    wait_for(lambda: stored(site, code) == [1, 2, 3, 4])
    assert stored_sessions(site, code) == [3, 4, 1, 2]
    header = site.on_sim(pile.records_header)
    assert header.acked == header.newest == 4 and total(site) == 4
    wait_for(lambda: live_sessions() == [(1, "ended"), (2, "ended")])  # the same rows, closed; none doubled
