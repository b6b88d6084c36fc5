"""Line pollers: one asyncio task owns one line (an RS-485 bus, or one Ethernet pile's TCP link).

RS-485 is half-duplex, so everything on a bus — polls and commands — goes through its one task,
one request at a time. Scheduling is adaptive: piles with charging ports are polled often, idle
piles rarely, silent piles with exponential back-off, so one dead pile never slows its neighbours.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from app.engine.blacklist import execute_push
from app.engine.cancellation import raise_if_cancelled
from app.engine.commands import (
    ClearFault,
    CommandOutcome,
    PileCommand,
    PushBlacklist,
    ReadConfig,
    RebootPile,
    StartPort,
    StopPort,
    SyncClock,
    WriteConfig,
)
from app.engine.om_commands import QUIET, execute_om
from app.engine.topology import LineSpec, PileSpec
from comm.pile.device import CommandFailed, PileDevice, PileDisconnected, PileLinkError
from comm.pile.messages import (
    Command,
    CommandCode,
    PileIdentity,
    PileStatus,
    PortLive,
    RecordsHeader,
    TransactionRecord,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollTuning:
    active_interval_s: float = 1.0  # a pile with a port starting or charging
    idle_interval_s: float = 5.0
    offline_after_failures: int = 3
    offline_retry_s: float = 5.0  # first retry of an offline pile; doubles up to backoff_max_s
    backoff_max_s: float = 60.0
    clock_drift_s: float = 60.0  # re-sync a pile clock that is further off than this
    max_record_rounds: int = 4  # record windows read per visit, so a backlog cannot hog the bus


class EngineSink(Protocol):
    """What a poller reports to (implemented by the engine core, on the same loop)."""

    def observe_identity(self, pile_id: uuid.UUID, identity: PileIdentity) -> None: ...
    def observe_status(self, pile_id: uuid.UUID, status: PileStatus, header: RecordsHeader | None) -> None: ...
    def observe_ports(self, pile_id: uuid.UUID, ports: dict[int, PortLive]) -> None: ...
    def observe_offline(self, pile_id: uuid.UUID, reason: str) -> None: ...
    async def store_records(self, pile_id: uuid.UUID, records: list[TransactionRecord]) -> None: ...
    def command_finished(self, pile_id: uuid.UUID, cmd: PileCommand, outcome: CommandOutcome) -> None: ...


@dataclass
class _Pile:
    spec: PileSpec
    device: PileDevice
    identity: PileIdentity | None = None
    online: bool = False
    failures: int = 0
    next_due: float = 0.0
    backoff_s: float = 0.0
    last_counter: int | None = None
    last_uptime: int | None = None
    active_ports: tuple[int, ...] = ()


@dataclass
class LineCounters:
    requests: int = 0
    failures: int = 0
    polls: int = 0
    window: deque[tuple[float, int, int, int]] = field(default_factory=lambda: deque(maxlen=64))

    def snapshot(self, now: float) -> None:
        self.window.append((now, self.requests, self.failures, self.polls))

    def rates(self) -> tuple[float, float]:
        """(pile polls per second, failed request ratio) over the recorded window."""
        if len(self.window) < 2:
            return 0.0, 0.0
        (t0, r0, f0, p0), (t1, r1, f1, p1) = self.window[0], self.window[-1]
        dt = max(t1 - t0, 1e-9)
        return (p1 - p0) / dt, (f1 - f0) / max(r1 - r0, 1)


class LinePoller:
    """Polls every pile of one line and executes the commands queued for them."""

    def __init__(
        self,
        spec: LineSpec,
        sink: EngineSink,
        client_factory: Callable[[LineSpec], Any],
        *,
        tuning: PollTuning | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.spec = spec
        self.sink = sink
        self.tuning = tuning or PollTuning()
        self.clock = clock
        self.wall = wall
        self.client = client_factory(spec)
        self.piles = {p.pile_id: _Pile(p, PileDevice(self.client, p.unit_id, model=p.model)) for p in spec.piles}
        self.counters = LineCounters()
        self.connected = False
        self._commands: asyncio.Queue[tuple[PileCommand, asyncio.Future[CommandOutcome]]] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._connect_backoff = 0.5

    # -- public --------------------------------------------------------------------------------
    def submit(self, cmd: PileCommand) -> Awaitable[CommandOutcome]:
        fut: asyncio.Future[CommandOutcome] = asyncio.get_running_loop().create_future()
        self._commands.put_nowait((cmd, fut))
        self._wake.set()
        return fut

    def piles_online(self) -> int:
        return sum(1 for p in self.piles.values() if p.online)

    async def run(self) -> None:
        try:
            while True:
                raise_if_cancelled()
                if not self.connected and not await self._connect():
                    continue
                if not self._commands.empty():
                    cmd, fut = self._commands.get_nowait()
                    await self._run_command(cmd, fut)
                    continue
                pile = min(self.piles.values(), key=lambda p: p.next_due, default=None)
                if pile is None:
                    await self._sleep(3600)
                    continue
                wait = pile.next_due - self.clock()
                if wait > 0:
                    await self._sleep(wait)
                    continue
                await self._visit(pile)
        finally:
            self.client.close()
            while not self._commands.empty():
                _, fut = self._commands.get_nowait()
                if not fut.done():
                    fut.set_result(_fail("the engine is stopping; the command was not sent", self.wall()))

    # -- connection ----------------------------------------------------------------------------
    async def _connect(self) -> bool:
        try:
            ok = await self.client.connect()
        except Exception as exc:  # a missing serial device raises from pyserial
            log.debug("%s: connect failed: %s", self.spec.name, exc)
            ok = False
        if ok:
            self.connected = True
            self._connect_backoff = 0.5
            return True
        for pile in self.piles.values():
            self._failed(pile, f"cannot open {self.spec.describe()}")
        # Drain commands: nobody should wait for a line that is down.
        while not self._commands.empty():
            cmd, fut = self._commands.get_nowait()
            out = _fail(f"{self.spec.describe()} is not reachable; check the cable / adapter and retry", self.wall())
            self.sink.command_finished(cmd.pile_id, cmd, out)
            if not fut.done():
                fut.set_result(out)
        await self._sleep(self._connect_backoff)
        self._connect_backoff = min(self._connect_backoff * 2, self.tuning.backoff_max_s)
        return False

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=max(seconds, 0.0))
        except TimeoutError:
            pass

    # -- polling -------------------------------------------------------------------------------
    async def _request(self, coro: Awaitable[object]) -> object:
        self.counters.requests += 1
        try:
            return await coro
        except PileLinkError:
            self.counters.failures += 1
            raise

    async def _visit(self, pile: _Pile) -> None:
        dev, pid = pile.device, pile.spec.pile_id
        try:
            if pile.identity is None:
                pile.identity = await self._request(dev.read_identity())  # type: ignore[assignment]
                self.sink.observe_identity(pid, pile.identity)  # type: ignore[arg-type]
            status: PileStatus = await self._request(dev.read_status())  # type: ignore[assignment]
            if pile.last_uptime is not None and status.uptime_s < pile.last_uptime:
                # Rebooted or powered up again: re-read who it is (boot count, firmware).
                pile.identity = await self._request(dev.read_identity())  # type: ignore[assignment]
                self.sink.observe_identity(pid, pile.identity)  # type: ignore[arg-type]
                pile.last_counter = None
            pile.last_uptime = status.uptime_s
            header = None
            if status.record_newest > status.record_acked:
                header = await self._drain_records(pile)
            self.sink.observe_status(pid, status, header)
            await self._read_ports(pile, status)
            if abs(status.clock - self.wall()) > self.tuning.clock_drift_s:
                await self._request(dev.command(Command(CommandCode.SYNC_CLOCK, arg=int(self.wall()))))
        except PileDisconnected as exc:
            self._line_down(str(exc))
            return
        except PileLinkError as exc:
            self._failed(pile, str(exc))
            return
        self.counters.polls += 1
        pile.failures = 0
        pile.backoff_s = 0.0
        pile.online = True
        interval = self.tuning.active_interval_s if status.charging_mask else self.tuning.idle_interval_s
        pile.next_due = self.clock() + interval

    async def _read_ports(self, pile: _Pile, status: PileStatus) -> None:
        active = tuple(n for n in range(1, pile.spec.port_count + 1) if status.charging_mask >> (n - 1) & 1)
        if status.change_counter != pile.last_counter or set(pile.active_ports) - set(active):
            first, last = 1, pile.spec.port_count  # something changed: read every port
        elif active:
            first, last = active[0], active[-1]  # only live values move: read the charging span
        else:
            return
        ports: dict[int, PortLive] = await self._request(pile.device.read_ports(first, last))  # type: ignore[assignment]
        pile.last_counter = status.change_counter
        pile.active_ports = active
        self.sink.observe_ports(pile.spec.pile_id, ports)

    async def _drain_records(self, pile: _Pile) -> RecordsHeader | None:
        header = None
        for _ in range(self.tuning.max_record_rounds):
            header, records = await self._request(pile.device.read_records())  # type: ignore[misc]
            if not records:
                break
            # Store first, acknowledge after the commit: a crash in between re-reads, never loses.
            await self.sink.store_records(pile.spec.pile_id, records)
            await self._request(pile.device.ack_records(records[-1].seq))
            if records[-1].seq >= header.newest:
                break
        return header

    def _failed(self, pile: _Pile, reason: str) -> None:
        log.debug("%s: %s", pile.spec.code, reason)
        pile.failures += 1
        t = self.tuning
        if pile.failures >= t.offline_after_failures:
            if pile.online or pile.failures == t.offline_after_failures:
                self.sink.observe_offline(pile.spec.pile_id, reason)
            pile.online = False
            pile.identity = None  # it may come back as another device (swapped) or rebooted
            pile.backoff_s = min(max(pile.backoff_s * 2, t.offline_retry_s), t.backoff_max_s)
            pile.next_due = self.clock() + pile.backoff_s
            if self.spec.kind == "tcp" and self.connected and not any(p.online for p in self.piles.values()):
                # Nobody answers on this connection: it may be dead without pymodbus knowing (a pile that lost
                # power right after accepting it) — the next visit connects afresh. A serial port stays open:
                # one silent unit says nothing about the bus.
                self.connected = False
                self.client.close()
        else:
            pile.next_due = self.clock() + t.active_interval_s

    def _line_down(self, reason: str) -> None:
        self.connected = False
        self.client.close()
        for pile in self.piles.values():
            pile.failures = max(pile.failures, self.tuning.offline_after_failures - 1)
            self._failed(pile, reason)

    # -- commands ------------------------------------------------------------------------------
    async def _run_command(self, cmd: PileCommand, fut: asyncio.Future[CommandOutcome]) -> None:
        pile = self.piles.get(cmd.pile_id)
        if pile is None:
            outcome = _fail("this pile is not on this line", self.wall())
        else:
            try:
                outcome = await self._execute(pile, cmd)
            except CommandFailed as exc:
                outcome = _fail(str(exc), self.wall())
            except PileDisconnected as exc:
                self._line_down(str(exc))
                outcome = _fail(f"{exc}; the command was not confirmed — check the line and retry", self.wall())
            except PileLinkError as exc:
                outcome = _fail(f"{exc}; the command was not confirmed — the pile may or may not have done it",
                                self.wall())
            if not isinstance(cmd, QUIET):  # an upgrade sends hundreds of these: polls keep their own pace
                pile.next_due = self.clock()  # refresh its state right away
        self.sink.command_finished(cmd.pile_id, cmd, outcome)
        if not fut.done():
            fut.set_result(outcome)

    async def _execute(self, pile: _Pile, cmd: PileCommand) -> CommandOutcome:
        dev = pile.device
        now = self.wall
        maintenance = await execute_om(self._request, dev, cmd, now)  # firmware, diagnosis, self-test
        if maintenance is not None:
            return maintenance  # type: ignore[no-any-return]
        if isinstance(cmd, PushBlacklist):  # card blacklist: chunks, commit, read-back
            return await execute_push(self._request, dev, cmd, now)
        if isinstance(cmd, StartPort):
            await self._request(dev.command(Command(CommandCode.START_PORT, cmd.port, cmd.minutes, cmd.amount_fen)))
            live = (await self._request(dev.read_ports(cmd.port, cmd.port)))[cmd.port]  # type: ignore[index]
            if not live.state.active:
                raise CommandFailed(f"port {cmd.port} did not start (read back: {live.state.value})")
            return CommandOutcome(True, f"port {cmd.port} started", _ts(now()),
                                  extra={"session_id": live.session_id})
        if isinstance(cmd, StopPort):
            await self._request(dev.command(Command(CommandCode.STOP_PORT, cmd.port)))
            live = (await self._request(dev.read_ports(cmd.port, cmd.port)))[cmd.port]  # type: ignore[index]
            if live.state.active:
                raise CommandFailed(f"port {cmd.port} is still {live.state.value} after the stop command")
            return CommandOutcome(True, f"port {cmd.port} stopped", _ts(now()))
        if isinstance(cmd, SyncClock):
            await self._request(dev.command(Command(CommandCode.SYNC_CLOCK, arg=int(now()))))
            status: PileStatus = await self._request(dev.read_status())  # type: ignore[assignment]
            if abs(status.clock - now()) > 5:
                raise CommandFailed(f"pile clock still {status.clock - now():+.0f} s off after the sync")
            return CommandOutcome(True, "clock synchronised", _ts(now()))
        if isinstance(cmd, RebootPile):
            await self._request(dev.command(Command(CommandCode.REBOOT)))
            pile.last_uptime = None
            pile.identity = None
            return CommandOutcome(True, "reboot accepted; the pile will answer again in a few seconds", _ts(now()))
        if isinstance(cmd, ClearFault):
            await self._request(dev.command(Command(CommandCode.CLEAR_FAULT, cmd.port)))
            if cmd.port:
                live = (await self._request(dev.read_ports(cmd.port, cmd.port)))[cmd.port]  # type: ignore[index]
                if live.fault.value != "NONE":
                    raise CommandFailed(f"port {cmd.port} still reports {live.fault.value}: the cause persists")
            return CommandOutcome(True, "fault cleared", _ts(now()))
        if isinstance(cmd, ReadConfig):
            cfg, rev = await self._request(dev.read_config())  # type: ignore[misc]
            return CommandOutcome(True, f"configuration revision {rev}", _ts(now()), config=cfg,
                                  extra={"revision": rev})
        if isinstance(cmd, WriteConfig):
            rev = await self._request(dev.write_config(cmd.config))
            return CommandOutcome(True, f"configuration written and read back (revision {rev})", _ts(now()),
                                  config=cmd.config, extra={"revision": rev})  # type: ignore[dict-item]
        raise CommandFailed(f"unknown command {type(cmd).__name__}")


def _ts(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


def _fail(detail: str, t: float) -> CommandOutcome:
    return CommandOutcome(False, detail, _ts(t))
