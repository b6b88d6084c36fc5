"""Operation and maintenance: work orders with their step log, repair logs and photo attachments, and
the notification outbox (in-app, SMS, fire-platform webhooks).

Work orders are never deleted; every change of state is a ``work_order_step`` row (who, when, from,
to, note), so an order's history reads straight from the table. Attachments are files in the data
directory, named by their SHA-256, which is kept here so a changed or swapped file is detected.
The outbox is written in the same transaction as what caused it (an order, an alarm), so a message
is never lost when the network or the gateway is down; a worker delivers and retries it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncedMixin
from db.types import UTCDateTime, utcnow

Code = String(24)


class WorkOrder(SyncedMixin, Base):
    __tablename__ = "work_order"
    __table_args__ = (
        Index(None, "state", "due_at"),
        Index(None, "pile_id", "alarm_code"),
        Index(None, "assignee_id"),
        Index(None, "station_id", "created_at"),
        CheckConstraint("occurrences >= 1", name="occurrences_positive"),
    )

    number: Mapped[str] = mapped_column(String(24), unique=True)  # WO20261127-0001, shown and printed
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    source: Mapped[str] = mapped_column(Code)  # app.domain.work_orders.WoSource
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("station.id"))
    pile_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pile.id"))
    port_number: Mapped[int | None] = mapped_column(Integer)
    alarm_code: Mapped[str | None] = mapped_column(String(48))  # e.g. port.short_circuit
    alarm_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("alarm.id"))
    reporter: Mapped[str] = mapped_column(String(128), default="", server_default=text("''"))  # complaint: who
    severity: Mapped[str] = mapped_column(Code)
    state: Mapped[str] = mapped_column(Code)  # app.domain.work_orders.WoState
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("staff_account.id"))
    created_by: Mapped[str] = mapped_column(String(64))  # login, or "system" for orders raised by rule
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    occurrences: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    last_occurrence_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    steps: Mapped[list[WorkOrderStep]] = relationship(back_populates="order", order_by="WorkOrderStep.ts")


class WorkOrderStep(SyncedMixin, Base):
    """One step in an order's life: created, assigned, started, a note, a diagnosis, resolved …"""

    __tablename__ = "work_order_step"
    __table_args__ = (Index(None, "order_id", "ts"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_order.id"))
    ts: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_login: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(Code)  # a WoAction, or created / note / occurrence / diagnosis / escalated
    from_state: Mapped[str | None] = mapped_column(Code)
    to_state: Mapped[str | None] = mapped_column(Code)
    note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    data: Mapped[str | None] = mapped_column(Text)  # JSON: assignee, diagnosis results …

    order: Mapped[WorkOrder] = relationship(back_populates="steps")


class RepairLog(SyncedMixin, Base):
    __tablename__ = "repair_log"
    __table_args__ = (
        Index(None, "order_id"),
        CheckConstraint("minutes_spent >= 0", name="minutes_nonnegative"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_order.id"))
    ts: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_login: Mapped[str] = mapped_column(String(64))
    cause: Mapped[str] = mapped_column(Text)
    parts: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))  # one part per line
    minutes_spent: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(Code)  # app.domain.work_orders.RepairResult
    note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))


class WorkOrderAttachment(SyncedMixin, Base):
    __tablename__ = "work_order_attachment"
    __table_args__ = (UniqueConstraint("order_id", "sha256"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_order.id"))
    ts: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_login: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(255))  # as the technician named it
    sha256: Mapped[str] = mapped_column(String(64))  # the stored file is <data dir>/attachments/<sha256[:2]>/<sha256>
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(64))


class Notification(SyncedMixin, Base):
    """The outbox: one message on one channel to one recipient, delivered (and retried) by a worker."""

    __tablename__ = "notification"
    __table_args__ = (
        Index(None, "state", "next_attempt_at"),
        Index(None, "channel", "recipient"),
        CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
    )

    channel: Mapped[str] = mapped_column(Code)  # in_app | sms | webhook
    recipient: Mapped[str] = mapped_column(String(255))  # account id (in-app), phone (sms), target name (webhook)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # text, or JSON for webhooks
    state: Mapped[str] = mapped_column(Code, default="pending", server_default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a desk is delivering it until then
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in-app: seen by the recipient
    dedup_key: Mapped[str | None] = mapped_column(String(160), unique=True)  # the same event is queued once
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("work_order.id"))
