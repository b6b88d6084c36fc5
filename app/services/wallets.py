"""Wallets on the double-entry ledger (M6.2): top-up, charge, refund, adjustment, transfer.

Every call is one transaction that posts one balanced journal transaction, updates the cached
balances, and appends the audit record. Idempotency: the journal row is inserted under a UNIQUE
``idempotency_key``; a retry (or a second desk racing with the same key) hits the constraint, the
transaction rolls back — its receipt number and balance changes with it — and the first posting is
read back and returned with ``replayed=True``. Reusing a key for a different request is refused.

Lock order, the same in every posting so two of them never deadlock: receipt counter → journal row
(the key) → ledger accounts in id order → audit chain head.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, and_, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import Conflict, InsufficientFunds, NotFound, ValidationError
from app.domain.journal import (
    RECEIPTED,
    PayMethod,
    TxnKind,
    fingerprint,
    legs_for,
    receipt_number,
    wallet_code,
)
from app.domain.money import require_fen
from app.domain.permissions import Actor, Permission, require
from app.services import audit
from app.services.unit import Db, write
from db.models_ledger import JournalEntry, JournalTxn, LedgerAccount, ReceiptCounter
from db.models_people import ChargingUser, StaffAccount
from db.types import utcnow

# The statements of the posting path, built once: building a statement costs more than running it on
# SQLite (bench/topup.py), and these run for every top-up at the card desk.
_A: Table = LedgerAccount.__table__  # type: ignore[assignment]
_R: Table = ReceiptCounter.__table__  # type: ignore[assignment]
_U: Table = ChargingUser.__table__  # type: ignore[assignment]
_SELECT_USERS = select(_U.c.id, _U.c.name, _U.c.active).where(_U.c.id.in_(bindparam("ids", expanding=True)))
_SELECT_ACCOUNTS = select(_A.c.id, _A.c.code, _A.c.normal_sign, _A.c.kind).where(
    _A.c.code.in_(bindparam("codes", expanding=True)))
# Adds to the cached natural balance; a wallet may not go below zero. The UPDATE takes the row lock and
# checks in one statement, so two desks charging the same wallet can't both pass a check made before
# either wrote.
_ADD_TO_BALANCE = (
    update(_A)
    .where(_A.c.id == bindparam("aid"), or_(_A.c.kind != "wallet", _A.c.balance_fen + bindparam("delta") >= 0))
    .values(balance_fen=_A.c.balance_fen + bindparam("delta"))
    .returning(_A.c.balance_fen)
)
_BUMP_RECEIPT = (update(_R).where(_R.c.account_id == bindparam("aid")).values(last_no=_R.c.last_no + 1)
                 .returning(_R.c.last_no))  # fmt: skip
_INSERT_TXN = insert(JournalTxn.__table__)
_INSERT_ENTRIES = insert(JournalEntry.__table__)
_PERMISSION = {
    TxnKind.TOPUP: Permission.TOP_UP, TxnKind.CHARGE: Permission.CHARGE, TxnKind.REFUND: Permission.REFUND,
    TxnKind.ADJUST: Permission.ADJUST, TxnKind.TRANSFER: Permission.TRANSFER,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Posting:
    """The result of a posting (the same on a replay, except ``replayed``)."""

    txn_id: uuid.UUID
    kind: TxnKind
    idempotency_key: str
    user_id: uuid.UUID
    amount_fen: int  # > 0; for ADJUST signed: + credits the wallet, − debits it
    balance_after_fen: int  # the user's wallet right after this posting
    method: PayMethod | None
    receipt_no: str | None  # top-ups and refunds
    reference: str
    memo: str
    posted_at: datetime
    actor_login: str
    to_user_id: uuid.UUID | None = None  # transfers
    to_balance_after_fen: int | None = None
    replayed: bool = False


def top_up(actor: Actor, db: Db, *, user_id: uuid.UUID, amount_fen: int, method: PayMethod | str,
           idempotency_key: str, reference: str = "") -> Posting:
    """Money paid in at the desk (cash) or through a channel (wechat, alipay, bank) into the wallet."""
    return _post(actor, db, TxnKind.TOPUP, user_id, amount_fen, idempotency_key, method=method, reference=reference)


def charge(actor: Actor, db: Db, *, user_id: uuid.UUID, amount_fen: int, idempotency_key: str,
           reference: str = "") -> Posting:
    """A charging fee taken from the wallet into charging revenue (``reference``: the session)."""
    return _post(actor, db, TxnKind.CHARGE, user_id, amount_fen, idempotency_key, reference=reference)


def refund(actor: Actor, db: Db, *, user_id: uuid.UUID, amount_fen: int, method: PayMethod | str,
           idempotency_key: str, reason: str = "", reference: str = "") -> Posting:
    """Money paid back out of the wallet (cash from the drawer, or back through the channel)."""
    return _post(actor, db, TxnKind.REFUND, user_id, amount_fen, idempotency_key, method=method,
                 reference=reference, memo=reason)  # fmt: skip


def adjust(actor: Actor, db: Db, *, user_id: uuid.UUID, amount_fen: int, reason: str, idempotency_key: str,
           reference: str = "") -> Posting:
    """A correction without a payment (signed: + gives the user money, − takes it). Needs a reason."""
    return _post(actor, db, TxnKind.ADJUST, user_id, amount_fen, idempotency_key, reference=reference, memo=reason)


def transfer(actor: Actor, db: Db, *, from_user_id: uuid.UUID, to_user_id: uuid.UUID, amount_fen: int,
             idempotency_key: str, reference: str = "") -> Posting:
    """Move balance between two users' wallets (e.g. within a household)."""
    return _post(actor, db, TxnKind.TRANSFER, from_user_id, amount_fen, idempotency_key, to_user_id=to_user_id,
                 reference=reference)  # fmt: skip


