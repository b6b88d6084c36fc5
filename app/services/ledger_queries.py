"""Reading the ledger: wallet balance, a user's statement for a period, trial balance, the ledger check.

Balances shown here are derived from the entries (the cached column is only a fast path for the
posting's overdraft check); ``ledger_check`` compares the two and proves the books balance.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.domain.journal import PayMethod, TxnKind, wallet_code
from app.domain.permissions import Actor, Permission
from app.services.unit import Db, read
from db.models_ledger import JournalEntry, JournalTxn, LedgerAccount


@dataclass(frozen=True, slots=True)
class WalletBalance:
    user_id: uuid.UUID
    balance_fen: int  # derived from the entries
    entries: int


@dataclass(frozen=True, slots=True)
class StatementLine:
    posted_at: datetime
    txn_id: uuid.UUID
    kind: TxnKind
    method: PayMethod | None
    amount_fen: int  # + money in, − money out (of the wallet)
    balance_after_fen: int
    receipt_no: str | None
    reference: str
    memo: str


@dataclass(frozen=True, slots=True)
class Statement:
    user_id: uuid.UUID
    start: datetime  # inclusive
    end: datetime  # exclusive
    opening_fen: int
    lines: tuple[StatementLine, ...]
    closing_fen: int

    @property
    def total_in_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.amount_fen > 0)

    @property
    def total_out_fen(self) -> int:
        return -sum(line.amount_fen for line in self.lines if line.amount_fen < 0)


@dataclass(frozen=True, slots=True)
class AccountBalance:
    code: str
    name: str
    kind: str
    balance_fen: int  # natural balance, derived from the entries
    cached_fen: int


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    entries_total_fen: int  # sum of every entry: 0 when the books balance
    unbalanced_txns: tuple[uuid.UUID, ...]
    mismatched: tuple[AccountBalance, ...]  # cached balance ≠ derived balance
    negative_wallets: tuple[AccountBalance, ...]
    accounts: int
    txns: int

    @property
    def ok(self) -> bool:
        return not (self.entries_total_fen or self.unbalanced_txns or self.mismatched or self.negative_wallets)


def _wallet(s: Session, user_id: uuid.UUID) -> tuple[uuid.UUID, int]:
    row = s.execute(select(LedgerAccount.id, LedgerAccount.normal_sign)
                    .where(LedgerAccount.code == wallet_code(user_id))).one_or_none()  # fmt: skip
    if row is None:
        raise NotFound("钱包", "wallet", user_id)
    return row.id, row.normal_sign


def _derived(s: Session, account_id: uuid.UUID, sign: int, before: datetime | None = None) -> tuple[int, int]:
    q = select(func.coalesce(func.sum(JournalEntry.amount_fen), 0), func.count()).where(
        JournalEntry.account_id == account_id)
    if before is not None:
        q = q.where(JournalEntry.posted_at < before)
    total, count = s.execute(q).one()
    return sign * int(total), int(count)


def get_wallet(actor: Actor, db: Db, user_id: uuid.UUID) -> WalletBalance:
    with read(db, actor, Permission.VIEW_WALLETS) as s:
        account_id, sign = _wallet(s, user_id)
        balance, count = _derived(s, account_id, sign)
        return WalletBalance(user_id, balance, count)


def balances(actor: Actor, db: Db, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Wallet balances of many users at once (the Users tab's balance column), from the cached column:
    one indexed read instead of a sum per user; ``ledger_check`` proves the cache equals the entries."""
    ids = list(user_ids)
    with read(db, actor, Permission.VIEW_WALLETS) as s:
        out: dict[uuid.UUID, int] = {}
        for i in range(0, len(ids), 500):
            out |= dict(s.execute(select(LedgerAccount.user_id, LedgerAccount.balance_fen)
                                  .where(LedgerAccount.user_id.in_(ids[i:i + 500]))).all())  # fmt: skip
        return out


