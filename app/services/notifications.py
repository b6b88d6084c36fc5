"""Notifications (M3.4, M8.1): the outbox, its settings, and the in-app inbox.

Messages are rows of ``notification``, inserted by ``enqueue`` in the caller's transaction: an order
raised and its SMS are committed together or not at all, so nothing is lost when the gateway or the
network is down. ``app.services.notify_worker`` delivers them and retries with back-off.

Channels: ``in_app`` (recipient: an account id, or ``role:<role>`` for everyone holding a role; shown
in the console), ``sms`` (recipient: a phone number; sent through an HTTP gateway whose URL and
template are settings and whose token is in the keyring) and ``webhook`` (recipient: ``fire``, the
fire-safety IoT platform; JSON signed with a key from the keyring).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.domain.permissions import Actor, Permission, allows
from app.secrets import SecretStore
from app.services import audit
from app.services.unit import Db, read, write
from db.models_maintenance import Notification
from db.models_people import AppSetting
from db.types import utcnow


class Channel(StrEnum):
    IN_APP = "in_app"
    SMS = "sms"
    WEBHOOK = "webhook"


class OutState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up (a permanent refusal, or too many attempts); can be retried by hand


SMS_SECRET = "notify:sms-token"  # keyring entry of the SMS gateway's API token
FIRE_SECRET = "notify:fire-key"  # keyring entry of the fire platform's signing key
FIRE_TARGET = "fire"
DEFAULT_TEMPLATE = "【充电运营台】{title}（{station}，{time}）{detail}"
_KEYS = ("sms_url", "sms_template", "duty_phones", "fire_url", "fire_site_id")
_PHONE = re.compile(r"^\+?\d{5,20}$")


@dataclass(frozen=True, slots=True)
class NotifySettings:
    sms_url: str = ""  # the gateway's HTTP endpoint; empty = SMS off (messages wait in the outbox)
    sms_template: str = DEFAULT_TEMPLATE  # {title} {station} {pile} {port} {time} {detail} {number}
    duty_phones: tuple[str, ...] = ()  # the person on duty (值班人员), who gets critical alarms by SMS
    fire_url: str = ""  # the fire-safety IoT platform's webhook; empty = forwarding off (messages wait)
    fire_site_id: str = ""  # this site's id on that platform


def get_settings(session: Session) -> NotifySettings:
    """Not a secret and not sensitive: any desk and the delivery worker read it."""
    rows = {k: v for k, v in session.execute(select(AppSetting.key, AppSetting.value).where(
        AppSetting.key.in_([f"notify.{k}" for k in _KEYS])))}
    get = lambda k, d="": rows.get(f"notify.{k}", d)  # noqa: E731
    phones = tuple(p for p in get("duty_phones").split(",") if p.strip())
    return NotifySettings(get("sms_url"), get("sms_template", DEFAULT_TEMPLATE) or DEFAULT_TEMPLATE,
                          tuple(p.strip() for p in phones), get("fire_url"), get("fire_site_id"))


def save_settings(actor: Actor, db: Db, new: NotifySettings, *, store: SecretStore, sms_token: str | None = None,
                  fire_key: str | None = None) -> NotifySettings:
    """Save the settings (audited; secrets never in the record) and put given secrets into ``store``."""
    for url in (new.sms_url, new.fire_url):
        if url and not re.match(r"^https?://", url):
            raise ValidationError(f"网址必须以 http:// 或 https:// 开头：{url}",
                                  f"the URL must start with http(s)://: {url}", field="url")
    bad = [p for p in new.duty_phones if not _PHONE.match(p)]
    if bad:
        raise ValidationError(f"电话号码无效：{', '.join(bad)}", f"not a phone number: {', '.join(bad)}",
                              field="duty_phones")
    with write(db, actor, Permission.MANAGE_NOTIFICATIONS) as s:
        before = get_settings(s)
        values = {"sms_url": new.sms_url.strip(), "sms_template": new.sms_template or DEFAULT_TEMPLATE,
                  "duty_phones": ",".join(new.duty_phones), "fire_url": new.fire_url.strip(),
                  "fire_site_id": new.fire_site_id.strip()}
        now = utcnow()
        for k, v in values.items():
            row = s.get(AppSetting, f"notify.{k}")
            if row is None:
                s.add(AppSetting(key=f"notify.{k}", value=v, updated_at=now))
            else:
                row.value, row.updated_at = v, now
        audit.append(s, actor, "notify.settings", "setting", "notify", before=_public(before),
                     after=values | {"sms_token_changed": sms_token is not None,
                                     "fire_key_changed": fire_key is not None})
    if sms_token is not None:
        store.set(SMS_SECRET, sms_token)
    if fire_key is not None:
        store.set(FIRE_SECRET, fire_key)
    with db() as s:
        return get_settings(s)


def _public(s: NotifySettings) -> dict[str, object]:
    return {"sms_url": s.sms_url, "sms_template": s.sms_template, "duty_phones": ",".join(s.duty_phones),
            "fire_url": s.fire_url, "fire_site_id": s.fire_site_id}


class _SafeDict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_sms(template: str, **fields: object) -> str:
    """Fill the template; an unknown {placeholder} stays as typed instead of failing the message."""
    try:
        return template.format_map(_SafeDict({k: str(v) for k, v in fields.items()}))
    except (ValueError, IndexError):  # a stray brace in the template: send the fields plainly
        return " ".join(str(v) for v in fields.values() if v)


def enqueue(session: Session, channel: Channel, recipient: str, subject: str, body: str, *,
            dedup_key: str | None = None, order_id: uuid.UUID | None = None, now: datetime | None = None) -> bool:
    """Queue one message in the caller's transaction. False when ``dedup_key`` was queued before."""
    now = now or utcnow()
    if dedup_key is not None and session.scalar(select(Notification.id).where(Notification.dedup_key == dedup_key)):
        return False
    row = Notification(channel=channel.value, recipient=recipient, subject=subject[:200], body=body,
                       dedup_key=dedup_key, order_id=order_id, next_attempt_at=now, created_at=now)
    if channel is Channel.IN_APP:  # shown from the table itself: delivered when written
        row.state, row.sent_at = OutState.SENT.value, now
    try:
        with session.begin_nested():  # another desk queued the same event meanwhile: keep theirs
            session.add(row)
    except IntegrityError:
        return False
    return True


