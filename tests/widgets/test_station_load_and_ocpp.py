"""The Monitor tab's community load panel and a car pile's OCPP console, against the real engine with a
transformer meter on a pty and a simulated charge point over WebSocket (offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import accounts
from app.services.provision_devices import MeterPlan
from app.services.provisioning import BusPlan, StationPlan, provision
from comm.sim.dlt645_bus import Dlt645BusServer
from comm.sim.meters import Dlt645MeterResponder, SimMeter
from db.engine import make_engine, session_factory
from db.models import Station
from tests.e2e.car_site import CARD, CarSite, car, start_car_site
from tests.e2e.site import Site, build_site, wait_for
from widgets.app import make_backend
from widgets.bridge import EngineBridge
from widgets.main_window import MainWindow
from widgets.ocpp_dialog import OcppDialog

PW = "boss-pass-1234"


@pytest.fixture
def car_site(tmp_path: Path) -> Iterator[CarSite]:
    db = make_engine(f"sqlite:///{tmp_path / 'console.db'}")
    site: Site = build_site(db)
    piles = [site.pile(c) for c in site.runtime.piles]
    cars: list = []  # the car charge points' power sources: the transformer meter sees them too
    meter = SimMeter("T01-M0", lambda t: 25_000 + sum(p.total_power_w for p in piles) + sum(c(t) for c in cars),
                     now=site.now(),
                     energy_wh=2_000_000, phases=3, clock=site.now)
    bus = Dlt645BusServer([Dlt645MeterResponder(meter, "000000000101")], baudrate=9600, turnaround_s=0.005)
    device = site.sim.run(bus.start())
    with session_factory(db)() as s, s.begin():
        provision(s, operator_code="TEST", operator_name="测试运营商", stations=[StationPlan(
            "T01", "测试小区", 60_000, buses=(BusPlan("meter-645", device, parity="E", timeout_ms=400),),
            meters=(MeterPlan("T01-M0", "总表", "transformer", "dlt645", "DLT645", "meter-645", "000000000101"),))])
    cs = start_car_site(site, tmp_path)
    cs.extra_load = cars  # type: ignore[attr-defined]
    try:
        yield cs
    finally:
        cs.close()
        site.stop_engine()
        site.sim.run(bus.stop())
        site.sim.close()
        db.dispose()


@pytest.fixture
def window(car_site: CarSite, qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    db = session_factory(car_site.site.db)
    accounts.create_base_account(db, login="boss", display_name="Boss", password=PW)
    actor = accounts.login(db, "boss", PW)
    w = MainWindow(EngineBridge(car_site.engine), make_backend(car_site.engine, actor),
                   QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1500, 950)
    w.show()
    return w


def test_the_community_shows_its_load_and_a_car_pile_its_ocpp_console(window: MainWindow, car_site: CarSite,
                                                                       qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = car_site.site
    cp = car_site.add_cp("T01-C01")
    car_site.extra_load.append(cp.power_w)  # type: ignore[attr-defined]
    wait_for(lambda: cp.registration == "Accepted", timeout=10)
    site.on_sim(cp.plug, 1, car(soc=0.3))
    site.on_sim(cp.start_transaction, 1, CARD)
    with Session(site.db) as s:
        station_id = s.scalar(select(Station.id))
    window.tabs.setCurrentWidget(window.monitor)
    window.tree.select(station_id)
    lv = window.monitor.load_view
    assert window.monitor.detail.currentWidget() is lv
    qtbot.waitUntil(lambda: lv.values["other"].text() != "—" and lv.values["charging"].text() != "0.0 kW",
                    timeout=15000)
    assert lv.values["limit"].text() == "60.0 kW"
    # the household 25 kW is the other load: the car's 7.4 kW counts as charging (once the meter was read
    # after the car started)
    qtbot.waitUntil(lambda: 24.0 <= float(lv.values["other"].text().split()[0]) <= 26.5, timeout=10000)
    qtbot.waitUntil(lambda: "T01-M0" in lv.meter_line.text(), timeout=10000)
    qtbot.waitUntil(lambda: len(lv.points) >= 3, timeout=10000)
    window.grab().save(str(tmp_path / "load.png"))
    # the car pile: its tile charges, and its OCPP console sends commands and shows the message log
    window.tree.select(site.pile_ids["T01-C01"])
    pv = window.monitor.pile_view
    assert window.monitor.detail.currentWidget() is pv and pv.buttons["ocpp"].isVisible()
    assert not pv.buttons["config"].isEnabled()
    qtbot.waitUntil(lambda: pv.tiles[0].live is not None and pv.tiles[0].live.power_w > 7000, timeout=10000)
    pv.buttons["ocpp"].click()
    qtbot.waitUntil(lambda: bool(window.findChildren(OcppDialog)), timeout=5000)
    dlg = window.findChildren(OcppDialog)[0]
    dlg.limit.setValue(10.0)
    button = next(b for b in dlg.findChildren(QPushButton) if b.text() == "Limit the whole charge point")
    button.click()
    qtbot.waitUntil(lambda: "done: charge point answered Accepted" in dlg.result.toPlainText(), timeout=10000)
    wait_for(lambda: cp.connectors[1].current_a == 10.0, timeout=5)

    def logged() -> set[str | None]:
        return {r.action for r in dlg.log_model.rows}

    for _ in range(50):  # the log is written by the engine's batch writer: a moment after the answer
        dlg.refresh_log()
        qtbot.wait(200)
        if "SetChargingProfile" in logged():
            break
    assert {"SetChargingProfile", "StartTransaction", "BootNotification"} <= logged()
    dlg.grab().save(str(tmp_path / "ocpp.png"))
