"""The simulated charge point's side of the central system's commands (OCPP 1.6, CS → CP).

Answers are what a well-behaved wallbox answers; the work behind an answer (a reboot, a firmware
download, a diagnostics upload, a triggered message) runs afterwards as a task, as on a real one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call, call_result
from ocpp.v16.enums import Action

if TYPE_CHECKING:
    from comm.sim.charge_point import SimChargePoint

log = logging.getLogger(__name__)
logging.getLogger("ocpp").setLevel(logging.WARNING)


async def http_request(method: str, url: str, body: bytes = b"") -> tuple[int, bytes]:
    """A minimal HTTP/1.1 client for firmware downloads and diagnostics uploads."""
    u = urlsplit(url)
    reader, writer = await asyncio.open_connection(u.hostname, u.port or 80)
    try:
        writer.write(f"{method} {u.path or '/'} HTTP/1.1\r\nHost: {u.hostname}\r\nContent-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), payload


class CpLink(ChargePoint16):
    def __init__(self, identity: str, connection: Any, sim: SimChargePoint, response_timeout: int = 30) -> None:
        super().__init__(identity, connection, response_timeout=response_timeout)
        self.sim = sim

    async def _send(self, message: str) -> None:
        await self._connection.send(message)
        if self.sim.drop_after and any(f'"{a}"' in message[:60] for a in self.sim.drop_after):
            self.sim.drop_after.clear()
            self.sim.drop_connection()  # the request went out; its answer will never arrive

    def _later(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    @on(Action.remote_start_transaction)
    async def on_remote_start(self, id_tag: str, connector_id: int | None = None,
                              charging_profile: dict[str, Any] | None = None) -> Any:
        n = connector_id or 1
        c = self.sim.connectors.get(n)
        if c is None or c.in_tx or c.car is None or not c.operative:
            return call_result.RemoteStartTransaction(status="Rejected")  # type: ignore[arg-type]
        if charging_profile is not None:
            self.sim.profiles.install(n, charging_profile)
        self.sim.start_transaction(n, id_tag)
        return call_result.RemoteStartTransaction(status="Accepted")  # type: ignore[arg-type]

    @on(Action.remote_stop_transaction)
    async def on_remote_stop(self, transaction_id: int) -> Any:
        for c in self.sim.connectors.values():
            if c.in_tx and c.tx_id == transaction_id:
                self.sim.stop_transaction(c.number, "Remote")
                return call_result.RemoteStopTransaction(status="Accepted")  # type: ignore[arg-type]
        return call_result.RemoteStopTransaction(status="Rejected")  # type: ignore[arg-type]

    @on(Action.change_configuration)
    async def on_change_configuration(self, key: str, value: str) -> Any:
        known = self.sim.config.get(key)
        if known is None:
            return call_result.ChangeConfiguration(status="NotSupported")  # type: ignore[arg-type]
        if known[1]:
            return call_result.ChangeConfiguration(status="Rejected")  # type: ignore[arg-type]
        self.sim.config[key] = (value, False)
        return call_result.ChangeConfiguration(status="Accepted")  # type: ignore[arg-type]

    @on(Action.get_configuration)
    async def on_get_configuration(self, key: list[str] | None = None) -> Any:
        wanted = key or [k for k in self.sim.config if k != "AuthorizationKey"]
        found = [{"key": k, "readonly": self.sim.config[k][1], "value": self.sim.config[k][0]}
                 for k in wanted if k in self.sim.config and k != "AuthorizationKey"]
        unknown = [k for k in wanted if k not in self.sim.config]
        return call_result.GetConfiguration(configuration_key=found, unknown_key=unknown or None)

    @on(Action.reset)
    async def on_reset(self, type: str) -> Any:
        self._later(self._reboot(type))
        return call_result.Reset(status="Accepted")  # type: ignore[arg-type]

    async def _reboot(self, kind: str) -> None:
        await asyncio.sleep(0.1)
        for c in self.sim.connectors.values():
            self.sim.stop_transaction(c.number, "HardReset" if kind == "Hard" else "SoftReset")
        await asyncio.sleep(0.2)  # let the stops go out, then restart (a new boot on the next connection)
        self.sim.drop_connection(0.5)

    @on(Action.unlock_connector)
    async def on_unlock(self, connector_id: int) -> Any:
        c = self.sim.connectors.get(connector_id)
        if c is None:
            return call_result.UnlockConnector(status="NotSupported")  # type: ignore[arg-type]
        if c.in_tx:
            self.sim.stop_transaction(connector_id, "UnlockCommand")
        return call_result.UnlockConnector(status="Unlocked")  # type: ignore[arg-type]

    @on(Action.change_availability)
    async def on_change_availability(self, connector_id: int, type: str) -> Any:
        targets = list(self.sim.connectors.values()) if connector_id == 0 else (
            [self.sim.connectors[connector_id]] if connector_id in self.sim.connectors else [])
        if not targets:
            return call_result.ChangeAvailability(status="Rejected")  # type: ignore[arg-type]
        busy = any(c.in_tx for c in targets)
        for c in targets:
            c.operative = type == "Operative"
            if not c.in_tx:
                self.sim.status(c, ("Preparing" if c.car else "Available") if c.operative else "Unavailable")
        return call_result.ChangeAvailability(status="Scheduled" if busy else "Accepted")  # type: ignore[arg-type]

    @on(Action.update_firmware)
    async def on_update_firmware(self, location: str, retrieve_date: str, **kw: Any) -> Any:
        self._later(self._firmware(location))
        return call_result.UpdateFirmware()

    async def _firmware(self, location: str) -> None:
        await self.sim.notify(call.FirmwareStatusNotification(status="Downloading"))  # type: ignore[arg-type]
        try:
            status, body = await http_request("GET", location)
        except OSError:
            status, body = 0, b""
        if status != 200 or not body:
            await self.sim.notify(call.FirmwareStatusNotification(status="DownloadFailed"))  # type: ignore[arg-type]
            return
        await self.sim.notify(call.FirmwareStatusNotification(status="Downloaded"))  # type: ignore[arg-type]
        await self.sim.notify(call.FirmwareStatusNotification(status="Installing"))  # type: ignore[arg-type]
        name = location.rsplit("/", 1)[-1]
        self.sim.firmware = name.rsplit(".", 1)[0][-20:] or self.sim.firmware
        await self.sim.notify(call.FirmwareStatusNotification(status="Installed"))  # type: ignore[arg-type]
        self.sim.drop_connection(0.3)  # restart into the new firmware: a new BootNotification follows

    @on(Action.get_diagnostics)
    async def on_get_diagnostics(self, location: str, **kw: Any) -> Any:
        name = f"diag-{self.id}-{datetime.now(UTC):%Y%m%d%H%M%S}.log"
        self._later(self._upload(location.rstrip("/") + "/" + name))
        return call_result.GetDiagnostics(file_name=name)

    async def _upload(self, url: str) -> None:
        await self.sim.notify(call.DiagnosticsStatusNotification(status="Uploading"))  # type: ignore[arg-type]
        report = "\n".join(f"{k}={v[0]}" for k, v in self.sim.config.items() if k != "AuthorizationKey")
        try:
            status, _ = await http_request("PUT", url, report.encode())
        except OSError:
            status = 0
        done = "Uploaded" if status in (200, 201) else "UploadFailed"
        await self.sim.notify(call.DiagnosticsStatusNotification(status=done))  # type: ignore[arg-type]

    @on(Action.reserve_now)
    async def on_reserve_now(self, connector_id: int, expiry_date: str, id_tag: str, reservation_id: int,
                             **kw: Any) -> Any:
        c = self.sim.connectors.get(connector_id)
        if c is None or not c.operative:
            return call_result.ReserveNow(status="Unavailable")  # type: ignore[arg-type]
        if c.in_tx or c.status not in ("Available", "Reserved"):
            return call_result.ReserveNow(status="Occupied")  # type: ignore[arg-type]
        c.reservation = reservation_id
        self.sim.status(c, "Reserved")
        return call_result.ReserveNow(status="Accepted")  # type: ignore[arg-type]

    @on(Action.cancel_reservation)
    async def on_cancel_reservation(self, reservation_id: int) -> Any:
        for c in self.sim.connectors.values():
            if c.reservation == reservation_id:
                c.reservation = None
                self.sim.status(c, "Available")
                return call_result.CancelReservation(status="Accepted")  # type: ignore[arg-type]
        return call_result.CancelReservation(status="Rejected")  # type: ignore[arg-type]

    @on(Action.send_local_list)
    async def on_send_local_list(self, list_version: int, update_type: str,
                                 local_authorization_list: list[dict[str, Any]] | None = None) -> Any:
        if "LocalAuthListManagement" not in self.sim.config["SupportedFeatureProfiles"][0].split(","):
            return call_result.SendLocalList(status="NotSupported")  # type: ignore[arg-type]
        entries = {e["id_tag"]: (e.get("id_tag_info") or {}).get("status", "Accepted")
                   for e in local_authorization_list or []}
        if update_type == "Full":
            self.sim.local_list = entries
        else:
            if list_version <= self.sim.local_list_version:
                return call_result.SendLocalList(status="VersionMismatch")  # type: ignore[arg-type]
            self.sim.local_list |= entries
        self.sim.local_list_version = list_version
        return call_result.SendLocalList(status="Accepted")  # type: ignore[arg-type]

    @on(Action.get_local_list_version)
    async def on_get_local_list_version(self) -> Any:
        return call_result.GetLocalListVersion(list_version=self.sim.local_list_version)

    @on(Action.set_charging_profile)
    async def on_set_charging_profile(self, connector_id: int, cs_charging_profiles: dict[str, Any]) -> Any:
        p = cs_charging_profiles
        if connector_id != 0 and connector_id not in self.sim.connectors:
            return call_result.SetChargingProfile(status="Rejected")  # type: ignore[arg-type]
        if p["charging_profile_purpose"] == "ChargePointMaxProfile" and connector_id != 0:
            return call_result.SetChargingProfile(status="Rejected")  # type: ignore[arg-type]
        if p["charging_profile_purpose"] == "TxProfile":
            c = self.sim.connectors.get(connector_id)
            if c is None or not c.in_tx or (p.get("transaction_id") not in (None, c.tx_id)):
                return call_result.SetChargingProfile(status="Rejected")  # type: ignore[arg-type]
        self.sim.profiles.install(connector_id, p)
        self.sim.advance(self.sim.clock())  # obey at once
        return call_result.SetChargingProfile(status="Accepted")  # type: ignore[arg-type]

    @on(Action.clear_charging_profile)
    async def on_clear_charging_profile(self, id: int | None = None, connector_id: int | None = None,
                                        charging_profile_purpose: str | None = None,
                                        stack_level: int | None = None) -> Any:
        gone = self.sim.profiles.clear(profile_id=id, connector=connector_id, purpose=charging_profile_purpose,
                                       stack_level=stack_level)
        return call_result.ClearChargingProfile(status="Accepted" if gone else "Unknown")  # type: ignore[arg-type]

    @on(Action.get_composite_schedule)
    async def on_get_composite_schedule(self, connector_id: int, duration: int,
                                        charging_rate_unit: str | None = None) -> Any:
        now = datetime.now(UTC)
        c = self.sim.connectors.get(connector_id)
        tx = c.tx_id if c and c.in_tx else None
        start = datetime.fromtimestamp(c.started_at, UTC) if c and c.in_tx else None
        limit = self.sim.profiles.limit_a(connector_id, now, tx_id=tx, tx_start=start)
        limit = self.sim.hardware_a if limit is None else min(limit, self.sim.hardware_a)
        return call_result.GetCompositeSchedule(
            status="Accepted", connector_id=connector_id,  # type: ignore[arg-type]
            schedule_start=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            charging_schedule={"duration": duration, "charging_rate_unit": "A",
                               "charging_schedule_period": [{"start_period": 0, "limit": round(limit, 1)}]})

    @on(Action.trigger_message)
    async def on_trigger_message(self, requested_message: str, connector_id: int | None = None) -> Any:
        sim = self.sim
        messages: dict[str, Any] = {
            "Heartbeat": lambda: sim.notify(call.Heartbeat()),
            "BootNotification": lambda: sim.notify(call.BootNotification(
                charge_point_vendor=sim.vendor, charge_point_model=sim.model, firmware_version=sim.firmware)),
            "StatusNotification": lambda: asyncio.gather(*(sim.notify(call.StatusNotification(
                connector_id=c.number, error_code="NoError", status=c.status)) for c in sim.connectors.values()
                if connector_id in (None, c.number))),
            "MeterValues": lambda: asyncio.gather(*(sim.notify(sim._meter_item(c).build())
                                                    for c in sim.connectors.values()
                                                    if c.in_tx and connector_id in (None, c.number))),
            "DiagnosticsStatusNotification": lambda: sim.notify(call.DiagnosticsStatusNotification(status="Idle")),  # type: ignore[arg-type]
            "FirmwareStatusNotification": lambda: sim.notify(call.FirmwareStatusNotification(status="Idle")),  # type: ignore[arg-type]
        }
        if requested_message not in messages:
            return call_result.TriggerMessage(status="NotImplemented")  # type: ignore[arg-type]

        async def later() -> None:
            await asyncio.sleep(0.05)
            with contextlib.suppress(Exception):
                await messages[requested_message]()

        self._later(later())
        return call_result.TriggerMessage(status="Accepted")  # type: ignore[arg-type]
