"""Remote commands through the engine: done only when the pile's read-back confirms it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.commands import ReadConfig, StartPort, StopPort, SyncClock, WriteConfig
from comm.pile.messages import ModeFlags, PileConfig, PortState
from db.models import PileCommand
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, ebike, wait_for


def online(site: Site, code: str) -> bool:
    assert site.engine is not None
    pile = site.engine.snapshot().piles.get(site.pile_ids[code])
    return bool(pile and pile.online)


def test_remote_start_and_stop_are_confirmed_and_logged(site: Site) -> None:
    engine = site.start_engine()
    code = BUS_PILES[0]
    wait_for(lambda: online(site, code))
    pile = site.pile(code)
    site.on_sim(pile.plug, 6, ebike(), site.now())
    out = engine.submit(StartPort(site.pile_ids[code], 6, minutes=90, issued_by="tester")).result(10)
    assert out.ok, out.detail
    assert out.extra["session_id"] == site.on_sim(pile.port, 6).session_id > 0
    assert site.on_sim(pile.port, 6).state.active
    # the port is busy now: a second start is refused by the pile, and said so in plain words
    again = engine.submit(StartPort(site.pile_ids[code], 6, minutes=30)).result(10)
    assert not again.ok and "PORT_BUSY" in again.detail
    out = engine.submit(StopPort(site.pile_ids[code], 6)).result(10)
    assert out.ok and site.on_sim(pile.port, 6).state is PortState.IDLE
    assert not engine.submit(StopPort(site.pile_ids[code], 6)).result(10).ok  # NOT_RUNNING
    with Session(site.db) as s:
        rows = wait_for(lambda: s.scalars(select(PileCommand).order_by(PileCommand.issued_at)).all()
                        if len(s.scalars(select(PileCommand)).all()) >= 4 else None)
        assert [(r.code, r.outcome) for r in rows] == [
            ("StartPort", "ok"), ("StartPort", "failed"), ("StopPort", "ok"), ("StopPort", "failed")]
        assert rows[0].issued_by == "tester" and rows[0].port_number == 6


def test_configuration_is_written_and_read_back(site: Site) -> None:
    engine = site.start_engine()
    code = TCP_PILES[1]
    wait_for(lambda: online(site, code))
    cfg = replace(PileConfig(), coin_fee_fen=50, max_port_power_w=1200,
                  mode=ModeFlags(night_cutoff=True), night_start_min=23 * 60, night_end_min=5 * 60)
    out = engine.submit(WriteConfig(site.pile_ids[code], cfg)).result(10)
    assert out.ok and out.extra["revision"] == 1, out.detail
    assert site.on_sim(lambda: site.pile(code).config) == cfg
    read = engine.submit(ReadConfig(site.pile_ids[code])).result(10)
    assert read.ok and read.config == cfg
    bad = engine.submit(WriteConfig(site.pile_ids[code], replace(cfg, max_port_power_w=9000))).result(10)
    assert not bad.ok and "max_port_power_w" in bad.detail  # refused before anything was sent
    assert site.on_sim(lambda: site.pile(code).config) == cfg


def test_a_command_to_a_silent_pile_fails_with_a_clear_message(site: Site) -> None:
    engine = site.start_engine()
    code = BUS_PILES[2]
    wait_for(lambda: online(site, code))
    site.on_sim(site.runtime.set_silent, code, True)
    out = engine.submit(SyncClock(site.pile_ids[code])).result(15)
    assert not out.ok and "no valid reply" in out.detail
    other = engine.submit(SyncClock(site.pile_ids[BUS_PILES[0]])).result(15)  # its neighbours still obey
    assert other.ok, other.detail
