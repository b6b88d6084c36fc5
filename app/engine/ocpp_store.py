"""Database work of the OCPP central system: synchronous functions run on the engine's database thread.

Charge point registry (and the hash its password is checked against), id-tag authorisation
against the charging users' cards, and transactions that survive resends and reconnects: a
StartTransaction sent twice gets the same transactionId, a StopTransaction sent twice stops once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.domain.card_states import REFUSED_BY_CARS
from db.models import Pile, Port
from db.models_cards import Card
from db.models_ocpp import ChargePoint, OcppReservation, OcppTransaction
from db.models_people import ChargingUser
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class CpInfo:
    cp_id: uuid.UUID
    identity: str
    status: str  # accepted | pending | rejected
    security_profile: int
    password_hash: str | None
    pile_id: uuid.UUID | None
    station_id: uuid.UUID | None
    connectors: int
    ports: dict[int, uuid.UUID]  # connector → port id
    max_current_a: int
    local_list_version: int


def _info(s: Session, cp: ChargePoint) -> CpInfo:
    ports = {}
    if cp.pile_id is not None:
        ports = {n: pid for n, pid in s.execute(select(Port.number, Port.id).where(Port.pile_id == cp.pile_id))}
    return CpInfo(cp.id, cp.identity, cp.status, cp.security_profile, cp.password_hash, cp.pile_id, cp.station_id,
                  cp.connectors, ports, cp.max_current_a, cp.local_list_version)


def load_charge_points(factory: sessionmaker[Session]) -> list[CpInfo]:
    """Accepted charge points that have a pile (those the state store tracks from the start)."""
    with factory() as s:
        rows = s.scalars(select(ChargePoint).join(Pile, Pile.id == ChargePoint.pile_id)
                         .where(ChargePoint.status == "accepted", Pile.enabled.is_(True))).all()
        return [_info(s, cp) for cp in rows]


def charge_point_info(factory: sessionmaker[Session], identity: str) -> CpInfo | None:
    with factory() as s:
        cp = s.scalar(select(ChargePoint).where(ChargePoint.identity == identity))
        return None if cp is None else _info(s, cp)


def register_pending(factory: sessionmaker[Session], identity: str, boot: dict[str, str | None]) -> CpInfo:
    """An unknown charge point booted: hold it for approval (status pending) with what it said it is."""
    with factory() as s, s.begin():
        cp = s.scalar(select(ChargePoint).where(ChargePoint.identity == identity))
        if cp is None:
            cp = ChargePoint(identity=identity, status="pending", security_profile=1)
            s.add(cp)
        cp.vendor, cp.model = boot.get("vendor"), boot.get("model")
        cp.serial_no, cp.firmware = boot.get("serial_no"), boot.get("firmware")
        cp.last_boot_at = utcnow()
        s.flush()
        return _info(s, cp)


def record_boot(factory: sessionmaker[Session], cp_id: uuid.UUID, boot: dict[str, str | None]) -> None:
    with factory() as s, s.begin():
        cp = s.get(ChargePoint, cp_id)
        if cp is None:
            return
        cp.vendor, cp.model = boot.get("vendor"), boot.get("model")
        cp.serial_no, cp.firmware, cp.last_boot_at = boot.get("serial_no"), boot.get("firmware"), utcnow()
        if cp.pile_id is not None:
            s.execute(update(Pile).where(Pile.id == cp.pile_id).values(
                serial_no=boot.get("serial_no"), firmware=boot.get("firmware"), version=Pile.version + 1,
                updated_at=utcnow()))


def _blocked_cards(s: Session, tags: list[str] | None = None) -> set[str]:
    q = select(Card.card_no).where(Card.state.in_(REFUSED_BY_CARS))
    if tags is not None:
        numbers = [int(t) for t in tags if t.isdigit() and len(t) <= 18]
        if not numbers:
            return set()
        q = q.where(Card.card_no.in_(numbers))
    return {str(n) for n in s.scalars(q)}


def authorize(factory: sessionmaker[Session], id_tag: str) -> str:
    """OCPP AuthorizationStatus of an idTag: a charging user's card (active → Accepted, deactivated →
    Blocked), Blocked too when the IC card is lost, returned or replaced; anything else is Invalid."""
    with factory() as s:
        user = s.execute(select(ChargingUser.active).where(ChargingUser.card_no == id_tag)).first()
        blocked = bool(_blocked_cards(s, [id_tag]))
    if user is None:
        return "Invalid"
    return "Accepted" if user.active and not blocked else "Blocked"


def local_list(factory: sessionmaker[Session]) -> list[tuple[str, str]]:
    """(idTag, status) of every charging user's card, and every lost / returned / replaced IC card as Blocked,
    for SendLocalList (Full): a charge point that authorizes offline refuses them too."""
    with factory() as s:
        rows = s.execute(select(ChargingUser.card_no, ChargingUser.active)
                         .where(ChargingUser.card_no.is_not(None)).order_by(ChargingUser.card_no))
        blocked = _blocked_cards(s)
        entries = {str(card)[:20]: "Accepted" if active and str(card) not in blocked else "Blocked"
                   for card, active in rows}
    for card in blocked:
        entries.setdefault(card[:20], "Blocked")
    return sorted(entries.items())


def set_local_list_version(factory: sessionmaker[Session], cp_id: uuid.UUID, version: int) -> None:
    with factory() as s, s.begin():
        s.execute(update(ChargePoint).where(ChargePoint.id == cp_id).values(
            local_list_version=version, version=ChargePoint.version + 1, updated_at=utcnow()))


def parse_time(value: str | datetime | None) -> datetime:
    """An OCPP date-time (naive ones are taken as UTC); None or garbage → now."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        t = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return utcnow()
    return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)


