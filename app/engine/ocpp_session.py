"""One connected charge point: the OCPP 1.6 handlers of the central system (`@on(Action…)`).

Every message in and out is validated against the 1.6 JSON schemas by the `ocpp` package (a bad
request gets a CALLERROR, never a crash) and written to the message log. The handlers only parse
and answer; what a message means for ports, sessions and the database is the central system's job.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ocpp.exceptions import SecurityError
from ocpp.routing import on
from ocpp.v16 import ChargePoint as ChargePoint16
from ocpp.v16 import call_result
from ocpp.v16.enums import Action

from app.engine import ocpp_store as store
from app.engine.ocpp_mapping import Connector

if TYPE_CHECKING:
    from app.engine.ocpp_server import CentralSystem

log = logging.getLogger(__name__)
logging.getLogger("ocpp").setLevel(logging.WARNING)  # it logs every message at INFO; we keep our own log


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class CentralCP(ChargePoint16):
    def __init__(self, identity: str, connection: Any, system: CentralSystem, info: store.CpInfo | None) -> None:
        super().__init__(identity, connection, response_timeout=system.settings.response_timeout_s)
        self.system = system
        self.info = info
        self.connectors: dict[int, Connector] = {}
        self.whole = Connector(0)
        self.boot_at: datetime | None = None
        self.changes = 0
        self.local_list_version = info.local_list_version if info else 0

    @property
    def accepted(self) -> bool:
        return self.info is not None and self.info.status == "accepted" and self.info.pile_id is not None

    def connector(self, n: int) -> Connector:
        if n not in self.connectors:
            self.connectors[n] = Connector(n)
        return self.connectors[n]

    def _require_accepted(self) -> None:
        if not self.accepted:
            raise SecurityError(description="this charge point is not accepted by the central system")

    # -- message log -----------------------------------------------------------------------------
    async def route_message(self, raw_msg: str) -> None:
        self.system.log_message(self.id, "in", raw_msg)
        await super().route_message(raw_msg)

    async def _send(self, message: str) -> None:
        self.system.log_message(self.id, "out", message)
        await self._connection.send(message)

    # -- charge point → central system -----------------------------------------------------------
    @on(Action.boot_notification)
    async def on_boot(self, charge_point_vendor: str, charge_point_model: str, **kw: Any) -> Any:
        boot = {"vendor": charge_point_vendor, "model": charge_point_model,
                "serial_no": kw.get("charge_point_serial_number") or kw.get("charge_box_serial_number"),
                "firmware": kw.get("firmware_version")}
        status = await self.system.on_boot(self, boot)
        interval = self.system.settings.heartbeat_s if status == "Accepted" else self.system.settings.pending_retry_s
        return call_result.BootNotification(current_time=_now_iso(), interval=interval, status=status)  # type: ignore[arg-type]

    @on(Action.heartbeat)
    async def on_heartbeat(self) -> Any:
        self.system.seen(self)
        return call_result.Heartbeat(current_time=_now_iso())

    @on(Action.status_notification)
    async def on_status(self, connector_id: int, error_code: str, status: str, **kw: Any) -> Any:
        self._require_accepted()
        self.system.on_status_notification(self, connector_id, error_code, status, kw.get("info"),
                                           kw.get("vendor_error_code"))
        return call_result.StatusNotification()

    @on(Action.authorize)
    async def on_authorize(self, id_tag: str) -> Any:
        self._require_accepted()
        status = await self.system.authorize(id_tag)
        return call_result.Authorize(id_tag_info={"status": status})

    @on(Action.start_transaction)
    async def on_start_transaction(self, connector_id: int, id_tag: str, meter_start: int, timestamp: str,
                                   reservation_id: int | None = None, **kw: Any) -> Any:
        self._require_accepted()
        tx_id, status = await self.system.on_start_transaction(self, connector_id, id_tag, meter_start,
                                                               store.parse_time(timestamp), reservation_id)
        return call_result.StartTransaction(transaction_id=tx_id, id_tag_info={"status": status})

    @on(Action.stop_transaction)
    async def on_stop_transaction(self, meter_stop: int, timestamp: str, transaction_id: int,
                                  reason: str = "Local", id_tag: str | None = None, **kw: Any) -> Any:
        self._require_accepted()
        await self.system.on_stop_transaction(self, transaction_id, meter_stop, store.parse_time(timestamp), reason,
                                              kw.get("transaction_data"))
        if id_tag is None:
            return call_result.StopTransaction()
        return call_result.StopTransaction(id_tag_info={"status": await self.system.authorize(id_tag)})

    @on(Action.meter_values)
    async def on_meter_values(self, connector_id: int, meter_value: list[dict[str, Any]],
                              transaction_id: int | None = None) -> Any:
        self._require_accepted()
        self.system.on_meter_values(self, connector_id, meter_value, transaction_id)
        return call_result.MeterValues()

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id: str, message_id: str | None = None, data: str | None = None) -> Any:
        self._require_accepted()
        if vendor_id != self.system.settings.vendor_id:
            return call_result.DataTransfer(status="UnknownVendorId")  # type: ignore[arg-type]
        self.system.event(self, "data_transfer", "info",
                          json.dumps({"message_id": message_id, "data": data}, ensure_ascii=False)[:1000])
        return call_result.DataTransfer(status="Accepted")  # type: ignore[arg-type]

    @on(Action.diagnostics_status_notification)
    async def on_diagnostics_status(self, status: str) -> Any:
        self._require_accepted()
        self.system.event(self, "diagnostics", "info", f"diagnostics upload: {status}")
        return call_result.DiagnosticsStatusNotification()

    @on(Action.firmware_status_notification)
    async def on_firmware_status(self, status: str) -> Any:
        self._require_accepted()
        severity = "warning" if status in ("DownloadFailed", "InstallationFailed") else "info"
        self.system.event(self, "firmware", severity, f"firmware update: {status}")
        return call_result.FirmwareStatusNotification()
