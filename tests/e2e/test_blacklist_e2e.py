"""Card blacklist end to end: a card reported lost at the desk service is pushed by the real engine over a
real RS-485 pseudo-terminal and a TCP link to simulated piles, which then refuse it at a swipe; a pile that
was offline during the loss report gets the list when it comes back; undoing the loss report takes the card
off again; a pile that refuses a push is retried until it takes it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from app.engine.blacklist import BlacklistTuning
from app.services import card_blacklist, cards
from comm.sim.mifare_cards import MifareCardBook
from comm.sim.pile_model import SwipeResult
from db.engine import session_factory
from db.models import PileCommand, PileEvent
from db.models_audit import AuditRecord
from tests.app.services.card_bench import CardDesk
from tests.e2e.card_world import World, card_world
from tests.e2e.site import FAST, Site, ebike, wait_for

BUS = ("T01-P01", "T01-P02")
TCP = "T01-P11"
SETTINGS = replace(FAST, blacklist=BlacklistTuning(check_s=0.3, retry_s=1.0, retry_max_s=2.0))

@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with card_world(tmp_path, BUS, TCP, seed=11) as w:
        yield w


def online(site: Site, code: str) -> bool:
    assert site.engine is not None
    pile = site.engine.snapshot().piles.get(site.pile_ids[code])
    return bool(pile and pile.online)


def version(site: Site, code: str) -> int:
    return int(site.on_sim(lambda: site.pile(code).blacklist_version))


def swipe(site: Site, code: str, port: int, card_no: int) -> SwipeResult:
    return site.on_sim(site.pile(code).swipe_card, port, card_no, site.now())  # type: ignore[no-any-return]


def card(desk: CardDesk, book: MifareCardBook, balance: int = 2000) -> int:
    """A card issued at the desk and taken out into the community."""
    _, no = desk.issued(balance)
    book.insert(desk.images[no])
    return no


def pushes(site: Site, code: str) -> list[str]:
    with session_factory(site.db)() as s:
        return list(s.scalars(select(PileCommand.outcome).where(PileCommand.pile_id == site.pile_ids[code],
                                                                PileCommand.code == "PushBlacklist")))


def explain(site: Site, code: str) -> str:
    """What the engine and the pile knew, for a failure message (a CI run that fails must say why)."""
    assert site.engine is not None
    pid = site.pile_ids[code]
    bl = site.engine.blacklist
    now = time.monotonic()
    sim = site.pile(code)
    lines = [f"{code}: online {online(site, code)}; engine: reported {bl.reported.get(pid)}, recorded "
             f"{bl.recorded.get(pid)}, in flight {pid in bl.inflight}, retry in "
             f"{(bl.retry_at.get(pid, now) - now):.1f} s; desired {bl.desired.version}",
             f"sim pile: powered {sim.powered}, version {sim.blacklist_version}"]
    with session_factory(site.db)() as s:
        evs = s.scalars(select(PileEvent).where(PileEvent.pile_id == pid).order_by(PileEvent.ts.desc()).limit(10))
        lines += [f"  {e.ts:%H:%M:%S.%f} {e.kind}: {e.detail}" for e in evs]
    return "\n".join(lines)


def test_a_lost_card_is_refused_at_every_pile_even_one_that_was_offline(world: World) -> None:
    site, desk, book = world
    clerk = desk.clerk
    lost, kept = card(desk, book), card(desk, book)
    site.start_engine(SETTINGS)
    wait_for(lambda: all(online(site, c) for c in (*BUS, TCP)), timeout=15)
    site.on_sim(site.runtime.power_cut, TCP)  # the Ethernet pile loses power …
    wait_for(lambda: not online(site, TCP), timeout=15)

    cards.report_loss(clerk, desk.desk.db, card_no=lost, reason="丢了")  # … while the card is reported lost
    wait_for(lambda: all(version(site, c) == 1 for c in BUS), timeout=15)
    for code in BUS:
        assert swipe(site, code, 3, lost) is SwipeResult.BLACKLISTED
    assert book.balance(lost) == 2000  # nothing was taken off the card
    site.on_sim(site.pile(BUS[0]).plug, 4, ebike(), site.now())
    assert swipe(site, BUS[0], 4, kept) is SwipeResult.STARTED  # every other card still works
    st = wait_for(lambda: (s := card_blacklist.push_status(clerk, desk.desk.db)).count("current") == 2 and s)
    assert {p.code: p.state for p in st.piles} == {BUS[0]: "current", BUS[1]: "current", TCP: "offline"}
    assert st.summary[1] == "blacklist version 1 is on 2 of 3 piles; 1 offline will get it when they return"

    site.on_sim(site.runtime.power_restore, TCP)  # back: its first poll shows version 0, the engine pushes
    try:
        wait_for(lambda: version(site, TCP) == 1, timeout=30)  # (its next retry as an offline pile: ≤ 8 s here)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n{explain(site, TCP)}") from None
    assert swipe(site, TCP, 1, lost) is SwipeResult.BLACKLISTED
    st = wait_for(lambda: (s := card_blacklist.push_status(clerk, desk.desk.db)).count("current") == 3 and s)
    assert all(p.entries == 1 and p.pushed_at is not None for p in st.piles)

    site.on_sim(site.runtime.power_cut, BUS[1])  # the list lives in the pile's flash: a power cut keeps it
    site.on_sim(site.runtime.power_restore, BUS[1])
    assert version(site, BUS[1]) == 1 and swipe(site, BUS[1], 5, lost) is SwipeResult.BLACKLISTED
    assert pushes(site, BUS[1]) == ["ok"]  # and it is not pushed again

    cards.cancel_loss(clerk, desk.desk.db, card_no=lost, reason="在家里找到了")  # 解挂: off the list again
    wait_for(lambda: all(version(site, c) == 2 for c in (*BUS, TCP)), timeout=15)
    site.on_sim(site.pile(TCP).plug, 2, ebike(), site.now())
    assert swipe(site, TCP, 2, lost) is SwipeResult.STARTED
    assert book.balance(lost) == 1900
    wait_for(lambda: pushes(site, BUS[0]) == ["ok", "ok"] and pushes(site, TCP) == ["ok", "ok"])  # logged


def test_a_pile_that_refuses_the_list_is_retried_until_it_takes_it(world: World) -> None:
    site, desk, book = world
    lost = card(desk, book)
    site.start_engine(SETTINGS)
    wait_for(lambda: all(online(site, c) for c in (*BUS, TCP)), timeout=15)
    stubborn = site.pile(BUS[1])
    site.on_sim(setattr, stubborn, "blacklist_capacity", 0)  # its table is full of something else, say
    cards.report_loss(desk.clerk, desk.desk.db, card_no=lost)
    st = wait_for(lambda: (s := card_blacklist.push_status(desk.clerk, desk.desk.db)).count("failed") == 1 and s,
                  timeout=15)  # fmt: skip
    bad = next(p for p in st.piles if p.code == BUS[1])
    assert bad.version == 0 and bad.error is not None and "TOO_MANY" in bad.error
    assert version(site, BUS[0]) == 1 and swipe(site, BUS[1], 1, lost) is not SwipeResult.BLACKLISTED
    site.on_sim(setattr, stubborn, "blacklist_capacity", 400)  # fixed: the clerk does not wait for the retry
    assert site.engine is not None
    out = card_blacklist.push_now(desk.clerk, desk.desk.db, site.engine, site.pile_ids[BUS[1]]).result(15)
    assert out.ok, out.detail
    assert version(site, BUS[1]) == 1
    assert swipe(site, BUS[1], 1, lost) is SwipeResult.BLACKLISTED
    st = wait_for(lambda: (s := card_blacklist.push_status(desk.clerk, desk.desk.db)).count("current") == 3 and s)
    assert all(p.error is None for p in st.piles)
    wait_for(lambda: (log := pushes(site, BUS[1])) and log[0] == "failed" and log[-1] == "ok")
    with session_factory(site.db)() as s:  # the desk's push is audited with who asked and what the pile confirmed
        rec = s.scalars(select(AuditRecord).where(AuditRecord.action == "pile.blacklist_pushed")).one()
        after = json.loads(rec.after_json or "{}")
        assert rec.actor_login == desk.clerk.login and (after["outcome"], after["version"]) == ("ok", 1)
