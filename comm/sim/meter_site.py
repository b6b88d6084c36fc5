"""The meters of a simulated community: one RS-485 meter line per station on a pseudo-terminal.

Each station gets a transformer meter (its reading = the household evening-peak curve + whatever
the station's simulated piles and car charge points draw) and pile meters on its first two Modbus
piles. The protocol rotates over the stations so every driver is exercised by the demo:

    station 1, 4, …  DL/T 645-2007 at 2400 baud 8E1, transformer meter behind a 200/5 A CT (×40)
    station 2, 5, …  Modbus RTU: Eastron SDM630 (transformer), SDM120 + Acrel DDSY1352 (piles)
    station 3, 6, …  Modbus RTU: Acrel ADW300 (transformer), SDM120 + DDSY1352 (piles)

Pure plan (`plan_meters`) + the running part (`MeterLines`), so provisioning can use the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from comm.meters.register_map import load_meter_map
from comm.sim.community import Community
from comm.sim.config import SimConfig
from comm.sim.dlt645_bus import Dlt645BusServer
from comm.sim.load_curve import household_load_w
from comm.sim.meters import Dlt645MeterResponder, ModbusMeterServer, SimMeter
from comm.sim.rtu_bus import RtuBusServer

OTHER_LOAD_PEAK = 0.55  # evening peak of the household load, as a share of the station's limit
METER_BUS = "meter-485"


@dataclass(frozen=True, slots=True)
class MeterSpec:
    code: str
    station: str
    kind: str  # "transformer" | "pile"
    protocol: str  # "dlt645" | "modbus-rtu"
    model: str  # register map name, or "DLT645"
    address: str  # Modbus unit id as text, or 12 DL/T 645 digits
    pile: str | None = None  # pile code a pile meter measures
    multiplier: int = 1


@dataclass(frozen=True, slots=True)
class MeterBusSpec:
    station: str
    name: str
    protocol: str
    baudrate: int
    parity: str
    meters: tuple[MeterSpec, ...]


def plan_meters(config: SimConfig) -> list[MeterBusSpec]:
    buses = []
    for i, st in enumerate(config.stations):
        modbus_piles = [p.code for p in st.piles][:2]
        if i % 3 == 0:
            base = f"{i + 1:02d}0000000"
            meters = [MeterSpec(f"{st.code}-M0", st.code, "transformer", "dlt645", "DLT645", f"{base}100",
                                multiplier=40)]
            meters += [MeterSpec(f"{st.code}-M{k}", st.code, "pile", "dlt645", "DLT645", f"{base}{100 + k}", pile=c)
                       for k, c in enumerate(modbus_piles, start=1)]
            buses.append(MeterBusSpec(st.code, METER_BUS, "dlt645", 2400, "E", tuple(meters)))
        else:
            main = "SDM630" if i % 3 == 1 else "ADW300"
            meters = [MeterSpec(f"{st.code}-M0", st.code, "transformer", "modbus-rtu", main, "1")]
            meters += [MeterSpec(f"{st.code}-M{k}", st.code, "pile", "modbus-rtu", model, str(k + 1), pile=c)
                       for k, (c, model) in enumerate(zip(modbus_piles, ("SDM120", "DDSY1352"), strict=False),
                                                      start=1)]
            buses.append(MeterBusSpec(st.code, METER_BUS, "modbus-rtu", 9600, "N", tuple(meters)))
    return buses


@dataclass
class MeterLines:
    """The running meter lines of a community. `extra_load[station]` are more power sources (car
    charge points) that the transformer meter sees; add to it at any time."""

    community: Community
    config: SimConfig
    clock: Callable[[], float]
    run_dir: Path
    plan: list[MeterBusSpec] = field(default_factory=list)
    meters: dict[str, SimMeter] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)  # "STATION/bus" → device path
    extra_load: dict[str, list[Callable[[float], float]]] = field(default_factory=dict)
    _servers: list[RtuBusServer | Dlt645BusServer] = field(default_factory=list)

    def _charging_w(self, station: str, t: float) -> float:
        st = self.config.station(station)
        piles = sum(self.community.pile(p.code).total_power_w for p in st.piles)
        return piles + sum(src(t) for src in self.extra_load.get(station, []))

    def transformer_w(self, station: str, t: float) -> float:
        index = [s.code for s in self.config.stations].index(station)
        limit = self.config.station(station).charging_limit_w
        other = household_load_w(t, peak_w=int(limit * OTHER_LOAD_PEAK), tz_offset_min=self.config.tz_offset_min,
                                 seed=index)
        return other + self._charging_w(station, t)

    def _meter(self, spec: MeterSpec, now: float, energy_wh: float) -> SimMeter:
        if spec.kind == "transformer":
            def power(t: float, s: str = spec.station, k: int = spec.multiplier) -> float:
                return self.transformer_w(s, t) / k
            phases = 3
        else:
            pile = self.community.pile(spec.pile or "")

            def power(t: float, p: object = pile) -> float:
                return p.total_power_w  # type: ignore[attr-defined,no-any-return]
            phases = 1
        meter = SimMeter(spec.code, power, now=now, energy_wh=energy_wh, phases=phases, clock=self.clock)
        self.meters[spec.code] = meter
        return meter

    async def start(self) -> dict[str, str]:
        self.plan = plan_meters(self.config)
        now = self.clock()
        for n, bus in enumerate(self.plan):
            link = self.run_dir / f"tty-{bus.station}-{bus.name}"
            energy = [5_000_000.0 + 1_000_000 * n + 10_000 * k for k in range(len(bus.meters))]
            if bus.protocol == "dlt645":
                responders = [Dlt645MeterResponder(self._meter(m, now, e / m.multiplier), m.address)
                              for m, e in zip(bus.meters, energy, strict=True)]
                server: RtuBusServer | Dlt645BusServer = Dlt645BusServer(
                    responders, baudrate=bus.baudrate, link=link)  # type: ignore[arg-type]
            else:
                units = {int(m.address): ModbusMeterServer(self._meter(m, now, e), load_meter_map(m.model))
                         for m, e in zip(bus.meters, energy, strict=True)}
                server = RtuBusServer(units, baudrate=bus.baudrate, link=link)  # type: ignore[arg-type]
            self.devices[f"{bus.station}/{bus.name}"] = await server.start()
            self._servers.append(server)
        return self.devices

    def tick(self, now: float) -> None:
        for m in self.meters.values():
            m.advance(now)

    async def stop(self) -> None:
        for s in self._servers:
            await s.stop()

    def server_of(self, station: str) -> RtuBusServer | Dlt645BusServer:
        return self._servers[[b.station for b in self.plan].index(station)]

    def set_silent(self, station: str, silent: bool = True) -> None:
        """Every meter of the station's line stops answering (a cut A/B pair) or answers again."""
        server = self.server_of(station)
        bus = self.plan[[b.station for b in self.plan].index(station)]
        if isinstance(server, Dlt645BusServer):
            addrs = {m.address for m in bus.meters}
            server.faults.silent = addrs if silent else set()
        else:
            server.faults.silent = {int(m.address) for m in bus.meters} if silent else set()
