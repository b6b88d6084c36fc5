"""挂失 reaches the car charge points too (OCPP 1.6J over real WebSockets): once a resident's IC card is reported
lost, the central system refuses it online and every connected charge point gets its local authorization list
again with the card Blocked (what it goes by while the console is out of reach); found again (解挂), it works."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain import passwords
from app.domain.errors import PermissionDenied
from app.domain.permissions import Role
from app.engine.blacklist import BlacklistTuning
from app.services import audit, card_blacklist
from app.services.audit import AuditFilter
from db.models import PileEvent
from db.models_cards import Card
from db.models_people import ChargingUser
from tests.app.services.conftest import make_desk
from tests.e2e.car_site import CARD, CarSite, car, ocpp_settings, provision_cars
from tests.e2e.site import Site, wait_for


def set_card(site: Site, state: str) -> None:
    """What the card desk's report_loss / cancel_loss write: the card's state and the blacklist, in one commit."""
    with Session(site.db) as s, s.begin():
        s.execute(update(Card).where(Card.card_no == int(CARD)).values(state=state))
        card_blacklist.refresh(s, "clerk")


def test_a_card_reported_lost_is_refused_by_the_car_charge_points(site: Site, tmp_path: Path) -> None:
    provision_cars(site)
    with Session(site.db) as s, s.begin():
        holder = s.scalar(select(ChargingUser.id).where(ChargingUser.card_no == CARD))
        s.add(Card(card_no=int(CARD), uid="0A0B0C0D", user_id=holder, kind="stored", state="active"))
    settings = replace(ocpp_settings(tmp_path), blacklist=BlacklistTuning(check_s=0.2, retry_s=0.5, retry_max_s=1))
    engine = site.start_engine(settings)
    wait_for(lambda: engine.devices.ocpp is not None and engine.devices.ocpp.port)
    cars = CarSite(site, engine)
    try:
        cps = [cars.add_cp(i) for i in ("T01-C01", "T01-C02")]
        basic = cars.add_cp("T01-C03")  # a charge point without local lists: it answers NotSupported
        site.on_sim(basic.config.__setitem__, "SupportedFeatureProfiles", ("Core,SmartCharging", True))
        wait_for(lambda: all(cp.registration == "Accepted" and cp.connected for cp in [*cps, basic]), timeout=10)

        set_card(site, "lost")
        wait_for(lambda: all(cp.local_list.get(CARD) == "Blocked" for cp in cps), timeout=10)
        cp = cps[0]
        site.on_sim(cp.plug, 1, car(soc=0.5))
        site.on_sim(cp.start_transaction, 1, CARD)  # online: the central system answers Blocked, the car stops
        wait_for(lambda: cp.connectors[1].tx_id is not None and not cp.connectors[1].in_tx, timeout=10)

        set_card(site, "active")  # 解挂: found again
        wait_for(lambda: all(c.local_list.get(CARD) == "Accepted" for c in cps), timeout=10)
        assert site.on_sim(cp.start_transaction, 1, CARD)
        wait_for(lambda: cp.connectors[1].in_tx and cp.connectors[1].tx_id is not None, timeout=10)
        # Two blacklist versions, one answer that counts for the whole connection: no retries, no warnings.
        def kinds(code: str) -> list[str]:
            with Session(site.db) as s:
                return list(s.scalars(select(PileEvent.kind).where(
                    PileEvent.pile_id == cars.pile_id(code), PileEvent.kind.like("blacklist%"))))

        wait_for(lambda: kinds("T01-C01").count("blacklist_pushed") == 2)  # both versions' events are stored
        assert kinds("T01-C03") == ["blacklist_not_supported"] and basic.local_list == {}

        # the card desk sees the car piles beside the e-bike piles, and may push a car pile's list at once
        passwords.configure(time_cost=1, memory_cost=8)
        desk = make_desk(site.db)
        clerk = desk.by_role[Role.CARD_ADMIN]

        def car_states() -> dict[str, str]:
            return {p.code: p.state for p in card_blacklist.push_status(clerk, desk.db).piles if p.car}

        wait_for(lambda: car_states() == {"T01-C01": "current", "T01-C02": "current", "T01-C03": "online_only"})
        with pytest.raises(PermissionDenied):
            card_blacklist.push_now(desk.by_role[Role.MONITORING_ADMIN], desk.db, engine, cars.pile_id("T01-C01"))
        site.on_sim(cps[1].local_list.clear)  # (as after a reset of the charge point)
        out = card_blacklist.push_now(clerk, desk.db, engine, cars.pile_id("T01-C02")).result(15)
        assert out.ok, out.detail
        assert cps[1].local_list.get(CARD) == "Accepted"
        [entry] = audit.query_audit(desk.base, desk.db, AuditFilter(action="charge_point.send_local_list"))
        assert entry.actor_login == clerk.login
    finally:
        cars.close()
        passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)
