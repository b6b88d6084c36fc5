"""The engine: its own thread and asyncio loop, running pollers, the batch writer and the hub.

Everything outside talks to it through a small thread-safe facade: `submit(command)` returns a
concurrent Future, `subscribe(callback)` delivers coalesced event batches, `snapshot()` copies
the newest values. Nothing a caller does can block the poll loop, and the loop never blocks on
the database (a single writer thread does that).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine as SqlEngine

from app.engine.blacklist import BlacklistRuntime, BlacklistTuning
from app.engine.cancellation import finish
from app.engine.commands import CommandOutcome, PileCommand
from app.engine.devices import DeviceRuntime, DeviceSettings
from app.engine.events import (
    DatabaseHealth,
    Event,
    LineHealth,
    PileEventLogged,
    RecordsStored,
)
from app.engine.hub import EventHub, Snapshot, Subscriber
from app.engine.ocpp_commands import OcppCommand
from app.engine.ordered import OrderedRuntime, OrderedTuning
from app.engine.poller import LinePoller, PollTuning
from app.engine.state import PortRef, StateStore
from app.engine.topology import LineSpec, load_lines
from app.engine.writer import BatchWriter
from comm.pile.device import serial_client, tcp_client, wire_timeout
from comm.pile.messages import PileIdentity, PileStatus, PortLive, RecordsHeader, TransactionRecord
from db.engine import make_engine, session_factory
from db.migrate import upgrade

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineSettings:
    tuning: PollTuning = field(default_factory=PollTuning)
    sample_interval_s: float = 10.0
    flush_interval_s: float = 2.0
    health_interval_s: float = 1.0
    hub_interval_s: float = 0.2
    devices: DeviceSettings = field(default_factory=DeviceSettings)  # meters, station load, OCPP
    ordered: OrderedTuning = field(default_factory=OrderedTuning)  # ordered charging (有序充电)
    blacklist: BlacklistTuning = field(default_factory=BlacklistTuning)  # card blacklist pushed to the piles


def default_client_factory(spec: LineSpec) -> Any:
    if spec.kind == "rtu":
        timeout = wire_timeout(spec.baudrate, floor_s=spec.timeout_ms / 1000)
        return serial_client(spec.device, baudrate=spec.baudrate, parity=spec.parity, stopbits=spec.stopbits,
                             timeout=timeout)
    return tcp_client(spec.host, spec.port, timeout=max(spec.timeout_ms / 1000, 1.0))


def _now() -> datetime:
    return datetime.now(UTC)


class Engine:
    """Headless runtime. `start()` migrates the database, reads the topology and starts polling."""

    def __init__(
        self,
        db: str | SqlEngine,
        *,
        settings: EngineSettings | None = None,
        client_factory: Callable[[LineSpec], Any] = default_client_factory,
    ) -> None:
        self.sql = make_engine(db) if isinstance(db, str) else db
        self.settings = settings or EngineSettings()
        self.client_factory = client_factory
        self.hub = EventHub(self.settings.hub_interval_s)
        self.store = StateStore(sample_interval_s=self.settings.sample_interval_s)
        self.writer = BatchWriter(session_factory(self.sql))
        self.lines: list[LineSpec] = []
        self.pollers: dict[str, LinePoller] = {}
        self._pile_line: dict[uuid.UUID, str] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._db_pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="chargedesk-db")
        self._ready = threading.Event()
        self._stopping: asyncio.Event | None = None
        self._startup_error: BaseException | None = None
        self._issued: dict[int, datetime] = {}
        self.devices = DeviceRuntime(self, self.settings.devices)
        self.ordered = OrderedRuntime(self, self.settings.ordered)
        self.blacklist = BlacklistRuntime(self, self.settings.blacklist)

    # -- facade (any thread) ----------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> None:
        upgrade(self.sql)
        with session_factory(self.sql)() as s:
            self.lines = load_lines(s)
            self.devices.load(s)
            self.ordered.load(s)
            self.blacklist.load(s, self.lines)
        alarms, sessions = self.writer.open_state()
        port_owner: dict[uuid.UUID, tuple[uuid.UUID, int]] = {}
        for line in self.lines:
            for pile in line.piles:
                self.store.add_pile(pile.pile_id, [PortRef(pid, n) for n, pid in pile.ports.items()])
                self._pile_line[pile.pile_id] = line.name
                port_owner |= {pid: (pile.pile_id, n) for n, pid in pile.ports.items()}
        port_owner |= self.devices.port_owner()
        for key in alarms:
            self.store.restore_alarm(key)
        for port_id, _row_id, pile_session_id in sessions:
            if port_id in port_owner:
                self.store.restore_session(*port_owner[port_id], pile_session_id)
        self._thread = threading.Thread(target=self._thread_main, name="chargedesk-engine", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the engine did not start in time")
        if self._startup_error is not None:
            raise RuntimeError(f"the engine failed to start: {self._startup_error}") from self._startup_error
        log.info("engine running: %d lines, %d piles", len(self.lines), len(self._pile_line))

    def stop(self, timeout: float = 15.0) -> None:
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and loop.is_running():
            loop.call_soon_threadsafe(stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():  # (a task that will not end: it keeps its serial port — say so)
                log.error("the engine did not stop within %.0f s; its thread is left running", timeout)
        self._db_pool.shutdown(wait=True)

    def submit(self, cmd: PileCommand | OcppCommand) -> concurrent.futures.Future[CommandOutcome]:
        if self._loop is None:
            raise RuntimeError("the engine is not running")
        return asyncio.run_coroutine_threadsafe(self._submit(cmd), self._loop)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        return self.hub.subscribe(callback)

    def snapshot(self) -> Snapshot:
        return self.hub.snapshot()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- loop -------------------------------------------------------------------------------------
    def _thread_main(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # report, never die silently
            log.exception("engine loop crashed")
            self._startup_error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            self.pollers = {
                line.name: LinePoller(line, self, self.client_factory, tuning=self.settings.tuning)
                for line in self.lines
            }
        except Exception as exc:
            self._startup_error = exc
            self._ready.set()
            return
        tasks = [asyncio.create_task(p.run(), name=f"line {name}") for name, p in self.pollers.items()]
        tasks += [asyncio.create_task(self.hub.run(), name="hub"),
                  asyncio.create_task(self._flush_loop(), name="writer"),
                  asyncio.create_task(self._health_loop(), name="health")]
        tasks += [asyncio.create_task(coro) for coro in self.devices.tasks()]
        tasks += [asyncio.ensure_future(coro) for coro in self.ordered.tasks()]
        tasks += [asyncio.ensure_future(coro) for coro in self.blacklist.tasks()]
        self._ready.set()
        await self._stopping.wait()
        await finish(tasks)
        await self._flush()  # what was observed before the stop is kept
        self.hub.flush()

    async def _submit(self, cmd: PileCommand | OcppCommand) -> CommandOutcome:
        if self.devices.handles(cmd):  # car piles: the OCPP central system
            self._issued[id(cmd)] = _now()
            outcome = await self.devices.submit(cmd)
            self.command_finished(cmd.pile_id, cmd, outcome)  # type: ignore[arg-type]
            return outcome
        line = self._pile_line.get(cmd.pile_id)
        if line is None:
            return CommandOutcome(False, "this pile is not polled by the engine (disabled, or not a Modbus pile)",
                                  _now())
        self._issued[id(cmd)] = _now()
        return await self.pollers[line].submit(cmd)

    def _publish(self, events: list[Event]) -> None:
        self.writer.add(events)
        self.hub.publish(events)
        self.devices.observe(events)

    # -- EngineSink (called by pollers on the loop) -----------------------------------------------
    def observe_identity(self, pile_id: uuid.UUID, identity: PileIdentity) -> None:
        self._publish(self.store.on_identity(pile_id, identity, _now()))

    def observe_status(self, pile_id: uuid.UUID, status: PileStatus, header: RecordsHeader | None) -> None:
        now = _now()
        events = self.store.on_status(pile_id, status, now)
        if header is not None:
            events += self.store.on_records_header(pile_id, header.lost, now)
        self._publish(events)
        self.blacklist.observe(pile_id, status.blacklist_version)

    def observe_ports(self, pile_id: uuid.UUID, ports: dict[int, PortLive]) -> None:
        self._publish(self.store.on_ports(pile_id, ports, _now()))

    def observe_offline(self, pile_id: uuid.UUID, reason: str) -> None:
        self._publish(self.store.on_offline(pile_id, reason, _now()))
        self.blacklist.offline(pile_id)

    async def store_records(self, pile_id: uuid.UUID, records: list[TransactionRecord]) -> None:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self._db_pool, self.writer.store_records, pile_id, records)
        now = _now()
        events: list[Event] = [RecordsStored(pile_id, tuple(result.stored), result.duplicates, now)]
        if result.duplicates:
            events.append(PileEventLogged(pile_id, "records_duplicate", "info",
                                          f"{result.duplicates} records were already stored; not stored twice", now))
        self.hub.publish(events)
        self.writer.add(events)

    def command_finished(self, pile_id: uuid.UUID, cmd: PileCommand, outcome: CommandOutcome) -> None:
        self.writer.log_command(pile_id, cmd, outcome, self._issued.pop(id(cmd), outcome.finished_at))
        self.blacklist.command_finished(pile_id, cmd, outcome)

    # -- background tasks ---------------------------------------------------------------------------
    async def _flush(self) -> None:
        await self.devices.flush()
        if not self.writer.pending:
            return
        batch = self.writer.take()
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._db_pool, self.writer.write, batch)
        except Exception as exc:
            self.writer.give_back(batch)
            log.error("database write failed, will retry: %s", exc)
            self.hub.publish([DatabaseHealth(False, f"write failed: {exc}".splitlines()[0][:300],
                                             self.writer.pending, _now())])
            return
        self.hub.publish([DatabaseHealth(True, "ok", self.writer.pending, _now())])

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.flush_interval_s)
            await self._flush()

    async def _health_loop(self) -> None:
        while True:
            now = time.monotonic()
            events: list[Event] = []
            for name, p in self.pollers.items():
                p.counters.snapshot(now)
                polls, errors = p.counters.rates()
                events.append(LineHealth(name, p.spec.kind, p.connected, polls, errors, p.piles_online(),
                                         len(p.piles), _now()))
            self.hub.publish(events)
            await asyncio.sleep(self.settings.health_interval_s)
