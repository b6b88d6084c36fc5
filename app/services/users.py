"""Charging users (residents): register, edit, deactivate, search, groups (M5.1, M12.1).

Edits carry the version the editor loaded. A stale version — another desk saved first — raises
ConcurrentEdit and writes nothing; the version check is repeated by the UPDATE itself (SyncedMixin's
optimistic lock), so two desks saving in the same instant can't both win either.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.domain.errors import ConcurrentEdit, Conflict, NotFound, ValidationError
from app.domain.permissions import Actor, Permission
from app.domain.residents import UserDraft, clean_user, fold
from app.services import audit
from app.services.ledger_setup import create_wallets
from app.services.unit import Db, read, write
from db.models_people import ChargingUser, UserGroup
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class UserInfo:
    user_id: uuid.UUID
    name: str
    phone: str
    building: str
    unit: str
    room: str
    vehicle_class: str | None
    group_code: str | None
    group_name: str | None
    card_no: str | None
    note: str
    active: bool
    deactivated_at: datetime | None
    created_at: datetime
    version: int

    @property
    def address(self) -> str:
        """"3栋2单元501" (only the parts that are filled in)."""
        parts = [(self.building, "栋"), (self.unit, "单元"), (self.room, "")]
        return "".join(f"{v}{suffix}" for v, suffix in parts if v)


@dataclass(frozen=True, slots=True)
class GroupInfo:
    group_id: uuid.UUID
    code: str
    name: str
    note: str
    version: int


def user_info(u: ChargingUser) -> UserInfo:
    g = u.group
    return UserInfo(u.id, u.name, u.phone, u.building, u.unit, u.room, u.vehicle_class, g.code if g else None,
                    g.name if g else None, u.card_no, u.note, u.active, u.deactivated_at, u.created_at, u.version)


def snapshot(u: ChargingUser) -> dict[str, object]:
    info = asdict(user_info(u))
    for key in ("user_id", "created_at", "deactivated_at", "group_name"):
        info.pop(key)
    return info


def _group_ids(s: Session) -> dict[str, uuid.UUID]:
    return dict(s.execute(select(UserGroup.code, UserGroup.id)).all())


def _validated(s: Session, draft: UserDraft) -> tuple[UserDraft, uuid.UUID | None]:
    clean, errors = clean_user(draft)
    if errors:
        raise errors[0].error()
    group_id = None
    if clean.group:
        group_id = _group_ids(s).get(clean.group)
        if group_id is None:
            raise ValidationError(f"未知分组：{clean.group}", f"unknown group: {clean.group}", field="group")
    return clean, group_id


def _apply(u: ChargingUser, clean: UserDraft, group_id: uuid.UUID | None) -> None:
    u.name, u.phone, u.building, u.unit, u.room = clean.name, clean.phone, clean.building, clean.unit, clean.room
    u.vehicle_class, u.group_id, u.card_no, u.note = clean.vehicle_class, group_id, clean.card_no, clean.note


def _card_taken(s: Session, card_no: str | None, exclude: uuid.UUID | None = None) -> None:
    if card_no is None:
        return
    q = select(ChargingUser.name).where(ChargingUser.card_no == card_no)
    if exclude is not None:
        q = q.where(ChargingUser.id != exclude)
    owner = s.scalar(q)
    if owner is not None:
        raise Conflict(f"卡号 {card_no} 已属于 {owner}", f"card {card_no} already belongs to {owner}")


def _load(s: Session, user_id: uuid.UUID) -> ChargingUser:
    u = s.get(ChargingUser, user_id, options=[joinedload(ChargingUser.group)])
    if u is None:
        raise NotFound("用户", "user", user_id)
    return u


def _flush(s: Session, card_no: str | None) -> None:
    try:
        s.flush()
    except StaleDataError as exc:
        raise ConcurrentEdit("用户", "user") from exc
    except IntegrityError as exc:  # the card was taken by another desk meanwhile
        raise Conflict(f"卡号 {card_no} 已被占用", f"card {card_no} is already taken") from exc


def register_user(actor: Actor, db: Db, draft: UserDraft) -> UserInfo:
    """A new charging user with an empty wallet."""
    with write(db, actor, Permission.EDIT_USERS) as s:
        clean, group_id = _validated(s, draft)
        _card_taken(s, clean.card_no)
        u = ChargingUser()
        _apply(u, clean, group_id)
        s.add(u)
        _flush(s, clean.card_no)
        create_wallets(s, [(u.id, u.name)])
        s.refresh(u, ["group"])
        audit.append(s, actor, "user.register", "charging_user", u.id, after=snapshot(u))
        return user_info(u)


def edit_user(actor: Actor, db: Db, user_id: uuid.UUID, draft: UserDraft, *, expected_version: int) -> UserInfo:
    """Save the form: every editable field is replaced by the draft's."""
    with write(db, actor, Permission.EDIT_USERS) as s:
        u = _load(s, user_id)
        if u.version != expected_version:
            raise ConcurrentEdit("用户", "user")
        clean, group_id = _validated(s, draft)
        _card_taken(s, clean.card_no, exclude=u.id)
        before = snapshot(u)
        _apply(u, clean, group_id)
        _flush(s, clean.card_no)
        s.refresh(u, ["group"])
        after = snapshot(u)
        if after != before:  # a save without changes changes nothing, and isn't audited
            audit.append(s, actor, "user.edit", "charging_user", u.id, before=before, after=after)
        return user_info(u)


