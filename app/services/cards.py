"""The card desk (M4.1–M4.3, M2.2): tap, issue, top up, monthly card, un-grey (解灰), return (退卡), loss report
(挂失) and blacklist, replacement (补卡) with the balance carried over.

Every operation that writes a card is two-phase and tear-safe (app.services.card_flow): pending op →
card written → read back → commit. A card pulled away is settled on its next tap, which any operation
starts with. Role: MANAGE_CARDS (card desk clerks). The reader is a ``CardIO`` (the PN532 driver, or a
card held in memory); the GUI calls these functions off its own thread.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain.card_states import BLACKLISTED, CardStatus
from app.domain.errors import NotFound, ValidationError
from app.domain.money import format_money, require_fen
from app.domain.permissions import Actor, require
from app.services import audit, card_blacklist
from app.services.card_flow import (
    DONE,
    MANAGE,
    Note,
    OpKind,
    begin,
    commit,
    open_card,
    read,
    uid_hex,
    write_issue,
)
from app.services.card_keys import CardContext
from app.services.unit import Db, write
from app.services.unit import read as read_unit
from comm.mifare import cardapp
from comm.mifare import layout as L
from comm.mifare.cardapp import CardIO, CardState
from comm.mifare.errors import CardLocked, CardTampered
from comm.pn532.errors import CardRemoved
from db.models import OfflineRecord, Pile
from db.models_cards import Card, CardOp
from db.models_people import ChargingUser
from db.types import utcnow

CARD_KINDS = ("stored", "monthly", "free", "staff")
FIRST_CARD_NO = 100001


@dataclass(frozen=True, slots=True)
class LockView:
    pile_code: str | None  # None: not a pile of this console
    port: int
    at: dt.datetime
    held_fen: int
    session_id: int


@dataclass(frozen=True, slots=True)
class CardView:
    """A tapped card as the clerk sees it (state "blank" for a card not issued yet)."""

    uid: str
    card_no: int
    state: str
    kind: str = ""
    user_id: uuid.UUID | None = None
    holder: str = ""
    phone: str = ""
    address: str = ""
    balance_fen: int = 0
    deposit_fen: int = 0
    counter: int = 0
    monthly_until: dt.datetime | None = None
    lock: LockView | None = None
    lock_damaged: bool = False
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, slots=True)
class CardResult:
    """What an operation did — everything a receipt needs."""

    op_no: int
    kind: OpKind
    card_no: int
    amount_fen: int
    balance_before_fen: int
    balance_after_fen: int
    deposit_fen: int
    method: str | None
    receipt_no: str | None
    actor_login: str
    at: dt.datetime
    holder: str
    view: CardView


def _view(db: Db, st: CardState | None, uid: str, notes: list[Note]) -> CardView:
    if st is None:
        return CardView(uid, 0, "blank", notes=tuple(notes))
    with db() as s:
        row = s.execute(select(Card, ChargingUser).join(ChargingUser, ChargingUser.id == Card.user_id)
                        .where(Card.card_no == st.card_no)).one_or_none()  # fmt: skip
        lock = None
        if isinstance(st.lock, L.GreyLock):
            codes = {L.pile_number(c): c for c in s.scalars(select(Pile.code))}
            lk = st.lock
            lock = LockView(codes.get(lk.pile_no), lk.port, dt.datetime.fromtimestamp(lk.time, dt.UTC), lk.held_fen,
                            lk.session_id)  # fmt: skip
    until = dt.datetime.fromtimestamp(st.monthly_until, dt.UTC) if st.monthly_until else None
    base = dict(kind=st.identity.kind.code, balance_fen=st.balance_fen, counter=st.counter, monthly_until=until,
                lock=lock, lock_damaged=st.lock is False, notes=tuple(notes))  # fmt: skip
    if row is None:  # ours (keys and MACs are right) but not in this database: e.g. a simulator resident's card
        return CardView(uid, st.card_no, "unregistered", **base)  # type: ignore[arg-type]
    card, user = row
    addr = "-".join(x for x in (user.building, user.unit, user.room) if x)
    return CardView(uid, st.card_no, card.state, user_id=user.id, holder=user.name, phone=user.phone, address=addr,
                    deposit_fen=card.deposit_fen, **base)  # type: ignore[arg-type]  # fmt: skip


def tap(actor: Actor, db: Db, io: CardIO, ctx: CardContext) -> CardView:
    """Read the card on the reader: holder, balance, state; settles an interrupted operation first."""
    require(actor, MANAGE)
    s, st, notes = open_card(db, actor, io, ctx)
    return _view(db, st, uid_hex(s), notes)


def _active(db: Db, actor: Actor, io: CardIO, ctx: CardContext, card_no: int) -> tuple[cardapp.Session, CardState,
                                                                                      Card, list[Note]]:  # fmt: skip
    require(actor, MANAGE)
    s, st, notes = open_card(db, actor, io, ctx)
    if st is None or st.card_no != card_no:
        raise ValidationError(f"读卡器上不是卡 {card_no}，请放上正确的卡",
                              f"the card on the reader is not card {card_no}", field="card")  # fmt: skip
    with db() as dbs:
        card = dbs.scalar(select(Card).where(Card.card_no == card_no))
        if card is None:
            raise NotFound("IC 卡", "card", card_no)
        dbs.expunge(card)
    if card.state != CardStatus.ACTIVE.value:
        raise ValidationError(f"卡 {card_no} 状态为 {card.state}，不能办理", f"card {card_no} is {card.state}",
                              field="card")  # fmt: skip
    return s, st, card, notes


def _result(db: Db, op: CardOp, s: cardapp.Session, st: CardState | None, notes: list[Note], *, before: int,
            after: int, deposit: int = 0) -> CardResult:  # fmt: skip
    view = _view(db, st, uid_hex(s), notes)
    with db() as dbs:
        from db.models_people import StaffAccount

        login = dbs.scalar(select(StaffAccount.login).where(StaffAccount.id == op.actor_id)) or "-"
    return CardResult(op.op_no, OpKind(op.kind), op.card_no, op.amount_fen, before, after, deposit, op.method,
                      op.receipt_no, login, op.finished_at or utcnow(), view.holder, view)  # fmt: skip


def _readback(s: cardapp.Session, ctx: CardContext) -> CardState:
    st = read(s, ctx)
    if st is None:
        raise CardRemoved("read-back")
    return st


def _change(db: Db, actor: Actor, io: CardIO, ctx: CardContext, *, card_no: int, kind: OpKind, new_balance: int,
            amount_fen: int, method: str | None, detail: dict[str, object], note: Note,
            allow_locked: bool = True) -> CardResult:  # fmt: skip
    s, st, _, notes = _active(db, actor, io, ctx, card_no)
    if not allow_locked and st.lock is not None:
        raise CardLocked("先解灰 / un-grey first")
    new = new_balance if new_balance >= 0 else st.balance_fen - new_balance  # negative: relative
    op_no = begin(db, actor, kind=kind, card_no=card_no, uid=uid_hex(s), amount_fen=amount_fen, method=method, old=st,
                  new_balance_fen=new, detail=detail)  # fmt: skip
    st2 = cardapp.change_balance(s, st, new, op_no=op_no, desk_op=op_no)
    if kind is OpKind.UNGREY:
        st2 = cardapp.clear_lock(s, st2)
    back = _readback(s, ctx)
    if back.seal.desk_op != op_no or back.balance_fen != new:
        raise CardTampered("写后读不一致 / read-back does not match")
    op = commit(db, actor, op_no, back, note)
    notes.append(note)
    return _result(db, op, s, back, notes, before=st.balance_fen, after=new)


def top_up(actor: Actor, db: Db, io: CardIO, ctx: CardContext, *, card_no: int, amount_fen: int,
           method: str = "cash") -> CardResult:  # fmt: skip
    require(actor, MANAGE)
    require_fen(amount_fen)
    note = Note(f"充值 {format_money(amount_fen)} 已写入卡 {card_no}", f"top-up of {format_money(amount_fen)} written "
                f"to card {card_no}")  # fmt: skip
    return _change(db, actor, io, ctx, card_no=card_no, kind=OpKind.TOPUP, new_balance=-amount_fen,
                   amount_fen=amount_fen, method=method, detail={}, note=note)  # fmt: skip


def pile_record(db: Db, card_no: int, lock: L.GreyLock) -> OfflineRecord | None:
    """The pile's transaction record of the charge that locked the card (card number, session, pile)."""
    with db() as s:
        rows = s.execute(select(OfflineRecord, Pile.code).join(Pile, Pile.id == OfflineRecord.pile_id)
                         .where(OfflineRecord.card_no == card_no, OfflineRecord.session_id == lock.session_id)).all()
        for rec, code in rows:
            if L.pile_number(code) == lock.pile_no:
                s.expunge(rec)
                return rec  # type: ignore[no-any-return]
    return None


