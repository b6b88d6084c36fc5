"""The two phases of every card operation, and what a tap does first.

Phase 1 (``begin``): the operation is written as *pending* — old and new balance and counter — in a
transaction of its own, before the card is touched. Then the card is written and read back. Phase 2
(``commit``): ledger postings, the card register, the audit record and the op marked *done*, in one
transaction. A card pulled away between the two leaves the op pending; ``open_card`` (the first step of
every tap) finds it by the card's UID and finishes it if the card shows it happened (its seal carries
the op number; the monthly date, the wipe or the issue is there) or rolls it back, and says which.

Then ``open_card`` brings the register up to the card: what piles took from it or gave back since the
desk last saw it is posted (``card_sync``); a card whose counter went backwards is refused.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.card_states import CardStatus
from app.domain.errors import Conflict
from app.domain.journal import TxnKind
from app.domain.money import format_money
from app.domain.permissions import Actor, Permission
from app.services import audit
from app.services.card_keys import CardContext
from app.services.card_ledger import post
from app.services.unit import Db, write
from comm.mifare import cardapp
from comm.mifare import layout as L
from comm.mifare.cardapp import CardIO, CardState
from comm.mifare.errors import BlankCard, CardTampered
from comm.mifare.keys import CardKeys
from db.models_cards import Card, CardOp
from db.models_people import ChargingUser, StaffAccount
from db.types import utcnow


class OpKind(StrEnum):
    ISSUE = "issue"
    TOPUP = "topup"
    MONTHLY = "monthly"
    UNGREY = "ungrey"
    RETURN = "return"
    REPLACE = "replace"
    LOSS = "loss"
    UNLOSS = "unloss"  # 解挂: a loss report undone (the card was found before it was replaced)
    SYNC = "sync"


PENDING, DONE, ROLLED_BACK = "pending", "done", "rolled_back"
MANAGE = Permission.MANAGE_CARDS


@dataclass(frozen=True, slots=True)
class Note:
    """Something the clerk must be told (e.g. how an interrupted operation ended)."""

    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def session(io: CardIO, ctx: CardContext) -> cardapp.Session:
    s = cardapp.Session(io)
    s.keys = CardKeys(s.uid, ctx.master)
    return s


def uid_hex(s: cardapp.Session) -> str:
    return s.uid.hex().upper()


def read(s: cardapp.Session, ctx: CardContext) -> CardState | None:
    """The card, checked and recovered; None for a blank card."""
    try:
        st = cardapp.read_card(s, issuer=ctx.issuer)
    except BlankCard:
        return None
    st, _ = cardapp.recover(s, st)
    return st


def begin(db: Db, actor: Actor, *, kind: OpKind, card_no: int, uid: str, amount_fen: int = 0,
          method: str | None = None, old: CardState | None = None, new_balance_fen: int | None = None,
          detail: dict[str, Any] | None = None) -> int:  # fmt: skip
    """Phase 1: the pending op (refused if this card already has one). Returns the op number."""
    with write(db, actor, MANAGE) as s:
        if s.scalar(select(CardOp.op_no).where(CardOp.uid == uid, CardOp.state == PENDING)) is not None:
            raise Conflict("这张卡还有未完成的操作，请先读卡处理",
                           "this card has an unfinished operation: tap it first")  # fmt: skip
        op = CardOp(card_no=card_no, uid=uid, kind=kind.value, state=PENDING, amount_fen=amount_fen, method=method,
                    old_balance_fen=old.balance_fen if old else None, new_balance_fen=new_balance_fen,
                    old_counter=old.counter if old else None,
                    new_counter=(old.counter + 1) if old is not None and new_balance_fen is not None else None,
                    detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True), note="",
                    actor_id=actor.account_id)  # fmt: skip
        s.add(op)
        s.flush()
        return int(op.op_no)


def _op_actor(s: Session, op: CardOp) -> Actor:
    login = s.scalar(select(StaffAccount.login).where(StaffAccount.id == op.actor_id)) or "-"
    return Actor(op.actor_id, login, frozenset())


def commit(db: Db, actor: Actor, op_no: int, st: CardState | None, note: Note) -> CardOp:
    """Phase 2: the card showed the op happened. Postings, register, audit, op done — one transaction."""
    with write(db, actor, MANAGE) as s:
        op = s.get(CardOp, op_no, with_for_update=True)
        assert op is not None
        if op.state != PENDING:
            return op
        payer = _op_actor(s, op)  # the clerk who took the money, even if another finishes the op
        d = json.loads(op.detail)
        kind, ref, key = OpKind(op.kind), f"card:{op.card_no}", f"cardop:{op.op_no}"
        card = s.scalar(select(Card).where(Card.card_no == op.card_no).with_for_update())
        before = _snapshot(card)
        receipts: list[str | None] = []

        def money(txn: TxnKind, amount: int, suffix: str, *, receipt: bool = True, memo: str = "") -> None:
            if amount:
                receipts.append(post(s, payer, txn, amount, key=f"{key}:{suffix}", method=op.method, reference=ref,
                                     memo=memo, receipt=receipt and not any(receipts))[1])  # fmt: skip

        if kind in (OpKind.ISSUE, OpKind.REPLACE):
            assert card is not None
            money(TxnKind.CARD_DEPOSIT, int(d.get("deposit_paid_fen", 0)), "deposit")
            money(TxnKind.CARD_TOPUP, op.amount_fen, "topup")
            card.state, card.balance_fen, card.counter = CardStatus.ACTIVE.value, int(op.new_balance_fen or 0), 0
            if kind is OpKind.REPLACE:
                old = s.scalar(select(Card).where(Card.card_no == int(d["old_card_no"])).with_for_update())
                assert old is not None
                old.state, old.replaced_by, old.closed_at, old.balance_fen = (CardStatus.REPLACED.value, op.card_no,
                                                                              utcnow(), 0)  # fmt: skip
                _relink_user(s, card.user_id, old.card_no, op.card_no)
            else:
                _relink_user(s, card.user_id, None, op.card_no)
        elif kind is OpKind.TOPUP:
            money(TxnKind.CARD_TOPUP, op.amount_fen, "topup")
        elif kind is OpKind.MONTHLY:
            money(TxnKind.CARD_MONTHLY, op.amount_fen, "monthly")
            assert card is not None
            card.monthly_until = datetime.fromtimestamp(int(d["until"]), UTC)
        elif kind is OpKind.UNGREY:
            money(TxnKind.CARD_UNGREY, op.amount_fen, "ungrey", receipt=False, memo=str(d.get("reason", "")))
        elif kind is OpKind.RETURN:
            money(TxnKind.CARD_REFUND, int(op.old_balance_fen or 0), "refund")
            money(TxnKind.DEPOSIT_REFUND, int(d.get("deposit_fen", 0)), "deposit")
            assert card is not None
            card.state, card.closed_at, card.deposit_fen = CardStatus.RETURNED.value, utcnow(), 0
            _relink_user(s, card.user_id, op.card_no, None)
        if card is not None and op.new_balance_fen is not None:
            # the op's own result: what piles did since is for sync() to post
            card.balance_fen = op.new_balance_fen
            card.counter = op.new_counter if op.new_counter is not None else card.counter
        op.state, op.finished_at, op.note = DONE, utcnow(), str(note)
        op.receipt_no = next((r for r in receipts if r), None)
        audit.append(s, actor, f"card.{kind.value}", "card", card.id if card else op.card_no, before=before,
                     after={**_snapshot(card), "op_no": op.op_no, "amount_fen": op.amount_fen, "method": op.method,
                            "receipt_no": op.receipt_no, "by": payer.login, **d})  # fmt: skip
        s.flush()
        s.expunge(op)
        return op


def rollback(db: Db, actor: Actor, op_no: int, note: Note) -> None:
    with write(db, actor, MANAGE) as s:
        op = s.get(CardOp, op_no, with_for_update=True)
        assert op is not None
        if op.state != PENDING:
            return
        op.state, op.finished_at, op.note = ROLLED_BACK, utcnow(), str(note)
        if op.kind in (OpKind.ISSUE.value, OpKind.REPLACE.value):
            card = s.scalar(select(Card).where(Card.card_no == op.card_no))
            if card is not None and card.state == CardStatus.ISSUING.value:
                card.state, card.closed_at = CardStatus.VOID.value, utcnow()
        audit.append(s, actor, f"card.{op.kind}.rolled_back", "card_op", op.op_no,
                     after={"card_no": op.card_no, "amount_fen": op.amount_fen, "note": str(note)})  # fmt: skip


def _relink_user(s: Session, user_id: uuid.UUID, old: int | None, new: int | None) -> None:
    """Keep charging_user.card_no (the user's primary card) pointing at a card that is in use."""
    user = s.get(ChargingUser, user_id)
    if user is not None and (user.card_no is None or (old is not None and user.card_no == str(old))):
        user.card_no = str(new) if new is not None else None


def _snapshot(card: Card | None) -> dict[str, Any]:
    if card is None:
        return {}
    return {"card_no": card.card_no, "state": card.state, "balance_fen": card.balance_fen, "counter": card.counter,
            "deposit_fen": card.deposit_fen}  # fmt: skip


def pending_ops(db: Db, uid: str) -> list[CardOp]:
    with db() as s:
        ops = list(s.scalars(select(CardOp).where(CardOp.uid == uid, CardOp.state == PENDING).order_by(CardOp.op_no)))
        s.expunge_all()
        return ops


def resolve(db: Db, actor: Actor, s: cardapp.Session, st: CardState | None, op: CardOp, ctx: CardContext,
            notes: list[Note]) -> CardState | None:  # fmt: skip
    """Finish or roll back an op a tear interrupted, by what the card shows."""
    kind, d, amount = OpKind(op.kind), json.loads(op.detail), format_money(op.amount_fen)
    what = OP_NAMES[kind]
    if kind in (OpKind.ISSUE, OpKind.REPLACE):
        if st is None:
            write_issue(s, ctx, op.card_no, d)
            st = read(s, ctx)
        if st is not None and st.card_no == op.card_no:
            n = Note(f"上次中断的{what[0]}已完成（卡号 {op.card_no}）", f"the interrupted {what[1]} was completed "
                     f"(card {op.card_no})")  # fmt: skip
            commit(db, actor, op.op_no, st, n)
            notes.append(n)
            return st
    done = st is not None and (
        (kind in (OpKind.TOPUP, OpKind.UNGREY, OpKind.RETURN) and st.seal.desk_op == op.op_no)
        or (kind is OpKind.MONTHLY and st.monthly_until == int(d.get("until", -1))))
    if kind is OpKind.RETURN and (st is None or done):
        cardapp.wipe(s, CardKeys(s.uid, ctx.master))
        n = Note(f"上次中断的退卡已完成，退款 {format_money(op.old_balance_fen or 0)}",
                 f"the interrupted card return was completed; refund {format_money(op.old_balance_fen or 0)}")
        commit(db, actor, op.op_no, None, n)
        notes.append(n)
        return None
    if done and st is not None:
        if kind is OpKind.UNGREY and st.lock is not None:
            st = cardapp.clear_lock(s, st)
        n = Note(f"上次中断的{what[0]}（{amount}）已写入卡内，现已入账", f"the interrupted {what[1]} ({amount}) had "
                 "reached the card and is now booked")  # fmt: skip
        commit(db, actor, op.op_no, st, n)
    else:
        n = Note(f"上次中断的{what[0]}（{amount}）没有写入卡内，已撤销：卡内余额未变，请退还款项或重新办理",
                 f"the interrupted {what[1]} ({amount}) did not reach the card and was cancelled: the card is "
                 "unchanged — give the money back or do it again")  # fmt: skip
        rollback(db, actor, op.op_no, n)
    notes.append(n)
    return st


OP_NAMES: dict[OpKind, tuple[str, str]] = {
    OpKind.ISSUE: ("发卡", "card issue"), OpKind.TOPUP: ("充值", "top-up"),
    OpKind.MONTHLY: ("包月开通", "monthly activation"), OpKind.UNGREY: ("解灰", "un-grey"),
    OpKind.RETURN: ("退卡", "card return"), OpKind.REPLACE: ("补卡", "replacement"),
    OpKind.LOSS: ("挂失", "loss report"), OpKind.SYNC: ("桩上消费同步", "pile spending synced"),
    OpKind.UNLOSS: ("解挂", "loss report undone"),
}  # fmt: skip


def write_issue(s: cardapp.Session, ctx: CardContext, card_no: int, d: dict[str, Any]) -> None:
    kind = L.CardKind[str(d["kind"]).upper()]
    keys = CardKeys(s.uid, ctx.master)
    cardapp.issue(s, keys, L.Directory(ctx.issuer, card_no, kind, ctx.operator_name),
                  L.Identity(uuid.UUID(d["user_id"]), card_no, kind, int(d["issue_day"])),
                  balance_fen=int(d["balance_fen"]), monthly_until=int(d.get("monthly_until", 0)))  # fmt: skip


def sync(db: Db, actor: Actor, st: CardState, notes: list[Note]) -> None:
    """Bring the register up to the card: pile spending and pile refunds since the desk last saw it."""
    with write(db, actor, MANAGE) as s:
        card = s.scalar(select(Card).where(Card.card_no == st.card_no).with_for_update())
        if card is None or card.state not in (CardStatus.ACTIVE.value, CardStatus.LOST.value):
            return
        if st.counter < card.counter or (st.counter == card.counter and st.balance_fen != card.balance_fen):
            raise CardTampered("交易计数倒退（旧卡数据被写回？）/ the transaction counter went back (an old dump "
                               "written back?)")  # fmt: skip
        if st.counter == card.counter:
            return
        delta = st.balance_fen - card.balance_fen
        op = CardOp(card_no=card.card_no, uid=card.uid, kind=OpKind.SYNC.value, state=DONE, amount_fen=delta,
                    old_balance_fen=card.balance_fen, new_balance_fen=st.balance_fen, old_counter=card.counter,
                    new_counter=st.counter, detail="{}", actor_id=actor.account_id, finished_at=utcnow())  # fmt: skip
        if delta:
            post(s, actor, TxnKind.CARD_SYNC, delta, key=f"cardsync:{card.card_no}:{st.counter}",
                 reference=f"card:{card.card_no}")  # fmt: skip
            word = ("充电桩退回", "piles gave back") if delta > 0 else ("充电桩消费", "spent at piles")
            n = Note(f"自上次读卡以来{word[0]} {format_money(abs(delta))}", f"since the last tap: {word[1]} "
                     f"{format_money(abs(delta))}")  # fmt: skip
            notes.append(n)
            op.note = str(n)
        before = _snapshot(card)
        card.balance_fen, card.counter = st.balance_fen, st.counter
        s.add(op)
        audit.append(s, actor, "card.sync", "card", card.id, before=before, after=_snapshot(card))


def open_card(db: Db, actor: Actor, io: CardIO, ctx: CardContext) -> tuple[cardapp.Session, CardState | None,
                                                                           list[Note]]:  # fmt: skip
    """What every operation starts with: select, read, check, recover, settle pending ops, sync."""
    s = session(io, ctx)
    st = read(s, ctx)
    notes: list[Note] = []
    for op in pending_ops(db, uid_hex(s)):
        st = resolve(db, actor, s, st, op, ctx, notes)
    if st is not None:
        sync(db, actor, st, notes)
    return s, st, notes
