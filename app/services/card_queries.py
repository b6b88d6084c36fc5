"""Card desk queries (M4.4): per card and per user — money in and out, operation records, charging records.

Money lines come from the desk's own journal of card operations (``card_op``: what the clerk did, and the
pile spending seen at each tap); charging records are the piles' own transaction records
(``offline_record``, matched by card number).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.domain.permissions import Actor
from app.reports.card_receipt import ReceiptData
from app.services.card_flow import MANAGE, OP_NAMES, OpKind
from app.services.cards import CardResult
from app.services.unit import Db, read
from db.models import OfflineRecord, Pile
from db.models_cards import Card, CardOp
from db.models_people import ChargingUser, StaffAccount

# How each operation moves the card holder's money: + into the card/deposit, − paid back out to them.
_SIGN = {OpKind.ISSUE: 1, OpKind.TOPUP: 1, OpKind.MONTHLY: 1, OpKind.UNGREY: 1, OpKind.RETURN: -1,
         OpKind.REPLACE: 0, OpKind.LOSS: 0, OpKind.SYNC: 1, OpKind.UNLOSS: 0}  # fmt: skip


@dataclass(frozen=True, slots=True)
class OpLine:
    at: dt.datetime
    op_no: int
    card_no: int
    kind: OpKind
    name_zh: str
    name_en: str
    state: str  # done | rolled_back | pending
    amount_fen: int  # signed: + money in (paid at the desk, or back from a pile), − money out
    balance_after_fen: int | None
    method: str | None
    receipt_no: str | None
    clerk: str
    note: str


@dataclass(frozen=True, slots=True)
class ChargeLine:
    card_no: int
    pile_code: str
    port: int
    session_id: int
    start: dt.datetime
    end: dt.datetime
    minutes_used: int
    energy_wh: int
    amount_fen: int
    refund_fen: int
    stop_reason: str


@dataclass(frozen=True, slots=True)
class CardHistory:
    card_nos: tuple[int, ...]
    ops: tuple[OpLine, ...]
    charges: tuple[ChargeLine, ...]

    @property
    def money_in_fen(self) -> int:
        return sum(o.amount_fen for o in self.ops if o.state == "done" and o.amount_fen > 0)

    @property
    def money_out_fen(self) -> int:
        return -sum(o.amount_fen for o in self.ops if o.state == "done" and o.amount_fen < 0)


def card_history(actor: Actor, db: Db, *, card_no: int | None = None, user_id: uuid.UUID | None = None,
                 limit: int = 200) -> CardHistory:  # fmt: skip
    """A card's (or all of a user's cards') operations and charging records, newest first."""
    with read(db, actor, MANAGE) as s:
        if card_no is not None:
            nos = [card_no]
        else:
            nos = [int(n) for n in s.scalars(select(Card.card_no).where(Card.user_id == user_id))]
        rows = s.execute(select(CardOp, StaffAccount.login).join(StaffAccount, StaffAccount.id == CardOp.actor_id)
                         .where(CardOp.card_no.in_(nos)).order_by(CardOp.created_at.desc(), CardOp.op_no.desc())
                         .limit(limit)).all()  # fmt: skip
        ops = []
        for op, login in rows:
            kind = OpKind(op.kind)
            sign = _SIGN[kind]
            amount = op.amount_fen * sign if kind is not OpKind.RETURN else -op.amount_fen
            ops.append(OpLine(op.finished_at or op.created_at, op.op_no, op.card_no, kind, *OP_NAMES[kind], op.state,
                              amount, op.new_balance_fen, op.method, op.receipt_no, login, op.note))  # fmt: skip
        recs = s.execute(select(OfflineRecord, Pile.code).join(Pile, Pile.id == OfflineRecord.pile_id)
                         .where(OfflineRecord.card_no.in_(nos)).order_by(OfflineRecord.start_time.desc())
                         .limit(limit)).all()  # fmt: skip
        charges = [ChargeLine(int(r.card_no or 0), code, r.port_number, r.session_id, r.start_time, r.end_time,
                              r.minutes_used, r.energy_wh, r.amount_fen, r.refund_fen, r.stop_reason)
                   for r, code in recs]  # fmt: skip
        return CardHistory(tuple(nos), tuple(ops), tuple(charges))


@dataclass(frozen=True, slots=True)
class CardRow:
    card_no: int
    holder: str
    user_id: uuid.UUID
    kind: str
    state: str
    balance_fen: int
    deposit_fen: int
    issued_at: dt.datetime


def find_cards(actor: Actor, db: Db, text: str = "", *, limit: int = 100) -> list[CardRow]:
    """Cards by card number, holder name or phone (the desk's search box)."""
    with read(db, actor, MANAGE) as s:
        q = select(Card, ChargingUser.name).join(ChargingUser, ChargingUser.id == Card.user_id)
        t = text.strip()
        if t:
            like = f"%{t}%"
            cond = ChargingUser.name.like(like) | ChargingUser.phone.like(like)
            if t.isdigit():
                cond = cond | (Card.card_no == int(t))
            q = q.where(cond)
        rows = s.execute(q.order_by(Card.card_no.desc()).limit(limit)).all()
        return [CardRow(c.card_no, name, c.user_id, c.kind, c.state, c.balance_fen, c.deposit_fen, c.issued_at)
                for c, name in rows]  # fmt: skip


def receipt_data(actor: Actor, db: Db, op_no: int, *, operator_name: str, reprint: bool = True) -> ReceiptData:
    """What a receipt of a finished card operation shows (the print dialog's reprint)."""
    import json

    from app.domain.errors import NotFound

    with read(db, actor, MANAGE) as s:
        row = s.execute(select(CardOp, StaffAccount.login, ChargingUser.name)
                        .join(StaffAccount, StaffAccount.id == CardOp.actor_id)
                        .outerjoin(Card, Card.card_no == CardOp.card_no)
                        .outerjoin(ChargingUser, ChargingUser.id == Card.user_id)
                        .where(CardOp.op_no == op_no, CardOp.state == "done")).one_or_none()  # fmt: skip
        if row is None:
            raise NotFound("已完成的卡操作", "finished card operation", op_no)
        op, login, holder = row
        d = json.loads(op.detail)
        kind = OpKind(op.kind)
        before = int(op.old_balance_fen or 0) if kind is not OpKind.ISSUE else 0
        after = int(op.new_balance_fen) if op.new_balance_fen is not None else before
        deposit = int(d.get("deposit_paid_fen", 0)) if kind is OpKind.ISSUE else int(d.get("deposit_fen", 0)) \
            if kind is OpKind.RETURN else 0  # fmt: skip
        amount = op.amount_fen + (deposit if kind is OpKind.ISSUE else 0)
        return ReceiptData(operator_name, kind.value, op.receipt_no or f"#{op.op_no}", op.finished_at or op.created_at,
                           op.card_no, holder or "", login, op.method, amount, deposit, before, after,
                           reprint=reprint)  # fmt: skip


def receipt_of(result: CardResult, *, operator_name: str) -> ReceiptData:
    """The receipt of an operation just done."""
    amount = result.amount_fen + (result.deposit_fen if result.kind is OpKind.ISSUE else 0)
    return ReceiptData(operator_name, result.kind.value, result.receipt_no or f"#{result.op_no}", result.at,
                       result.card_no, result.holder, result.actor_login, result.method, amount, result.deposit_fen,
                       result.balance_before_fen, result.balance_after_fen)  # fmt: skip