def ungrey(actor: Actor, db: Db, io: CardIO, ctx: CardContext, *, card_no: int, refund_fen: int | None = None,
           reason: str = "") -> CardResult:  # fmt: skip
    """Settle a grey-locked card: from the pile's record (refund_fen None), or by the clerk's decision with a
    reason when the record can't be had (0 … the amount held goes back on the card)."""
    require(actor, MANAGE)
    _, st, _, _ = _active(db, actor, io, ctx, card_no)
    if st.lock is None:
        raise ValidationError("这张卡没有灰锁", "this card is not grey-locked", field="card")
    held = st.lock.held_fen if isinstance(st.lock, L.GreyLock) else 0
    if refund_fen is None:
        rec = pile_record(db, card_no, st.lock) if isinstance(st.lock, L.GreyLock) else None
        if rec is None:
            raise ValidationError("还没有收到充电桩的这条交易记录：请稍后再试，或填写原因人工解灰",
                                  "the pile's record of this charge has not arrived: try later, or decide by hand "
                                  "with a reason", field="record")  # fmt: skip
        amount, detail = rec.refund_fen, {"record_seq": rec.seq, "session_id": rec.session_id, "held_fen": held,
                                          "charged_fen": rec.amount_fen, "reason": "pile record"}  # fmt: skip
    else:
        if not reason.strip():
            raise ValidationError("人工解灰必须填写原因", "un-greying by hand needs a reason", field="reason")
        if isinstance(refund_fen, bool) or not isinstance(refund_fen, int) or not 0 <= refund_fen <= max(held, 0):
            raise ValidationError(f"退回金额应在 0 到 {format_money(held)} 之间",
                                  f"the amount back must be 0 … {format_money(held)}", field="amount")  # fmt: skip
        amount, detail = refund_fen, {"held_fen": held, "reason": reason.strip(), "by_hand": True}
    note = Note(f"解灰完成，退回卡内 {format_money(amount)}", f"un-greyed; {format_money(amount)} back on the card")
    return _change(db, actor, io, ctx, card_no=card_no, kind=OpKind.UNGREY, new_balance=-amount, amount_fen=amount,
                   method=None, detail=detail, note=note)  # fmt: skip