def sms_to_duty(session: Session, text: str, subject: str, *, dedup_key: str, order_id: uuid.UUID | None = None,
                now: datetime | None = None) -> int:
    """One SMS per duty phone; returns how many were queued."""
    n = 0
    for phone in get_settings(session).duty_phones:
        n += enqueue(session, Channel.SMS, phone, subject, text, dedup_key=f"{dedup_key}:{phone}",
                     order_id=order_id, now=now)
    return n


def webhook(session: Session, payload: dict[str, object], *, dedup_key: str, now: datetime | None = None) -> bool:
    subject = str(payload.get("event", "event"))
    return enqueue(session, Channel.WEBHOOK, FIRE_TARGET, subject, json.dumps(payload, ensure_ascii=False,
                                                                              sort_keys=True),
                   dedup_key=dedup_key, now=now)


# ---------------------------------------------------------------------------------- reading
@dataclass(frozen=True, slots=True)
class MessageInfo:
    notification_id: uuid.UUID
    channel: str
    recipient: str
    subject: str
    body: str
    state: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    read_at: datetime | None
    last_error: str | None
    order_id: uuid.UUID | None


def _info(n: Notification) -> MessageInfo:
    return MessageInfo(n.id, n.channel, n.recipient, n.subject, n.body, n.state, n.attempts, n.created_at,
                       n.next_attempt_at, n.sent_at, n.read_at, n.last_error, n.order_id)


def _mine(actor: Actor):  # type: ignore[no-untyped-def]
    recipients = [str(actor.account_id), *(f"role:{r.value}" for r in actor.roles)]
    return (Notification.channel == Channel.IN_APP.value) & Notification.recipient.in_(recipients)


def inbox(actor: Actor, db: Db, *, unread_only: bool = False, limit: int = 200) -> list[MessageInfo]:
    """The signed-in account's in-app messages (to it, or to one of its roles), newest first."""
    with write(db, actor, None) as s:  # any active account; write() re-checks it is still active
        q = select(Notification).where(_mine(actor)).order_by(Notification.created_at.desc()).limit(limit)
        if unread_only:
            q = q.where(Notification.read_at.is_(None))
        return [_info(n) for n in s.scalars(q)]


def mark_read(actor: Actor, db: Db, ids: list[uuid.UUID]) -> int:
    with write(db, actor, None) as s:
        res = s.execute(update(Notification).where(_mine(actor), Notification.id.in_(ids),
                                                   Notification.read_at.is_(None))
                        .values(read_at=utcnow(), version=Notification.version + 1))
        return int(res.rowcount or 0)  # type: ignore[attr-defined]


def list_outbox(actor: Actor, db: Db, *, state: str | None = None, limit: int = 500) -> list[MessageInfo]:
    """SMS and webhook messages with their delivery state (the person on duty checks nothing is stuck;
    the administrator of the notifications too)."""
    perm = Permission.MONITOR if allows(actor, Permission.MONITOR) else Permission.MANAGE_NOTIFICATIONS
    with read(db, actor, perm) as s:
        q = select(Notification).where(Notification.channel != Channel.IN_APP.value)
        if state:
            q = q.where(Notification.state == state)
        return [_info(n) for n in s.scalars(q.order_by(Notification.created_at.desc()).limit(limit))]


def retry(actor: Actor, db: Db, notification_id: uuid.UUID) -> MessageInfo:
    """Put a failed message back in the queue, due now."""
    with write(db, actor, Permission.MANAGE_NOTIFICATIONS) as s:
        n = s.get(Notification, notification_id)
        if n is None:
            raise NotFound("通知", "notification", notification_id)
        if n.state == OutState.FAILED.value:
            n.state, n.next_attempt_at, n.lease_until = OutState.PENDING.value, utcnow(), None
        s.flush()
        return _info(n)


def pending_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Notification).where(
        Notification.state == OutState.PENDING.value)) or 0)


def send_test(actor: Actor, db: Db) -> int:
    """Queue a test SMS to every duty phone and a test event to the fire platform; returns how many."""
    with write(db, actor, Permission.MANAGE_NOTIFICATIONS) as s:
        now = utcnow()
        n = sms_to_duty(s, f"【充电运营台】测试短信 / test message {now:%H:%M:%S} UTC", "test",
                        dedup_key=f"test:{now.isoformat()}", now=now)
        if get_settings(s).fire_url:
            n += webhook(s, {"event": "test", "site_id": get_settings(s).fire_site_id, "source": "ChargeDesk",
                             "at": now.isoformat()}, dedup_key=f"test:fire:{now.isoformat()}", now=now)
        audit.append(s, actor, "notify.test", "setting", "notify", after={"queued": n})
        return n
