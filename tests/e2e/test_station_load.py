"""Meters on real pseudo-terminals → engine → station load (limit, charging, other load, spare) → database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.devices import DeviceSettings
from app.engine.meters import MeterTuning
from app.engine.runtime import EngineSettings
from app.services.provision_devices import MeterPlan
from app.services.provisioning import BusPlan, StationPlan, provision
from comm.meters.register_map import load_meter_map
from comm.sim.dlt645_bus import Dlt645BusServer
from comm.sim.meters import Dlt645MeterResponder, ModbusMeterServer, SimMeter
from comm.sim.rtu_bus import RtuBusServer
from db.engine import session_factory
from db.models import Station
from db.models_meters import Meter, MeterReadingRow, StationLoadRow
from tests.e2e.site import BUS_PILES, FAST, TCP_PILES, Site, ebike, wait_for

HOUSEHOLD_W = 20_000
SETTINGS = EngineSettings(
    tuning=FAST.tuning, sample_interval_s=1.0, flush_interval_s=0.2, health_interval_s=0.5, hub_interval_s=0.05,
    devices=DeviceSettings(meters=MeterTuning(transformer_interval_s=0.3, pile_interval_s=0.5, retry_s=1.0,
                                              backoff_max_s=2.0),
                           load_interval_s=0.2, load_sample_interval_s=0.5, meter_sample_interval_s=0.5),
)


@pytest.fixture
def metered(site: Site) -> Iterator[Site]:
    """The e2e site plus a DL/T 645 line (transformer meter behind a ×40 CT) and a Modbus line (SDM120 on a pile)."""
    piles = [site.pile(c) for c in (*BUS_PILES, *TCP_PILES)]

    def transformer(t: float) -> float:
        return (HOUSEHOLD_W + sum(p.total_power_w for p in piles)) / 40

    now = site.now()
    main = SimMeter("T01-M0", transformer, now=now, energy_wh=100_000, phases=3, clock=site.now)
    pile_meter = SimMeter("T01-M1", lambda t: piles[0].total_power_w, now=now, energy_wh=5_000, clock=site.now)
    dlt = Dlt645BusServer([Dlt645MeterResponder(main, "000000000101")], baudrate=9600, turnaround_s=0.005)
    rtu = RtuBusServer({2: ModbusMeterServer(pile_meter, load_meter_map("SDM120"))}, baudrate=9600)  # type: ignore[dict-item]
    dlt_dev, rtu_dev = site.sim.run(dlt.start()), site.sim.run(rtu.start())
    plan = StationPlan(
        code="T01", name="测试小区", charging_limit_w=60_000,
        buses=(BusPlan("meter-645", dlt_dev, parity="E", timeout_ms=400), BusPlan("meter-mb", rtu_dev)),
        meters=(MeterPlan("T01-M0", "transformer", "transformer", "dlt645", "DLT645", "meter-645", "000000000101",
                          multiplier=40),
                MeterPlan("T01-M1", "pile meter", "pile", "modbus-rtu", "SDM120", "meter-mb", "2", pile=BUS_PILES[0])),
    )
    with session_factory(site.db)() as s, s.begin():
        result = provision(s, operator_code="TEST", operator_name="测试运营商", stations=[plan])
        assert result.meters == 2
    site.dlt, site.rtu = dlt, rtu  # type: ignore[attr-defined]
    try:
        yield site
    finally:
        site.stop_engine()
        site.sim.run(dlt.stop())
        site.sim.run(rtu.stop())


def test_station_load_from_the_transformer_meter_and_the_charging_ports(metered: Site) -> None:
    site = metered
    engine = site.start_engine(SETTINGS)
    with Session(site.db) as s:
        station_id = s.scalar(select(Station.id))
        m0, m1 = (s.scalar(select(Meter.id).where(Meter.code == c)) for c in ("T01-M0", "T01-M1"))
    assert station_id is not None
    pile = site.pile(BUS_PILES[0])
    for port in (1, 2, 3):
        site.on_sim(pile.plug, port, ebike(rated_w=400), site.now())
        site.on_sim(pile.insert_coins, port, 2, site.now())

    def load_settled() -> object:
        ld = engine.snapshot().loads.get(station_id)
        return ld if ld and ld.transformer_w is not None and ld.charging_w > 1000 else None

    # (the piles measure a new load for 5 s before they report its power; the rest is polling)
    try:
        load = wait_for(load_settled, timeout=30)
    except AssertionError as exc:
        ld = engine.snapshot().loads.get(station_id)
        states = [site.pile(BUS_PILES[0]).port_state(n) for n in (1, 2, 3)]
        pid = site.pile_ids[BUS_PILES[0]]
        seen = [(p.number, p.live.state.value, p.live.power_w) for p in engine.snapshot().ports.values()
                if p.pile_id == pid]
        tracker = engine.devices.loads
        states = [*states, f"engine sees {sorted(seen)}", f"tracker knows the pile: {pid in tracker._pile_station}",
                  f"tracker ports {tracker._stations[station_id].ports if station_id in tracker._stations else None}"]
        snap = engine.snapshot()
        lines = [(h.line, h.connected, round(h.polls_per_s, 1), round(h.error_rate, 2), h.piles_online, h.piles_total)
                 for h in snap.lines.values()]
        piles = {c: (p.online if (p := snap.piles.get(site.pile_ids[c])) else None) for c in (*BUS_PILES, *TCP_PILES)}
        bus = site.runtime.buses["bus-1"].server
        raise AssertionError(f"{exc}: load {ld}; ports at the pile {states}; meters "
                             f"{[(m.kind, m.online, m.detail) for m in snap.meters.values()]}; lines {lines}; "
                             f"piles online {piles}; bus-1 sim {bus.stats} on {bus.device}") from None
    assert load.limit_w == 60_000
    # The meter sees household + charging through a ×40 CT (the DL/T 645 reading is 1/40 of it, 0.1 W steps);
    # charging comes from the ports. Both are sampled at slightly different instants: allow a few ports' drift.
    assert load.other_w is not None and abs(load.other_w - HOUSEHOLD_W) <= 400, load
    assert load.spare_w == load.limit_w - load.other_w
    pm = wait_for(lambda: engine.snapshot().meters.get(m1))
    assert pm.online and pm.reading is not None and pm.kind == "pile"
    # the transformer meter goes silent: the metered values go away, charging stays known
    site.dlt.faults.silent.add("000000000101")  # type: ignore[attr-defined]
    gone = wait_for(lambda: (ld := engine.snapshot().loads[station_id]).transformer_w is None and ld, timeout=15)
    assert gone.other_w is None and gone.spare_w is None and gone.charging_w > 0
    assert not engine.snapshot().meters[m0].online
    site.dlt.faults.silent.clear()  # type: ignore[attr-defined]
    try:
        wait_for(lambda: engine.snapshot().loads[station_id].transformer_w is not None, timeout=15)
    except AssertionError as exc:
        m = engine.snapshot().meters.get(m0)
        raise AssertionError(f"{exc}: transformer meter {m and (m.online, m.detail, m.ts)}; "
                             f"DL/T 645 line {site.dlt.stats}") from None  # type: ignore[attr-defined]
    with Session(site.db) as s:
        rows = wait_for(lambda: s.scalars(select(StationLoadRow)).all() if s.scalar(
            select(StationLoadRow.id).where(StationLoadRow.other_w.is_not(None))) else None)
        assert all(r.limit_w == 60_000 for r in rows)
        assert s.scalars(select(MeterReadingRow).where(MeterReadingRow.meter_id == m1)).first() is not None
        meter = wait_for(lambda: s.get(Meter, m0, populate_existing=True) if s.get(
            Meter, m0, populate_existing=True).online else None)  # type: ignore[union-attr]
        assert meter.last_energy_wh >= 100_000 * 40  # the meter register (100 kWh) × the CT ratio
