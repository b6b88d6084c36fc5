"""Console → car pile: every OCPP command through remote.submit (role check + audit) to a simulated
charge point over a real WebSocket; approval of unknown charge points; TLS; malformed messages."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from app.domain.charge_point_auth import basic_auth_header
from app.domain.errors import PermissionDenied
from app.engine import ocpp_commands as oc
from app.engine.commands import StartPort, StopPort
from app.secrets import MemorySecretStore
from app.services import audit, charge_points, remote
from app.services.audit import AuditFilter
from db.models import Station
from db.models_ocpp import ChargePoint, OcppReservation
from tests.e2e.car_site import CARD, KEYS, car, start_car_site
from tests.e2e.site import Site, wait_for
from tests.e2e.test_remote_services import actors
from tests.support.tls import client_context, self_signed


def test_every_console_command_reaches_the_charge_point_and_is_audited(site: Site, tmp_path: Path) -> None:
    cs = start_car_site(site, tmp_path)
    db, base, watch, _clerk = actors(site)
    cp = cs.add_cp("T01-C01")
    pid = site.pile_ids["T01-C01"]
    engine = cs.engine
    wait_for(lambda: cp.registration == "Accepted" and cp.connected, timeout=10)

    def run(actor, cmd):  # type: ignore[no-untyped-def]
        return remote.submit(actor, db, engine, cmd).result(15)

    with pytest.raises(PermissionDenied):
        remote.submit(watch, db, engine, oc.SetChargingProfile(pid, 10))
    assert run(watch, oc.GetLocalListVersion(pid)).extra["list_version"] == 0
    site.on_sim(cp.plug, 1, car(soc=0.4))
    start = run(base, oc.RemoteStart(pid, 1, id_tag=CARD, limit_a=16))
    assert start.ok, start.detail
    wait_for(lambda: cp.connectors[1].tx_id is not None and 15.9 < cp.connectors[1].current_a <= 16.0, timeout=10)
    # a station-wide cap below the transaction's own limit wins; clearing it gives the 16 A back
    assert run(base, oc.SetChargingProfile(pid, 10, connector=0, profile_id=7)).ok
    wait_for(lambda: cp.connectors[1].current_a == 10.0, timeout=5)
    sched = run(watch, oc.GetCompositeSchedule(pid, connector=1, duration_s=600))
    assert sched.ok and float(sched.data["charging_schedule"]["charging_schedule_period"][0]["limit"]) == 10.0
    assert not run(base, oc.SetChargingProfile(pid, 5, connector=0)).ok  # below 6 A: refused, not sent
    assert run(base, oc.ClearChargingProfile(pid, profile_id=7)).ok
    wait_for(lambda: cp.connectors[1].current_a == 16.0, timeout=5)
    assert run(base, oc.SetChargingProfile(pid, 12, connector=1, purpose="TxProfile", profile_id=3)).ok
    wait_for(lambda: cp.connectors[1].current_a == 12.0, timeout=5)
    tx = cp.connectors[1].tx_id
    stop = run(base, oc.RemoteStop(pid, 1))
    assert stop.ok and stop.data["transaction_id"] == tx
    wait_for(lambda: not cp.queue and not cp.connectors[1].in_tx, timeout=10)
    assert not run(base, oc.RemoteStop(pid, 1)).ok  # nothing running now: refused before sending
    # the generic e-bike controls work on a car pile too (start → RemoteStart, stop → RemoteStop)
    assert run(base, StartPort(pid, 1)).ok
    wait_for(lambda: cp.connectors[1].tx_id is not None, timeout=10)
    assert run(base, StopPort(pid, 1)).ok
    # configuration
    assert run(base, oc.ChangeConfiguration(pid, "MeterValueSampleInterval", "5")).ok
    unknown = run(base, oc.ChangeConfiguration(pid, "NoSuchKey", "1"))
    assert not unknown.ok and "NotSupported" in unknown.detail
    got = run(watch, oc.GetConfiguration(pid, ("MeterValueSampleInterval", "Nope")))
    assert got.data["configuration_key"][0]["value"] == "5" and got.data["unknown_key"] == ["Nope"]
    # local list, reservation, availability, unlock, trigger
    sent = run(base, oc.SendLocalList(pid))
    assert sent.ok and cp.local_list == {CARD: "Accepted", "80000002": "Blocked"} and cp.local_list_version == 1
    assert run(watch, oc.GetLocalListVersion(pid)).extra["list_version"] == 1
    site.on_sim(cp.unplug, 1)
    wait_for(lambda: cp.connectors[1].status == "Available", timeout=5)
    res = run(base, oc.ReserveNow(pid, 1, CARD, minutes=10))
    assert res.ok and cp.connectors[1].reservation == res.extra["reservation_id"]
    with Session(site.db) as s:
        assert s.get(OcppReservation, res.extra["reservation_id"]).status == "Accepted"  # type: ignore[union-attr]
    assert run(base, oc.CancelReservation(pid, res.extra["reservation_id"])).ok
    assert run(base, oc.ChangeAvailability(pid, 0, operative=False)).ok
    wait_for(lambda: (u := [p for p in engine.snapshot().ports.values() if p.pile_id == pid])
             and u[0].live.state.value == "DISABLED", timeout=5)
    assert run(base, oc.ChangeAvailability(pid, 0, operative=True)).ok
    assert run(base, oc.UnlockConnector(pid, 1)).ok
    assert run(base, oc.TriggerMessage(pid, "StatusNotification", 1)).ok
    # firmware and diagnostics through the engine's file endpoint
    (tmp_path / "files" / "firmware").mkdir(parents=True, exist_ok=True)
    (tmp_path / "files" / "firmware" / "ac7-2.1.0.bin").write_bytes(b"\x7fFW" * 1000)
    boots = cp.stats.boots
    assert run(base, oc.UpdateFirmware(pid, "ac7-2.1.0.bin")).ok
    wait_for(lambda: cp.firmware == "ac7-2.1.0" and cp.stats.boots > boots and cp.connected, timeout=15)
    diag = run(base, oc.GetDiagnostics(pid))
    assert diag.ok and diag.data["file_name"]
    upload = tmp_path / "files" / "diagnostics" / "T01-C01" / diag.data["file_name"]
    wait_for(upload.exists, timeout=10)
    assert b"HeartbeatInterval" in upload.read_bytes()
    boots = cp.stats.boots
    assert run(base, oc.ResetChargePoint(pid)).ok
    wait_for(lambda: cp.stats.boots > boots and cp.connected, timeout=15)
    records = audit.query_audit(base, db, AuditFilter(action="charge_point."))
    done = {r.action for r in records}
    assert {"charge_point.remote_start", "charge_point.set_charging_profile", "charge_point.update_firmware",
            "charge_point.send_local_list", "charge_point.reserve_now", "charge_point.reset_charge_point"} <= done
    cs.close()


def test_an_unknown_charge_point_is_held_until_staff_approve_it(site: Site, tmp_path: Path) -> None:
    cs = start_car_site(site, tmp_path)
    db, base, _watch, _clerk = actors(site)
    newbie = cs.add_cp("NEW-007", password=None)
    wait_for(lambda: newbie.registration == "Pending", timeout=10)
    assert cs.engine.snapshot().charge_points["NEW-007"].status == "pending"
    with Session(site.db) as s:
        row = s.scalars(select(ChargePoint).where(ChargePoint.identity == "NEW-007")).one()
        assert row.status == "pending" and row.pile_id is None and row.vendor == "ChargeDesk-Sim"
        station_id = s.scalar(select(Station.id))
    secrets = MemorySecretStore()
    info, key = charge_points.approve_charge_point(base, db, secrets, "NEW-007", station_id=station_id,  # type: ignore[arg-type]
                                                   code="T01-C07", name="car 7")
    assert info.status == "accepted" and secrets.get("ocpp:NEW-007") == key
    newbie.password = key  # the installer types the key into the wallbox
    wait_for(lambda: newbie.registration == "Accepted" and newbie.connected, timeout=15)
    pid = info.pile_id
    wait_for(lambda: (p := cs.engine.snapshot().piles.get(pid)) and p.online, timeout=10)  # type: ignore[arg-type]
    cs.close()


def test_unknown_charge_points_can_be_refused_outright(site: Site, tmp_path: Path) -> None:
    cs = start_car_site(site, tmp_path, unknown="reject")
    stranger = cs.add_cp("STRANGER", password=None)
    wait_for(lambda: stranger.stats.last_error == "HTTP 404", timeout=10)
    assert stranger.stats.boots == 0
    cs.close()


def test_security_profile_2_is_basic_auth_over_tls(site: Site, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    cs = start_car_site(site, tmp_path, tls=(str(cert), str(key)), profiles={"T01-C02": 2})
    secure = cs.add_cp("T01-C02", tls_ctx=client_context(cert))
    wait_for(lambda: secure.registration == "Accepted", timeout=20)  # a TLS handshake on a busy machine
    with Session(site.db) as s:
        assert s.scalar(select(ChargePoint.security_profile).where(ChargePoint.identity == "T01-C02")) == 2

    async def plain() -> int:  # the same charge point over ws:// is refused: profile 2 needs TLS
        try:
            async with connect(cs.url("T01-C02"), subprotocols=["ocpp1.6"],  # type: ignore[list-item]
                               additional_headers={"Authorization": basic_auth_header("T01-C02", KEYS["T01-C02"])}):
                return 101
        except InvalidStatus as exc:
            return exc.response.status_code

    assert asyncio.run(plain()) == 403
    cs.close()


def test_malformed_messages_get_a_callerror_and_the_link_stays_up(site: Site, tmp_path: Path) -> None:
    cs = start_car_site(site, tmp_path)

    async def talk() -> list[list[object]]:
        headers = {"Authorization": basic_auth_header("T01-C03", KEYS["T01-C03"])}
        async with connect(cs.url("T01-C03"), subprotocols=["ocpp1.6"], additional_headers=headers) as ws:  # type: ignore[list-item]
            out = []
            for raw in ('[2,"1","BootNotification",{"chargePointVendor":5,"chargePointModel":"X"}]',
                        '[2,"2","BootNotification",{"chargePointModel":"X"}]',
                        '[2,"3","NoSuchAction",{}]',
                        'this is not json',
                        '[2,"4","StartTransaction",{"connectorId":1,"idTag":"x","meterStart":0,"timestamp":"x",'
                        '"surprise":1}]',
                        '[2,"5","BootNotification",{"chargePointVendor":"V","chargePointModel":"X"}]'):
                await ws.send(raw)
                if raw.startswith("["):
                    out.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
            return out

    replies = asyncio.run(talk())
    assert [r[0] for r in replies] == [4, 4, 4, 4, 3]
    assert replies[0][2] == "TypeConstraintViolation" and replies[1][2] == "ProtocolError"
    # (the ocpp package spells it "FormatViolation"; the 1.6 spec text says "FormationViolation")
    assert replies[2][2] == "NotSupported" and replies[3][2] in ("FormatViolation", "FormationViolation")
    assert replies[4][2]["status"] == "Accepted"  # type: ignore[index]
    cs.close()