def _check_request(kind: TxnKind, amount_fen: int, key: str, method: PayMethod | str | None, memo: str,
                   reference: str) -> PayMethod | None:
    require_fen(amount_fen, positive=kind is not TxnKind.ADJUST)
    if not key.strip() or len(key) > 128:
        raise ValidationError("缺少幂等键（1–128 字符）", "an idempotency key of 1–128 characters is required",
                              field="idempotency_key")  # fmt: skip
    if len(reference) > 128:
        raise ValidationError("参考号最多 128 字符", "the reference is at most 128 characters", field="reference")
    if kind is TxnKind.ADJUST and not memo.strip():
        raise ValidationError("调账必须填写原因", "an adjustment needs a reason", field="reason")
    if method is None:
        return None
    try:
        return PayMethod(method)
    except ValueError as exc:
        raise ValidationError(f"未知的支付方式：{method}", f"unknown payment method: {method}",
                              field="method") from exc  # fmt: skip


def _post(actor: Actor, db: Db, kind: TxnKind, user_id: uuid.UUID, amount_fen: int, key: str, *,
          method: PayMethod | str | None = None, to_user_id: uuid.UUID | None = None, reference: str = "",
          memo: str = "") -> Posting:
    require(actor, _PERMISSION[kind])  # before anything else, even validation
    pay = _check_request(kind, amount_fen, key, method, memo, reference)
    fp = fingerprint(kind=kind, user=user_id, to=to_user_id, amount=amount_fen, method=pay, reference=reference)
    try:
        with write(db, actor, _PERMISSION[kind]) as s:
            return _post_in(s, actor, kind, user_id, amount_fen, key, fp, pay, to_user_id, reference, memo.strip())
    except IntegrityError:
        # Most likely the key is taken: by a retry of this request, or by a racing desk. Read it back.
        first = _load_posting(db, key)
        if first is None:
            raise  # some other constraint: a real error
        if first[1] != fp:
            raise Conflict(f"幂等键 {key} 已用于另一笔不同的交易", f"idempotency key {key} was already used for a "
                           "different request") from None  # fmt: skip
        return first[0]


