"""Remote diagnosis of a pile (M1.5, M8.2): its fault registers read live (identity, pile status, every
port), its recent events and alarms from the database, and optionally a port self-test, which finds
faults the pile has not noticed yet and latches them (the engine then raises the alarm).

The result can be recorded in a work order (``record``), where the technician and the dispatcher see it
in the order's history; the self-test is also logged against the pile.
"""

from __future__ import annotations

import concurrent.futures
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select

from app.domain.errors import NotFound
from app.domain.permissions import Actor, Permission, require
from app.engine.commands import CommandOutcome
from app.engine.om_commands import ReadDiagnostics, SelfTest
from app.services import work_orders
from app.services.unit import Db, read, transaction
from comm.pile.messages import PileIdentity, PileStatus, PortLive
from comm.pile.register_map import load_map
from db.models import Alarm, Pile, PileEvent
from db.types import utcnow


class Engine(Protocol):
    def submit(self, cmd: Any) -> concurrent.futures.Future[CommandOutcome]: ...


@dataclass(frozen=True, slots=True)
class PortDiag:
    number: int
    state: str
    fault: str
    stop_reason: str
    power_w: int


@dataclass(frozen=True, slots=True)
class Diagnosis:
    pile_id: uuid.UUID
    code: str
    at: datetime
    reachable: bool
    detail: str  # why not, when unreachable
    firmware: str = ""
    boot_count: int = 0
    uptime_s: int = 0
    temperature_dc: int = 0
    smoke_level: int = 0
    mains_voltage_dv: int = 0
    pile_fault: str = "NONE"
    flags: dict[str, bool] = field(default_factory=dict)
    ports: list[PortDiag] = field(default_factory=list)
    events: list[tuple[datetime, str, str, str]] = field(default_factory=list)  # ts, kind, severity, detail
    alarms: list[tuple[datetime, str, int | None, str, datetime | None]] = field(default_factory=list)
    self_test: tuple[int, str] | None = None  # (port, fault found or "NONE")

    @property
    def faulty_ports(self) -> list[PortDiag]:
        return [p for p in self.ports if p.fault != "NONE"]

    def summary(self) -> str:
        """A few lines for the order's history, Chinese then English."""
        if not self.reachable:
            return f"{self.code} 无法连接 / not reachable: {self.detail}"
        flags = ",".join(k for k, on in self.flags.items() if on and k != "mains_present") or "-"
        faults = ", ".join(f"#{p.number} {p.fault}" for p in self.faulty_ports) or "无 none"
        lines = [f"{self.code} 固件 firmware {self.firmware} · 启动 boots {self.boot_count} · 运行 uptime "
                 f"{self.uptime_s // 3600} h {self.uptime_s % 3600 // 60} min",
                 f"温度 temperature {self.temperature_dc / 10:.1f} °C · 烟雾 smoke {self.smoke_level} · "
                 f"市电 mains {self.mains_voltage_dv / 10:.1f} V",
                 f"整桩故障 pile fault {self.pile_fault} · 标志 flags {flags}",
                 f"端口故障 port faults: {faults}"]
        if self.self_test is not None:
            port, found = self.self_test
            verdict = "通过 passed" if found == "NONE" else f"发现 found {found}"
            lines.append(f"端口 {port} 自检 self-test: {verdict}")
        open_alarms = [a for a in self.alarms if a[4] is None]
        if open_alarms:
            lines.append("未清除告警 open alarms: " + ", ".join(f"{c}{f' #{p}' if p else ''}" for _t, c, p, _s, _c
                                                                 in open_alarms))
        return "\n".join(lines)

    def as_data(self) -> dict[str, object]:
        d = asdict(self)
        d["pile_id"] = str(self.pile_id)
        return {k: v for k, v in d.items() if k not in ("events", "alarms")} | {
            "events": len(self.events), "alarms_open": sum(a[4] is None for a in self.alarms)}


def diagnose(actor: Actor, db: Db, engine: Engine, pile_id: uuid.UUID, *, self_test_port: int | None = None,
             timeout_s: float = 30.0, history: int = 20) -> Diagnosis:
    """Read the pile's fault registers now (and run a port self-test when asked); add its recent history."""
    require(actor, Permission.DIAGNOSE_PILES)
    with read(db, actor, Permission.DIAGNOSE_PILES) as s:
        pile = s.get(Pile, pile_id)
        if pile is None:
            raise NotFound("充电桩", "pile", pile_id)
        code = pile.code
    test: tuple[int, str] | None = None
    if self_test_port:
        out = engine.submit(SelfTest(pile_id, self_test_port, issued_by=actor.login)).result(timeout_s)
        if out.ok:
            test = (self_test_port, str(out.data.get("fault", "NONE")))
        with transaction(db) as s:
            s.add(PileEvent(pile_id=pile_id, port_number=self_test_port, ts=utcnow(), kind="self_test",
                            severity="info" if test and test[1] == "NONE" else "warning",
                            detail=f"{out.detail} (by {actor.login})"))
    out = engine.submit(ReadDiagnostics(pile_id, issued_by=actor.login)).result(timeout_s)
    with read(db, actor, Permission.DIAGNOSE_PILES) as s:  # after the self-test: its record is history too
        events = [(e.ts, e.kind, e.severity, e.detail or "") for e in s.scalars(
            select(PileEvent).where(PileEvent.pile_id == pile_id).order_by(PileEvent.ts.desc()).limit(history))]
        alarms = [(a.raised_at, a.code, a.port_number, a.severity, a.cleared_at) for a in s.scalars(
            select(Alarm).where(Alarm.pile_id == pile_id).order_by(Alarm.raised_at.desc()).limit(history))]
    if not out.ok:
        return Diagnosis(pile_id, code, utcnow(), False, out.detail, events=events, alarms=alarms, self_test=test)
    ident: PileIdentity = out.data["identity"]
    st: PileStatus = out.data["status"]
    ports: dict[int, PortLive] = out.data["ports"]
    return Diagnosis(
        pile_id, code, utcnow(), True, "", ident.firmware, ident.boot_count, st.uptime_s, st.temperature_dc,
        st.smoke_level, st.mains_voltage_dv, st.pile_fault.value, asdict(st.flags),
        [PortDiag(n, p.state.value, p.fault.value, p.stop_reason.value, p.power_w) for n, p in sorted(ports.items())],
        events, alarms, test)


def record(actor: Actor, db: Db, order_id: uuid.UUID, d: Diagnosis) -> None:
    """Put a diagnosis into a work order's history."""
    work_orders.add_diagnosis(actor, db, order_id, d.summary(), d.as_data())


def enum_label(kind: str, name: str, model: str = "ACX10A") -> tuple[str, str]:
    """(中文, English) of a pile enum value as the register map names it (port_state, port_fault …)."""
    try:
        return load_map(model).enums[kind].labels.get(name, (name, name))
    except (KeyError, ValueError):
        return name, name
