"""Car charge points (OCPP 1.6J): register, approve or reject, set the key, read the message log.

A registered charge point is a pile (protocol "ocpp16", one port per connector, vehicle class "car")
plus its `charge_point` row. Its key (security profiles 1/2) goes to the OS keyring of this desk via
the SecretStore; the database keeps only a salted hash, which is what the engine checks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.charge_point_auth import generate_key, hash_key
from app.domain.errors import Conflict, NotFound, ValidationError
from app.domain.permissions import Actor, Permission
from app.secrets import SecretStore
from app.services import audit
from app.services.unit import Db, read, write
from db.enums import Protocol, VehicleClass
from db.models import Pile, Port, Station
from db.models_ocpp import ChargePoint, OcppMessage


def key_name(identity: str) -> str:
    """The SecretStore entry of a charge point's key."""
    return f"ocpp:{identity}"


@dataclass(frozen=True, slots=True)
class ChargePointInfo:
    identity: str
    status: str
    pile_id: uuid.UUID | None
    station_id: uuid.UUID | None
    security_profile: int
    connectors: int
    vendor: str | None
    model: str | None
    firmware: str | None
    last_boot_at: datetime | None
    last_seen_at: datetime | None


@dataclass(frozen=True, slots=True)
class MessageRow:
    ts: datetime
    direction: str
    message_type: int
    action: str | None
    unique_id: str
    payload: str


def _info(cp: ChargePoint) -> ChargePointInfo:
    return ChargePointInfo(cp.identity, cp.status, cp.pile_id, cp.station_id, cp.security_profile, cp.connectors,
                           cp.vendor, cp.model, cp.firmware, cp.last_boot_at, cp.last_seen_at)


def _check_identity(identity: str) -> str:
    ident = identity.strip()
    if not ident or len(ident) > 48 or "/" in ident or not ident.isprintable() or " " in ident:
        raise ValidationError("充电桩标识须为 1–48 个字符，不含空格和斜杠",
                              "a charge point identity is 1–48 characters without spaces or slashes", field="identity")
    return ident


def create_car_pile(s: Session, cp: ChargePoint, *, station_id: uuid.UUID, code: str, name: str) -> Pile:
    """The pile and ports of an accepted charge point (no role check: callers do it)."""
    if s.scalar(select(Pile.id).where(Pile.code == code)) is not None:
        raise Conflict(f"桩编号 {code} 已存在", f"pile code {code} already exists")
    pile = Pile(code=code, station_id=station_id, name=name, model=cp.model or "OCPP16", protocol=Protocol.OCPP16)
    s.add(pile)
    s.flush()
    for n in range(1, cp.connectors + 1):
        pile.ports.append(Port(number=n, vehicle_class=VehicleClass.CAR, qr_id=f"{code}-{n:02d}",
                               max_power_w=cp.max_current_a * 230))
    cp.pile_id, cp.station_id = pile.id, station_id
    s.flush()
    return pile


def register_charge_point(actor: Actor, db: Db, secrets: SecretStore, *, station_id: uuid.UUID, identity: str,
                          code: str, name: str, connectors: int = 1, security_profile: int = 1,
                          max_current_a: int = 32, key: str | None = None) -> tuple[ChargePointInfo, str]:
    """A new, accepted charge point with its pile; returns it and its key (to configure on the wallbox)."""
    identity = _check_identity(identity)
    if security_profile not in (0, 1, 2) or not 1 <= connectors <= 4 or not 6 <= max_current_a <= 80:
        raise ValidationError("安全等级 0–2，枪数 1–4，电流 6–80 A", "security profile 0–2, 1–4 connectors, 6–80 A")
    key = key or generate_key()
    with write(db, actor, Permission.MANAGE_PILES) as s:
        if s.get(Station, station_id) is None:
            raise NotFound("小区", "station", station_id)
        if s.scalar(select(ChargePoint.id).where(ChargePoint.identity == identity)) is not None:
            raise Conflict(f"充电桩 {identity} 已登记", f"charge point {identity} is already registered")
        cp = ChargePoint(identity=identity, status="accepted", security_profile=security_profile,
                         password_hash=hash_key(key) if security_profile else None, connectors=connectors,
                         max_current_a=max_current_a)
        s.add(cp)
        s.flush()
        create_car_pile(s, cp, station_id=station_id, code=code, name=name)
        audit.append(s, actor, "charge_point.registered", "charge_point", cp.id,
                     after={"identity": identity, "pile": code, "connectors": connectors,
                            "security_profile": security_profile})
        info = _info(cp)
    if security_profile:
        secrets.set(key_name(identity), key)
    return info, key


