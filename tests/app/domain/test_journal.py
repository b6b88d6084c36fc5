"""Posting legs: balanced, signed the usual way, and refusing what makes no sense."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.journal import (
    ADJUSTMENTS,
    CASH,
    METHOD_ACCOUNT,
    NORMAL_SIGN,
    REVENUE,
    Leg,
    PayMethod,
    TxnKind,
    UnbalancedPosting,
    check_balanced,
    fingerprint,
    legs_for,
    receipt_number,
    wallet_code,
)  # fmt: skip

W, W2 = wallet_code(uuid.uuid4()), wallet_code(uuid.uuid4())


def test_top_up_debits_the_method_and_credits_the_wallet() -> None:
    assert legs_for(TxnKind.TOPUP, 1000, wallet=W, method=PayMethod.CASH) == [Leg(CASH.code, 1000), Leg(W, -1000)]
    assert legs_for(TxnKind.TOPUP, 5, wallet=W, method="alipay")[0].account == METHOD_ACCOUNT[PayMethod.ALIPAY].code


def test_other_kinds() -> None:
    assert legs_for(TxnKind.CHARGE, 300, wallet=W) == [Leg(W, 300), Leg(REVENUE.code, -300)]
    assert legs_for(TxnKind.REFUND, 300, wallet=W, method="bank") == [Leg(W, 300), Leg("clearing:bank", -300)]
    assert legs_for(TxnKind.ADJUST, 50, wallet=W) == [Leg(ADJUSTMENTS.code, 50), Leg(W, -50)]
    assert legs_for(TxnKind.ADJUST, -50, wallet=W) == [Leg(ADJUSTMENTS.code, -50), Leg(W, 50)]
    assert legs_for(TxnKind.TRANSFER, 70, wallet=W, to_wallet=W2) == [Leg(W, 70), Leg(W2, -70)]


def test_wallet_natural_balance_rises_on_top_up() -> None:
    leg = legs_for(TxnKind.TOPUP, 1000, wallet=W, method="cash")[1]
    assert NORMAL_SIGN["wallet"] * leg.amount_fen == 1000  # type: ignore[index]


@pytest.mark.parametrize(
    ("kind", "amount", "kw"),
    [
        (TxnKind.TOPUP, 0, {"method": "cash"}), (TxnKind.TOPUP, -1, {"method": "cash"}),
        (TxnKind.TOPUP, 1, {}), (TxnKind.TOPUP, 1, {"method": "bitcoin"}), (TxnKind.ADJUST, 0, {}),
        (TxnKind.TRANSFER, 1, {}), (TxnKind.TRANSFER, 1, {"to_wallet": W}),
    ],
)  # fmt: skip
def test_refused(kind: TxnKind, amount: int, kw: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        legs_for(kind, amount, wallet=W, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("legs", [[Leg("a", 1)], [Leg("a", 1), Leg("b", -2)], [Leg("a", 0), Leg("b", 0)],
                                  [Leg("a", 1.0), Leg("b", -1.0)]])  # type: ignore[arg-type]  # fmt: skip
def test_unbalanced_is_a_programming_error(legs: list[Leg]) -> None:
    with pytest.raises(UnbalancedPosting):
        check_balanced(legs)


@given(st.sampled_from(list(TxnKind)), st.integers(min_value=1, max_value=10**7), st.sampled_from(list(PayMethod)),
       st.booleans())  # fmt: skip
def test_every_posting_balances(kind: TxnKind, amount: int, method: PayMethod, negative: bool) -> None:
    if kind is TxnKind.ADJUST and negative:
        amount = -amount
    legs = legs_for(kind, amount, wallet=W, method=method, to_wallet=W2)
    assert sum(leg.amount_fen for leg in legs) == 0
    assert all(isinstance(leg.amount_fen, int) and leg.amount_fen for leg in legs)


def test_fingerprint_and_receipts() -> None:
    assert fingerprint(a=1, b="x") == fingerprint(b="x", a=1)
    assert fingerprint(a=1) != fingerprint(a=2)
    assert receipt_number("desk1", 42) == "desk1-000042"
