"""Console commands → OCPP 1.6 calls, and the charge point's answer → a `CommandOutcome`.

Runs on the engine loop inside the central system; database lookups it needs (reservation ids,
the local list) are awaited through the system's database executor.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ocpp.exceptions import OCPPError
from ocpp.v16 import call
from ocpp.v16.datatypes import ChargingProfile, ChargingSchedule, ChargingSchedulePeriod

from app.engine import ocpp_store as store
from app.engine.commands import CommandOutcome
from app.engine.ocpp_commands import (
    MAX_LIMIT_A,
    MIN_LIMIT_A,
    CancelReservation,
    ChangeAvailability,
    ChangeConfiguration,
    ClearChargingProfile,
    GetCompositeSchedule,
    GetConfiguration,
    GetDiagnostics,
    GetLocalListVersion,
    OcppCommand,
    RemoteStart,
    RemoteStop,
    ReserveNow,
    ResetChargePoint,
    SendLocalList,
    SetChargingProfile,
    TriggerMessage,
    UnlockConnector,
    UpdateFirmware,
)

if TYPE_CHECKING:
    from app.engine.ocpp_server import CentralSystem
    from app.engine.ocpp_session import CentralCP


class CommandRefused(Exception):
    """The command cannot be sent as asked (bad limit, no transaction to stop …): nothing was sent."""


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def limit_profile(limit_a: float, *, purpose: str, profile_id: int = 1, stack_level: int = 0,
                  transaction_id: int | None = None, duration_s: int | None = None,
                  number_phases: int | None = None) -> ChargingProfile:
    # 0 A pauses the car within its transaction (the charge point offers nothing: SuspendedEVSE); between 0
    # and 6 A an AC car cannot charge, so such a limit is a mistake and is not sent.
    if limit_a != 0 and not MIN_LIMIT_A <= limit_a <= MAX_LIMIT_A:
        raise CommandRefused(f"charging limit {limit_a:g} A is outside {MIN_LIMIT_A:g}–{MAX_LIMIT_A:g} A "
                             "(or 0 A: pause)")
    kind = "Relative" if purpose == "TxProfile" or duration_s is None else "Absolute"
    return ChargingProfile(
        charging_profile_id=profile_id, stack_level=stack_level, charging_profile_purpose=purpose,  # type: ignore[arg-type]
        charging_profile_kind=kind, transaction_id=transaction_id,  # type: ignore[arg-type]
        charging_schedule=ChargingSchedule(
            charging_rate_unit="A", duration=duration_s,  # type: ignore[arg-type]
            start_schedule=iso(datetime.now(UTC)) if kind == "Absolute" else None,
            charging_schedule_period=[ChargingSchedulePeriod(start_period=0, limit=round(limit_a, 1),
                                                             number_phases=number_phases)]),
    )


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


async def execute(system: CentralSystem, cp: CentralCP, cmd: OcppCommand) -> CommandOutcome:
    """Send `cmd` to the connected charge point `cp` and wait for its answer."""
    now = datetime.now(UTC)
    payload: Any
    data: dict[str, Any] = {}
    if isinstance(cmd, RemoteStart):
        tag = cmd.id_tag or system.console_tag(cmd.issued_by)
        profile = None
        if cmd.limit_a is not None:
            profile = limit_profile(cmd.limit_a, purpose="TxProfile", profile_id=100 + cmd.connector)
        payload = call.RemoteStartTransaction(id_tag=tag, connector_id=cmd.connector, charging_profile=profile)
    elif isinstance(cmd, RemoteStop):
        tx = cp.connector(cmd.connector).tx_id
        if tx is None:
            raise CommandRefused(f"no transaction is running on connector {cmd.connector}")
        payload = call.RemoteStopTransaction(transaction_id=tx)
        data["transaction_id"] = tx
    elif isinstance(cmd, ChangeConfiguration):
        payload = call.ChangeConfiguration(key=cmd.key, value=cmd.value)
    elif isinstance(cmd, GetConfiguration):
        payload = call.GetConfiguration(key=list(cmd.keys) or None)
    elif isinstance(cmd, ResetChargePoint):
        payload = call.Reset(type="Hard" if cmd.hard else "Soft")  # type: ignore[arg-type]
    elif isinstance(cmd, UnlockConnector):
        payload = call.UnlockConnector(connector_id=cmd.connector)
    elif isinstance(cmd, ChangeAvailability):
        payload = call.ChangeAvailability(connector_id=cmd.connector,
                                          type="Operative" if cmd.operative else "Inoperative")  # type: ignore[arg-type]
    elif isinstance(cmd, UpdateFirmware):
        location = system.file_url(f"firmware/{cmd.file_name}")
        payload = call.UpdateFirmware(location=location, retrieve_date=iso(now + timedelta(seconds=cmd.retrieve_in_s)))
        data["location"] = location
    elif isinstance(cmd, GetDiagnostics):
        location = system.file_url(f"diagnostics/{cp.id}/")
        payload = call.GetDiagnostics(location=location)
        data["location"] = location
    elif isinstance(cmd, ReserveNow):
        expires = now + timedelta(minutes=cmd.minutes)
        rid = await system.db(store.create_reservation, cp.info.cp_id, cmd.connector, cmd.id_tag, expires)
        payload = call.ReserveNow(connector_id=cmd.connector, expiry_date=iso(expires), id_tag=cmd.id_tag,
                                  reservation_id=rid)
        data["reservation_id"] = rid
    elif isinstance(cmd, CancelReservation):
        payload = call.CancelReservation(reservation_id=cmd.reservation_id)
    elif isinstance(cmd, SendLocalList):
        version = cp.info.local_list_version + 1
        entries = await system.db(store.local_list) if cmd.full else list(cmd.id_tags)
        payload = call.SendLocalList(
            list_version=version, update_type="Full" if cmd.full else "Differential",  # type: ignore[arg-type]
            local_authorization_list=[{"idTag": t, "idTagInfo": {"status": st}} for t, st in entries])
        data["list_version"], data["entries"] = version, len(entries)
    elif isinstance(cmd, GetLocalListVersion):
        payload = call.GetLocalListVersion()
    elif isinstance(cmd, SetChargingProfile):
        purpose = cmd.purpose or ("ChargePointMaxProfile" if cmd.connector == 0 else "TxDefaultProfile")
        tx = cp.connector(cmd.connector).tx_id if purpose == "TxProfile" else None
        if purpose == "TxProfile" and tx is None:
            raise CommandRefused(f"a TxProfile needs a transaction on connector {cmd.connector}")
        profile = limit_profile(cmd.limit_a, purpose=purpose, profile_id=cmd.profile_id,
                                stack_level=cmd.stack_level, transaction_id=tx, duration_s=cmd.duration_s,
                                number_phases=cmd.number_phases)
        payload = call.SetChargingProfile(connector_id=cmd.connector, cs_charging_profiles=profile)
    elif isinstance(cmd, ClearChargingProfile):
        payload = call.ClearChargingProfile(id=cmd.profile_id, connector_id=cmd.connector,
                                            charging_profile_purpose=cmd.purpose)  # type: ignore[arg-type]
    elif isinstance(cmd, GetCompositeSchedule):
        payload = call.GetCompositeSchedule(connector_id=cmd.connector, duration=cmd.duration_s,
                                            charging_rate_unit="A")  # type: ignore[arg-type]
    elif isinstance(cmd, TriggerMessage):
        payload = call.TriggerMessage(requested_message=cmd.message, connector_id=cmd.connector)  # type: ignore[arg-type]
    else:
        raise CommandRefused(f"unknown command {type(cmd).__name__}")

    try:
        result = await cp.call(payload, suppress=False)
    except OCPPError as exc:
        data["error_code"] = exc.code
        return CommandOutcome(False, f"the charge point answered with an error: {exc.code} {exc.description}",
                              datetime.now(UTC), data=data)
    except TimeoutError:
        return CommandOutcome(False, f"no answer within {cp._response_timeout} s; the charge point may or may not "
                                     "have done it", datetime.now(UTC), data=data)
    answer = _plain(result)
    data |= answer
    status = answer.get("status")
    extra: dict[str, int] = {}
    if isinstance(cmd, GetLocalListVersion):
        extra["list_version"] = int(answer.get("list_version", -1))
        return CommandOutcome(True, f"local list version {extra['list_version']}", datetime.now(UTC), extra=extra,
                              data=data)
    if isinstance(cmd, GetConfiguration):
        keys = answer.get("configuration_key") or []
        return CommandOutcome(True, f"{len(keys)} configuration keys", datetime.now(UTC), data=data)
    if isinstance(cmd, GetDiagnostics):
        name = answer.get("file_name")
        return CommandOutcome(True, f"diagnostics file {name} will be uploaded" if name else "no diagnostics available",
                              datetime.now(UTC), data=data)
    if isinstance(cmd, UpdateFirmware):
        return CommandOutcome(True, "firmware update accepted; progress comes as firmware status notifications",
                              datetime.now(UTC), data=data)
    ok = status in ("Accepted", "Unlocked", "Scheduled")
    if isinstance(cmd, SendLocalList) and ok:
        await system.db(store.set_local_list_version, cp.info.cp_id, data["list_version"])
        cp.local_list_version = int(data["list_version"])
    if isinstance(cmd, ReserveNow):
        await system.db(store.set_reservation_status, data["reservation_id"], str(status))
        extra["reservation_id"] = int(data["reservation_id"])
    if isinstance(cmd, SetChargingProfile) and ok:
        system.note_limit(cp, cmd.connector, cmd.limit_a)
    return CommandOutcome(ok, f"charge point answered {status}", datetime.now(UTC), extra=extra, data=data)