def approve_charge_point(actor: Actor, db: Db, secrets: SecretStore, identity: str, *, station_id: uuid.UUID,
                         code: str, name: str, connectors: int = 1,
                         key: str | None = None) -> tuple[ChargePointInfo, str]:
    """Accept a charge point that was held for approval; it is accepted on its next BootNotification."""
    key = key or generate_key()
    with write(db, actor, Permission.MANAGE_PILES) as s:
        cp = s.scalar(select(ChargePoint).where(ChargePoint.identity == identity))
        if cp is None:
            raise NotFound("充电桩", "charge point", identity)
        if cp.status == "accepted":
            raise Conflict(f"充电桩 {identity} 已接受", f"charge point {identity} is already accepted")
        cp.connectors, cp.status, cp.password_hash = connectors, "accepted", hash_key(key)
        create_car_pile(s, cp, station_id=station_id, code=code, name=name)
        audit.append(s, actor, "charge_point.approved", "charge_point", cp.id, before={"status": "pending"},
                     after={"status": "accepted", "pile": code})
        info = _info(cp)
    secrets.set(key_name(identity), key)
    return info, key


def reject_charge_point(actor: Actor, db: Db, identity: str) -> ChargePointInfo:
    with write(db, actor, Permission.MANAGE_PILES) as s:
        cp = s.scalar(select(ChargePoint).where(ChargePoint.identity == identity))
        if cp is None:
            raise NotFound("充电桩", "charge point", identity)
        before = cp.status
        cp.status = "rejected"
        audit.append(s, actor, "charge_point.rejected", "charge_point", cp.id, before={"status": before},
                     after={"status": "rejected"})
        return _info(cp)


def readmit_charge_point(actor: Actor, db: Db, identity: str) -> ChargePointInfo:
    """Accept again a charge point that was rejected after it had been approved: it keeps its pile, its history
    and its key, and is accepted on its next BootNotification. (One never approved goes through approval.)"""
    with write(db, actor, Permission.MANAGE_PILES) as s:
        cp = s.scalar(select(ChargePoint).where(ChargePoint.identity == identity))
        if cp is None:
            raise NotFound("充电桩", "charge point", identity)
        if cp.status != "rejected":
            raise Conflict(f"充电桩 {identity} 未被拒绝", f"charge point {identity} is not rejected")
        if cp.pile_id is None:
            raise Conflict(f"充电桩 {identity} 尚未批准过，请先批准并分配小区",
                           f"charge point {identity} was never approved: approve it and choose its community")
        cp.status = "accepted"
        audit.append(s, actor, "charge_point.readmitted", "charge_point", cp.id, before={"status": "rejected"},
                     after={"status": "accepted"})
        return _info(cp)


def set_key(actor: Actor, db: Db, secrets: SecretStore, identity: str, key: str | None = None) -> str:
    """A new key for a charge point (it must be configured on the wallbox too); returns the key."""
    key = key or generate_key()
    if len(key) < 16:
        raise ValidationError("密钥至少 16 个字符", "the key needs at least 16 characters", field="key")
    with write(db, actor, Permission.MANAGE_PILES) as s:
        cp = s.scalar(select(ChargePoint).where(ChargePoint.identity == identity))
        if cp is None:
            raise NotFound("充电桩", "charge point", identity)
        cp.password_hash = hash_key(key)
        audit.append(s, actor, "charge_point.key_changed", "charge_point", cp.id, after={"identity": identity})
    secrets.set(key_name(identity), key)
    return key


def list_charge_points(actor: Actor, db: Db) -> list[ChargePointInfo]:
    with read(db, actor, Permission.MONITOR) as s:
        return [_info(cp) for cp in s.scalars(select(ChargePoint).order_by(ChargePoint.identity))]


def identity_of(actor: Actor, db: Db, pile_id: uuid.UUID) -> str | None:
    with read(db, actor, Permission.MONITOR) as s:
        return s.scalar(select(ChargePoint.identity).where(ChargePoint.pile_id == pile_id))


def message_log(actor: Actor, db: Db, identity: str, *, limit: int = 500,
                action: str | None = None) -> list[MessageRow]:
    """The newest messages of a charge point, newest first."""
    with read(db, actor, Permission.MONITOR) as s:
        q = select(OcppMessage).where(OcppMessage.identity == identity)
        if action:
            q = q.where(OcppMessage.action == action)
        rows = s.scalars(q.order_by(OcppMessage.ts.desc(), OcppMessage.id.desc()).limit(limit))
        return [MessageRow(r.ts, r.direction, r.message_type, r.action, r.unique_id, r.payload) for r in rows]
