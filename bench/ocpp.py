"""OCPP: 1 000 simulated charge points on loopback sending heartbeats and meter values, against the engine's
central system and, in the same run, against a bare `ocpp`-library server with no application logic.

Each server runs in its own process (its CPU is sampled with psutil); the charge points are light
WebSocket clients in this process. Every charge point boots, reports its status and starts a
transaction; then (1) a fixed load: one Heartbeat or MeterValues per charge point per second, with
response times; (2) saturation: each charge point sends its next message as soon as the last is
answered. The engine does everything it does for real charge points: Basic auth per connection,
schema validation, state store, port updates, samples, station load, message log, batch writer.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

N = int(os.environ.get("BENCH_OCPP_N", "1000"))
KEY = "bench-key-0123456789abcd"
CARD = "90000001"


def _provision(url: str, n: int) -> None:
    from app.domain.charge_point_auth import hash_key
    from app.services.provision_devices import CarPilePlan
    from app.services.provisioning import StationPlan, provision
    from db.engine import make_engine, session_factory
    from db.migrate import upgrade
    from db.models_people import ChargingUser

    engine = make_engine(url)
    upgrade(engine)
    digest = hash_key(KEY)  # one key for all: the check still runs once per connection
    plan = StationPlan("B01", "压测小区", 10_000_000, car_piles=tuple(
        CarPilePlan(f"CP{i:04d}", f"car {i}", f"CP{i:04d}", digest) for i in range(n)))
    with session_factory(engine)() as s, s.begin():
        provision(s, operator_code="BENCH", operator_name="bench", stations=[plan])
        s.add(ChargingUser(name="压测", card_no=CARD))
    engine.dispose()


class Client:
    def __init__(self, identity: str, url: str, auth: bool) -> None:
        self.identity, self.url, self.auth = identity, url, auth
        self.ws: Any = None
        self.seq = 0
        self.tx = 0
        self.rtt: list[float] = []
        self.handled = 0

    async def request(self, action: str, payload: str) -> Any:
        self.seq += 1
        uid = f"{self.identity}-{self.seq}"
        t0 = time.perf_counter()
        await self.ws.send(f'[2,"{uid}","{action}",{payload}]')
        reply = json.loads(await self.ws.recv())
        self.rtt.append(time.perf_counter() - t0)
        if reply[0] != 3:
            raise RuntimeError(f"{self.identity} {action}: {reply}")
        self.handled += 1
        return reply[2]

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        from app.domain.charge_point_auth import basic_auth_header

        headers = {"Authorization": basic_auth_header(self.identity, KEY)} if self.auth else {}
        self.ws = await connect(self.url + self.identity, subprotocols=["ocpp1.6"],  # type: ignore[list-item]
                                additional_headers=headers, ping_interval=None, open_timeout=60, max_queue=4)
        await self.request("BootNotification", '{"chargePointVendor":"Bench","chargePointModel":"B1"}')
        await self.request("StatusNotification", '{"connectorId":1,"errorCode":"NoError","status":"Preparing"}')
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        r = await self.request("StartTransaction",
                               f'{{"connectorId":1,"idTag":"{CARD}","meterStart":1000,"timestamp":"{stamp}"}}')
        self.tx = int(r["transactionId"])

    def next_message(self) -> tuple[str, str]:
        if self.seq % 2:
            return "Heartbeat", "{}"
        energy = 1000 + self.seq * 5
        return "MeterValues", (
            f'{{"connectorId":1,"transactionId":{self.tx},"meterValue":[{{"timestamp":"2026-01-01T00:00:00Z",'
            f'"sampledValue":[{{"value":"{energy}","measurand":"Energy.Active.Import.Register","unit":"Wh"}},'
            f'{{"value":"7360","measurand":"Power.Active.Import","unit":"W"}},'
            f'{{"value":"32.0","measurand":"Current.Import","unit":"A","phase":"L1"}}]}}]}}')


async def _run_load(url: str, *, auth: bool, fixed_s: float, saturate_s: float, warmup_s: float,
                    server: psutil.Process) -> dict[str, float]:
    clients = [Client(f"CP{i:04d}", url, auth) for i in range(N)]
    gate = asyncio.Semaphore(50)

    async def open_one(c: Client) -> None:
        async with gate:
            await c.open()

    t0 = time.perf_counter()
    await asyncio.gather(*(open_one(c) for c in clients))
    connect_s = time.perf_counter() - t0

    async def fixed(c: Client, until: float) -> None:
        await asyncio.sleep(random.random())  # spread the charge points over the second
        nxt = time.perf_counter()
        while time.perf_counter() < until:
            await c.request(*c.next_message())
            nxt += 1.0
            await asyncio.sleep(max(0.0, nxt - time.perf_counter()))

    # Warm-up at the fixed load (not measured): a thousand new sessions, online events and first samples
    # are written by the engine right after the connects.
    await asyncio.gather(*(fixed(c, time.perf_counter() + warmup_s) for c in clients))
    for c in clients:
        c.rtt.clear()
        c.handled = 0
    server.cpu_percent(None)
    start = time.perf_counter()
    await asyncio.gather(*(fixed(c, start + fixed_s) for c in clients))
    elapsed = time.perf_counter() - start
    cpu_fixed = server.cpu_percent(None)
    rtts = sorted(r for c in clients for r in c.rtt)
    handled_fixed = sum(c.handled for c in clients)

    async def flood(c: Client, until: float) -> None:
        while time.perf_counter() < until:
            await c.request(*c.next_message())

    for c in clients:
        c.handled = 0
    server.cpu_percent(None)
    start = time.perf_counter()
    await asyncio.gather(*(flood(c, start + saturate_s) for c in clients))
    sat_elapsed = time.perf_counter() - start
    cpu_sat = server.cpu_percent(None)
    handled_sat = sum(c.handled for c in clients)
    for c in clients:
        await c.ws.close()
    return {
        "connect_s": connect_s, "fixed_rate": handled_fixed / elapsed, "p50_ms": statistics.median(rtts) * 1000,
        "p99_ms": rtts[int(len(rtts) * 0.99)] * 1000, "cpu_fixed": cpu_fixed, "sat_rate": handled_sat / sat_elapsed,
        "cpu_sat": cpu_sat,
    }


def _serve(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "bench.ocpp_server", *args], stdout=subprocess.PIPE,
                            stderr=None if os.environ.get("BENCH_OCPP_DEBUG") else subprocess.DEVNULL, text=True,
                            env=env)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        raise RuntimeError(f"server {args[0]} did not start")
    return proc


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(*, quick: bool = False) -> list[str]:
    fixed_s, saturate_s, warmup_s = (8.0, 6.0, 5.0) if quick else (20.0, 15.0, 10.0)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'ocpp.db'}"
        _provision(url, N)
        for name in ("engine", "bare"):
            port = _free_port()
            proc = _serve(["engine", url, str(port)] if name == "engine" else ["bare", str(port)])
            try:
                results[name] = asyncio.run(_run_load(f"ws://127.0.0.1:{port}/ocpp/", auth=name == "engine",
                                                      fixed_s=fixed_s, saturate_s=saturate_s, warmup_s=warmup_s,
                                                      server=psutil.Process(proc.pid)))
            finally:
                proc.terminate()
                proc.wait(30)
    e, b = results["engine"], results["bare"]
    lines = [f"{N} charge points on loopback (boot, status, start transaction; then Heartbeat/MeterValues)"]
    for name, r in (("engine", e), ("bare ocpp", b)):
        lines.append(f"{name:<10} connect {r['connect_s']:5.1f} s | 1 msg/s each: {r['fixed_rate']:6.0f} msg/s, "
                     f"p50 {r['p50_ms']:5.1f} ms, p99 {r['p99_ms']:6.1f} ms, CPU {r['cpu_fixed']:5.1f} % | "
                     f"saturated: {r['sat_rate']:6.0f} msg/s, CPU {r['cpu_sat']:5.1f} %")
    per_msg = (e["cpu_sat"] / e["sat_rate"]) / (b["cpu_sat"] / b["sat_rate"])
    lines.append(f"engine / bare: saturated throughput {e['sat_rate'] / b['sat_rate']:.2f}, "
                 f"p99 at 1 msg/s each {e['p99_ms'] / b['p99_ms']:.2f}×, "
                 f"CPU per message {e['cpu_fixed'] / max(b['cpu_fixed'], 0.1):.2f}× (1 msg/s each), "
                 f"{per_msg:.2f}× (saturated)")
    lines.append("(the load generator shares the machine: when both servers reach the same saturated rate, "
                 "the clients are the limit and CPU per message is the figure to compare)")
    return lines
