"""Notification delivery against real HTTP servers on loopback: a gateway that fails and recovers, one
that is offline for a while, a refusal, missing settings, and two desks delivering from one database."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.secrets import MemorySecretStore
from app.services import notifications as notify
from app.services.notify_worker import Backoff, NotificationWorker
from db.models_maintenance import Notification
from tests.app.services.conftest import Desk
from tests.support.http_sink import HttpSink

T0 = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def configure(desk: Desk, sms: HttpSink | None, fire: HttpSink | None, store: MemorySecretStore) -> None:
    notify.save_settings(desk.by_role[Role.SYSTEM_ADMIN], desk.db, notify.NotifySettings(
        sms_url=sms.url if sms else "", duty_phones=("13800138000", "13900139000"),
        fire_url=fire.url if fire else "", fire_site_id="XC-001"), store=store, sms_token="tok-123",
        fire_key="fire-secret")


def queue(desk: Desk, n_sms: int = 1, n_hooks: int = 1) -> None:
    with desk.db() as s, s.begin():
        for i in range(n_sms):
            notify.enqueue(s, notify.Channel.SMS, "13800138000", f"s{i}", f"【充电运营台】短路 {i}", now=T0)
        for i in range(n_hooks):
            notify.webhook(s, {"event": "alarm.raised", "alarm": {"code": "pile.smoke"}, "n": i},
                           dedup_key=f"fire:{i}", now=T0)


def states(desk: Desk) -> list[tuple[str, str, int]]:
    with desk.db() as s:
        rows = s.scalars(select(Notification).order_by(Notification.subject))
        return [(n.channel, n.state, n.attempts) for n in rows]


def test_a_gateway_that_fails_then_recovers_gets_everything_once(desk: Desk) -> None:
    sms, fire = HttpSink(fail_next=3).start(), HttpSink(fail_next=1).start()
    store = MemorySecretStore()
    try:
        configure(desk, sms, fire, store)
        queue(desk, n_sms=2, n_hooks=1)
        w = NotificationWorker(desk.db, store, backoff=Backoff(base_s=5, factor=2))
        r = w.run_once(T0)
        assert (r.sent, r.retrying) == (0, 3)
        assert w.run_once(T0 + timedelta(seconds=4)).sent == 0  # not due yet (back-off 5 s)
        r = w.run_once(T0 + timedelta(seconds=5))
        assert (r.sent, r.retrying) == (2, 1)  # the fire platform is back; one SMS hit the second 503
        with desk.db() as s:
            late = s.scalar(select(Notification).where(Notification.state == "pending"))
            assert late is not None and late.attempts == 2 and late.next_attempt_at == T0 + timedelta(seconds=15)
            assert late.last_error == "HTTP 503 Service Unavailable"
        assert w.run_once(T0 + timedelta(seconds=15)).sent == 1
        assert [st for _c, st, _a in states(desk)] == ["sent"] * 3
        got = [r.json for r in sms.accepted]
        assert sorted(g["text"] for g in got) == ["【充电运营台】短路 0", "【充电运营台】短路 1"]
        assert len({g["id"] for g in got}) == 2 and all(g["to"] == "13800138000" for g in got)
        assert all(r.headers["authorization"] == "Bearer tok-123" for r in sms.received)
        [hook] = fire.accepted
        sig = hmac.new(b"fire-secret", hook.body, hashlib.sha256).hexdigest()
        assert hook.headers["x-chargedesk-signature"] == f"sha256={sig}" and hook.json["n"] == 0
        assert hook.headers["x-chargedesk-event"] == "alarm.raised"
        assert fire.received[0].headers["x-chargedesk-id"] == hook.headers["x-chargedesk-id"]  # same id on retry
        assert w.run_once(T0 + timedelta(hours=1)) == type(r)()  # nothing left
    finally:
        sms.stop()
        fire.stop()


def test_an_offline_gateway_loses_nothing_and_back_off_grows(desk: Desk) -> None:
    sms = HttpSink().start()
    port = sms.port
    sms.stop()  # configured, but down: connection refused
    store = MemorySecretStore()
    configure(desk, sms, None, store)
    queue(desk, n_sms=1, n_hooks=0)
    w = NotificationWorker(desk.db, store, backoff=Backoff(base_s=5, factor=2, max_s=30))
    t, delays = T0, []
    for _ in range(5):
        assert w.run_once(t).retrying == 1
        with desk.db() as s:
            n = s.scalar(select(Notification))
            assert n is not None and "cannot reach" in (n.last_error or "")
            delays.append((n.next_attempt_at - t).total_seconds())
            t = n.next_attempt_at
    assert delays == [5, 10, 20, 30, 30]
    back = HttpSink(port=port).start()
    try:
        assert w.run_once(t).sent == 1 and len(back.accepted) == 1
    finally:
        back.stop()


def test_a_refusal_fails_until_retried_and_missing_settings_only_wait(desk: Desk) -> None:
    sms = HttpSink(status_for=lambda r: 400 if "13900139000" in r.body.decode() else 200).start()
    store = MemorySecretStore()
    try:
        with desk.db() as s, s.begin():
            notify.enqueue(s, notify.Channel.SMS, "13900139000", "x", "bad number", now=T0)
        w = NotificationWorker(desk.db, store)
        assert w.run_once(T0).deferred == 1  # no gateway configured yet: waits, attempts untouched
        assert states(desk) == [("sms", "pending", 0)]
        configure(desk, sms, None, store)
        assert w.run_once(T0 + timedelta(minutes=2)).failed == 1
        assert states(desk) == [("sms", "failed", 1)]
        with pytest.raises(PermissionDenied):
            notify.retry(desk.by_role[Role.MONITORING_ADMIN], desk.db, notify.list_outbox(
                desk.by_role[Role.MONITORING_ADMIN], desk.db)[0].notification_id)
        sms.status_for = None
        failed = notify.list_outbox(desk.by_role[Role.MONITORING_ADMIN], desk.db, state="failed")
        notify.retry(desk.by_role[Role.SYSTEM_ADMIN], desk.db, failed[0].notification_id)
        assert w.run_once(datetime.now(UTC) + timedelta(seconds=1)).sent == 1
    finally:
        sms.stop()
    with pytest.raises(ValidationError):
        notify.save_settings(desk.by_role[Role.SYSTEM_ADMIN], desk.db, notify.NotifySettings(
            duty_phones=("call me",)), store=store)


def test_secrets_stay_in_the_store_and_settings_changes_are_audited(desk: Desk) -> None:
    store = MemorySecretStore()
    configure(desk, None, None, store)
    assert store.get(notify.SMS_SECRET) == "tok-123" and store.get(notify.FIRE_SECRET) == "fire-secret"
    from app.services import audit
    from app.services.audit import AuditFilter

    [entry] = audit.query_audit(desk.base, desk.db, AuditFilter(action="notify.settings"))
    assert "tok-123" not in (entry.after_json or "") and entry.after["sms_token_changed"] is True
    with desk.db() as s:
        from db.models_people import AppSetting

        assert all("tok-123" not in v for v in s.scalars(select(AppSetting.value)))


def test_two_desks_deliver_each_message_once(desk: Desk) -> None:
    sms, fire = HttpSink().start(), HttpSink().start()
    store = MemorySecretStore()
    try:
        configure(desk, sms, fire, store)
        queue(desk, n_sms=15, n_hooks=15)
        workers = [NotificationWorker(desk.db, store, batch=4) for _ in range(2)]
        rounds = [0, 0]

        def desk_loop(k: int) -> None:
            while workers[k].run_once(T0 + timedelta(seconds=1)).sent:
                rounds[k] += 1

        threads = [threading.Thread(target=desk_loop, args=(k,)) for k in range(2)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        ids = [r.headers.get("x-chargedesk-id") or json.loads(r.body)["id"] for r in sms.accepted + fire.accepted]
        assert len(ids) == 30 and len(set(ids)) == 30  # every message, none twice
        assert [st for _c, st, _a in states(desk)] == ["sent"] * 30
    finally:
        sms.stop()
        fire.stop()
