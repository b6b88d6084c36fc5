"""Remote operation of piles as services (DESIGN §5 start_port, stop_port, …): role check first, the
command through the engine, and an audit record of what was asked and what the pile confirmed.

The engine answers on its own thread; the audit write happens on a small worker pool so the engine
loop never waits for the database.
"""

from __future__ import annotations

import concurrent.futures
import json
import re
from dataclasses import asdict, replace
from typing import Protocol

from app.domain.errors import ValidationError
from app.domain.permissions import Actor, Permission, allows, require
from app.domain.tariff_scope import only_tariff_changed
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
from app.engine.ocpp_commands import (
    OCPP_COMMANDS,
    GetCompositeSchedule,
    GetConfiguration,
    GetLocalListVersion,
    OcppCommand,
    SendLocalList,
)
from app.services import audit
from app.services.unit import Db, write
from comm.pile.messages import PileConfig

_PERMISSION: dict[type, Permission] = {
    StartPort: Permission.CONTROL_PORTS, StopPort: Permission.CONTROL_PORTS, ClearFault: Permission.CONTROL_PORTS,
    SyncClock: Permission.CONTROL_PORTS, ReadConfig: Permission.MONITOR, RebootPile: Permission.MANAGE_PILES,
    WriteConfig: Permission.MANAGE_PILES, PushBlacklist: Permission.MANAGE_CARDS,
}  # fmt: skip
_ACTION = {StartPort: "pile.start_port", StopPort: "pile.stop_port", ClearFault: "pile.clear_fault",
           SyncClock: "pile.sync_clock", RebootPile: "pile.reboot", WriteConfig: "pile.config_written",
           PushBlacklist: "pile.blacklist_pushed"}
# Car piles (OCPP): reads are monitoring, starts/stops/unlocks are port control, the rest changes the charge point.
_OCPP_READS = (GetConfiguration, GetLocalListVersion, GetCompositeSchedule)
_OCPP_CONTROL = ("RemoteStart", "RemoteStop", "UnlockConnector")
for _cls in OCPP_COMMANDS:
    if _cls in _OCPP_READS:
        _PERMISSION[_cls] = Permission.MONITOR
        continue
    _PERMISSION[_cls] = Permission.CONTROL_PORTS if _cls.__name__ in _OCPP_CONTROL else Permission.MANAGE_PILES
    _ACTION[_cls] = "charge_point." + re.sub(r"(?<!^)(?=[A-Z])", "_", _cls.__name__).lower()  # …set_charging_profile
_pool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="chargedesk-remote")


class CommandEngine(Protocol):
    def submit(self, cmd: PileCommand | OcppCommand) -> concurrent.futures.Future[CommandOutcome]: ...


def permission_for(cmd: PileCommand | OcppCommand) -> Permission:
    return _PERMISSION[type(cmd)]


def _require(actor: Actor, cmd: PileCommand | OcppCommand) -> None:
    if isinstance(cmd, SendLocalList) and cmd.full and allows(actor, Permission.MANAGE_CARDS):
        return  # the whole list as the card states make it: the card desk's blacklist, nothing chosen by the caller
    require(actor, permission_for(cmd))


def _config_json(cfg: PileConfig | None) -> dict[str, object] | None:
    return None if cfg is None else json.loads(json.dumps(asdict(cfg), default=str))


def submit(actor: Actor, db: Db, engine: CommandEngine, cmd: PileCommand | OcppCommand, *,
           before: PileConfig | None = None, as_tariff: bool = False) -> concurrent.futures.Future[CommandOutcome]:
    """Check the role (raises PermissionDenied at once, nothing sent), send, audit the confirmed outcome.

    `before`: for WriteConfig, the configuration the pile reported before the write.
    `as_tariff`: a WriteConfig that changes nothing of `before` but its tariff fields (checked here), so it
    needs MANAGE_TARIFFS instead of MANAGE_PILES and is audited as "tariff.pushed": finance sets prices,
    never protection thresholds.
    """
    if as_tariff:
        if not isinstance(cmd, WriteConfig) or before is None or not only_tariff_changed(before, cmd.config):
            raise ValidationError("资费下发只能修改资费相关的配置项",
                                  "a tariff push may change the tariff fields of the configuration only")
        require(actor, Permission.MANAGE_TARIFFS)
    else:
        _require(actor, cmd)
    result: concurrent.futures.Future[CommandOutcome] = concurrent.futures.Future()
    sent = engine.submit(cmd)

    def finish(outcome: CommandOutcome) -> None:
        try:
            if type(cmd) in _ACTION:
                _audit(actor, db, cmd, outcome, before, "tariff.pushed" if as_tariff else _ACTION[type(cmd)])
        except Exception as exc:  # the pile did it; say so, and that the record is missing
            outcome = replace(outcome, detail=f"{outcome.detail} (audit record not written: {exc})")
        result.set_result(outcome)

    def done(f: concurrent.futures.Future[CommandOutcome]) -> None:
        try:
            outcome = f.result()
        except Exception as exc:
            result.set_exception(exc)
            return
        _pool.submit(finish, outcome)

    sent.add_done_callback(done)
    return result


def _audit(actor: Actor, db: Db, cmd: PileCommand | OcppCommand, outcome: CommandOutcome,
           before: PileConfig | None, action: str) -> None:
    args = {k: v for k, v in asdict(cmd).items() if k not in ("pile_id", "config", "issued_by")}
    after: dict[str, object] = {"outcome": "ok" if outcome.ok else "failed", "detail": outcome.detail, **args}
    if isinstance(cmd, WriteConfig):
        after["config"] = _config_json(cmd.config)
        after["revision"] = outcome.extra.get("revision")
    with write(db, actor, None) as s:
        audit.append(s, actor, action, "pile", cmd.pile_id,
                     before={"config": _config_json(before)} if before is not None else None, after=after)
