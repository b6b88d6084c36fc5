"""The live path end to end: simulated piles on a real pty bus and real TCP sockets → engine → DB."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine.events import PortUpdate
from comm.pile.messages import PortLive, PortState
from db.models import Alarm, ChargeSession, Pile, Port, PortSample
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, ebike, wait_for


def port_state(site: Site, code: str, n: int) -> PortState | None:
    assert site.engine is not None
    snap = site.engine.snapshot()
    pile = snap.piles.get(site.pile_ids[code])
    if pile is None or not pile.online:
        return None
    upd = next((u for u in snap.ports.values() if u.pile_id == site.pile_ids[code] and u.number == n), None)
    return upd.live.state if upd else None


def port_live(site: Site, code: str, n: int) -> PortLive:
    assert site.engine is not None
    return next(u.live for u in site.engine.snapshot().ports.values()
                if u.pile_id == site.pile_ids[code] and u.number == n)


def sessions(site: Site, code: str) -> list[ChargeSession]:
    with Session(site.db) as s:
        return list(s.scalars(select(ChargeSession).join(Port).where(Port.pile_id == site.pile_ids[code])))


@pytest.mark.parametrize("code", [BUS_PILES[1], TCP_PILES[0]], ids=["rs485-pty", "modbus-tcp"])
def test_coin_shows_as_charging_within_two_poll_cycles_and_unplug_stops_it(site: Site, code: str) -> None:
    engine = site.start_engine()
    wait_for(lambda: port_state(site, code, 4) == PortState.IDLE)
    pile = site.pile(code)
    site.on_sim(pile.plug, 4, ebike(), site.now())
    assert site.on_sim(pile.insert_coins, 4, 2, site.now()) == 2
    t0 = time.monotonic()
    wait_for(lambda: (port_state(site, code, 4) or PortState.IDLE).active, timeout=5)
    elapsed = time.monotonic() - t0
    idle_cycle = engine.settings.tuning.idle_interval_s
    assert elapsed < 2 * idle_cycle + 0.5, f"took {elapsed:.2f} s"
    # …and in the database (the batch writer flushes every 0.2 s here)
    rows = wait_for(lambda: sessions(site, code))
    assert rows[0].status == "active" and rows[0].payment == "COIN"
    wait_for(lambda: port_state(site, code, 4) == PortState.CHARGING, timeout=10)  # load measured, tier chosen
    site.clock.skip(600)  # ten minutes at 300 W
    wait_for(lambda: port_live(site, code, 4).energy_wh >= 45)

    site.on_sim(pile.unplug, 4, site.now())
    site.clock.skip(31)  # the pile needs 30 s without load to call it unplugged
    wait_for(lambda: port_state(site, code, 4) == PortState.IDLE, timeout=5)
    ended = wait_for(lambda: [r for r in sessions(site, code) if r.status == "ended"])
    assert ended[0].stop_reason == "UNPLUGGED" and 45 <= ended[0].energy_wh <= 55
    with site.db.connect() as c:
        assert c.scalar(select(func.count()).select_from(PortSample)) >= 2


@pytest.mark.one_database
def test_silent_pile_goes_offline_while_its_bus_neighbours_keep_their_rate(site: Site) -> None:
    site.start_engine()
    bus = site.runtime.buses["bus-1"].server
    wait_for(lambda: all(port_state(site, c, 1) is not None for c in BUS_PILES))

    def rate(unit: int, seconds: float) -> float:
        before = bus.stats.per_unit[unit]
        time.sleep(seconds)
        return (bus.stats.per_unit[unit] - before) / seconds

    baseline = rate(1, 5.0)
    site.on_sim(site.runtime.set_silent, BUS_PILES[2], True)
    silent_id = site.pile_ids[BUS_PILES[2]]
    t0 = time.monotonic()
    wait_for(lambda: not site.engine.snapshot().piles[silent_id].online, timeout=6)  # type: ignore[union-attr]
    # three tries at ≈0.55 s reply timeout each, at most one poll interval apart
    assert time.monotonic() - t0 < 3 * (0.55 + 0.6) + 0.5
    after = rate(1, 5.0)
    # Without back-off every round would wait out a 0.55 s timeout: about half the rate.
    assert after >= 0.75 * baseline, (baseline, after)
    with site.db.connect() as c:
        wait_for(lambda: c.scalar(select(Pile.online).where(Pile.id == silent_id)) is False)
        alarm = wait_for(lambda: c.execute(select(Alarm).where(Alarm.pile_id == silent_id)).first())
        assert alarm.code == "pile.offline" and alarm.cleared_at is None
    # it comes back: online again and the alarm is cleared
    site.on_sim(site.runtime.set_silent, BUS_PILES[2], False)
    wait_for(lambda: site.engine.snapshot().piles[silent_id].online, timeout=8)  # type: ignore[union-attr]
    with site.db.connect() as c:
        wait_for(lambda: c.scalar(select(Alarm.cleared_at).where(Alarm.pile_id == silent_id)) is not None)


@pytest.mark.one_database
def test_an_ethernet_pile_whose_connection_went_dead_unnoticed_is_reconnected(site: Site) -> None:
    """The connection stays open but nothing comes back (a router or a serial-Ethernet converter lost it and the
    console was not told): the pile goes offline, and the engine connects afresh instead of waiting on a dead
    connection for ever."""
    code = TCP_PILES[0]
    pid = site.pile_ids[code]
    site.start_engine()
    wait_for(lambda: (p := site.engine.snapshot().piles.get(pid)) and p.online)  # type: ignore[union-attr]
    server = site.runtime.tcp[code].server
    site.on_sim(server.stall_connections)
    wait_for(lambda: not site.engine.snapshot().piles[pid].online, timeout=10)  # type: ignore[union-attr]
    wait_for(lambda: site.engine.snapshot().piles[pid].online, timeout=15)  # type: ignore[union-attr]
    with site.db.connect() as c:
        wait_for(lambda: c.scalar(select(Alarm.cleared_at).where(Alarm.pile_id == pid)) is not None)


@pytest.mark.one_database
def test_two_percent_crc_noise_never_yields_a_wrong_value(site: Site) -> None:
    # Freeze the physics so every value the piles serve is known exactly while noise hits the wire.
    for code in BUS_PILES:
        pile = site.pile(code)
        site.on_sim(pile.plug, 2, ebike(250), site.now())
        site.on_sim(pile.insert_coins, 2, 1, site.now())
    site.clock.skip(10)
    site.on_sim(site.runtime.tick)
    site.clock.set_speed(0.0)
    site.on_sim(site.runtime.tick)
    expected = {(site.pile_ids[c], n): site.on_sim(site.pile(c).port, n) for c in BUS_PILES for n in range(1, 11)}
    seen: list[PortUpdate] = []
    engine = site.start_engine()
    engine.subscribe(lambda batch: seen.extend(e for e in batch if isinstance(e, PortUpdate)))
    site.on_sim(site.runtime.set_noise, "bus-1", 0.02)
    bus = site.runtime.buses["bus-1"].server
    start = bus.stats.replies
    wait_for(lambda: bus.stats.replies - start >= 300, timeout=40)  # the bus RNG is seeded: deterministic noise
    assert bus.stats.corrupted >= 3, "the noise was not injected"
    bus_updates = [u for u in seen if (u.pile_id, u.number) in expected]
    assert len(bus_updates) > 100
    wrong = [u for u in bus_updates if u.live != expected[(u.pile_id, u.number)]]
    assert wrong == []
    health = engine.snapshot().lines["T01/bus-1"]
    assert health.connected and health.piles_online == 3 and health.polls_per_s > 1
