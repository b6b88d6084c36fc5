"""Car piles end to end: simulated charge points as real OCPP 1.6J clients over WebSocket on loopback,
the engine's central system, the same sessions/samples/alarms as e-bike ports, and the message log."""

from __future__ import annotations

import json
from pathlib import Path

from ocpp.messages import Call, CallResult, _validate_payload
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine.events import PortUpdate
from db.models import Alarm, ChargeSession, PileEvent, Port, PortSample
from db.models_ocpp import ChargePoint, OcppMessage, OcppTransaction
from tests.e2e.car_site import CARD, CarSite, car, start_car_site
from tests.e2e.site import Site, wait_for


def port(cs: CarSite, code: str, n: int = 1) -> PortUpdate | None:
    pid = cs.site.pile_ids[code]
    return next((u for u in cs.engine.snapshot().ports.values() if u.pile_id == pid and u.number == n), None)


def sessions(site: Site, code: str) -> list[ChargeSession]:
    with Session(site.db) as s:
        return list(s.scalars(select(ChargeSession).join(Port).where(Port.pile_id == site.pile_ids[code])
                              .order_by(ChargeSession.started_at)))


def transactions(site: Site, identity: str) -> list[OcppTransaction]:
    with Session(site.db) as s:
        return list(s.scalars(select(OcppTransaction).join(ChargePoint).where(ChargePoint.identity == identity)
                              .order_by(OcppTransaction.id)))


def logged(site: Site, identity: str) -> list[OcppMessage]:
    with Session(site.db) as s:
        return list(s.scalars(select(OcppMessage).where(OcppMessage.identity == identity).order_by(OcppMessage.id)))


def assert_all_schema_valid(rows: list[OcppMessage]) -> int:
    """Every CALL and CALLRESULT in the log (both directions) against the OCPP 1.6 JSON schemas."""
    checked = 0
    for r in rows:
        msg = json.loads(r.payload)
        if r.message_type == 2:
            _validate_payload(Call(msg[1], msg[2], msg[3]), "1.6")
        elif r.message_type == 3 and r.action:
            res = CallResult(msg[1], msg[2])
            res.action = r.action
            _validate_payload(res, "1.6")
        else:
            continue
        checked += 1
    return checked


def test_a_car_session_becomes_the_same_rows_as_an_e_bike_session(site: Site, tmp_path: Path) -> None:
    cs = start_car_site(site, tmp_path)
    cp = cs.add_cp("T01-C01")
    pid = site.pile_ids["T01-C01"]
    wait_for(lambda: (p := cs.engine.snapshot().piles.get(pid)) and p.online, timeout=10)
    site.on_sim(cp.plug, 1, car(soc=0.3))
    assert site.on_sim(cp.start_transaction, 1, CARD)
    live = wait_for(lambda: (u := port("T01-C01" and cs, "T01-C01")) and u.live.power_w > 7000 and u, timeout=10)
    assert live.live.state.value == "CHARGING" and live.live.current_ca == 3200 and live.live.voltage_dv == 2300
    rows = wait_for(lambda: sessions(site, "T01-C01"))
    tx = transactions(site, "T01-C01")
    assert len(rows) == 1 and rows[0].status == "active" and rows[0].payment == "CARD"
    assert rows[0].pile_session_id == tx[0].id and tx[0].id_tag == CARD and tx[0].auth_status == "Accepted"
    site.clock.skip(900)  # a quarter of an hour at 7.36 kW
    wait_for(lambda: (u := port(cs, "T01-C01")) and u.live.energy_wh >= 1800, timeout=10)
    site.on_sim(cp.unplug, 1)
    ended = wait_for(lambda: [r for r in sessions(site, "T01-C01") if r.status == "ended"], timeout=10)
    tx = transactions(site, "T01-C01")
    assert len(ended) == 1 and ended[0].stop_reason == "EVDisconnected"
    assert ended[0].energy_wh == tx[0].meter_stop - tx[0].meter_start >= 1800
    assert ended[0].max_power_w >= 7000
    with Session(site.db) as s:
        assert s.scalar(select(func.count()).select_from(PortSample).join(Port)
                        .where(Port.pile_id == pid)) >= 2
    msgs = wait_for(lambda: (m := logged(site, "T01-C01")) and any(r.action == "StopTransaction" for r in m) and m)
    actions = {(r.direction, r.action) for r in msgs}
    assert {("in", "BootNotification"), ("out", "BootNotification"), ("in", "StartTransaction"),
            ("in", "MeterValues"), ("in", "StatusNotification"), ("in", "StopTransaction")} <= actions
    assert assert_all_schema_valid(msgs) >= 10
    cs.close()