def _post_in(s: Session, actor: Actor, kind: TxnKind, user_id: uuid.UUID, amount_fen: int, key: str, fp: str,
             pay: PayMethod | None, to_user_id: uuid.UUID | None, reference: str, memo: str) -> Posting:
    users = {u.id: u for u in s.execute(_SELECT_USERS, {"ids": list({user_id, to_user_id} - {None})})}
    for uid in (user_id, to_user_id):
        if uid is not None and uid not in users:
            raise NotFound("用户", "user", uid)
    # A deactivated user can still be refunded, adjusted or have money moved out; nothing new comes in.
    incoming = {TxnKind.TOPUP: user_id, TxnKind.CHARGE: user_id, TxnKind.TRANSFER: to_user_id}.get(kind)
    if incoming is not None and not users[incoming].active:
        raise ValidationError(f"用户 {users[incoming].name} 已停用", f"user {users[incoming].name} is deactivated",
                              field="user")  # fmt: skip
    legs = legs_for(kind, amount_fen, wallet=wallet_code(user_id), method=pay,
                    to_wallet=wallet_code(to_user_id) if to_user_id else None)  # fmt: skip
    accounts = {r.code: r for r in s.execute(_SELECT_ACCOUNTS, {"codes": list({leg.account for leg in legs})})}
    missing = {leg.account for leg in legs} - set(accounts)
    if missing:
        raise NotFound("账本科目", "ledger account", ", ".join(sorted(missing)))
    now = utcnow()
    receipt = _next_receipt(s, actor) if kind in RECEIPTED else None
    txn_id = uuid.uuid4()
    s.execute(_INSERT_TXN, {
        "id": txn_id, "idempotency_key": key, "fingerprint": fp, "kind": kind.value,
        "method": pay.value if pay else None, "amount_fen": amount_fen, "reference": reference, "memo": memo,
        "receipt_no": receipt, "actor_id": actor.account_id, "posted_at": now})  # fmt: skip
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    entries = []
    for leg in sorted(legs, key=lambda leg: accounts[leg.account].id):
        acc = accounts[leg.account]
        delta = acc.normal_sign * leg.amount_fen
        new = _apply_delta(s, acc.id, delta)
        before[leg.account], after[leg.account] = new - delta, new
        entries.append({"txn_id": txn_id, "account_id": acc.id, "amount_fen": leg.amount_fen,
                        "balance_after_fen": new, "posted_at": now})  # fmt: skip
    s.execute(_INSERT_ENTRIES, entries)
    wallet, to_wallet = wallet_code(user_id), wallet_code(to_user_id) if to_user_id else None
    detail = {"txn_id": str(txn_id), "kind": kind.value, "amount_fen": amount_fen, "method": pay.value if pay else None,
              "receipt_no": receipt, "idempotency_key": key, "reference": reference, "memo": memo}  # fmt: skip
    audit_before = {"balance_fen": before[wallet]}
    audit_after = {"balance_fen": after[wallet], **detail}
    if to_wallet:
        audit_before["to_balance_fen"] = before[to_wallet]
        audit_after |= {"to_user_id": str(to_user_id), "to_balance_fen": after[to_wallet]}
    audit.append(s, actor, f"wallet.{kind.value}", "charging_user", user_id, before=audit_before, after=audit_after)
    return Posting(txn_id, kind, key, user_id, amount_fen, after[wallet], pay, receipt, reference, memo, now,
                   actor.login, to_user_id, after[to_wallet] if to_wallet else None)


def _apply_delta(s: Session, account_id: uuid.UUID, delta: int) -> int:
    new = s.execute(_ADD_TO_BALANCE, {"aid": account_id, "delta": delta}).scalar_one_or_none()
    if new is None:
        balance = s.scalar(select(_A.c.balance_fen).where(_A.c.id == account_id)) or 0
        raise InsufficientFunds(int(balance), -delta)
    return int(new)


def _next_receipt(s: Session, actor: Actor) -> str:
    """The actor's next receipt number, in this transaction (rolled back with it: no gaps)."""
    n = s.execute(_BUMP_RECEIPT, {"aid": actor.account_id}).scalar_one_or_none()
    if n is None:
        try:
            with s.begin_nested():  # first receipt of this operator; another desk may be creating it too
                s.execute(insert(ReceiptCounter).values(account_id=actor.account_id, last_no=1))
            n = 1
        except IntegrityError:
            return _next_receipt(s, actor)
    return receipt_number(actor.login, int(n))


def _load_posting(db: Db, key: str) -> tuple[Posting, str] | None:
    """The posting made under ``key`` and its request fingerprint (None if no such key)."""
    with db() as s:
        row = s.execute(
            select(JournalTxn, StaffAccount.login)
            .join(StaffAccount, StaffAccount.id == JournalTxn.actor_id)
            .where(JournalTxn.idempotency_key == key)
        ).one_or_none()
        if row is None:
            return None
        txn, login = row
        legs = s.execute(
            select(JournalEntry.amount_fen, JournalEntry.balance_after_fen, LedgerAccount.user_id)
            .join(LedgerAccount, LedgerAccount.id == JournalEntry.account_id)
            .where(and_(JournalEntry.txn_id == txn.id, LedgerAccount.user_id.is_not(None)))
            .order_by(JournalEntry.id)
        ).all()
        kind = TxnKind(txn.kind)
        # The paying wallet is debited (amount > 0) in a transfer; otherwise there is one wallet leg.
        src = next(leg for leg in legs if kind is not TxnKind.TRANSFER or leg.amount_fen > 0)
        dst = next((leg for leg in legs if kind is TxnKind.TRANSFER and leg.amount_fen < 0), None)
        posting = Posting(txn.id, kind, txn.idempotency_key, src.user_id, txn.amount_fen, src.balance_after_fen,
                          PayMethod(txn.method) if txn.method else None, txn.receipt_no, txn.reference, txn.memo,
                          txn.posted_at, login, dst.user_id if dst else None,
                          dst.balance_after_fen if dst else None, replayed=True)  # fmt: skip
        return posting, txn.fingerprint
