"""Double-entry bookkeeping rules, pure: the chart of system accounts and the legs of each posting.

Sign convention (the usual one): a leg's ``amount_fen`` is positive for a debit and negative for a
credit, and the legs of every transaction sum to zero. An account's *natural* balance is
``normal_sign * sum(legs)``: +1 for debit-normal accounts (cash drawer, clearing accounts,
adjustments expense), -1 for credit-normal ones (user wallets — money the operator owes the user — and
charging revenue). So a ¥10 cash top-up debits the cash drawer 1000 and credits the wallet 1000, and
both read +¥10.

Overdraft rule: none. A wallet never goes below zero; a charge, refund or transfer larger than the
balance is refused (InsufficientFunds), and the database refuses it again (a CHECK constraint).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import ValidationError


class TxnKind(StrEnum):
    TOPUP = "topup"
    CHARGE = "charge"
    REFUND = "refund"
    ADJUST = "adjust"
    TRANSFER = "transfer"
    # the card desk (app.services.cards): money on IC cards is one liability, per card in the card table
    CARD_DEPOSIT = "card_deposit"  # deposit taken when a card is issued
    DEPOSIT_REFUND = "deposit_refund"  # deposit paid back when the card is returned
    CARD_TOPUP = "card_topup"  # money paid in onto a card
    CARD_REFUND = "card_refund"  # the balance of a returned card paid out
    CARD_SYNC = "card_sync"  # signed: what piles took from (−) or gave back to (+) a card since the desk saw it
    CARD_UNGREY = "card_ungrey"  # 解灰: the unused part of an interrupted charge put back on the card
    CARD_MONTHLY = "card_monthly"  # a monthly card's (包月) fee


class PayMethod(StrEnum):
    CASH = "cash"
    WECHAT = "wechat"
    ALIPAY = "alipay"
    BANK = "bank"


class AccountKind(StrEnum):
    WALLET = "wallet"
    ASSET = "asset"
    REVENUE = "revenue"
    EXPENSE = "expense"
    LIABILITY = "liability"


NORMAL_SIGN: dict[AccountKind, int] = {
    AccountKind.WALLET: -1,
    AccountKind.REVENUE: -1,
    AccountKind.LIABILITY: -1,
    AccountKind.ASSET: 1,
    AccountKind.EXPENSE: 1,
}


@dataclass(frozen=True, slots=True)
class SystemAccount:
    code: str
    kind: AccountKind
    name_zh: str
    name_en: str

    @property
    def name(self) -> str:
        return f"{self.name_zh} / {self.name_en}"


CASH = SystemAccount("cash", AccountKind.ASSET, "现金钱箱", "cash drawer")
WECHAT = SystemAccount("clearing:wechat", AccountKind.ASSET, "微信支付清算", "WeChat Pay clearing")
ALIPAY = SystemAccount("clearing:alipay", AccountKind.ASSET, "支付宝清算", "Alipay clearing")
BANK = SystemAccount("clearing:bank", AccountKind.ASSET, "银行转账清算", "bank transfer clearing")
REVENUE = SystemAccount("revenue:charging", AccountKind.REVENUE, "充电收入", "charging revenue")
ADJUSTMENTS = SystemAccount("expense:adjustments", AccountKind.EXPENSE, "调账", "adjustments")

SYSTEM_ACCOUNTS: tuple[SystemAccount, ...] = (CASH, WECHAT, ALIPAY, BANK, REVENUE, ADJUSTMENTS)
# The card desk's accounts, made on its first use (app.services.card_ledger.ensure_card_accounts).
CARD_FLOAT = SystemAccount("liability:cards", AccountKind.LIABILITY, "IC 卡内余额", "money on IC cards")
CARD_DEPOSITS = SystemAccount("liability:card_deposits", AccountKind.LIABILITY, "IC 卡押金", "IC card deposits")
# What piles took from cards, as their records say (settlement debits it) against what the desk saw the
# cards lose (card_sync credits it); the same account as app.domain.settlement's.
CARD_CLEARING = SystemAccount("clearing:card", AccountKind.ASSET, "IC 卡消费清算", "IC-card spending clearing")
CARD_ACCOUNTS: tuple[SystemAccount, ...] = (CARD_FLOAT, CARD_DEPOSITS, CARD_CLEARING)
METHOD_ACCOUNT: dict[PayMethod, SystemAccount] = {
    PayMethod.CASH: CASH,
    PayMethod.WECHAT: WECHAT,
    PayMethod.ALIPAY: ALIPAY,
    PayMethod.BANK: BANK,
}
# Kinds that hand the customer a paper receipt (M4.5).
RECEIPTED: frozenset[TxnKind] = frozenset({
    TxnKind.TOPUP, TxnKind.REFUND, TxnKind.CARD_DEPOSIT, TxnKind.DEPOSIT_REFUND, TxnKind.CARD_TOPUP,
    TxnKind.CARD_REFUND, TxnKind.CARD_MONTHLY})  # fmt: skip
SIGNED: frozenset[TxnKind] = frozenset({TxnKind.ADJUST, TxnKind.CARD_SYNC})


def wallet_code(user_id: uuid.UUID) -> str:
    return f"wallet:{user_id}"


@dataclass(frozen=True, slots=True)
class Leg:
    account: str  # ledger account code
    amount_fen: int  # debit > 0, credit < 0


class UnbalancedPosting(ValueError):
    """A programming error: a posting whose legs don't sum to zero never reaches the database."""


