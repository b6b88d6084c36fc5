"""Car piles on the e2e site: charge points registered in the database, the engine's OCPP central
system on a loopback port, and simulated charge points as real OCPP clients over WebSocket."""

from __future__ import annotations

import random
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from app.domain.charge_point_auth import hash_key
from app.engine.devices import DeviceSettings
from app.engine.ocpp_server import OcppSettings
from app.engine.runtime import Engine, EngineSettings
from app.services.provision_devices import CarPilePlan
from app.services.provisioning import StationPlan, provision
from comm.sim.car import CarBattery
from comm.sim.charge_point import SimChargePoint
from db.engine import session_factory
from db.models import Pile
from db.models_people import ChargingUser
from tests.e2e.site import FAST, Site, wait_for

CARD, BLOCKED_CARD = "80000001", "80000002"  # a resident's card, a deactivated resident's card
KEYS = {"T01-C01": "key-of-c01-abcdefghij", "T01-C02": "key-of-c02-abcdefghij", "T01-C03": "key-of-c03-abcdefghij"}


def car(soc: float = 0.5, onboard_a: float = 32.0) -> CarBattery:
    return CarBattery(capacity_wh=50_000, soc=soc, onboard_a=onboard_a)


def ocpp_settings(tmp: Path, *, tls: tuple[str, str] | None = None, unknown: str = "hold") -> EngineSettings:
    ocpp = OcppSettings(host="127.0.0.1", port=0, tls_port=0 if tls else None, tls_cert=tls[0] if tls else None,
                        tls_key=tls[1] if tls else None, heartbeat_s=2, pending_retry_s=1, response_timeout_s=5,
                        file_dir=str(tmp / "files"), unknown=unknown, status_every_s=0.2)
    return EngineSettings(tuning=FAST.tuning, sample_interval_s=1.0, flush_interval_s=0.2, health_interval_s=0.5,
                          hub_interval_s=0.05, devices=DeviceSettings(load_interval_s=0.2, ocpp=ocpp))


@dataclass
class CarSite:
    site: Site
    engine: Engine
    cps: dict[str, SimChargePoint] = field(default_factory=dict)

    @property
    def port(self) -> int:
        assert self.engine.devices.ocpp is not None and self.engine.devices.ocpp.port
        return self.engine.devices.ocpp.port

    def url(self, identity: str, *, tls: bool = False) -> str:
        ocpp = self.engine.devices.ocpp
        assert ocpp is not None
        return f"wss://localhost:{ocpp.tls_port}/ocpp/{identity}" if tls else f"ws://127.0.0.1:{self.port}/ocpp/{identity}"

    def add_cp(self, identity: str, *, password: str | None = "", tls_ctx: ssl.SSLContext | None = None,
               connectors: int = 1, meter_interval_s: float = 0.3) -> SimChargePoint:
        pw = KEYS.get(identity) if password == "" else password
        cp = SimChargePoint(identity, self.url(identity, tls=tls_ctx is not None), password=pw, ssl_context=tls_ctx,
                            connectors=connectors, clock=self.site.clock.now, meter_interval_s=meter_interval_s,
                            tick_s=0.1, reconnect_s=0.2, rng=random.Random(identity))
        self.site.sim.run(cp.start())
        self.cps[identity] = cp
        return cp

    def pile_id(self, code: str) -> object:
        return self.site.pile_ids[code]

    def close(self) -> None:
        for cp in self.cps.values():
            self.site.sim.run(cp.stop())


def provision_cars(site: Site, *, profiles: dict[str, int] | None = None) -> None:
    profiles = profiles or {}
    plan = StationPlan(code="T01", name="测试小区", charging_limit_w=60_000, car_piles=tuple(
        CarPilePlan(f"T01-C{n:02d}", f"car {n}", f"T01-C{n:02d}", hash_key(KEYS[f"T01-C{n:02d}"]),
                    security_profile=profiles.get(f"T01-C{n:02d}", 1)) for n in (1, 2, 3)))
    with session_factory(site.db)() as s, s.begin():
        provision(s, operator_code="TEST", operator_name="测试运营商", stations=[plan])
        for p in s.scalars(select(Pile)):
            site.pile_ids[p.code] = p.id
        if s.scalar(select(ChargingUser.id).where(ChargingUser.card_no == CARD)) is None:
            s.add_all([ChargingUser(name="张三", card_no=CARD, vehicle_class="car"),
                       ChargingUser(name="李四", card_no=BLOCKED_CARD, vehicle_class="car", active=False)])


def start_car_site(site: Site, tmp: Path, **kw: object) -> CarSite:
    provision_cars(site, profiles=kw.pop("profiles", None))  # type: ignore[arg-type]
    engine = site.start_engine(ocpp_settings(tmp, **kw))  # type: ignore[arg-type]
    wait_for(lambda: engine.devices.ocpp is not None and engine.devices.ocpp.port)
    return CarSite(site, engine)


