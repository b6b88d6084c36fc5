"""Property: any sequence of postings (including refused ones and retries) keeps the books balanced, every
cached balance equal to its entries, no wallet negative, and each wallet equal to a simple model."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import InsufficientFunds
from app.domain.journal import PayMethod
from app.domain.permissions import Role
from app.services import ledger_queries, wallets
from app.services.audit import verify_chain
from tests.app.services.conftest import Desk

N_USERS = 3
amounts = st.integers(min_value=1, max_value=5_000)
user = st.integers(min_value=0, max_value=N_USERS - 1)
op = st.one_of(
    st.tuples(st.just("topup"), user, amounts, st.sampled_from(list(PayMethod))),
    st.tuples(st.just("charge"), user, amounts),
    st.tuples(st.just("refund"), user, amounts, st.sampled_from(list(PayMethod))),
    st.tuples(st.just("adjust"), user, st.integers(min_value=-5_000, max_value=5_000).filter(bool)),
    st.tuples(st.just("transfer"), user, user, amounts).filter(lambda t: t[1] != t[2]),
    st.tuples(st.just("retry")),  # repeat the previous request with the same idempotency key
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_random_postings_keep_the_books(desk: Desk, ops: list[tuple[Any, ...]]) -> None:
    clerk, fin = desk.by_role[Role.CARD_ADMIN], desk.by_role[Role.FINANCE_ADMIN]
    if not hasattr(desk, "uids"):  # the database lives across examples; the model starts from it
        desk.uids = [desk.user(f"用户{i}") for i in range(N_USERS)]  # type: ignore[attr-defined]
    uids: list[uuid.UUID] = desk.uids  # type: ignore[attr-defined]
    model = {u: ledger_queries.get_wallet(fin, desk.db, u).balance_fen for u in uids}
    last: tuple[Any, ...] | None = None
    for o in ops:
        if o[0] == "retry":
            if last is None:
                continue
            fn, kw = last
        else:
            fn, kw = _request(o, uids)
            kw["idempotency_key"] = str(uuid.uuid4())
        actor = fin if fn is wallets.adjust else clerk
        try:
            p = fn(actor, desk.db, **kw)
        except InsufficientFunds:
            last = None
            continue
        last = (fn, kw)
        if not p.replayed:
            _apply(model, o, uids)
        assert p.balance_after_fen >= 0
    for u in uids:
        assert ledger_queries.get_wallet(fin, desk.db, u).balance_fen == model[u]
    check = ledger_queries.ledger_check(fin, desk.db)
    assert check.ok, check
    assert verify_chain(desk.db).ok


def _request(o: tuple[Any, ...], uids: list[uuid.UUID]) -> tuple[Any, dict[str, Any]]:
    kind = o[0]
    if kind == "topup":
        return wallets.top_up, {"user_id": uids[o[1]], "amount_fen": o[2], "method": o[3]}
    if kind == "charge":
        return wallets.charge, {"user_id": uids[o[1]], "amount_fen": o[2]}
    if kind == "refund":
        return wallets.refund, {"user_id": uids[o[1]], "amount_fen": o[2], "method": o[3]}
    if kind == "adjust":
        return wallets.adjust, {"user_id": uids[o[1]], "amount_fen": o[2], "reason": "property"}
    return wallets.transfer, {"from_user_id": uids[o[1]], "to_user_id": uids[o[2]], "amount_fen": o[3]}


def _apply(model: dict[uuid.UUID, int], o: tuple[Any, ...], uids: list[uuid.UUID]) -> None:
    kind = o[0]
    if kind == "topup":
        model[uids[o[1]]] += o[2]
    elif kind in ("charge", "refund"):
        model[uids[o[1]]] -= o[2]
    elif kind == "adjust":
        model[uids[o[1]]] += o[2]
    elif kind == "transfer":
        model[uids[o[1]]] -= o[3]
        model[uids[o[2]]] += o[3]
