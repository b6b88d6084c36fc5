"""People: the console's staff accounts and roles, settings, and the charging users (residents).

Staff accounts (``staff_account``) log into the console; charging users (``charging_user``) are the
residents who charge and hold a wallet. Roles are rows (``staff_role``), one per (account, role), so an
account can hold several and a role change is a plain insert/delete.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, SyncedMixin
from db.types import UTCDateTime, utcnow

Code = String(24)


class StaffAccount(SyncedMixin, Base):
    """A login of the console. ``is_base`` marks the operator's base account (exactly one, made at first run)."""

    __tablename__ = "staff_account"

    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string
    is_base: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Login bookkeeping is written with Core UPDATEs that leave ``version`` alone: a failed login at one
    # desk must not make an administrator's edit of the same account at another desk look stale.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[StaffRole]] = relationship(
        back_populates="account", cascade="all, delete-orphan", passive_deletes=True, order_by="StaffRole.role"
    )


class StaffRole(Base):
    """One role held by one account (app.domain.permissions.Role values)."""

    __tablename__ = "staff_role"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("staff_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(Code, primary_key=True)

    account: Mapped[StaffAccount] = relationship(back_populates="roles")


class AppSetting(Base):
    """Console-wide settings shared by every desk (idle lock, lockout policy), as text values."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UserGroup(SyncedMixin, Base):
    """A grouping of charging users, e.g. staff, free, monthly (包月)."""

    __tablename__ = "user_group"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(255), default="", server_default=text("''"))


class ChargingUser(SyncedMixin, Base):
    """A resident who charges: where they live (楼栋/单元/房号), their vehicle class, their group.

    Never deleted: deactivation keeps every ledger entry and audit record pointing at the row.
    ``card_no`` is the primary card as printed; the card desk's own table (a later issue) will own cards.
    """

    __tablename__ = "charging_user"
    __table_args__ = (
        Index(None, "building", "unit", "room"),
        Index(None, "phone"),
        Index(None, "name"),
    )

    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20), default="", server_default=text("''"))
    building: Mapped[str] = mapped_column(String(16), default="", server_default=text("''"))
    unit: Mapped[str] = mapped_column(String(16), default="", server_default=text("''"))
    room: Mapped[str] = mapped_column(String(16), default="", server_default=text("''"))
    vehicle_class: Mapped[str | None] = mapped_column(Code)  # db.enums.VehicleClass
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_group.id"), index=True)
    card_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    note: Mapped[str] = mapped_column(String(255), default="", server_default=text("''"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[UserGroup | None] = relationship()
