"""Tariffs as services (M6.1): create, new versions, assignments, and which version prices a session.

Every change is one transaction with an audit record ("tariff.create", "tariff.version", "tariff.assign",
"tariff.unassign") carrying the policy before and after. Versions are append-only: a change is a new
version effective from a chosen instant, so sessions already priced keep the version they were priced
with. Pushing the pile part to the piles is in ``tariff_push``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import ConcurrentEdit, Conflict, NotFound, ValidationError
from app.domain.permissions import Actor, Permission
from app.domain.tariff_scope import Assignment, Version, check_scope, resolve, version_at
from app.domain.tariffs import Policy, from_json, to_json, validate
from app.services import audit
from app.services.unit import Db, read, write
from db.models import Pile, Station
from db.models_billing import Tariff, TariffAssignment, TariffVersion
from db.models_people import UserGroup
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class VersionInfo:
    version_id: uuid.UUID
    number: int
    effective_from: datetime
    policy: Policy
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AssignmentInfo:
    assignment_id: uuid.UUID
    tariff_id: uuid.UUID
    station_id: uuid.UUID | None
    pile_id: uuid.UUID | None
    group_id: uuid.UUID | None
    scope_label: str  # "XC01 莲城花园", "XC01-P03", "包月 / monthly", "operator-wide"

    @property
    def assignment(self) -> Assignment:
        return Assignment(self.tariff_id, self.station_id, self.pile_id, self.group_id)


@dataclass(frozen=True, slots=True)
class TariffInfo:
    tariff_id: uuid.UUID
    code: str
    name: str
    note: str
    active: bool
    versions: tuple[VersionInfo, ...]  # oldest first
    assignments: tuple[AssignmentInfo, ...]
    row_version: int

    def in_force(self, at: datetime) -> VersionInfo | None:
        v = version_at([Version(x.number, x.effective_from, x.policy) for x in self.versions], at)
        return None if v is None else next(x for x in self.versions if x.number == v.number)

    @property
    def latest(self) -> VersionInfo:
        return self.versions[-1]


def _version(v: TariffVersion) -> VersionInfo:
    return VersionInfo(v.id, v.number, v.effective_from, from_json(v.policy_json), v.created_by, v.created_at)


def _labels(s: Session) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    stations = {r.id: f"{r.code} {r.name}" for r in s.execute(select(Station.id, Station.code, Station.name))}
    piles = {r.id: r.code for r in s.execute(select(Pile.id, Pile.code))}
    groups = {r.id: r.name for r in s.execute(select(UserGroup.id, UserGroup.name))}
    return stations, piles, groups


def _scope_label(a: TariffAssignment, labels: tuple[dict[uuid.UUID, str], ...]) -> str:
    stations, piles, groups = labels
    parts = []
    if a.group_id is not None:
        parts.append(groups.get(a.group_id, str(a.group_id)))
    if a.station_id is not None:
        parts.append(stations.get(a.station_id, str(a.station_id)))
    if a.pile_id is not None:
        parts.append(piles.get(a.pile_id, str(a.pile_id)))
    return " @ ".join(parts) or "全部 / operator-wide"


def _info(s: Session, t: Tariff, labels: tuple[dict[uuid.UUID, str], ...] | None = None) -> TariffInfo:
    labels = labels or _labels(s)
    versions = s.scalars(select(TariffVersion).where(TariffVersion.tariff_id == t.id).order_by(TariffVersion.number))
    assigned = s.scalars(select(TariffAssignment).where(TariffAssignment.tariff_id == t.id)
                         .order_by(TariffAssignment.created_at))  # fmt: skip
    return TariffInfo(t.id, t.code, t.name, t.note, t.active, tuple(_version(v) for v in versions),
                      tuple(AssignmentInfo(a.id, a.tariff_id, a.station_id, a.pile_id, a.group_id,
                                           _scope_label(a, labels)) for a in assigned), t.version)  # fmt: skip


def list_tariffs(actor: Actor, db: Db) -> list[TariffInfo]:
    with read(db, actor, Permission.MANAGE_TARIFFS) as s:
        labels = _labels(s)
        return [_info(s, t, labels) for t in s.scalars(select(Tariff).order_by(Tariff.code))]


def get_tariff(actor: Actor, db: Db, tariff_id: uuid.UUID) -> TariffInfo:
    with read(db, actor, Permission.MANAGE_TARIFFS) as s:
        return _info(s, _load(s, tariff_id))


def _load(s: Session, tariff_id: uuid.UUID) -> Tariff:
    t = s.get(Tariff, tariff_id)
    if t is None:
        raise NotFound("资费方案", "tariff", tariff_id)
    return t


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValidationError("生效时间需带时区", "the effective time needs a time zone", field="effective_from")
    return at


def create_tariff(actor: Actor, db: Db, *, code: str, name: str, policy: Policy, effective_from: datetime,
                  note: str = "") -> TariffInfo:
    code, name = code.strip(), name.strip()
    if not 1 <= len(code) <= 32 or not 1 <= len(name) <= 128:
        raise ValidationError("请填写编号（≤32 字）和名称（≤128 字）", "enter a code (≤32) and a name (≤128)",
                              field="code")  # fmt: skip
    validate(policy)
    with write(db, actor, Permission.MANAGE_TARIFFS) as s:
        if s.scalar(select(Tariff.id).where(Tariff.code == code)) is not None:
            raise Conflict(f"资费编号 {code} 已存在", f"the tariff code {code} is taken")
        t = Tariff(code=code, name=name, note=note.strip()[:255])
        s.add(t)
        s.flush()
        v = TariffVersion(tariff_id=t.id, number=1, effective_from=_aware(effective_from), kind=policy.kind.value,
                          policy_json=to_json(policy), created_by=actor.login, created_at=utcnow())  # fmt: skip
        s.add(v)
        s.flush()
        audit.append(s, actor, "tariff.create", "tariff", t.id, after={
            "code": code, "name": name, "version": 1, "effective_from": effective_from.isoformat(),
            "policy": to_json(policy)})  # fmt: skip
        return _info(s, t)


def add_version(actor: Actor, db: Db, tariff_id: uuid.UUID, *, policy: Policy, effective_from: datetime,
                expected_latest: int) -> VersionInfo:
    """A new version. ``expected_latest``: the number the editor started from (another desk's newer
    version makes this a ConcurrentEdit instead of silently building on a policy nobody looked at)."""
    validate(policy)
    with write(db, actor, Permission.MANAGE_TARIFFS) as s:
        t = _load(s, tariff_id)
        latest = s.scalar(select(TariffVersion).where(TariffVersion.tariff_id == t.id)
                          .order_by(TariffVersion.number.desc()).limit(1))  # fmt: skip
        if latest is None or latest.number != expected_latest:
            raise ConcurrentEdit("资费方案", "tariff")
        v = TariffVersion(tariff_id=t.id, number=latest.number + 1, effective_from=_aware(effective_from),
                          kind=policy.kind.value, policy_json=to_json(policy), created_by=actor.login,
                          created_at=utcnow())  # fmt: skip
        s.add(v)
        try:
            s.flush()
        except IntegrityError as exc:  # another desk added the same number between our read and insert
            raise ConcurrentEdit("资费方案", "tariff") from exc
        audit.append(s, actor, "tariff.version", "tariff", t.id,
                     before={"version": latest.number, "policy": latest.policy_json},
                     after={"version": v.number, "effective_from": effective_from.isoformat(),
                            "policy": v.policy_json})  # fmt: skip
        return _version(v)


def assign(actor: Actor, db: Db, tariff_id: uuid.UUID, *, station_id: uuid.UUID | None = None,
           pile_id: uuid.UUID | None = None, group_id: uuid.UUID | None = None) -> AssignmentInfo:
    """Make ``tariff_id`` the tariff of that scope; another tariff assigned to exactly that scope is replaced."""
    check_scope(Assignment(tariff_id, station_id, pile_id, group_id))
    with write(db, actor, Permission.MANAGE_TARIFFS) as s:
        _load(s, tariff_id)
        for cls, key in ((Station, station_id), (Pile, pile_id), (UserGroup, group_id)):
            if key is not None and s.get(cls, key) is None:
                raise NotFound("分配对象", "scope", key)
        same = s.scalars(select(TariffAssignment).where(
            _is(TariffAssignment.station_id, station_id), _is(TariffAssignment.pile_id, pile_id),
            _is(TariffAssignment.group_id, group_id))).all()  # fmt: skip
        before = [str(a.tariff_id) for a in same]
        for a in same:
            s.delete(a)
        a = TariffAssignment(tariff_id=tariff_id, station_id=station_id, pile_id=pile_id, group_id=group_id)
        s.add(a)
        s.flush()
        scope = {"station_id": _s(station_id), "pile_id": _s(pile_id), "group_id": _s(group_id)}
        audit.append(s, actor, "tariff.assign", "tariff", tariff_id, before={"replaced": before, **scope},
                     after={"tariff_id": str(tariff_id), **scope})  # fmt: skip
        return AssignmentInfo(a.id, tariff_id, station_id, pile_id, group_id, _scope_label(a, _labels(s)))


def unassign(actor: Actor, db: Db, assignment_id: uuid.UUID) -> None:
    with write(db, actor, Permission.MANAGE_TARIFFS) as s:
        a = s.get(TariffAssignment, assignment_id)
        if a is None:
            raise NotFound("资费分配", "tariff assignment", assignment_id)
        audit.append(s, actor, "tariff.unassign", "tariff", a.tariff_id, before={
            "station_id": _s(a.station_id), "pile_id": _s(a.pile_id), "group_id": _s(a.group_id)})  # fmt: skip
        s.delete(a)


def _is(col, value):  # type: ignore[no-untyped-def]
    return col.is_(None) if value is None else col == value


def _s(v: uuid.UUID | None) -> str | None:
    return None if v is None else str(v)


# -- lookups for settlement, push and reports (inside the caller's session) -----------------------------
@dataclass(frozen=True, slots=True)
class Priced:
    tariff_id: uuid.UUID
    tariff_code: str
    version_id: uuid.UUID
    number: int
    policy: Policy


class TariffBook:
    """Every tariff, version and assignment, loaded once for many lookups (settling a batch of records)."""

    def __init__(self, s: Session) -> None:
        self.assignments = [Assignment(a.tariff_id, a.station_id, a.pile_id, a.group_id)
                            for a in s.scalars(select(TariffAssignment))]  # fmt: skip
        self.codes = dict(s.execute(select(Tariff.id, Tariff.code)).all())
        self.versions: dict[uuid.UUID, list[tuple[VersionInfo, Version]]] = {}
        for v in s.scalars(select(TariffVersion).order_by(TariffVersion.number)):
            info = _version(v)
            self.versions.setdefault(v.tariff_id, []).append((info, Version(v.number, v.effective_from, info.policy)))

    def price_for(self, *, station_id: uuid.UUID | None, pile_id: uuid.UUID | None, group_id: uuid.UUID | None,
                  at: datetime) -> Priced | None:
        a = resolve(self.assignments, station_id=station_id, pile_id=pile_id, group_id=group_id)
        if a is None:
            return None
        pairs = self.versions.get(a.tariff_id, [])
        v = version_at([p[1] for p in pairs], at)
        if v is None:
            return None
        info = next(p[0] for p in pairs if p[1].number == v.number)
        return Priced(a.tariff_id, self.codes[a.tariff_id], info.version_id, info.number, info.policy)

    def piles_of(self, s: Session, tariff_id: uuid.UUID) -> list[uuid.UUID]:
        """Piles whose own tariff (no user group) is ``tariff_id``."""
        rows = s.execute(select(Pile.id, Pile.station_id).where(Pile.enabled.is_(True)).order_by(Pile.code)).all()
        return [r.id for r in rows
                if (a := resolve(self.assignments, station_id=r.station_id, pile_id=r.id)) is not None
                and a.tariff_id == tariff_id]  # fmt: skip


def count_tariffs(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(Tariff)) or 0)


@dataclass(frozen=True, slots=True)
class Scopes:
    """What a tariff can be assigned to, with labels (the editor's choices)."""

    stations: tuple[tuple[uuid.UUID, str], ...]
    piles: tuple[tuple[uuid.UUID, str], ...]
    groups: tuple[tuple[uuid.UUID, str], ...]


def scopes(actor: Actor, db: Db) -> Scopes:
    with read(db, actor, Permission.MANAGE_TARIFFS) as s:
        stations = tuple((r.id, f"{r.code} {r.name}") for r in s.execute(
            select(Station.id, Station.code, Station.name).order_by(Station.code)))  # fmt: skip
        piles = tuple((r.id, r.code) for r in s.execute(select(Pile.id, Pile.code).order_by(Pile.code)))
        groups = tuple((r.id, r.name) for r in s.execute(select(UserGroup.id, UserGroup.name).order_by(UserGroup.code)))
        return Scopes(stations, piles, groups)
