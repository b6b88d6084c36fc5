"""The OCPP 1.6J central system of the engine: car AC piles connect to it over WebSocket (M1.2).

    ws://<console>:<port>/ocpp/<identity>        security profile 1: HTTP Basic auth per charge point
    wss://<console>:<tls_port>/ocpp/<identity>   security profile 2: the same over TLS

Credentials are checked in `process_request`, before the WebSocket upgrade: a wrong password is an
HTTP 401 and never reaches the OCPP layer. An unknown charge point is refused (`unknown="reject"`)
or held for approval (`"hold"`: its BootNotification is answered Pending until staff accept it).
Accepted charge points are piles of the state store: their connectors' status, transactions and
MeterValues become the same port updates, sessions, samples and alarms as an e-bike port's.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import ssl
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from app.domain.charge_point_auth import identity_from_path, parse_basic_auth, verify_key
from app.engine import ocpp_store as store
from app.engine.commands import CommandOutcome
from app.engine.events import ChargePointSeen, Event, PileEventLogged, SessionEnded
from app.engine.file_endpoint import FileEndpoint
from app.engine.ocpp_calls import CommandRefused, execute
from app.engine.ocpp_commands import OcppCommand
from app.engine.ocpp_mapping import ERROR_FAULTS, Connector, apply_measures, parse_meter_values, pile_status, port_live
from app.engine.ocpp_session import CentralCP
from app.engine.state import PortRef
from comm.pile.messages import Payment

if TYPE_CHECKING:
    from app.engine.runtime import Engine

log = logging.getLogger(__name__)
T = TypeVar("T")
SUBPROTOCOL = "ocpp1.6"
_HEAD = re.compile(r'\s*\[\s*([234])\s*,\s*"([^"]{0,64})"\s*(?:,\s*"([A-Za-z]{1,48})")?')


@dataclass(frozen=True)
class OcppSettings:
    host: str = "0.0.0.0"
    port: int = 9000  # ws:// (0: any free port, see CentralSystem.port)
    tls_port: int | None = None  # wss:// (security profile 2); needs tls_cert and tls_key
    tls_cert: str | None = None
    tls_key: str | None = None
    public_host: str = "127.0.0.1"  # how charge points reach the file endpoint
    path_prefix: str = "/ocpp/"
    unknown: str = "hold"  # "hold" for approval, or "reject"
    heartbeat_s: int = 300
    pending_retry_s: int = 60
    response_timeout_s: int = 30
    vendor_id: str = "ChargeDesk"  # DataTransfer vendorId we understand
    file_dir: str | None = None  # firmware/ and diagnostics/ live here; None: no file endpoint
    file_port: int = 0
    status_every_s: float = 1.0  # pile status (power, online) per charge point at most this often
    log_messages: bool = True


def _now() -> datetime:
    return datetime.now(UTC)


class CentralSystem:
    def __init__(self, engine: Engine, settings: OcppSettings, factory: sessionmaker[Session]) -> None:
        self.engine = engine
        self.settings = settings
        self.factory = factory
        self.sessions: dict[str, CentralCP] = {}
        self.port: int | None = None
        self.tls_port: int | None = None
        self.files: FileEndpoint | None = None
        self.ready: asyncio.Event | None = None  # created on the loop in run()
        self._connectors: dict[str, dict[int, Connector]] = {}  # kept across reconnects
        self._registered: set[uuid.UUID] = set()
        # What process_request learnt about a connection, for its handler (gone with the connection).
        self._handshake: weakref.WeakKeyDictionary[ServerConnection, store.CpInfo | None] = weakref.WeakKeyDictionary()
        self._console_tags: dict[str, float] = {}
        self._last_status: dict[str, float] = {}
        self._last_seen: dict[str, float] = {}
        self._calls: dict[tuple[str, str], str] = {}  # (identity, unique id) → action, for the log
        self._servers: list[Server] = []
        self.by_pile: dict[uuid.UUID, str] = {}

    # -- set-up (caller's thread, before the loop) ----------------------------------------------
    def load(self) -> dict[uuid.UUID, tuple[uuid.UUID, int]]:
        """Register accepted charge points as piles, restore running transactions; returns port → (pile, n)."""
        owners: dict[uuid.UUID, tuple[uuid.UUID, int]] = {}
        infos = {i.cp_id: i for i in store.load_charge_points(self.factory)}
        for info in infos.values():
            self._register(info)
            owners |= {port_id: (info.pile_id, n) for n, port_id in info.ports.items()}  # type: ignore[misc]
        for tx in store.active_transactions(self.factory):
            info = infos.get(tx.cp_id)
            if info is None:
                continue
            c = self._connectors.setdefault(info.identity, {}).setdefault(tx.connector, Connector(tx.connector))
            c.tx_id, c.id_tag, c.meter_start, c.register_wh = tx.tx_id, tx.id_tag, tx.meter_start, tx.meter_start
            c.started_at, c.status = tx.started_at, "Charging"
        return owners

    def _register(self, info: store.CpInfo) -> None:
        if info.pile_id is None or info.pile_id in self._registered:
            return
        self.engine.store.add_pile(info.pile_id, [PortRef(pid, n) for n, pid in info.ports.items()])
        if info.station_id is not None:
            self.engine.devices.loads.add_pile(info.pile_id, info.station_id)
        self._registered.add(info.pile_id)
        self.by_pile[info.pile_id] = info.identity

    # -- running (loop) --------------------------------------------------------------------------
    async def run(self) -> None:
        self.ready = asyncio.Event()
        try:
            await self._start_servers()
        except OSError as exc:  # the port is taken (another engine?) or the certificate cannot be read
            log.error("OCPP central system not started: %s — car piles cannot connect", exc)
            await self._close()
            return
        try:
            self.ready.set()
            await asyncio.Event().wait()
        finally:
            await self._close()

    async def _start_servers(self) -> None:
        s = self.settings
        plain = await serve(self._on_connect, s.host, s.port, subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                            process_request=functools.partial(self._process_request, tls=False))
        self._servers.append(plain)
        self.port = plain.sockets[0].getsockname()[1]
        if s.tls_port is not None and s.tls_cert and s.tls_key:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(s.tls_cert, s.tls_key)
            secure = await serve(self._on_connect, s.host, s.tls_port, ssl=ctx,
                                 subprotocols=[SUBPROTOCOL],  # type: ignore[list-item]
                                 process_request=functools.partial(self._process_request, tls=True))
            self._servers.append(secure)
            self.tls_port = secure.sockets[0].getsockname()[1]
        if s.file_dir:
            self.files = FileEndpoint(Path(s.file_dir), host=s.host, port=s.file_port, on_upload=self._uploaded)
            await self.files.start()
        log.info("OCPP central system on port %s (TLS %s)", self.port, self.tls_port)

    async def _close(self) -> None:
        for server in self._servers:
            server.close()
        for cp in list(self.sessions.values()):
            with contextlib.suppress(Exception):
                await cp._connection.close()
        if self.files is not None:
            await self.files.stop()

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.engine._db_pool, functools.partial(fn, self.factory, *args))

    def file_url(self, path: str) -> str:
        if self.files is None:
            raise CommandRefused("the engine has no file endpoint (set a file directory for firmware/diagnostics)")
        return f"http://{self.settings.public_host}:{self.files.port}/{path}"

    # -- handshake -------------------------------------------------------------------------------
    async def _process_request(self, connection: ServerConnection, request: Request, *, tls: bool) -> Response | None:
        identity = identity_from_path(request.path, self.settings.path_prefix)
        if identity is None:
            return connection.respond(HTTPStatus.NOT_FOUND, f"use {self.settings.path_prefix}<charge point id>\n")
        if SUBPROTOCOL not in request.headers.get("Sec-WebSocket-Protocol", ""):
            return connection.respond(HTTPStatus.BAD_REQUEST, "the ocpp1.6 subprotocol is required\n")
        info = await self.db(store.charge_point_info, identity)
        if info is None:
            if self.settings.unknown != "hold":
                self._seen_event(identity, None, "rejected", "unknown charge point refused")
                return connection.respond(HTTPStatus.NOT_FOUND, "unknown charge point\n")
        elif info.status == "rejected":
            self._seen_event(identity, info.pile_id, "rejected", "charge point is rejected")
            return connection.respond(HTTPStatus.FORBIDDEN, "this charge point is rejected\n")
        elif info.security_profile == 2 and not tls:
            self._seen_event(identity, info.pile_id, "auth_failed", "security profile 2 needs TLS (wss://)")
            return connection.respond(HTTPStatus.FORBIDDEN, "this charge point must connect over TLS (wss://)\n")
        elif info.security_profile >= 1:
            creds = parse_basic_auth(request.headers.get("Authorization"))
            ok = creds is not None and creds[0] == identity and await asyncio.to_thread(
                verify_key, creds[1], info.password_hash)
            if not ok:
                why = "no credentials" if creds is None else "wrong user name or password"
                self._seen_event(identity, info.pile_id, "auth_failed", why)
                if info.pile_id is not None:
                    self.engine._publish([PileEventLogged(info.pile_id, "ocpp_auth_failed", "warning",
                                                          f"{identity}: {why}", _now())])
                resp = connection.respond(HTTPStatus.UNAUTHORIZED, "wrong or missing charge point credentials\n")
                resp.headers["WWW-Authenticate"] = 'Basic realm="ChargeDesk OCPP", charset="UTF-8"'
                return resp
        self._handshake[connection] = info
        return None

    async def _on_connect(self, ws: ServerConnection) -> None:
        info = self._handshake.pop(ws, None)
        identity = identity_from_path(ws.request.path if ws.request else "", self.settings.path_prefix) or "?"
        if ws.subprotocol != SUBPROTOCOL:
            await ws.close(1002, "ocpp1.6 required")
            return
        old = self.sessions.get(identity)
        if old is not None:  # the charge point came back while its old link was half-open
            with contextlib.suppress(Exception):
                await old._connection.close(1000, "replaced by a new connection")
        cp = CentralCP(identity, ws, self, info)
        cp.connectors = self._connectors.setdefault(identity, {})
        self.sessions[identity] = cp
        if cp.accepted and info is not None:
            self._register(info)
        self._seen_event(identity, info.pile_id if info else None, "connected", ws.remote_address[0]
                         if ws.remote_address else "")
        reason = "connection closed"
        try:
            await cp.start()
        except ConnectionClosed as exc:
            reason = f"connection closed ({exc.rcvd.code if exc.rcvd else 'no close frame'})"
        finally:
            if self.sessions.get(identity) is cp:
                del self.sessions[identity]
                if cp.info is not None and cp.info.pile_id in self._registered:
                    self.engine._publish(self.engine.store.on_offline(cp.info.pile_id, reason, _now()))
                self._seen_event(identity, cp.info.pile_id if cp.info else None, "disconnected", reason)

    def _seen_event(self, identity: str, pile_id: uuid.UUID | None, status: str, detail: str) -> None:
        self.engine.hub.publish([ChargePointSeen(identity, pile_id, status, detail, _now())])

    # -- message log -----------------------------------------------------------------------------
    def log_message(self, identity: str, direction: str, raw: str) -> None:
        if not self.settings.log_messages:
            return
        head = _HEAD.match(raw)  # [type, "id", "Action" — without parsing the whole message again
        mtype, uid = (int(head.group(1)), head.group(2)) if head else (0, "")
        action = None
        if mtype == 2:
            action = head.group(3) if head else None
            self._calls[(identity, uid)] = action or ""
            if len(self._calls) > 50_000:  # answers that never came: forget the oldest
                self._calls.pop(next(iter(self._calls)))
        elif mtype in (3, 4):
            action = self._calls.pop((identity, uid), None)
        self.engine.devices.writer.log_message(identity, _now(), direction, mtype, action, uid, raw)

    # -- what charge points tell us (loop) ---------------------------------------------------------
    async def on_boot(self, cp: CentralCP, boot: dict[str, str | None]) -> str:
        if cp.info is None:
            cp.info = await self.db(store.register_pending, cp.id, boot)
            self._seen_event(cp.id, None, "pending", f"{boot.get('vendor')} {boot.get('model')}: held for approval")
            return "Pending"
        await self.db(store.record_boot, cp.info.cp_id, boot)
        if cp.info.status == "pending":
            fresh = await self.db(store.charge_point_info, cp.id)
            if fresh is not None and fresh.status == "accepted" and cp.info.password_hash != fresh.password_hash:
                # Approved meanwhile, with a key: the charge point must come back with it (a new handshake).
                cp.info = fresh
                asyncio.get_running_loop().create_task(cp._connection.close(1008, "approved: reconnect with the key"))
                return "Pending"
            cp.info = fresh or cp.info
            if cp.info.status == "pending":
                self._seen_event(cp.id, None, "pending", "waiting for approval")
                return "Pending"
            if cp.accepted:
                self._register(cp.info)
        if not cp.accepted:
            return "Rejected"
        cp.boot_at = _now()
        self._seen_event(cp.id, cp.info.pile_id, "accepted", f"{boot.get('model')} firmware {boot.get('firmware')}")
        self.event(cp, "booted", "info", f"BootNotification: {boot.get('vendor')} {boot.get('model')} "
                                         f"serial {boot.get('serial_no')} firmware {boot.get('firmware')}")
        self.push(cp, [], force_status=True)
        return "Accepted"

    def seen(self, cp: CentralCP) -> None:
        now = time.monotonic()
        if now - self._last_seen.get(cp.id, 0.0) >= 30:
            self._last_seen[cp.id] = now
            self.engine.devices.writer.charge_point(cp.id, last_seen_at=_now())
        if cp.accepted:
            self.push(cp, [])

    def on_status_notification(self, cp: CentralCP, n: int, error: str, status: str, info: str | None,
                               vendor_code: str | None) -> None:
        c = cp.whole if n == 0 else cp.connector(n)
        changed = (c.status, c.error_code) != (status, error)
        c.status, c.error_code = status, error
        if changed and error != "NoError" and error not in ERROR_FAULTS:
            detail = " ".join(x for x in (error, info or "", vendor_code or "") if x)
            self.event(cp, "ocpp_error", "warning", f"connector {n}: {status}, {detail}", port=n or None)
        cp.changes += int(changed)
        self.push(cp, [n] if n else list(cp.connectors), force_status=changed)

    async def authorize(self, id_tag: str) -> str:
        expiry = self._console_tags.get(id_tag)
        if expiry is not None and expiry > time.monotonic():
            return "Accepted"
        return await self.db(store.authorize, id_tag)

    def console_tag(self, login: str | None) -> str:
        tag = f"DESK-{(login or 'console').upper()}"[:20]
        self._console_tags[tag] = time.monotonic() + 900
        return tag

    async def on_start_transaction(self, cp: CentralCP, n: int, id_tag: str, meter_start: int,
                                   started_at: datetime, reservation_id: int | None) -> tuple[int, str]:
        status = await self.authorize(id_tag)
        assert cp.info is not None
        tx_id, new = await self.db(store.start_transaction, cp.info.cp_id, n, id_tag, status, meter_start, started_at,
                                   reservation_id)
        c = cp.connector(n)
        if c.tx_id != tx_id and (new or c.tx_id is None):
            c.tx_id, c.id_tag, c.meter_start, c.register_wh, c.started_at = tx_id, id_tag, meter_start, meter_start, \
                started_at
            c.payment = Payment.REMOTE if id_tag in self._console_tags else Payment.CARD
            c.power_w = c.current_ca = 0
            cp.changes += 1
        if not new:
            self.event(cp, "tx_resent", "info", f"StartTransaction sent again; transaction {tx_id} kept", port=n)
        self.push(cp, [n], force_status=True)
        return tx_id, status

    async def on_stop_transaction(self, cp: CentralCP, tx_id: int, meter_stop: int, stopped_at: datetime,
                                  reason: str, transaction_data: Any) -> None:
        res = await self.db(store.stop_transaction, tx_id, meter_stop, stopped_at, reason)
        if not res.known:
            self.event(cp, "tx_unknown", "warning", f"StopTransaction for unknown transaction {tx_id}")
            return
        if res.already_stopped:
            self.event(cp, "tx_resent", "info", f"StopTransaction {tx_id} sent again; stopped once")
            return
        c = cp.connectors.get(res.connector)
        energy = max(0, meter_stop - res.meter_start)
        if c is not None and c.tx_id == tx_id:
            c.register_wh, c.last_energy_wh, c.last_tx_id, c.stop_reason = meter_stop, energy, tx_id, reason
            c.tx_id, c.power_w, c.current_ca, c.limit_a = None, 0, 0, None
            cp.changes += 1
            self.push(cp, [res.connector], force_status=True, reasons={tx_id: reason})
        elif cp.info is not None and cp.info.pile_id is not None and res.connector in cp.info.ports:
            # The live state lost this transaction (an engine restart in between): close its session row.
            self.engine._publish([SessionEnded(cp.info.pile_id, cp.info.ports[res.connector], res.connector, tx_id,
                                               _now(), energy, 0, reason)])

    def on_meter_values(self, cp: CentralCP, n: int, meter_value: list[dict[str, Any]], tx_id: int | None) -> None:
        c = cp.connector(n)
        if tx_id is not None and tx_id != c.tx_id:
            return  # late values of a transaction that has ended here: nothing live to update
        apply_measures(c, parse_meter_values(meter_value))
        self.push(cp, [n])

    def note_limit(self, cp: CentralCP, connector: int, limit_a: float) -> None:
        for c in ([cp.connector(connector)] if connector else list(cp.connectors.values())):
            c.limit_a = limit_a

    def event(self, cp: CentralCP, kind: str, severity: str, detail: str, *, port: int | None = None) -> None:
        if cp.info is not None and cp.info.pile_id is not None:
            self.engine._publish([PileEventLogged(cp.info.pile_id, kind, severity, detail, _now(), port)])

    def _uploaded(self, identity: str, name: str, size: int) -> None:
        cp = self.sessions.get(identity)
        if cp is not None:
            self.event(cp, "diagnostics", "info", f"diagnostics file {name} received ({size} bytes)")

    # -- state → store → events ------------------------------------------------------------------
    def push(self, cp: CentralCP, numbers: list[int], *, force_status: bool = False,
             reasons: dict[int, str] | None = None) -> None:
        if not cp.accepted or cp.info is None or cp.info.pile_id is None:
            return
        pid, now = cp.info.pile_id, _now()
        events: list[Event] = []
        mono = time.monotonic()
        if force_status or mono - self._last_status.get(cp.id, 0.0) >= self.settings.status_every_s:
            self._last_status[cp.id] = mono
            events += self.engine.store.on_status(pid, pile_status(cp.connectors, cp.whole, now, boot_at=cp.boot_at,
                                                                   change_counter=cp.changes), now)
        ports = {n: port_live(cp.connector(n), now) for n in numbers if n in cp.info.ports}
        if ports:
            events += self.engine.store.on_ports(pid, ports, now)
        if reasons:  # sessions keep the OCPP stop reason, not its nearest e-bike equivalent
            events = [replace(ev, stop_reason=reasons[ev.pile_session_id])
                      if isinstance(ev, SessionEnded) and ev.pile_session_id in reasons else ev for ev in events]
        if events:
            self.engine._publish(events)

    # -- commands from the console -----------------------------------------------------------------
    async def submit(self, cmd: OcppCommand) -> CommandOutcome:
        identity = self.by_pile.get(cmd.pile_id)
        cp = self.sessions.get(identity) if identity else None
        if cp is None or not cp.accepted:
            return CommandOutcome(False, "the charge point is not connected; the command was not sent", _now())
        try:
            return await execute(self, cp, cmd)
        except CommandRefused as exc:
            return CommandOutcome(False, f"not sent: {exc}", _now())