def activate_monthly(actor: Actor, db: Db, io: CardIO, ctx: CardContext, *, card_no: int, until: dt.datetime,
                     fee_fen: int, method: str = "cash") -> CardResult:  # fmt: skip
    """包月: the card is valid for free charging until ``until``; the fee goes to revenue."""
    require(actor, MANAGE)
    require_fen(fee_fen, positive=False)
    s, st, card, notes = _active(db, actor, io, ctx, card_no)
    if card.kind != "monthly":
        raise ValidationError("只有包月卡可以开通包月", "only a monthly card can be activated", field="card")
    ts = int(until.timestamp())
    if ts <= max(st.monthly_until, int(utcnow().timestamp())):
        raise ValidationError("新的到期时间必须晚于现在和原到期时间", "the new expiry must be later than now and the "
                              "old one", field="until")  # fmt: skip
    op_no = begin(db, actor, kind=OpKind.MONTHLY, card_no=card_no, uid=uid_hex(s), amount_fen=fee_fen,
                  method=method, detail={"until": ts, "previous": st.monthly_until})  # fmt: skip
    cardapp.set_monthly(s, st, ts)
    back = _readback(s, ctx)
    if back.monthly_until != ts:
        raise CardTampered("写后读不一致 / read-back does not match")
    note = Note(f"包月已开通至 {until:%Y-%m-%d}", f"monthly card valid until {until:%Y-%m-%d}")
    op = commit(db, actor, op_no, back, note)
    notes.append(note)
    return _result(db, op, s, back, notes, before=st.balance_fen, after=st.balance_fen)


def issue(actor: Actor, db: Db, io: CardIO, ctx: CardContext, *, user_id: uuid.UUID, kind: str = "stored",
          deposit_fen: int = 0, initial_fen: int = 0, method: str = "cash",
          monthly_until: dt.datetime | None = None) -> CardResult:  # fmt: skip
    """Issue the blank card on the reader to ``user_id``: deposit and first top-up paid in."""
    require(actor, MANAGE)
    require_fen(deposit_fen, positive=False)
    require_fen(initial_fen, positive=False)
    if kind not in CARD_KINDS:
        raise ValidationError(f"未知的卡类型：{kind}", f"unknown card type: {kind}", field="kind")
    s, st, notes = open_card(db, actor, io, ctx)
    if st is not None:
        raise ValidationError(f"这张卡已发行（卡号 {st.card_no}）", f"this card is already issued (card {st.card_no})",
                              field="card")  # fmt: skip
    return _issue(actor, db, s, ctx, notes, kind=OpKind.ISSUE, user_id=user_id, card_kind=kind,
                  deposit_fen=deposit_fen, deposit_paid_fen=deposit_fen, balance_fen=initial_fen,
                  amount_fen=initial_fen, method=method, monthly_until=monthly_until, extra={})  # fmt: skip


