"""App/QR starts (M7.1 as far as the console goes): a port started for a charging user, who pays for it.

The order names the payer of the pile's REMOTE session; settlement finds it by (pile, port, the pile's
session id) and charges that user's wallet what the pile kept. Starting checks that the wallet holds the
amount (it does not hold the money: a session that never gets going costs nothing).
"""

from __future__ import annotations

import concurrent.futures
import uuid
from dataclasses import dataclass

from sqlalchemy import select, update

from app.domain.errors import InsufficientFunds, NotFound, ValidationError
from app.domain.journal import wallet_code
from app.domain.money import require_fen
from app.domain.permissions import Actor, Permission, allows, require
from app.engine.commands import CommandOutcome, StartPort
from app.services import audit, remote
from app.services.remote import CommandEngine
from app.services.unit import Db, transaction, write
from db.models_billing import ChargeOrder
from db.models_ledger import LedgerAccount
from db.models_people import ChargingUser


@dataclass(frozen=True, slots=True)
class OrderInfo:
    order_id: uuid.UUID
    user_id: uuid.UUID
    pile_id: uuid.UUID
    port: int
    amount_fen: int
    status: str  # pending | started | failed
    pile_session_id: int | None
    detail: str


def start_for_user(actor: Actor, db: Db, engine: CommandEngine, *, user_id: uuid.UUID, pile_id: uuid.UUID,
                   port: int, amount_fen: int, minutes: int = 0) -> concurrent.futures.Future[OrderInfo]:
    """Record the order, start the port through the engine; the future gives the order once the pile answered."""
    require(actor, Permission.CONTROL_PORTS)
    require_fen(amount_fen)
    if minutes < 0:
        raise ValidationError("分钟数不能为负", "minutes must not be negative", field="minutes")
    with write(db, actor, Permission.CONTROL_PORTS) as s:
        user = s.get(ChargingUser, user_id)
        if user is None:
            raise NotFound("用户", "user", user_id)
        if not user.active:
            raise ValidationError(f"用户 {user.name} 已停用", f"user {user.name} is deactivated", field="user")
        balance = s.scalar(select(LedgerAccount.balance_fen).where(LedgerAccount.code == wallet_code(user_id)))
        if balance is None or balance < amount_fen:
            raise InsufficientFunds(int(balance or 0), amount_fen,
                                    say_balance=allows(actor, Permission.VIEW_WALLETS))
        order = ChargeOrder(user_id=user_id, pile_id=pile_id, port_number=port, amount_fen=amount_fen,
                            minutes=minutes, status="pending", created_by=actor.login)  # fmt: skip
        s.add(order)
        s.flush()
        order_id = order.id
        audit.append(s, actor, "order.create", "charge_order", order_id, after={
            "user_id": str(user_id), "pile_id": str(pile_id), "port": port, "amount_fen": amount_fen})  # fmt: skip
    result: concurrent.futures.Future[OrderInfo] = concurrent.futures.Future()
    sent = remote.submit(actor, db, engine, StartPort(pile_id, port, minutes, amount_fen, issued_by=actor.login))

    def done(f: concurrent.futures.Future[CommandOutcome]) -> None:
        try:
            out = f.result()
            ok, detail, sid = out.ok, out.detail, out.extra.get("session_id") if out.ok else None
        except Exception as exc:
            ok, detail, sid = False, str(exc), None
        try:
            with transaction(db) as s:
                s.execute(update(ChargeOrder).where(ChargeOrder.id == order_id).values(
                    status="started" if ok and sid else "failed", pile_session_id=sid, detail=detail[:1000],
                    version=ChargeOrder.version + 1))  # fmt: skip
            result.set_result(OrderInfo(order_id, user_id, pile_id, port, amount_fen,
                                        "started" if ok and sid else "failed", sid, detail))  # fmt: skip
        except Exception as exc:
            result.set_exception(exc)

    sent.add_done_callback(done)
    return result
