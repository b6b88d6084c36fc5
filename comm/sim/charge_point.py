"""A simulated car AC charge point: a real OCPP 1.6J client over WebSocket (ws:// or wss://, Basic auth).

It boots, sends heartbeats, status notifications and MeterValues, runs transactions for the cars
plugged into it (comm.sim.car: battery, taper, charging profiles 6–32 A), and answers the central
system's commands (cp_handlers). Like a real charge point it keeps transaction messages
(StartTransaction, MeterValues, StopTransaction) in a queue while the link is down and delivers
them in order after the reconnect; a message whose answer never came is sent again unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ocpp.v16 import call
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from comm.sim.car import CarBattery, Profiles, offered_a
from comm.sim.cp_handlers import CpLink

log = logging.getLogger(__name__)


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class SimConnector:
    number: int
    status: str = "Available"
    car: CarBattery | None = None
    register_wh: float = 0.0
    tx_id: int | None = None  # from the central system (None until StartTransaction is answered)
    in_tx: bool = False  # a transaction runs here (its id may still be unknown: queued while offline)
    id_tag: str = ""
    started_at: float = 0.0
    current_a: float = 0.0
    operative: bool = True
    reservation: int | None = None


@dataclass
class _Queued:
    action: str
    build: Callable[[], Any]  # makes the payload when it is (re)sent: a queued stop learns its tx id late
    done: Callable[[Any], None] | None = None
    payload: Any = None


@dataclass
class CpStats:
    connects: int = 0
    auth_failures: int = 0
    boots: int = 0
    sent: int = 0
    resent: int = 0
    last_error: str = ""
    rtt_s: list[float] = field(default_factory=list)  # round-trip times of calls (bench)


class SimChargePoint:
    def __init__(self, identity: str, url: str, *, password: str | None = None,
                 ssl_context: ssl.SSLContext | None = None, connectors: int = 1, hardware_a: float = 32.0,
                 voltage: float = 230.0,
                 clock: Callable[[], float] = time.time, vendor: str = "ChargeDesk-Sim", model: str = "AC7-SIM",
                 serial: str = "", firmware: str = "1.0.0", meter_interval_s: float = 10.0, tick_s: float = 1.0,
                 reconnect_s: float = 1.0, rng: random.Random | None = None, keep_rtt: bool = False) -> None:
        self.identity, self.url, self.password, self.ssl_context = identity, url, password, ssl_context
        self.hardware_a, self.voltage, self.clock = hardware_a, voltage, clock
        self.vendor, self.model, self.serial, self.firmware = vendor, model, serial or f"SN-{identity}", firmware
        self.meter_interval_s, self.tick_s, self.reconnect_s = meter_interval_s, tick_s, reconnect_s
        self.rng = rng or random.Random(identity)
        self.connectors = {n: SimConnector(n, register_wh=self.rng.uniform(1e5, 5e6)) for n in range(1, connectors + 1)}
        self.profiles = Profiles()
        self.config: dict[str, tuple[str, bool]] = {  # key → (value, read-only)
            "HeartbeatInterval": ("300", False), "MeterValueSampleInterval": (str(int(meter_interval_s)), False),
            "NumberOfConnectors": (str(connectors), True), "AuthorizeRemoteTxRequests": ("false", False),
            "LocalAuthListEnabled": ("true", False), "ChargeProfileMaxStackLevel": ("8", True),
            "ChargingScheduleAllowedChargingRateUnit": ("Current", True),
            "SupportedFeatureProfiles": ("Core,FirmwareManagement,LocalAuthListManagement,Reservation,"
                                         "SmartCharging,RemoteTrigger", True),
            "AuthorizationKey": ("", False),
        }  # fmt: skip
        self.local_list: dict[str, str] = {}
        self.local_list_version = 0
        self.queue: deque[_Queued] = deque()
        self.stats = CpStats()
        self.keep_rtt = keep_rtt
        self.registration = ""  # Accepted | Pending | Rejected after a boot
        self.drop_after: set[str] = set()  # test knob: lose the link right after sending these actions
        self.link: CpLink | None = None
        self._reader: asyncio.Task[Any] | None = None
        self._online = asyncio.Event()
        self._offline_until = 0.0
        self._wake = asyncio.Event()
        self._t = clock()
        self._tasks: list[asyncio.Task[Any]] = []
        self._stopped = False

    # -- lifecycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._connection_loop(), name=f"cp {self.identity}"),
                       asyncio.create_task(self._physics_loop(), name=f"cp {self.identity} physics")]

    async def stop(self) -> None:
        self._stopped = True
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def connected(self) -> bool:
        return self._online.is_set()

    def drop_connection(self, offline_s: float = 0.0) -> None:
        """The LAN link breaks (no close handshake); stays down for `offline_s` seconds."""
        self._offline_until = time.monotonic() + offline_s
        if self.link is not None:
            transport = getattr(self.link._connection, "transport", None)
            if transport is not None:
                transport.close()

    def power_w(self, t: float | None = None) -> float:
        return sum(c.current_a * self.voltage * (c.car.phases if c.car else 1) for c in self.connectors.values())

    # -- connection ---------------------------------------------------------------------------------
    async def _connection_loop(self) -> None:
        backoff = self.reconnect_s
        while not self._stopped:
            wait = self._offline_until - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            headers = {}
            if self.password is not None:
                from base64 import b64encode

                headers["Authorization"] = "Basic " + b64encode(f"{self.identity}:{self.password}".encode()).decode()
            try:
                async with connect(self.url, subprotocols=["ocpp1.6"], additional_headers=headers,  # type: ignore[list-item]
                                   ssl=self.ssl_context, open_timeout=10, ping_interval=None, max_queue=64) as ws:
                    self.stats.connects += 1
                    backoff = self.reconnect_s
                    await self._session(ws)
            except InvalidStatus as exc:
                code = exc.response.status_code
                self.stats.last_error = f"HTTP {code}"
                if code == 401:
                    self.stats.auth_failures += 1
            except (OSError, WebSocketException, TimeoutError) as exc:
                self.stats.last_error = f"{type(exc).__name__}: {exc}"
            finally:
                self._online.clear()
                self.link = None
            if self._stopped:
                return
            await asyncio.sleep(backoff * (0.5 + self.rng.random()))
            backoff = min(backoff * 2, 30.0)

    async def _session(self, ws: Any) -> None:
        link = CpLink(self.identity, ws, self, response_timeout=30)
        self.link = link
        reader = self._reader = asyncio.create_task(link.start())
        helpers: list[asyncio.Task[Any]] = []
        try:
            while True:  # boot until accepted (Pending: retry after the interval the central system gave)
                result = await self._call(call.BootNotification(
                    charge_point_vendor=self.vendor, charge_point_model=self.model,
                    charge_point_serial_number=self.serial, firmware_version=self.firmware))
                self.stats.boots += 1
                self.registration = result.status
                if result.status == "Accepted":
                    self.config["HeartbeatInterval"] = (str(result.interval), False)
                    break
                await asyncio.sleep(min(max(result.interval, 1), 60))
            self._online.set()
            for c in self.connectors.values():
                await self._call(call.StatusNotification(connector_id=c.number, error_code="NoError",
                                                         status=c.status))
            helpers = [asyncio.create_task(self._drain()), asyncio.create_task(self._heartbeats()),
                       asyncio.create_task(self._meter_loop())]
            await reader
        except (ConnectionClosed, TimeoutError):
            pass
        finally:
            self._online.clear()
            for t in [reader, *helpers]:
                t.cancel()
            await asyncio.gather(reader, *helpers, return_exceptions=True)

    async def _call(self, payload: Any) -> Any:
        link, reader = self.link, self._reader
        if link is None or reader is None or reader.done():
            raise ConnectionClosed(None, None)
        t0 = time.perf_counter()
        pending = asyncio.ensure_future(link.call(payload, suppress=False))
        try:
            await asyncio.wait({pending, reader}, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:  # we are stopping
            pending.cancel()
            raise
        if not pending.done():  # the link went down while we waited for the answer
            pending.cancel()
            raise ConnectionClosed(None, None)
        result = pending.result()
        if self.keep_rtt:
            self.stats.rtt_s.append(time.perf_counter() - t0)
        self.stats.sent += 1
        return result

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(float(self.config["HeartbeatInterval"][0]))
            await self._call(call.Heartbeat())

    async def notify(self, payload: Any) -> None:
        """A message that only matters now (status, heartbeat): sent if online, else dropped."""
        if self.connected:
            with contextlib.suppress(ConnectionClosed, TimeoutError, Exception):
                await self._call(payload)

    def status(self, c: SimConnector, status: str, error: str = "NoError") -> None:
        if c.status == status:
            return
        c.status = status
        asyncio.get_running_loop().create_task(self.notify(call.StatusNotification(
            connector_id=c.number, error_code=error, status=status, timestamp=iso(self.clock()))))

    # -- transaction queue ----------------------------------------------------------------------------
    def enqueue(self, item: _Queued) -> None:
        if item.action == "MeterValues" and sum(q.action == "MeterValues" for q in self.queue) > 200:
            for q in self.queue:  # offline for long: forget the oldest sample, never a start or stop
                if q.action == "MeterValues":
                    self.queue.remove(q)
                    break
        self.queue.append(item)
        self._wake.set()

    async def _drain(self) -> None:
        while True:
            while self.queue:
                item = self.queue[0]
                if item.payload is None:
                    item.payload = item.build()  # fixed from now on: a resend is byte-for-byte the same request
                    if item.payload is None:  # e.g. a stop whose start was refused
                        self.queue.popleft()
                        continue
                else:
                    self.stats.resent += 1
                result = await self._call(item.payload)  # ConnectionClosed: stays at the head, sent again later
                self.queue.popleft()
                if item.done is not None:
                    item.done(result)
            self._wake.clear()
            await self._wake.wait()

    # -- physics ---------------------------------------------------------------------------------------
    async def _physics_loop(self) -> None:
        while True:
            await asyncio.sleep(self.tick_s)
            self.advance(self.clock())

    def advance(self, now: float) -> None:
        dt = max(0.0, now - self._t)
        self._t = now
        when = datetime.fromtimestamp(now, UTC)
        for c in self.connectors.values():
            if c.in_tx and c.car is not None:
                c.register_wh += self.power_of(c) * dt / 3600.0
                c.car.charge(self.power_of(c) * dt / 3600.0)
                start = datetime.fromtimestamp(c.started_at, UTC)
                limit = self.profiles.limit_a(c.number, when, tx_id=c.tx_id, tx_start=start, volts=self.voltage,
                                              phases=c.car.phases)
                offer = offered_a(self.hardware_a, limit) if c.operative else 0.0
                c.current_a = min(offer, c.car.acceptance_a())
                if offer == 0:
                    self.status(c, "SuspendedEVSE")
                elif c.current_a == 0:
                    self.status(c, "SuspendedEV")
                else:
                    self.status(c, "Charging")
            else:
                c.current_a = 0.0

    def power_of(self, c: SimConnector) -> float:
        return c.current_a * self.voltage * (c.car.phases if c.car else 1)

    async def _meter_loop(self) -> None:
        while True:
            await asyncio.sleep(float(self.config["MeterValueSampleInterval"][0]) or self.meter_interval_s)
            for c in self.connectors.values():
                if c.in_tx:
                    self.enqueue(self._meter_item(c))

    def _meter_item(self, c: SimConnector) -> _Queued:
        t, register = self.clock(), int(c.register_wh)
        power, current = round(self.power_of(c)), round(c.current_a, 1)
        soc = c.car.soc_pct if c.car else 0
        values = [{"value": str(register), "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                  {"value": str(power), "measurand": "Power.Active.Import", "unit": "W"},
                  {"value": f"{current:.1f}", "measurand": "Current.Import", "unit": "A", "phase": "L1"},
                  {"value": f"{self.voltage:.1f}", "measurand": "Voltage", "unit": "V", "phase": "L1-N"},
                  {"value": str(soc), "measurand": "SoC", "unit": "Percent", "location": "EV"}]
        return _Queued("MeterValues", lambda: call.MeterValues(
            connector_id=c.number, transaction_id=c.tx_id,
            meter_value=[{"timestamp": iso(t), "sampledValue": values}]))

    # -- people at the charge point ----------------------------------------------------------------------
    def plug(self, n: int, car: CarBattery) -> None:
        c = self.connectors[n]
        c.car = car
        if not c.in_tx:
            self.status(c, "Preparing")

    def start_transaction(self, n: int, id_tag: str) -> bool:
        c = self.connectors[n]
        if c.in_tx or c.car is None or not c.operative:
            return False
        c.in_tx, c.tx_id, c.id_tag, c.started_at = True, None, id_tag, self.clock()
        meter_start, stamp, reservation = int(c.register_wh), iso(c.started_at), c.reservation
        c.reservation = None

        def started(result: Any) -> None:
            c.tx_id = result.transaction_id
            if result.id_tag_info["status"] != "Accepted":  # refused: stop at once (OCPP: DeAuthorized)
                self.stop_transaction(n, "DeAuthorized")

        self.enqueue(_Queued("StartTransaction", lambda: call.StartTransaction(
            connector_id=n, id_tag=id_tag, meter_start=meter_start, timestamp=stamp, reservation_id=reservation),
            started))
        self.status(c, "Charging")
        return True

    def stop_transaction(self, n: int, reason: str = "Local") -> bool:
        c = self.connectors[n]
        if not c.in_tx:
            return False
        self.advance(self.clock())
        c.in_tx, c.current_a = False, 0.0
        meter_stop, stamp, tag = int(c.register_wh), iso(self.clock()), c.id_tag
        sent: list[int] = []

        def build() -> Any:
            if c.tx_id is None:
                return None
            sent.append(c.tx_id)
            return call.StopTransaction(meter_stop=meter_stop, timestamp=stamp, transaction_id=c.tx_id, reason=reason,
                                        id_tag=tag)

        def stopped(_result: Any) -> None:
            self.profiles.drop_tx(sent[0])

        self.enqueue(_Queued("StopTransaction", build, stopped))
        self.status(c, "Finishing" if c.car is not None else "Available")
        return True

    def unplug(self, n: int) -> None:
        c = self.connectors[n]
        if c.in_tx:
            self.stop_transaction(n, "EVDisconnected")
        c.car = None
        self.status(c, "Available" if c.operative else "Unavailable")