def check_balanced(legs: Sequence[Leg]) -> None:
    if len(legs) < 2:
        raise UnbalancedPosting(f"a posting needs at least two legs, got {len(legs)}")
    for leg in legs:
        if isinstance(leg.amount_fen, bool) or not isinstance(leg.amount_fen, int):
            raise UnbalancedPosting(f"leg amounts are integer fen, got {leg.amount_fen!r}")
        if leg.amount_fen == 0:
            raise UnbalancedPosting(f"zero leg on {leg.account}")
    total = sum(leg.amount_fen for leg in legs)
    if total != 0:
        raise UnbalancedPosting(f"legs sum to {total}, not 0: {legs}")


def legs_for(kind: TxnKind, amount_fen: int, *, wallet: str, method: PayMethod | None = None,
             to_wallet: str | None = None) -> list[Leg]:
    """The balanced legs of one posting. ``amount_fen`` > 0, except for ADJUST where its sign says
    whether the wallet gains (+) or loses (−) money."""
    a = amount_fen
    if kind in SIGNED and a == 0:
        raise ValidationError("调账金额不能为零", "an adjustment must not be zero", field="amount")
    if kind is TxnKind.ADJUST:
        legs = [Leg(ADJUSTMENTS.code, a), Leg(wallet, -a)]  # + credits the wallet, − debits it
    elif kind is TxnKind.CARD_SYNC:
        legs = [Leg(CARD_CLEARING.code, a), Leg(CARD_FLOAT.code, -a)]  # + the cards gained, − they lost
    elif a <= 0:
        raise ValidationError("金额必须大于零", "the amount must be greater than zero", field="amount")
    elif kind is TxnKind.TOPUP:
        legs = [Leg(METHOD_ACCOUNT[_method(method)].code, a), Leg(wallet, -a)]
    elif kind is TxnKind.REFUND:
        legs = [Leg(wallet, a), Leg(METHOD_ACCOUNT[_method(method)].code, -a)]
    elif kind is TxnKind.CHARGE:
        legs = [Leg(wallet, a), Leg(REVENUE.code, -a)]
    elif kind is TxnKind.TRANSFER:
        if to_wallet is None or to_wallet == wallet:
            raise ValidationError("转账需要另一个用户", "a transfer needs a different user", field="to_user")
        legs = [Leg(wallet, a), Leg(to_wallet, -a)]
    elif kind in _CARD_LEGS:
        debit, credit = _CARD_LEGS[kind]
        pay = METHOD_ACCOUNT[_method(method)].code if debit is None or credit is None else ""
        legs = [Leg(debit.code if debit else pay, a), Leg(credit.code if credit else pay, -a)]
    else:  # pragma: no cover - exhaustive over TxnKind
        raise ValueError(kind)
    check_balanced(legs)
    return legs


# Card postings (amount > 0): (debited account, credited account); None = the payment method's account.
_CARD_LEGS: dict[TxnKind, tuple[SystemAccount | None, SystemAccount | None]] = {
    TxnKind.CARD_DEPOSIT: (None, CARD_DEPOSITS),
    TxnKind.DEPOSIT_REFUND: (CARD_DEPOSITS, None),
    TxnKind.CARD_TOPUP: (None, CARD_FLOAT),
    TxnKind.CARD_REFUND: (CARD_FLOAT, None),
    TxnKind.CARD_UNGREY: (CARD_CLEARING, CARD_FLOAT),
    TxnKind.CARD_MONTHLY: (None, REVENUE),
}


def _method(method: PayMethod | None) -> PayMethod:
    if method is None:
        raise ValidationError("请选择支付方式", "choose a payment method", field="method")
    try:
        return PayMethod(method)
    except ValueError as exc:
        raise ValidationError(f"未知的支付方式：{method}", f"unknown payment method: {method}",
                              field="method") from exc  # fmt: skip


def fingerprint(**fields: object) -> str:
    """SHA-256 of a request's defining fields: the same idempotency key must mean the same request."""
    canonical = json.dumps({k: str(v) for k, v in fields.items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def receipt_number(login: str, n: int) -> str:
    """Receipt numbers run per operator: "desk1-000042". Logins are unique and never renamed."""
    return f"{login}-{n:06d}"
