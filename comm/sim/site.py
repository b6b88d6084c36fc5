"""A whole simulated community on real transports: what `chargedesk sim` and the demo run.

Builds the Community (physics, residents, arrivals) from a config, puts every RS-485 bus on a
pseudo-terminal (a stable symlink in the run directory) and every Ethernet pile on a TCP port,
ticks the clock, and serves a small JSON control socket for fault injection while running.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from comm.sim.car_piles import CarPiles, CarPileSpec, plan_car_piles
from comm.sim.community import Community, Fault
from comm.sim.config import SimConfig
from comm.sim.meter_site import MeterLines
from comm.sim.pile_maint import sim_action
from comm.sim.runtime import SimClock, SimRuntime
from comm.sim.vehicles import VehicleKind, random_vehicle

log = logging.getLogger(__name__)


@dataclass
class SiteEndpoints:
    """Where the console finds each line: bus key "STATION/bus" → device; pile code → (host, port)."""

    buses: dict[str, str] = field(default_factory=dict)
    tcp: dict[str, tuple[str, int]] = field(default_factory=dict)
    control: tuple[str, int] | None = None
    meter_buses: dict[str, str] = field(default_factory=dict)  # "STATION/meter-485" → device
    car_piles: tuple[CarPileSpec, ...] = ()  # OCPP charge points (they connect to the console themselves)


class SimulatedSite:
    def __init__(self, config: SimConfig, *, run_dir: Path, host: str = "127.0.0.1", tcp_base_port: int = 0,
                 speed: float | None = None, control_port: int | None = None, meters: bool = True,
                 car_piles: int = 0) -> None:
        self.config = config
        self.run_dir = run_dir
        self.host = host
        self.tcp_base_port = tcp_base_port
        self.control_port = control_port
        self.clock = SimClock(config.speed if speed is None else speed)
        self.community = Community(config, now=self.clock.now())
        self.runtime = SimRuntime(self.clock, on_tick=self._on_tick)
        self.meters = MeterLines(self.community, config, self.clock.now, run_dir) if meters else None
        self.endpoints = SiteEndpoints(car_piles=tuple(plan_car_piles(config, car_piles)))
        self.cars: CarPiles | None = None
        self._control: asyncio.Server | None = None
        self._rng = random.Random(f"{config.seed}:control")

    async def start(self) -> SiteEndpoints:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        index = 0
        for st in self.config.stations:
            for bus in st.buses:
                key = f"{st.code}/{bus.name}"
                link = self.run_dir / f"tty-{st.code}-{bus.name}"
                piles = [self.community.pile(p.code) for p in bus.piles]
                self.endpoints.buses[key] = await self.runtime.add_bus(key, piles, baudrate=bus.baudrate, link=link)
            for spec in st.tcp_piles:
                port = spec.tcp_port or (self.tcp_base_port + index if self.tcp_base_port else 0)
                index += 1
                bound = await self.runtime.add_tcp(self.community.pile(spec.code), host=self.host, port=port)
                self.endpoints.tcp[spec.code] = (self.host, bound)
        if self.meters is not None:
            self.endpoints.meter_buses = await self.meters.start()
        await self.runtime.start_ticking()
        if self.control_port is not None:
            self._control = await asyncio.start_server(self._serve_control, "127.0.0.1", self.control_port)
            self.endpoints.control = ("127.0.0.1", self._control.sockets[0].getsockname()[1])
        return self.endpoints

    async def stop(self) -> None:
        if self._control is not None:
            self._control.close()
        if self.cars is not None:
            await self.cars.stop()
        await self.runtime.stop()
        if self.meters is not None:
            await self.meters.stop()

    async def start_cars(self, ocpp_url: str) -> None:
        """Start the car charge points: OCPP clients of the central system at `ocpp_url` (ws://…/ocpp/)."""
        if self.endpoints.car_piles and self.cars is None:
            self.cars = CarPiles(list(self.endpoints.car_piles), ocpp_url, self.clock.now, self.community,
                                 self.meters, self.config.tz_offset_min, self.config.seed)
            await self.cars.start()

    def _on_tick(self, now: float) -> None:
        self.community.advance(now)
        if self.meters is not None:
            self.meters.tick(now)

    # -- control ---------------------------------------------------------------------------------
    def act(self, action: str, target: str = "", args: list[str] | None = None) -> Any:
        """One operator action, as `chargedesk sim ctl` sends it. Runs on the simulator loop."""
        args = args or []
        now = self.clock.now()
        num = [int(a) for a in args if a.lstrip("-").isdigit()]
        port = num[0] if num else 1
        rt, comm = self.runtime, self.community
        if action == "status":
            return {"sim_time": now, "speed": self.clock.speed, "busy_ports": comm.busy_ports(),
                    "piles": len(comm.piles), "endpoints": {"buses": self.endpoints.buses, "tcp": self.endpoints.tcp}}
        if action == "speed":
            self.clock.set_speed(float(args[0]))
            return {"speed": self.clock.speed}
        if action == "noise":
            rt.set_noise(target, float(args[0]) if args else 0.02)
            return {"noise": target}
        if action == "meter-silent" and self.meters is not None:  # target: station code; "off" ends it
            on = not (args and args[-1] in ("off", "0", "false"))
            self.meters.set_silent(target, on)
            return {"meters_silent": target, "silent": on}
        if action.startswith("car-") and self.cars is not None:
            return self._car_action(action, target, num)
        pile = comm.pile(target)
        if action == "coins":
            return {"kept": pile.insert_coins(port, num[1] if len(num) > 1 else 1, now)}
        if action == "swipe":
            return {"result": str(pile.swipe_card(port, num[1], now))}
        if action == "plug":
            kind = VehicleKind(args[1]) if len(args) > 1 else VehicleKind.EBIKE
            return {"plugged": pile.plug(port, random_vehicle(kind, self._rng), now)}
        if action == "unplug":
            return {"unplugged": pile.unplug(port, now) is not None}
        if action == "silent":
            rt.set_silent(target, not (args and args[-1] in ("off", "0", "false")))
            return {"silent": target}
        if action == "slow":
            rt.set_slow(target, float(args[0]) if args else 1.0)
            return {"slow": target}
        if action == "power-cut":
            rt.power_cut(target)
            return {"power": "cut"}
        if action == "power-restore":
            rt.power_restore(target)
            return {"power": "restored"}
        if action.startswith("fw-") or action == "latent":  # firmware and self-test faults
            return sim_action(pile, action, args)
        fault = Fault(action.replace("-", "_"))
        comm.inject(target, fault, now, port=port, level=num[1] if len(num) > 1 else None)
        return {"injected": fault.value}

    def _car_action(self, action: str, identity: str, num: list[int]) -> Any:
        cars = self.cars
        assert cars is not None
        cp = cars.cps[identity]  # KeyError names an unknown charge point
        if action == "car-plug":
            return {"charging": cars.arrive(identity, self._rng)}
        if action == "car-unplug":
            cp.unplug(num[0] if num else 1)
            return {"unplugged": identity}
        if action == "car-drop":  # the LAN link of the charge point goes down for N seconds
            cp.drop_connection(float(num[0]) if num else 30.0)
            return {"offline": identity}
        return {"connected": cp.connected, "registration": cp.registration, "queued": len(cp.queue),
                "connectors": {n: {"status": c.status, "tx": c.tx_id, "amps": c.current_a,
                                   "soc": c.car.soc_pct if c.car else None} for n, c in cp.connectors.items()}}

    async def _serve_control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                try:
                    req = json.loads(line)
                    result = {"ok": True, "result": self.act(req["action"], req.get("target", ""), req.get("args"))}
                except Exception as exc:  # a bad request is answered, never fatal
                    result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                writer.write((json.dumps(result, default=str) + "\n").encode())
                await writer.drain()
        finally:
            with contextlib.suppress(Exception):
                writer.close()


async def send_control(port: int, action: str, target: str = "", args: list[str] | None = None,
                       host: str = "127.0.0.1") -> dict[str, Any]:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write((json.dumps({"action": action, "target": target, "args": args or []}) + "\n").encode())
    await writer.drain()
    reply = json.loads(await reader.readline())
    writer.close()
    return dict(reply)
