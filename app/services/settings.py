"""Console-wide security settings shared by every desk: idle lock and the login lockout policy."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.permissions import Actor, Permission
from app.services import audit
from app.services.unit import Db, write
from db.models_people import AppSetting


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    idle_lock_minutes: int = 10  # the GUI locks the screen after this long without input (0 = never)
    lockout_threshold: int = 5  # failed logins in a row before the account is locked
    lockout_minutes: int = 15  # how long a lockout lasts


_KEYS = {name: f"security.{name}" for name in SecuritySettings.__dataclass_fields__}
_LIMITS = {"idle_lock_minutes": (0, 24 * 60), "lockout_threshold": (1, 100), "lockout_minutes": (1, 24 * 60)}


def load(session: Session) -> SecuritySettings:
    stored = dict(session.execute(select(AppSetting.key, AppSetting.value).where(AppSetting.key.in_(_KEYS.values())))
                  .all())  # fmt: skip
    values: dict[str, int] = {}
    for name, key in _KEYS.items():
        if key in stored and stored[key].lstrip("-").isdigit():
            values[name] = int(stored[key])
    return replace(SecuritySettings(), **values)


def get_security_settings(db: Db) -> SecuritySettings:
    """Readable without an actor: the login dialog needs the policy before anyone is logged in."""
    with db() as session:
        return load(session)


def update_security_settings(actor: Actor, db: Db, *, idle_lock_minutes: int | None = None,
                             lockout_threshold: int | None = None,
                             lockout_minutes: int | None = None) -> SecuritySettings:
    changes = {k: v for k, v in (("idle_lock_minutes", idle_lock_minutes), ("lockout_threshold", lockout_threshold),
                                 ("lockout_minutes", lockout_minutes)) if v is not None}  # fmt: skip
    with write(db, actor, Permission.MANAGE_SETTINGS) as s:
        for name, value in changes.items():
            low, high = _LIMITS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValidationError(f"{name} 须为 {low}–{high} 之间的整数",
                                      f"{name} must be a whole number from {low} to {high}", field=name)
        before = load(s)
        for name, value in changes.items():
            row = s.get(AppSetting, _KEYS[name])
            if row is None:
                s.add(AppSetting(key=_KEYS[name], value=str(value)))
            else:
                row.value = str(value)
        after = replace(before, **changes)
        s.flush()
        audit.append(s, actor, "settings.update", "settings", "security", before=asdict(before), after=asdict(after))
        return after
