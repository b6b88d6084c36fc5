"""A card desk in its own OS process, for the multi-desk tests: top up one wallet many times.

Started with multiprocessing's "spawn" (a fresh interpreter, its own engine and connection pool), so
two of them are two desks as far as the database can tell.
"""

from __future__ import annotations

import uuid
from multiprocessing.synchronize import Event

from app.domain.permissions import Actor, Role
from app.services import wallets
from db.engine import make_engine, session_factory


def top_up_many(url: str, account_id: str, login: str, user_id: str, n: int, amount_fen: int, key_prefix: str,
                start: Event) -> None:
    engine = make_engine(url)
    db = session_factory(engine)
    actor = Actor(uuid.UUID(account_id), login, frozenset({Role.CARD_ADMIN}))
    uid = uuid.UUID(user_id)
    start.wait(timeout=60)
    try:
        for i in range(n):
            wallets.top_up(actor, db, user_id=uid, amount_fen=amount_fen, method="cash",
                           idempotency_key=f"{key_prefix}-{i}")  # fmt: skip
    finally:
        engine.dispose()


def register_many(url: str, account_id: str, login: str, n: int, prefix: str, start: Event) -> None:
    """Register ``n`` users: writes that share no row but the audit chain head."""
    from app.domain.residents import UserDraft
    from app.services import users

    engine = make_engine(url)
    db = session_factory(engine)
    actor = Actor(uuid.UUID(account_id), login, frozenset({Role.FACILITY_ADMIN}))
    start.wait(timeout=60)
    try:
        for i in range(n):
            users.register_user(actor, db, UserDraft(name=f"{prefix}{i}"))
    finally:
        engine.dispose()
