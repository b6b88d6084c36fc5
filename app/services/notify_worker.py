"""Delivers the notification outbox (app.services.notifications): SMS through an HTTP gateway and
JSON webhooks to the fire-safety IoT platform, on its own thread (never on the engine loop).

A message is claimed with a lease (several desks may run a worker on one shared database: on
PostgreSQL the claim skips rows another desk holds, on SQLite writers take turns), posted, and then
marked sent, or rescheduled with exponential back-off when the network, the gateway or the platform
fails. A refusal that retrying cannot fix (HTTP 4xx other than 408/429) marks it failed; a person can
put it back with ``notifications.retry``. Missing settings or secrets defer a message without using
up its attempts, so nothing is lost before the office has configured the gateway.

Wire formats (POST, JSON, UTF-8):
  SMS gateway:  {"to": "<phone>", "text": "<message>", "id": "<message id>"}
                with "Authorization: Bearer <token>" (the token from the keyring).
  Fire platform: the event JSON built by app.services.fault_watch, with headers
                X-ChargeDesk-Id (the message id: a receiver drops repeats), X-ChargeDesk-Event, and
                X-ChargeDesk-Signature: sha256=<HMAC-SHA256 of the body with the key from the keyring>.
Delivery is at least once: a reply lost after the receiver acted makes it arrive again, with the same id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from app.secrets import SecretStore
from app.services import notifications as notify
from app.services.unit import Db, transaction
from db.models_maintenance import Notification
from db.types import utcnow

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False, defer: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent  # retrying cannot help
        self.defer = defer  # not configured yet: wait without counting an attempt


@dataclass(frozen=True, slots=True)
class Backoff:
    base_s: float = 5.0
    factor: float = 2.0
    max_s: float = 900.0

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.max_s, self.base_s * self.factor ** max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0


def post_json(url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> None:
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8", **headers})
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:
            resp.read()
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise DeliveryError(f"HTTP {exc.code} {exc.reason}", permanent=permanent) from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None


class NotificationWorker:
    def __init__(self, db: Db, store: SecretStore, *, backoff: Backoff | None = None, max_attempts: int = 50,
                 batch: int = 20, lease_s: float = 60.0, poll_s: float = 2.0, timeout_s: float = 5.0,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.db, self.store = db, store
        self.backoff = backoff or Backoff()
        self.max_attempts, self.batch, self.timeout_s = max_attempts, batch, timeout_s
        self.lease = timedelta(seconds=lease_s)
        self.poll_s, self.clock = poll_s, clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- thread ------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="chargedesk-notify", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the database may be away: keep going, nothing is lost
                log.exception("notification delivery round failed")
            self._wake.wait(self.poll_s)
            self._wake.clear()

    # -- one round ---------------------------------------------------------------------------------
    def run_once(self, now: datetime | None = None) -> Report:
        now = now or self.clock()
        claimed = self._claim(now)
        if not claimed:
            return Report()
        with self.db() as s:
            settings = notify.get_settings(s)
        counts = {"sent": 0, "retrying": 0, "failed": 0, "deferred": 0}
        for row in claimed:
            try:
                self._deliver(row, settings)
            except DeliveryError as exc:
                counts[self._reschedule(row, exc, now)] += 1
            else:
                self._done(row.id, now)
                counts["sent"] += 1
        return Report(**counts)

    def _claim(self, now: datetime) -> list[Notification]:
        with transaction(self.db) as s:
            q = (select(Notification).where(
                Notification.state == notify.OutState.PENDING.value, Notification.next_attempt_at <= now,
                or_(Notification.lease_until.is_(None), Notification.lease_until < now))
                 .order_by(Notification.next_attempt_at).limit(self.batch))
            if s.get_bind().dialect.name == "postgresql":
                q = q.with_for_update(skip_locked=True)  # another desk's worker holds those
            rows = list(s.scalars(q))
            for r in rows:
                r.lease_until = now + self.lease
            s.flush()
            s.expunge_all()
            return rows

    def _deliver(self, n: Notification, settings: notify.NotifySettings) -> None:
        if n.channel == notify.Channel.SMS.value:
            if not settings.sms_url:
                raise DeliveryError("the SMS gateway is not configured", defer=True)
            token = self._secret(notify.SMS_SECRET)
            if not token:
                raise DeliveryError("the SMS gateway token is not in the keyring", defer=True)
            body = json.dumps({"to": n.recipient, "text": n.body, "id": str(n.id)}, ensure_ascii=False)
            post_json(settings.sms_url, body.encode(), {"Authorization": f"Bearer {token}"}, self.timeout_s)
        elif n.channel == notify.Channel.WEBHOOK.value:
            if not settings.fire_url:
                raise DeliveryError("the fire-safety platform is not configured", defer=True)
            data = n.body.encode()
            headers = {"X-ChargeDesk-Id": str(n.id), "X-ChargeDesk-Event": n.subject}
            key = self._secret(notify.FIRE_SECRET)
            if key:
                headers["X-ChargeDesk-Signature"] = "sha256=" + hmac.new(key.encode(), data, hashlib.sha256).hexdigest()
            post_json(settings.fire_url, data, headers, self.timeout_s)
        elif n.channel != notify.Channel.IN_APP.value:
            raise DeliveryError(f"unknown channel {n.channel}", permanent=True)

    def _secret(self, name: str) -> str | None:
        try:
            return self.store.get(name)
        except Exception as exc:  # no keyring on this PC: wait, and say why
            raise DeliveryError(f"keyring unavailable: {exc}", defer=True) from None

    def _done(self, nid: object, now: datetime) -> None:
        with transaction(self.db) as s:
            s.execute(update(Notification).where(Notification.id == nid).values(
                state=notify.OutState.SENT.value, sent_at=now, lease_until=None, last_error=None,
                attempts=Notification.attempts + 1, version=Notification.version + 1, updated_at=utcnow()))

    def _reschedule(self, n: Notification, exc: DeliveryError, now: datetime) -> str:
        values: dict[str, object] = {"lease_until": None, "last_error": str(exc)[:1000],
                                     "version": Notification.version + 1, "updated_at": utcnow()}
        if exc.defer:
            values["next_attempt_at"] = now + timedelta(seconds=max(60.0, self.backoff.base_s))
            outcome = "deferred"
        else:
            attempts = n.attempts + 1
            values["attempts"] = attempts
            if exc.permanent or attempts >= self.max_attempts:
                values["state"] = notify.OutState.FAILED.value
                outcome = "failed"
            else:
                values["next_attempt_at"] = now + self.backoff.delay(attempts)
                outcome = "retrying"
        log.info("notification %s to %s: %s (%s)", n.id, n.recipient, exc, outcome)
        with transaction(self.db) as s:
            s.execute(update(Notification).where(Notification.id == n.id).values(**values))
        return outcome