def set_user_active(actor: Actor, db: Db, user_id: uuid.UUID, *, active: bool, expected_version: int,
                    reason: str = "") -> UserInfo:
    """Deactivate (or reactivate) a user. Nothing is deleted: wallet, ledger and audit history stay."""
    with write(db, actor, Permission.DEACTIVATE_USERS) as s:
        u = _load(s, user_id)
        if u.version != expected_version:
            raise ConcurrentEdit("用户", "user")
        before = snapshot(u)
        u.active = active
        u.deactivated_at = None if active else utcnow()
        _flush(s, None)
        after = {**snapshot(u), "reason": reason.strip()}
        audit.append(s, actor, "user.reactivate" if active else "user.deactivate", "charging_user", u.id,
                     before=before, after=after)  # fmt: skip
        return user_info(u)


def get_user(actor: Actor, db: Db, user_id: uuid.UUID) -> UserInfo:
    with read(db, actor, Permission.VIEW_USERS) as s:
        return user_info(_load(s, user_id))


def search_users(actor: Actor, db: Db, text: str = "", *, building: str | None = None, unit: str | None = None,
                 room: str | None = None, group: str | None = None, include_inactive: bool = False,
                 limit: int = 500) -> list[UserInfo]:
    """Users whose name, phone, card number or room contains ``text`` (case-insensitive), narrowed by
    building / unit / room (exact) and group code; active users only unless ``include_inactive``."""
    with read(db, actor, Permission.VIEW_USERS) as s:
        q = select(ChargingUser).options(joinedload(ChargingUser.group))
        needle = fold(text).lower()
        if needle:
            like = [func.lower(c).contains(needle, autoescape=True)
                    for c in (ChargingUser.name, ChargingUser.phone, ChargingUser.card_no, ChargingUser.room)]
            q = q.where(or_(*like))
        for column, value in ((ChargingUser.building, building), (ChargingUser.unit, unit),
                              (ChargingUser.room, room)):  # fmt: skip
            if value:
                q = q.where(column == fold(value))
        if group:
            q = q.join(UserGroup, ChargingUser.group_id == UserGroup.id).where(UserGroup.code == group)
        if not include_inactive:
            q = q.where(ChargingUser.active.is_(True))
        q = q.order_by(ChargingUser.building, ChargingUser.unit, ChargingUser.room, ChargingUser.name).limit(limit)
        return [user_info(u) for u in s.scalars(q)]


def list_groups(actor: Actor, db: Db) -> list[GroupInfo]:
    with read(db, actor, Permission.VIEW_USERS) as s:
        return [GroupInfo(g.id, g.code, g.name, g.note, g.version)
                for g in s.scalars(select(UserGroup).order_by(UserGroup.code))]


def _group_fields(code: str, name: str) -> tuple[str, str]:
    code, name = fold(code).lower(), fold(name)
    if not code or len(code) > 32 or not name or len(name) > 64:
        raise ValidationError("分组需要代码（≤32）和名称（≤64）", "a group needs a code (≤32) and a name (≤64)",
                              field="group")  # fmt: skip
    return code, name


def create_group(actor: Actor, db: Db, *, code: str, name: str, note: str = "") -> GroupInfo:
    code, name = _group_fields(code, name)
    with write(db, actor, Permission.MANAGE_GROUPS) as s:
        if s.scalar(select(UserGroup.id).where(UserGroup.code == code)) is not None:
            raise Conflict(f"分组代码 {code} 已存在", f"the group code {code} exists")
        g = UserGroup(code=code, name=name, note=note.strip()[:255])
        s.add(g)
        s.flush()
        audit.append(s, actor, "group.create", "user_group", g.id, after={"code": code, "name": name, "note": g.note})
        return GroupInfo(g.id, g.code, g.name, g.note, g.version)


def edit_group(actor: Actor, db: Db, group_id: uuid.UUID, *, name: str, note: str = "",
               expected_version: int) -> GroupInfo:
    with write(db, actor, Permission.MANAGE_GROUPS) as s:
        g = s.get(UserGroup, group_id)
        if g is None:
            raise NotFound("分组", "group", group_id)
        if g.version != expected_version:
            raise ConcurrentEdit("分组", "group")
        _, name = _group_fields(g.code, name)
        before = {"code": g.code, "name": g.name, "note": g.note}
        g.name, g.note = name, note.strip()[:255]
        try:
            s.flush()
        except StaleDataError as exc:
            raise ConcurrentEdit("分组", "group") from exc
        audit.append(s, actor, "group.edit", "user_group", g.id, before=before,
                     after={"code": g.code, "name": g.name, "note": g.note})  # fmt: skip
        return GroupInfo(g.id, g.code, g.name, g.note, g.version)
