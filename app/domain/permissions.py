"""Who may do what: the one permission matrix of ChargeDesk (documented in docs/permissions.md).

Services call ``require(actor, Permission.X)`` before touching anything; the GUI asks ``allows`` only to
hide what the service would refuse anyway. The operator's base account holds every permission: it is
the owner who creates the other accounts, and a console whose owner could be locked out of a function
by their own role assignments would need a back door.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import PermissionDenied


class Role(StrEnum):
    SYSTEM_ADMIN = "system_admin"  # 系统管理员
    FACILITY_ADMIN = "facility_admin"  # 设施及客户管理员
    CARD_ADMIN = "card_admin"  # 发卡管理员
    MONITORING_ADMIN = "monitoring_admin"  # 监控管理员
    FINANCE_ADMIN = "finance_admin"  # 财务管理员
    MAINTENANCE = "maintenance"  # 运维人员 (technicians: work orders, diagnosis, firmware)


ROLE_NAMES: dict[Role, tuple[str, str]] = {
    Role.SYSTEM_ADMIN: ("系统管理员", "system administrator"),
    Role.FACILITY_ADMIN: ("设施及客户管理员", "facility & customer administrator"),
    Role.CARD_ADMIN: ("发卡管理员", "card administrator"),
    Role.MONITORING_ADMIN: ("监控管理员", "monitoring administrator"),
    Role.FINANCE_ADMIN: ("财务管理员", "finance administrator"),
    Role.MAINTENANCE: ("运维人员", "maintenance technician"),
}


class Permission(StrEnum):
    # accounts and settings
    MANAGE_ACCOUNTS = "manage_accounts"  # create, edit roles, disable, unlock, reset password
    MANAGE_SETTINGS = "manage_settings"  # idle lock, lockout policy
    VIEW_AUDIT = "view_audit"  # audit tab, export, chain verification
    # charging users
    VIEW_USERS = "view_users"
    EDIT_USERS = "edit_users"  # register, edit
    DEACTIVATE_USERS = "deactivate_users"
    IMPORT_USERS = "import_users"
    MANAGE_GROUPS = "manage_groups"
    # money
    VIEW_WALLETS = "view_wallets"  # balance, statement
    TOP_UP = "top_up"
    REFUND = "refund"
    CHARGE = "charge"  # post a charging fee to a wallet by hand (the engine's settlement comes later)
    ADJUST = "adjust"
    TRANSFER = "transfer"
    VIEW_LEDGER = "view_ledger"  # system accounts, trial balance, ledger check
    # enforced by the services of later issues; listed here so the matrix is complete in one place
    MANAGE_TARIFFS = "manage_tariffs"
    MANAGE_PILES = "manage_piles"  # stations, piles, pile configuration
    MONITOR = "monitor"  # live view, alarms
    CONTROL_PORTS = "control_ports"  # remote start/stop
    MANAGE_CARDS = "manage_cards"  # issue, bind, un-grey, loss report
    VIEW_REPORTS = "view_reports"
    # operation and maintenance (work orders, remote O&M, notifications)
    VIEW_WORK_ORDERS = "view_work_orders"  # list, detail, sheet PDF, maintenance history, summary
    RAISE_WORK_ORDERS = "raise_work_orders"  # by hand, from an alarm, a pile or a complaint
    ASSIGN_WORK_ORDERS = "assign_work_orders"  # dispatch: assign, verify, close, cancel, reopen
    HANDLE_WORK_ORDERS = "handle_work_orders"  # technician: take, start, repair log, attachments, resolve
    DIAGNOSE_PILES = "diagnose_piles"  # read fault registers, port self-test
    UPGRADE_FIRMWARE = "upgrade_firmware"
    MANAGE_NOTIFICATIONS = "manage_notifications"  # SMS gateway, fire-platform webhook, duty phones


_S, _F, _C, _M, _X = (Role.SYSTEM_ADMIN, Role.FACILITY_ADMIN, Role.CARD_ADMIN, Role.MONITORING_ADMIN,
                      Role.FINANCE_ADMIN)  # fmt: skip
_T = Role.MAINTENANCE

MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.MANAGE_ACCOUNTS: frozenset({_S}),
    Permission.MANAGE_SETTINGS: frozenset({_S}),
    Permission.VIEW_AUDIT: frozenset({_S, _X}),
    Permission.VIEW_USERS: frozenset({_F, _C, _M, _X}),
    # The card desk registers a resident when it issues their first card.
    Permission.EDIT_USERS: frozenset({_F, _C}),
    Permission.DEACTIVATE_USERS: frozenset({_F}),
    Permission.IMPORT_USERS: frozenset({_F}),
    Permission.MANAGE_GROUPS: frozenset({_F}),
    Permission.VIEW_WALLETS: frozenset({_C, _X}),
    Permission.TOP_UP: frozenset({_C}),
    Permission.REFUND: frozenset({_C}),
    Permission.CHARGE: frozenset({_C, _X}),
    # Adjustments create or destroy a user's money without a payment: finance only, with a reason.
    Permission.ADJUST: frozenset({_X}),
    Permission.TRANSFER: frozenset({_C, _X}),
    Permission.VIEW_LEDGER: frozenset({_X}),
    Permission.MANAGE_TARIFFS: frozenset({_X}),
    Permission.MANAGE_PILES: frozenset({_F}),
    Permission.MONITOR: frozenset({_F, _M, _T}),
    # Technicians clear latched faults and test ports after a repair.
    Permission.CONTROL_PORTS: frozenset({_M, _T}),
    Permission.MANAGE_CARDS: frozenset({_C}),
    Permission.VIEW_REPORTS: frozenset({_X}),
    Permission.VIEW_WORK_ORDERS: frozenset({_F, _M, _T}),
    Permission.RAISE_WORK_ORDERS: frozenset({_F, _M, _T}),
    # The person on duty dispatches; facility staff verify repairs of what they look after.
    Permission.ASSIGN_WORK_ORDERS: frozenset({_F, _M}),
    Permission.HANDLE_WORK_ORDERS: frozenset({_T}),
    Permission.DIAGNOSE_PILES: frozenset({_F, _M, _T}),
    Permission.UPGRADE_FIRMWARE: frozenset({_F, _T}),
    Permission.MANAGE_NOTIFICATIONS: frozenset({_S}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The staff account on whose behalf a service runs (what ``accounts.login`` returns)."""

    account_id: uuid.UUID
    login: str
    roles: frozenset[Role]
    is_base: bool = False


def allows(actor: Actor, permission: Permission) -> bool:
    return actor.is_base or bool(actor.roles & MATRIX[permission])


def require(actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``permission``. Pure: no I/O, so it runs first."""
    if not allows(actor, permission):
        raise PermissionDenied(permission.value, actor.login)


def permissions_of(roles: frozenset[Role], *, is_base: bool = False) -> frozenset[Permission]:
    return frozenset(p for p, allowed in MATRIX.items() if is_base or roles & allowed)
