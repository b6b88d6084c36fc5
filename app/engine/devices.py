"""The engine's devices beside the Modbus pile lines: meter lines, the station load, and (when
configured) the OCPP 1.6J central system for car piles. Started by `Engine` next to its line pollers,
feeding the same state store, event hub and writers.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine.commands import CommandOutcome, PileCommand, RebootPile, StartPort, StopPort
from app.engine.device_writer import DeviceWriter
from app.engine.events import Event, LineHealth, MeterUpdate
from app.engine.load import LoadTracker
from app.engine.meters import MeterLineSpec, MeterPoller, MeterSpec, MeterTuning, load_meter_lines
from app.engine.ocpp_commands import OCPP_COMMANDS, OcppCommand, RemoteStart, RemoteStop, ResetChargePoint
from app.engine.ocpp_server import CentralSystem, OcppSettings
from comm.meters.messages import MeterReading
from db.engine import session_factory
from db.models import Pile, Station
from db.models_ocpp import ChargePoint

if TYPE_CHECKING:
    from app.engine.runtime import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeviceSettings:
    meters: MeterTuning = field(default_factory=MeterTuning)
    load_interval_s: float = 1.0  # StationLoad events
    load_sample_interval_s: float = 60.0  # station_load rows
    meter_sample_interval_s: float = 300.0  # meter_reading rows
    meter_stale_after_s: float = 30.0  # an older transformer reading is not used for the load
    ocpp: OcppSettings | None = None  # explicit settings of the OCPP central system
    ocpp_auto_port: int | None = 9000  # without `ocpp`: serve on this port if the database has charge points
    ocpp_file_dir: str | None = None  # firmware/diagnostics directory of the automatic central system


def _now() -> datetime:
    return datetime.now(UTC)


class DeviceRuntime:
    def __init__(self, engine: Engine, settings: DeviceSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.writer = DeviceWriter(session_factory(engine.sql),
                                   meter_sample_interval_s=settings.meter_sample_interval_s)
        self.loads = LoadTracker(sample_interval_s=settings.load_sample_interval_s,
                                 stale_after_s=settings.meter_stale_after_s)
        self.meter_lines: list[MeterLineSpec] = []
        self.meter_pollers: dict[str, MeterPoller] = {}
        self.ocpp: CentralSystem | None = None
        self._owners: dict[uuid.UUID, tuple[uuid.UUID, int]] = {}
        self._rates: dict[str, tuple[datetime, int, int]] = {}

    # -- set-up (caller's thread, before the loop starts) ---------------------------------------
    def load(self, session: Session) -> None:
        for st in session.scalars(select(Station)):
            self.loads.add_station(st.id, st.charging_limit_w)
        for pile_id, station_id in session.execute(select(Pile.id, Pile.station_id).where(Pile.enabled.is_(True))):
            self.loads.add_pile(pile_id, station_id)
        self.meter_lines = load_meter_lines(session)
        ocpp = self.settings.ocpp
        auto = self.settings.ocpp_auto_port
        if ocpp is None and auto is not None and session.scalar(select(ChargePoint.id).limit(1)) is not None:
            ocpp = OcppSettings(port=self.settings.ocpp_auto_port, file_dir=self.settings.ocpp_file_dir)
        if ocpp is not None:
            self.ocpp = CentralSystem(self.engine, ocpp, session_factory(self.engine.sql))
            self._owners = self.ocpp.load()

    def port_owner(self) -> dict[uuid.UUID, tuple[uuid.UUID, int]]:
        """Ports of the piles this runtime registered in the state store (OCPP car piles)."""
        return dict(self._owners)

    def handles(self, cmd: object) -> bool:
        """Commands for car piles: every OCPP command, and start/stop/reboot of a car pile."""
        if isinstance(cmd, OCPP_COMMANDS):
            return True
        return self.ocpp is not None and getattr(cmd, "pile_id", None) in self.ocpp.by_pile

    async def submit(self, cmd: OcppCommand | PileCommand) -> CommandOutcome:
        if self.ocpp is None:
            return CommandOutcome(False, "the engine runs no OCPP central system (no car piles configured)", _now())
        if isinstance(cmd, StartPort):
            cmd = RemoteStart(cmd.pile_id, cmd.port, issued_by=cmd.issued_by)
        elif isinstance(cmd, StopPort):
            cmd = RemoteStop(cmd.pile_id, cmd.port, issued_by=cmd.issued_by)
        elif isinstance(cmd, RebootPile):
            cmd = ResetChargePoint(cmd.pile_id, issued_by=cmd.issued_by)
        elif not isinstance(cmd, OCPP_COMMANDS):
            return CommandOutcome(False, f"{type(cmd).__name__} does not apply to an OCPP charge point", _now())
        return await self.ocpp.submit(cmd)  # type: ignore[arg-type]

    def tasks(self) -> list[Coroutine[Any, Any, None]]:
        self.meter_pollers = {line.name: MeterPoller(line, self, tuning=self.settings.meters)
                              for line in self.meter_lines}
        coros: list[Coroutine[Any, Any, None]] = [p.run() for p in self.meter_pollers.values()]
        coros.append(self._load_loop())
        if self.ocpp is not None:
            coros.append(self.ocpp.run())
        return coros

    # -- events from the engine (loop) -----------------------------------------------------------
    def observe(self, events: list[Event]) -> None:
        self.loads.observe(events)

    # -- MeterSink (loop) --------------------------------------------------------------------------
    def observe_meter(self, spec: MeterSpec, reading: MeterReading) -> None:
        now = _now()
        if spec.kind == "transformer":
            self.loads.on_transformer(spec.station_id, reading.power_w, now)
        self.writer.meter_reading(spec.meter_id, reading, now)
        self.engine.hub.publish([MeterUpdate(spec.meter_id, spec.station_id, spec.kind, True, reading, now)])

    def meter_offline(self, spec: MeterSpec, reason: str) -> None:
        log.warning("meter %s offline: %s", spec.code, reason)
        if spec.kind == "transformer":
            self.loads.on_transformer_lost(spec.station_id)
        self.writer.meter_offline(spec.meter_id)
        self.engine.hub.publish([MeterUpdate(spec.meter_id, spec.station_id, spec.kind, False, None, _now(),
                                             reason)])

    # -- background ------------------------------------------------------------------------------
    async def _load_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.load_interval_s)
            now = _now()
            events, samples = self.loads.compute(now)
            self.writer.add_loads(samples)
            events += [self._health(name, p, now) for name, p in self.meter_pollers.items()]
            self.engine.hub.publish(events)

    def _health(self, name: str, p: MeterPoller, now: datetime) -> LineHealth:
        t0, r0, f0 = self._rates.get(name, (now, p.requests, p.failures))
        if (now - t0).total_seconds() >= 10:
            self._rates[name] = (now, p.requests, p.failures)
        dt = max((now - t0).total_seconds(), 1e-9)
        polls, failed = p.requests - r0, p.failures - f0
        return LineHealth(name, "meter", p.connected, polls / dt if polls else 0.0, failed / max(polls, 1),
                          p.meters_online(), len(p.meters), now)

    async def flush(self) -> None:
        """Called by the engine's writer loop (and at stop), on the loop; the write runs on the DB thread."""
        if not self.writer.pending:
            return
        batch = self.writer.take()
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self.engine._db_pool, self.writer.write, batch)
        except Exception as exc:
            self.writer.give_back(batch)
            log.error("device rows not written, will retry: %s", exc)