def _issue(actor: Actor, db: Db, s: cardapp.Session, ctx: CardContext, notes: list[Note], *, kind: OpKind,
           user_id: uuid.UUID, card_kind: str, deposit_fen: int, deposit_paid_fen: int, balance_fen: int,
           amount_fen: int, method: str, monthly_until: dt.datetime | None, extra: dict[str, object]) -> CardResult:
    uid = uid_hex(s)
    for attempt in range(8):  # two desks may take the same next number: the UNIQUE card_no decides, retry
        try:
            card_no, name = _new_card(db, actor, uid, user_id, card_kind, deposit_fen, monthly_until)
            break
        except IntegrityError:
            if attempt == 7:
                raise
    until = int(monthly_until.timestamp()) if monthly_until and card_kind == "monthly" else 0
    detail = {"user_id": str(user_id), "kind": card_kind, "issue_day": L.day_of(utcnow().date()),
              "balance_fen": balance_fen, "monthly_until": until, "deposit_fen": deposit_fen,
              "deposit_paid_fen": deposit_paid_fen, **extra}  # fmt: skip
    op_no = begin(db, actor, kind=kind, card_no=card_no, uid=uid, amount_fen=amount_fen, method=method,
                  new_balance_fen=balance_fen, detail=detail)  # fmt: skip
    write_issue(s, ctx, card_no, detail)
    back = _readback(s, ctx)
    if back.card_no != card_no or back.balance_fen != balance_fen:
        raise CardTampered("写后读不一致 / read-back does not match")
    note = Note(f"卡 {card_no} 已发给 {name}", f"card {card_no} issued to {name}")
    op = commit(db, actor, op_no, back, note)
    notes.append(note)
    return _result(db, op, s, back, notes, before=0, after=balance_fen, deposit=deposit_paid_fen)


def _new_card(db: Db, actor: Actor, uid: str, user_id: uuid.UUID, kind: str, deposit_fen: int,
              monthly_until: dt.datetime | None) -> tuple[int, str]:  # fmt: skip
    with write(db, actor, MANAGE) as dbs:
        user = dbs.get(ChargingUser, user_id)
        if user is None:
            raise NotFound("用户", "user", user_id)
        if not user.active:
            raise ValidationError(f"用户 {user.name} 已停用", f"user {user.name} is deactivated", field="user")
        card_no = max(FIRST_CARD_NO - 1, dbs.scalar(select(Card.card_no).order_by(Card.card_no.desc()).limit(1))
                      or 0) + 1  # fmt: skip
        dbs.add(Card(card_no=card_no, uid=uid, user_id=user_id, kind=kind, state=CardStatus.ISSUING.value,
                     deposit_fen=deposit_fen, balance_fen=0, counter=0,
                     monthly_until=monthly_until if kind == "monthly" else None))  # fmt: skip
        return card_no, user.name


def return_card(actor: Actor, db: Db, io: CardIO, ctx: CardContext, *, card_no: int,
                method: str = "cash") -> CardResult:  # fmt: skip
    """退卡: the balance and the deposit are paid back, the card is wiped for reuse."""
    s, st, card, notes = _active(db, actor, io, ctx, card_no)
    if st.lock is not None:
        raise CardLocked("退卡前请先解灰 / un-grey before returning the card")
    op_no = begin(db, actor, kind=OpKind.RETURN, card_no=card_no, uid=uid_hex(s), amount_fen=st.balance_fen
                  + card.deposit_fen, method=method, old=st, new_balance_fen=0,
                  detail={"deposit_fen": card.deposit_fen})  # fmt: skip
    st2 = cardapp.change_balance(s, st, 0, op_no=op_no, desk_op=op_no)
    assert s.keys is not None
    cardapp.wipe(s, s.keys)
    if read(s, ctx) is not None:
        raise CardTampered("退卡擦除失败 / the wipe did not take")
    total, bal, dep = (format_money(st.balance_fen + card.deposit_fen), format_money(st.balance_fen),
                       format_money(card.deposit_fen))  # fmt: skip
    note = Note(f"退卡完成，退还 {total}（余额 {bal} + 押金 {dep}）",
                f"card returned; {total} paid back (balance {bal} + deposit {dep})")
    op = commit(db, actor, op_no, None, note)
    notes.append(note)
    del st2
    return _result(db, op, s, None, notes, before=st.balance_fen, after=0, deposit=card.deposit_fen)


