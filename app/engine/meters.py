"""Meter lines: which meters the engine reads (from the database) and one poller task per line.

A meter line is one serial port with meters of one protocol on it (Modbus RTU or DL/T 645-2007).
Like a pile bus, it is half-duplex: its one task sends one request at a time. The transformer
meter is read often (it feeds the station's live load), pile meters rarely; a silent meter goes
offline after a few failures and is retried with back-off, so it never starves its neighbours.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.engine.cancellation import raise_if_cancelled
from comm.dlt645.link import Dlt645Link
from comm.meters.device import Dlt645Meter, Meter, ModbusMeter
from comm.meters.messages import MeterDisconnected, MeterLinkError, MeterReading
from comm.pile.device import serial_client, wire_timeout
from db.models import Bus, Pile
from db.models_meters import Meter as MeterRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MeterSpec:
    meter_id: uuid.UUID
    code: str
    station_id: uuid.UUID
    kind: str
    protocol: str
    model: str
    address: str
    multiplier: int = 1
    pile_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class MeterLineSpec:
    name: str
    protocol: str
    device: str
    baudrate: int
    parity: str
    stopbits: int
    timeout_ms: int
    meters: tuple[MeterSpec, ...]


def load_meter_lines(session: Session) -> list[MeterLineSpec]:
    """Enabled meters grouped by their bus. A bus that also carries piles is skipped (the pile poller
    owns that port) and so is a bus mixing protocols; both are logged."""
    rows = session.scalars(select(MeterRow).where(MeterRow.enabled.is_(True))
                           .options(selectinload(MeterRow.bus).selectinload(Bus.station))
                           .order_by(MeterRow.code)).all()
    pile_buses = set(session.scalars(select(Pile.bus_id).where(Pile.bus_id.is_not(None), Pile.enabled.is_(True))))
    by_bus: dict[uuid.UUID, list[MeterRow]] = defaultdict(list)
    for m in rows:
        by_bus[m.bus_id].append(m)
    lines = []
    for bus_id, meters in by_bus.items():
        bus = meters[0].bus
        name = f"{bus.station.code}/{bus.name}"
        if not bus.enabled:
            continue
        if bus_id in pile_buses:
            log.error("%s carries piles and meters: meters on a pile bus are not read (give them a port of their own)",
                      name)
            continue
        protocols = {m.protocol for m in meters}
        if len(protocols) > 1:
            log.error("%s mixes meter protocols %s: not read", name, sorted(protocols))
            continue
        lines.append(MeterLineSpec(
            name, protocols.pop(), bus.device, bus.baudrate, bus.parity, bus.stopbits, bus.timeout_ms,
            tuple(MeterSpec(m.id, m.code, m.station_id, m.kind, m.protocol, m.model, m.address, m.multiplier,
                            m.pile_id) for m in meters)))
    return sorted(lines, key=lambda line: line.name)


class MeterSink(Protocol):
    def observe_meter(self, spec: MeterSpec, reading: MeterReading) -> None: ...
    def meter_offline(self, spec: MeterSpec, reason: str) -> None: ...


@dataclass(frozen=True)
class MeterTuning:
    transformer_interval_s: float = 2.0
    pile_interval_s: float = 15.0
    offline_after_failures: int = 3
    retry_s: float = 5.0
    backoff_max_s: float = 60.0


@dataclass
class _State:
    spec: MeterSpec
    driver: Meter
    next_due: float = 0.0
    failures: int = 0
    online: bool | None = None
    backoff_s: float = 0.0


class MeterPoller:
    def __init__(self, spec: MeterLineSpec, sink: MeterSink, *, tuning: MeterTuning | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.spec = spec
        self.sink = sink
        self.tuning = tuning or MeterTuning()
        self.clock = clock
        self.connected = False
        self.requests = self.failures = 0
        if spec.protocol == "dlt645":
            self.link: Any = Dlt645Link(spec.device, baudrate=spec.baudrate, parity=spec.parity,
                                        stopbits=spec.stopbits)
            drivers: dict[uuid.UUID, Meter] = {m.meter_id: Dlt645Meter(self.link, m.address, multiplier=m.multiplier)
                                               for m in spec.meters}
        else:
            timeout = wire_timeout(spec.baudrate, floor_s=spec.timeout_ms / 1000)
            self.link = serial_client(spec.device, baudrate=spec.baudrate, parity=spec.parity,
                                      stopbits=spec.stopbits, timeout=timeout)
            drivers = {m.meter_id: ModbusMeter(self.link, int(m.address), m.model, multiplier=m.multiplier)
                       for m in spec.meters}
        self.meters = [_State(m, drivers[m.meter_id]) for m in spec.meters]

    def meters_online(self) -> int:
        return sum(1 for m in self.meters if m.online)

    async def _connect(self) -> bool:
        try:
            if self.spec.protocol == "dlt645":
                await self.link.open()
                ok = True
            else:
                ok = bool(await self.link.connect())
        except Exception as exc:  # a missing serial device: keep trying, report the meters offline
            log.debug("%s: cannot open: %s", self.spec.name, exc)
            ok = False
        self.connected = ok
        return ok

    def _close(self) -> None:
        self.connected = False
        self.link.close()

    async def run(self) -> None:
        backoff = 0.5
        try:
            while True:
                raise_if_cancelled()
                if not self.connected and not await self._connect():
                    for m in self.meters:
                        self._failed(m, f"cannot open {self.spec.device}")
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.tuning.backoff_max_s)
                    continue
                backoff = 0.5
                m = min(self.meters, key=lambda s: s.next_due)
                wait = m.next_due - self.clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                await self._visit(m)
        finally:
            self._close()
            if self.spec.protocol == "dlt645":
                self.link.shutdown()

    async def _visit(self, m: _State) -> None:
        self.requests += 1
        try:
            reading = await m.driver.read()
        except MeterDisconnected as exc:
            self.failures += 1
            self._close()
            self._failed(m, str(exc))
            return
        except MeterLinkError as exc:
            self.failures += 1
            self._failed(m, str(exc))
            return
        m.failures, m.backoff_s, m.online = 0, 0.0, True
        t = self.tuning
        m.next_due = self.clock() + (t.transformer_interval_s if m.spec.kind == "transformer" else t.pile_interval_s)
        self.sink.observe_meter(m.spec, reading)

    def _failed(self, m: _State, reason: str) -> None:
        t = self.tuning
        m.failures += 1
        if m.failures >= t.offline_after_failures:
            if m.online is not False:
                m.online = False
                self.sink.meter_offline(m.spec, reason)
            m.backoff_s = min(max(m.backoff_s * 2, t.retry_s), t.backoff_max_s)
            m.next_due = self.clock() + m.backoff_s
        else:
            m.next_due = self.clock() + min(t.transformer_interval_s, 1.0)