def test_reconnect_mid_transaction_neither_loses_nor_doubles_it(site: Site, tmp_path: Path) -> None:
    cs = start_car_site(site, tmp_path)
    cp = cs.add_cp("T01-C02")
    pid = site.pile_ids["T01-C02"]
    wait_for(lambda: cp.registration == "Accepted" and cp.connected, timeout=10)
    site.on_sim(cp.plug, 1, car(soc=0.2))
    # The StartTransaction reaches the central system but the link drops before its answer comes back:
    # the charge point sends it again after the reconnect and must get the same transaction.
    cp.drop_after = {"StartTransaction"}
    assert site.on_sim(cp.start_transaction, 1, CARD)
    wait_for(lambda: cp.stats.resent >= 1 and cp.connectors[1].tx_id is not None, timeout=15)
    assert cp.stats.connects >= 2
    tx = transactions(site, "T01-C02")
    assert len(tx) == 1 and tx[0].id == cp.connectors[1].tx_id
    wait_for(lambda: (u := port(cs, "T01-C02")) and u.live.power_w > 0, timeout=10)
    # Now the LAN goes away for a while; the car keeps charging and is unplugged while offline.
    site.on_sim(cp.drop_connection, 2.0)
    wait_for(lambda: not cs.engine.snapshot().piles[pid].online, timeout=10)
    site.clock.skip(600)
    site.on_sim(cp.advance, site.now())
    site.on_sim(cp.unplug, 1)
    assert len(cp.queue) >= 1  # the stop (and meter values) wait for the link
    wait_for(lambda: cs.engine.snapshot().piles[pid].online and not cp.queue, timeout=15)
    tx = wait_for(lambda: (t := transactions(site, "T01-C02")) and t[0].status == "ended" and t, timeout=10)
    rows = wait_for(lambda: (r := sessions(site, "T01-C02")) and r[0].status == "ended" and r, timeout=10)
    assert len(tx) == 1 and len(rows) == 1
    assert rows[0].energy_wh == tx[0].meter_stop - tx[0].meter_start > 1000  # ten minutes at 7 kW, not lost
    assert rows[0].stop_reason == "EVDisconnected"
    with Session(site.db) as s:
        offline = select(Alarm).where(Alarm.pile_id == pid, Alarm.code == "pile.offline")
        assert len(s.scalars(offline).all()) >= 1  # raised while the link was down …
        wait_for(lambda: all(a.cleared_at for a in s.scalars(offline.execution_options(populate_existing=True))))
        kinds = [e.kind for e in s.scalars(select(PileEvent).where(PileEvent.pile_id == pid))]
        assert "tx_resent" in kinds
    # The stop's answer is lost too: sent again, stopped once.
    site.on_sim(cp.plug, 1, car(soc=0.5))
    site.on_sim(cp.start_transaction, 1, CARD)
    wait_for(lambda: len(transactions(site, "T01-C02")) == 2 and not cp.queue, timeout=10)
    cp.drop_after = {"StopTransaction"}
    site.on_sim(cp.unplug, 1)
    wait_for(lambda: not cp.queue and cp.connected and cp.stats.resent >= 2, timeout=15)
    tx = wait_for(lambda: (t := transactions(site, "T01-C02")) and t[1].status == "ended" and t)
    assert len(tx) == 2 and len(wait_for(lambda: [r for r in sessions(site, "T01-C02") if r.status == "ended"]
                                         if len(sessions(site, "T01-C02")) == 2 else None)) == 2
    cs.close()


def test_a_wrong_password_is_refused_before_the_websocket_upgrade(site: Site, tmp_path: Path) -> None:
    cs = start_car_site(site, tmp_path)
    bad = cs.add_cp("T01-C03", password="not-the-key-at-all!!")
    none = cs.add_cp("T01-C01", password=None)
    good = cs.add_cp("T01-C02")
    wait_for(lambda: good.registration == "Accepted" and bad.stats.auth_failures >= 2
             and none.stats.auth_failures >= 1, timeout=15)
    assert bad.stats.last_error == "HTTP 401" and bad.stats.boots == 0 and bad.registration == ""
    assert none.stats.boots == 0
    snap = cs.engine.snapshot()
    assert snap.charge_points["T01-C03"].status == "auth_failed"
    assert not (snap.piles.get(site.pile_ids["T01-C03"]) and snap.piles[site.pile_ids["T01-C03"]].online)
    with Session(site.db) as s:
        wait_for(lambda: s.scalar(select(func.count()).select_from(PileEvent).where(
            PileEvent.pile_id == site.pile_ids["T01-C03"], PileEvent.kind == "ocpp_auth_failed")))
        # nothing of the refused charge points reached the OCPP layer
        assert s.scalar(select(func.count()).select_from(OcppMessage).where(
            OcppMessage.identity.in_(["T01-C03", "T01-C01"]))) == 0
    cs.close()