def report_loss(actor: Actor, db: Db, *, card_no: int, reason: str = "") -> list[int]:
    """挂失: the card is blacklisted at once (its balance stays for a replacement); the piles' list gets a new
    version in the same commit and the engine pushes it to every pile (app.engine.blacklist). Returns the
    blacklist."""
    with write(db, actor, MANAGE) as s:
        card = s.scalar(select(Card).where(Card.card_no == card_no).with_for_update())
        if card is None:
            raise NotFound("IC 卡", "card", card_no)
        if card.state != CardStatus.ACTIVE.value:
            raise ValidationError(f"卡 {card_no} 状态为 {card.state}", f"card {card_no} is {card.state}", field="card")
        card.state, card.closed_at, card.note = CardStatus.LOST.value, utcnow(), reason.strip()
        s.add(CardOp(card_no=card_no, uid=card.uid, kind=OpKind.LOSS.value, state=DONE, amount_fen=0,
                     detail="{}", note=reason.strip(), actor_id=actor.account_id, finished_at=utcnow()))  # fmt: skip
        s.flush()
        listed = card_blacklist.refresh(s, actor.login)
        audit.append(s, actor, "card.loss", "card", card.id, before={"state": "active"},
                     after={"state": "lost", "reason": reason.strip(), "balance_fen": card.balance_fen,
                            "blacklist_version": listed.version})  # fmt: skip
    return blacklist(actor, db)


def cancel_loss(actor: Actor, db: Db, *, card_no: int, reason: str = "") -> list[int]:
    """解挂: a card reported lost was found before it was replaced — it is active again and comes off the piles'
    blacklist (a new version, pushed like a loss report). Returns the blacklist."""
    if not reason.strip():
        raise ValidationError("解挂必须填写原因", "undoing a loss report needs a reason", field="reason")
    with write(db, actor, MANAGE) as s:
        card = s.scalar(select(Card).where(Card.card_no == card_no).with_for_update())
        if card is None:
            raise NotFound("IC 卡", "card", card_no)
        if card.state != CardStatus.LOST.value:
            raise ValidationError(f"只有已挂失（未补卡）的卡可以解挂；卡 {card_no} 状态为 {card.state}",
                                  f"only a card reported lost (not replaced) can be restored; card {card_no} is "
                                  f"{card.state}", field="card")  # fmt: skip
        card.state, card.closed_at = CardStatus.ACTIVE.value, None
        s.add(CardOp(card_no=card_no, uid=card.uid, kind=OpKind.UNLOSS.value, state=DONE, amount_fen=0,
                     detail="{}", note=reason.strip(), actor_id=actor.account_id, finished_at=utcnow()))  # fmt: skip
        s.flush()
        listed = card_blacklist.refresh(s, actor.login)
        audit.append(s, actor, "card.loss_cancelled", "card", card.id, before={"state": "lost"},
                     after={"state": "active", "reason": reason.strip(), "blacklist_version": listed.version})
    return blacklist(actor, db)


def blacklist(actor: Actor, db: Db) -> list[int]:
    """Card numbers the piles must refuse: reported lost (and replaced ones, in case they turn up)."""
    with read_unit(db, actor, MANAGE) as s:
        states = BLACKLISTED
        return [int(n) for n in s.scalars(select(Card.card_no).where(Card.state.in_(states)).order_by(Card.card_no))]


def replace_card(actor: Actor, db: Db, io: CardIO, ctx: CardContext, *, old_card_no: int,
                 method: str = "cash") -> CardResult:  # fmt: skip
    """补卡: a blank card on the reader becomes the lost card's successor, with its balance and deposit."""
    require(actor, MANAGE)
    with db() as dbs:
        old = dbs.scalar(select(Card).where(Card.card_no == old_card_no))
        if old is None:
            raise NotFound("IC 卡", "card", old_card_no)
        dbs.expunge(old)
    if old.state != CardStatus.LOST.value:
        raise ValidationError("只有已挂失的卡可以补卡", "only a card reported lost can be replaced", field="card")
    s, st, notes = open_card(db, actor, io, ctx)
    if st is not None:
        raise ValidationError(f"请放一张空白卡（这张是卡 {st.card_no}）", f"put a blank card on the reader (this is "
                              f"card {st.card_no})", field="card")  # fmt: skip
    until = old.monthly_until if old.kind == "monthly" else None
    return _issue(actor, db, s, ctx, notes, kind=OpKind.REPLACE, user_id=old.user_id, card_kind=old.kind,
                  deposit_fen=old.deposit_fen, deposit_paid_fen=0, balance_fen=old.balance_fen, amount_fen=0,
                  method=method, monthly_until=until, extra={"old_card_no": old_card_no})  # fmt: skip