def statement(actor: Actor, db: Db, user_id: uuid.UUID, *, start: datetime, end: datetime) -> Statement:
    """Opening balance at ``start``, every posting in [start, end), closing balance at ``end``."""
    if start.tzinfo is None or end.tzinfo is None or end <= start:
        raise ValidationError("时间段无效（需带时区，且结束晚于开始）",
                              "invalid period (aware datetimes, end after start)", field="period")
    with read(db, actor, Permission.VIEW_WALLETS) as s:
        account_id, sign = _wallet(s, user_id)
        opening, _ = _derived(s, account_id, sign, before=start)
        rows = s.execute(
            select(JournalEntry.amount_fen, JournalEntry.balance_after_fen, JournalEntry.posted_at, JournalTxn)
            .join(JournalTxn, JournalTxn.id == JournalEntry.txn_id)
            .where(JournalEntry.account_id == account_id, JournalEntry.posted_at >= start, JournalEntry.posted_at < end)
            # Entry ids are taken while the wallet row is locked, so their order is the order the balance
            # moved in — even when two desks' clocks disagree about posted_at.
            .order_by(JournalEntry.id)
        ).all()
        lines = tuple(
            StatementLine(r.posted_at, r.JournalTxn.id, TxnKind(r.JournalTxn.kind),
                          PayMethod(r.JournalTxn.method) if r.JournalTxn.method else None, sign * r.amount_fen,
                          r.balance_after_fen, r.JournalTxn.receipt_no, r.JournalTxn.reference, r.JournalTxn.memo)
            for r in rows
        )  # fmt: skip
        closing = opening + sum(line.amount_fen for line in lines)
        return Statement(user_id, start, end, opening, lines, closing)


def _balances(s: Session, *, wallets: bool) -> list[AccountBalance]:
    sums = dict(s.execute(select(JournalEntry.account_id, func.sum(JournalEntry.amount_fen))
                          .group_by(JournalEntry.account_id)).all())  # fmt: skip
    q = select(LedgerAccount).order_by(LedgerAccount.code)
    if not wallets:
        q = q.where(LedgerAccount.user_id.is_(None))
    return [AccountBalance(a.code, a.name, a.kind, a.normal_sign * int(sums.get(a.id, 0)), a.balance_fen)
            for a in s.scalars(q)]  # fmt: skip


def trial_balance(actor: Actor, db: Db) -> list[AccountBalance]:
    """The system accounts, plus one line "wallets" with the sum of every user's wallet."""
    with read(db, actor, Permission.VIEW_LEDGER) as s:
        system = _balances(s, wallets=False)
        wallet_sum = s.execute(
            select(func.coalesce(func.sum(JournalEntry.amount_fen), 0))
            .join(LedgerAccount, LedgerAccount.id == JournalEntry.account_id)
            .where(LedgerAccount.kind == "wallet")
        ).scalar_one()
        cached = s.scalar(select(func.coalesce(func.sum(LedgerAccount.balance_fen), 0))
                          .where(LedgerAccount.kind == "wallet")) or 0  # fmt: skip
        return [*system, AccountBalance("wallets", "用户钱包合计 / all user wallets", "wallet", -int(wallet_sum),
                                        int(cached))]  # fmt: skip


def check_ledger(session: Session) -> LedgerCheck:
    total = int(session.scalar(select(func.coalesce(func.sum(JournalEntry.amount_fen), 0))) or 0)
    unbalanced = tuple(session.scalars(
        select(JournalEntry.txn_id).group_by(JournalEntry.txn_id).having(func.sum(JournalEntry.amount_fen) != 0)))
    balances = _balances(session, wallets=True)
    mismatched = tuple(b for b in balances if b.balance_fen != b.cached_fen)
    negative = tuple(b for b in balances if b.kind == "wallet" and b.balance_fen < 0)
    txns = int(session.scalar(select(func.count()).select_from(JournalTxn)) or 0)
    return LedgerCheck(total, unbalanced, mismatched, negative, len(balances), txns)


def ledger_check(actor: Actor, db: Db) -> LedgerCheck:
    """Books balanced, every transaction balanced, every cached balance equal to its entries."""
    with read(db, actor, Permission.VIEW_LEDGER) as s:
        return check_ledger(s)