def start_transaction(factory: sessionmaker[Session], cp_id: uuid.UUID, connector: int, id_tag: str,
                      auth_status: str, meter_start: int, started_at: datetime,
                      reservation_id: int | None) -> tuple[int, bool]:
    """(transactionId, new). The same start sent again returns the transaction it opened."""
    with factory() as s, s.begin():
        known = s.scalar(select(OcppTransaction.id).where(
            OcppTransaction.charge_point_id == cp_id, OcppTransaction.connector_id == connector,
            OcppTransaction.started_at == started_at))
        if known is not None:
            return known, False
        tx = OcppTransaction(charge_point_id=cp_id, connector_id=connector, id_tag=id_tag[:20],
                             auth_status=auth_status, meter_start=meter_start, started_at=started_at,
                             reservation_id=reservation_id, status="active")
        s.add(tx)
        if reservation_id is not None:
            s.execute(update(OcppReservation).where(OcppReservation.id == reservation_id)
                      .values(status="used"))
        s.flush()
        return tx.id, True


@dataclass(frozen=True, slots=True)
class StopResult:
    known: bool
    already_stopped: bool
    cp_id: uuid.UUID | None = None
    connector: int = 0
    meter_start: int = 0


def stop_transaction(factory: sessionmaker[Session], tx_id: int, meter_stop: int, stopped_at: datetime,
                     reason: str) -> StopResult:
    with factory() as s, s.begin():
        tx = s.get(OcppTransaction, tx_id)
        if tx is None:
            return StopResult(False, False)
        if tx.status == "ended":
            return StopResult(True, True, tx.charge_point_id, tx.connector_id, tx.meter_start)
        tx.meter_stop, tx.stopped_at, tx.stop_reason, tx.status = meter_stop, stopped_at, reason[:24], "ended"
        return StopResult(True, False, tx.charge_point_id, tx.connector_id, tx.meter_start)


@dataclass(frozen=True, slots=True)
class ActiveTx:
    cp_id: uuid.UUID
    connector: int
    tx_id: int
    id_tag: str
    meter_start: int
    started_at: datetime


def active_transactions(factory: sessionmaker[Session]) -> list[ActiveTx]:
    with factory() as s:
        return [ActiveTx(t.charge_point_id, t.connector_id, t.id, t.id_tag, t.meter_start, t.started_at)
                for t in s.scalars(select(OcppTransaction).where(OcppTransaction.status == "active"))]


def create_reservation(factory: sessionmaker[Session], cp_id: uuid.UUID, connector: int, id_tag: str,
                       expires_at: datetime) -> int:
    with factory() as s, s.begin():
        r = OcppReservation(charge_point_id=cp_id, connector_id=connector, id_tag=id_tag[:20],
                            expires_at=expires_at, status="sent")
        s.add(r)
        s.flush()
        return r.id


def set_reservation_status(factory: sessionmaker[Session], reservation_id: int, status: str) -> None:
    with factory() as s, s.begin():
        s.execute(update(OcppReservation).where(OcppReservation.id == reservation_id).values(status=status[:24]))
