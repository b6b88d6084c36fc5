"""Errors the services raise, each with a Chinese and an English message.

``str(err)`` is "中文 / English" so a log line or a CLI message carries both; the GUI shows ``err.zh`` or
``err.en`` by locale.
"""

from __future__ import annotations

from datetime import datetime


class ChargeDeskError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class PermissionDenied(ChargeDeskError):
    def __init__(self, permission: str, login: str) -> None:
        super().__init__(f"账号 {login} 无权执行此操作（{permission}）",
                         f"account {login} is not allowed to do this ({permission})")  # fmt: skip
        self.permission = permission


class NotFound(ChargeDeskError):
    def __init__(self, what_zh: str, what_en: str, key: object) -> None:
        super().__init__(f"找不到{what_zh}：{key}", f"{what_en} not found: {key}")


class ConcurrentEdit(ChargeDeskError):
    """The row changed since the editor loaded it; nothing was written."""

    def __init__(self, what_zh: str = "记录", what_en: str = "record") -> None:
        super().__init__(f"该{what_zh}已被他人修改，请刷新后重试",
                         f"this {what_en} was changed by someone else; reload and try again")  # fmt: skip


class ValidationError(ChargeDeskError):
    """Bad input; ``field`` names the offending field when there is one."""

    def __init__(self, zh: str, en: str, *, field: str | None = None) -> None:
        super().__init__(zh, en)
        self.field = field


class Conflict(ChargeDeskError):
    """The request clashes with existing data (a taken login or card number, a used idempotency key…)."""


class InsufficientFunds(ChargeDeskError):
    def __init__(self, balance_fen: int, needed_fen: int, *, say_balance: bool = True) -> None:
        """``say_balance`` False: for a role that may not see wallets, the message names only what is needed."""
        from app.domain.money import format_money

        have, need = format_money(balance_fen), format_money(needed_fen)
        if say_balance:
            super().__init__(f"余额不足：余额 {have}，需要 {need}", f"insufficient balance: {have}, needs {need}")
        else:
            super().__init__(f"余额不足：钱包里不够 {need}", f"insufficient balance: the wallet does not hold {need}")
        self.balance_fen = balance_fen
        self.needed_fen = needed_fen


class AuthError(ChargeDeskError):
    """Login refused (the message never says whether the login name exists)."""


class AccountLocked(AuthError):
    def __init__(self, until: datetime) -> None:
        stamp = until.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(f"登录失败次数过多，账号已锁定至 {stamp}",
                         f"too many failed logins; the account is locked until {stamp}")  # fmt: skip
        self.until = until
