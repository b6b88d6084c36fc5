"""`chargedesk sim` and the demo's set-up: run the simulated community, provision it into a database.

Lives in app/ because provisioning writes the database; the simulator itself (comm/sim) knows
nothing of the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import tempfile
from pathlib import Path

import platformdirs

from app.domain.charge_point_auth import hash_key
from app.secrets import KeyringSecretStore, SecretStoreUnavailable
from app.services.charge_points import key_name
from app.services.provision_devices import CarPilePlan, MeterPlan
from app.services.provisioning import BusPlan, PilePlan, StationPlan, provision
from app.services.siteplan import default_site_plan_dir, ensure_site_plans
from comm.sim.config import SimConfig, load_config
from comm.sim.meter_site import plan_meters
from comm.sim.site import SimulatedSite, SiteEndpoints, send_control
from db.engine import make_engine, session_factory
from db.migrate import upgrade

OPERATOR = ("XCDEMO", "许昌智慧充电（模拟）")


def station_plans(config: SimConfig, endpoints: SiteEndpoints) -> list[StationPlan]:
    plans = []
    for st in config.stations:
        buses = tuple(BusPlan(b.name, endpoints.buses[f"{st.code}/{b.name}"], baudrate=b.baudrate) for b in st.buses)
        piles = [PilePlan(p.code, f"{st.name} {p.code[-3:]}", p.ports, bus=p.bus, unit_id=p.unit_id,
                          pos_x=p.x, pos_y=p.y) for b in st.buses for p in b.piles]
        piles += [PilePlan(p.code, f"{st.name} {p.code[-3:]}", p.ports, host=endpoints.tcp[p.code][0],
                           tcp_port=endpoints.tcp[p.code][1], pos_x=p.x, pos_y=p.y) for p in st.tcp_piles]
        meters: list[MeterPlan] = []
        for mb in (b for b in plan_meters(config) if f"{b.station}/{b.name}" in endpoints.meter_buses):
            if mb.station != st.code:
                continue
            buses += (BusPlan(mb.name, endpoints.meter_buses[f"{st.code}/{mb.name}"], baudrate=mb.baudrate,
                              parity=mb.parity, timeout_ms=500),)
            meters += [MeterPlan(m.code, f"{st.name} {m.code[-2:]}", m.kind, m.protocol, m.model, mb.name, m.address,
                                 pile=m.pile, multiplier=m.multiplier) for m in mb.meters]
        cars = tuple(CarPilePlan(c.code, f"{st.name} {c.code[-3:]}", c.identity, hash_key(c.key), c.connectors,
                                 pos_x=c.x, pos_y=c.y) for c in endpoints.car_piles if c.station == st.code)
        plans.append(StationPlan(st.code, st.name, st.charging_limit_w, address=st.address, lat=st.lat, lon=st.lon,
                                 site_plan_w=st.plan_w, site_plan_h=st.plan_h, buses=buses, piles=tuple(piles),
                                 meters=tuple(meters), car_piles=cars))
    return plans


def provision_site(db_url: str, config: SimConfig, endpoints: SiteEndpoints) -> str:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with session_factory(engine)() as s, s.begin():
            r = provision(s, operator_code=OPERATOR[0], operator_name=OPERATOR[1],
                          stations=station_plans(config, endpoints))
        ensure_site_plans(session_factory(engine), default_site_plan_dir())
    finally:
        engine.dispose()
    _keep_keys(endpoints)
    extra = (f"; {r.meters} new meters" if r.meters else "") + (f"; {r.car_piles} new car piles" if r.car_piles else "")
    return (f"{r.stations} new stations, {r.piles} new piles, {r.ports} new ports; "
            f"{len(r.updated)} addresses updated{extra}")


def _keep_keys(endpoints: SiteEndpoints) -> None:
    """The charge points' keys in the OS keyring (the database has only their hashes); without a keyring the
    simulator still knows them (they derive from the seed)."""
    store = KeyringSecretStore()
    for c in endpoints.car_piles:
        try:
            store.set(key_name(c.identity), c.key)
        except SecretStoreUnavailable:
            return


def default_run_dir() -> Path:
    try:
        base = Path(platformdirs.user_runtime_dir("ChargeDesk", appauthor=False))
        base.mkdir(parents=True, exist_ok=True)
        return base / "sim"
    except OSError:
        return Path(tempfile.gettempdir()) / "chargedesk-sim"


def run_sim_cli(args: argparse.Namespace) -> int:
    if args.sim_command == "ctl":
        reply = asyncio.run(send_control(args.control_port, args.action, args.target, args.args))
        print(json.dumps(reply, ensure_ascii=False, indent=2))
        return 0 if reply.get("ok") else 1
    config = load_config(args.config)
    run_dir = Path(args.run_dir) if args.run_dir else default_run_dir()
    return asyncio.run(_serve(config, args, run_dir))


async def _serve(config: SimConfig, args: argparse.Namespace, run_dir: Path) -> int:
    site = SimulatedSite(config, run_dir=run_dir, host=args.host, tcp_base_port=args.tcp_base_port,
                         speed=args.speed, control_port=args.control_port,
                         car_piles=getattr(args, "car_piles", 0) or 0)
    endpoints = await site.start()
    print(f"simulated community: {len(config.stations)} stations, {len(config.piles)} piles, "
          f"speed ×{site.clock.speed:g}")
    for key, dev in endpoints.buses.items():
        print(f"  RS-485 {key:<14} {dev}")
    tcp = sorted(endpoints.tcp.values(), key=lambda hp: hp[1])
    if tcp:
        print(f"  Modbus TCP     {len(tcp)} piles on {tcp[0][0]}:{tcp[0][1]}–{tcp[-1][1]}")
    if endpoints.control:
        print(f"  control        chargedesk sim ctl --control-port {endpoints.control[1]} <action> <pile> …")
    for key, dev in endpoints.meter_buses.items():
        print(f"  meters {key:<14} {dev}")
    if args.provision:
        print("  provisioned:   " + await asyncio.to_thread(provision_site, args.provision, config, endpoints))
    if endpoints.car_piles:
        await site.start_cars(args.ocpp_url)
        print(f"  OCPP 1.6J      {len(endpoints.car_piles)} car charge points → {args.ocpp_url}<identity>")
    print("Ctrl-C stops the simulator.", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await site.stop()
    return 0
