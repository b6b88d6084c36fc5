"""Card postings on the double-entry ledger, inside the card desk's own transactions.

Uses the wallets module's prebuilt statements and lock order (receipt counter → journal row → accounts
in id order → audit head); the card accounts (app.domain.journal.CARD_ACCOUNTS) are made on first use.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.domain.journal import CARD_ACCOUNTS, SYSTEM_ACCOUNTS, PayMethod, TxnKind, fingerprint, legs_for
from app.domain.permissions import Actor
from app.services.ledger_setup import ensure_ledger_accounts
from app.services.wallets import _INSERT_ENTRIES, _INSERT_TXN, _SELECT_ACCOUNTS, _apply_delta, _next_receipt
from db.types import utcnow


def ensure_card_accounts(s: Session) -> None:
    """Make the card accounts that are missing (another desk making them at the same moment is fine)."""
    ensure_ledger_accounts(s, (*SYSTEM_ACCOUNTS, *CARD_ACCOUNTS))


def post(s: Session, actor: Actor, kind: TxnKind, amount_fen: int, *, key: str, method: PayMethod | str | None = None,
         reference: str = "", memo: str = "", receipt: bool = False) -> tuple[uuid.UUID, str | None]:
    """One balanced posting in the caller's transaction; returns (txn id, receipt number or None)."""
    pay = PayMethod(method) if method else None
    legs = legs_for(kind, amount_fen, wallet="-", method=pay)
    accounts = {r.code: r for r in s.execute(_SELECT_ACCOUNTS, {"codes": list({leg.account for leg in legs})})}
    if len(accounts) < len({leg.account for leg in legs}):
        ensure_card_accounts(s)
        accounts = {r.code: r for r in s.execute(_SELECT_ACCOUNTS, {"codes": list({leg.account for leg in legs})})}
    now = utcnow()
    receipt_no = _next_receipt(s, actor) if receipt else None
    txn_id = uuid.uuid4()
    fp = fingerprint(kind=kind, amount=amount_fen, method=pay, reference=reference)
    s.execute(_INSERT_TXN, {
        "id": txn_id, "idempotency_key": key, "fingerprint": fp, "kind": kind.value,
        "method": pay.value if pay else None, "amount_fen": amount_fen, "reference": reference, "memo": memo,
        "receipt_no": receipt_no, "actor_id": actor.account_id, "posted_at": now})  # fmt: skip
    entries = []
    for leg in sorted(legs, key=lambda leg: accounts[leg.account].id):
        acc = accounts[leg.account]
        new = _apply_delta(s, acc.id, acc.normal_sign * leg.amount_fen)
        entries.append({"txn_id": txn_id, "account_id": acc.id, "amount_fen": leg.amount_fen,
                        "balance_after_fen": new, "posted_at": now})  # fmt: skip
    s.execute(_INSERT_ENTRIES, entries)
    return txn_id, receipt_no
