"""The card blacklist on the piles (M4.3 挂失 → the piles refuse the card): the desired list, kept in step with
the card states, and the push status per pile for the card desk.

``refresh`` runs inside the transaction of every card-desk use case that changes which cards are
blacklisted (loss report, undoing it): the list is re-derived from the card states and its version goes
up by one when its content changed — in the same commit, so a pile can never be told a version whose
list is not the one in the database. The engine (app.engine.blacklist) pushes the list to every pile
whose version differs, including piles that come back from being offline.

Capacity: a pile's table holds ``blacklist_capacity`` cards (400 for the ACX10A). A longer list is not
refused at the desk — the card is blacklisted here whatever happens — but the piles get the most recently
blacklisted cards, and ``push_status`` names the oldest ones left off (``not_on_piles``).

Car piles (OCPP) are listed too: theirs is the local authorization list, sent in full after every new
version (no capacity limit; a charge point without local lists is "online_only": it asks the console for
every card, and the console refuses the blocked ones).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.card_states import BLACKLISTED, CAR_NO_LOCAL_LIST
from app.domain.errors import NotFound, ValidationError
from app.domain.permissions import Actor, Permission
from app.engine.blacklist import Desired, capacity_of, load_desired
from app.engine.commands import CommandOutcome, PushBlacklist
from app.engine.ocpp_commands import SendLocalList
from app.services import remote
from app.services.unit import Db, read
from db.enums import Protocol
from db.models import Pile, Station
from db.models_cards import Card, CardBlacklist, PileBlacklist
from db.types import utcnow

MODBUS = (Protocol.MODBUS_RTU, Protocol.MODBUS_TCP)


def refresh(s: Session, actor_login: str) -> Desired:
    """Bring the desired list in line with the card states, in the caller's transaction; the version goes up
    only when the set of cards changed (a replacement moves a card from lost to replaced: no new version)."""
    cards = [int(n) for n in s.scalars(select(Card.card_no).where(Card.state.in_(BLACKLISTED))
                                       .order_by(Card.closed_at.desc(), Card.card_no.desc()))]  # fmt: skip
    row = s.get(CardBlacklist, 1, with_for_update=True)
    if row is None:
        if not cards:
            return Desired(0, ())
        row = CardBlacklist(id=1, list_version=1, cards=json.dumps(cards), updated_at=utcnow(),
                            updated_by=actor_login)
        s.add(row)
        s.flush()
        return Desired(1, tuple(cards))
    old = [int(c) for c in json.loads(row.cards)]
    if set(old) == set(cards):
        return Desired(int(row.list_version), tuple(old))
    # Cards already listed keep their place (their age); newly listed ones go in front.
    known, wanted = set(old), set(cards)
    ordered = [c for c in cards if c not in known] + [c for c in old if c in wanted]
    row.list_version, row.cards, row.updated_at, row.updated_by = (row.list_version + 1, json.dumps(ordered),
                                                                   utcnow(), actor_login)  # fmt: skip
    s.flush()
    return Desired(int(row.list_version), tuple(ordered))


@dataclass(frozen=True, slots=True)
class PilePush:
    """One pile's side of the blacklist, for the desk's table."""

    pile_id: uuid.UUID
    code: str
    station_code: str
    online: bool
    version: int  # what the pile reported or confirmed last (0: none)
    entries: int | None  # cards confirmed by read-back at the last push (None: version seen only)
    # current | pending (online, being pushed) | offline (gets it when back) | failed | unsupported (a model
    # without a blacklist) | online_only (a car charge point without local lists: checks every card online)
    state: str
    seen_at: dt.datetime | None
    pushed_at: dt.datetime | None
    error: str | None  # why the last push failed (state "failed"; kept for "pending" until a push succeeds)
    car: bool = False  # an OCPP car pile: its local authorization list


@dataclass(frozen=True, slots=True)
class BlacklistPushStatus:
    version: int  # the desired version (0: no card was ever blacklisted)
    cards: tuple[int, ...]  # the whole list, most recently blacklisted first
    capacity: int  # cards the smallest pile table holds (what every pile gets)
    not_on_piles: tuple[int, ...]  # the oldest cards left off because the list is longer than that
    piles: tuple[PilePush, ...]

    def count(self, state: str) -> int:
        return sum(1 for p in self.piles if p.state == state)

    @property
    def total(self) -> int:
        """Piles that hold a blacklist (models without one, and car piles without local lists, are not counted)."""
        return sum(1 for p in self.piles if p.state not in ("unsupported", "online_only"))

    @property
    def summary(self) -> tuple[str, str]:
        """(zh, en) one line for the desk, e.g. "pushed to 70 of 72 piles; 2 offline will get it when they return"."""
        cur, total, off, bad, pend = (self.count("current"), self.total, self.count("offline"), self.count("failed"),
                                      self.count("pending"))  # fmt: skip
        zh = [f"黑名单第 {self.version} 版已下发到 {cur}/{total} 台充电桩"]
        en = [f"blacklist version {self.version} is on {cur} of {total} piles"]
        if pend:
            zh.append(f"{pend} 台正在下发")
            en.append(f"{pend} being pushed")
        if off:
            zh.append(f"{off} 台离线，恢复在线后自动下发")
            en.append(f"{off} offline will get it when they return")
        if bad:
            zh.append(f"{bad} 台下发失败，稍后自动重试")
            en.append(f"{bad} failed, retried automatically")
        if online := self.count("online_only"):
            zh.append(f"{online} 台汽车桩无本地名单，每次刷卡在线核验")
            en.append(f"{online} car piles without a local list check every card online")
        if self.not_on_piles:
            zh.append(f"名单超出桩内容量 {self.capacity}，最早的 {len(self.not_on_piles)} 张卡未下发")
            en.append(f"the list exceeds the piles' {self.capacity} entries: the {len(self.not_on_piles)} "
                      "oldest cards are not on the piles")
        return "；".join(zh), "; ".join(en)


def _state(desired: int, cap: int, online: bool, row: PileBlacklist | None) -> str:
    if cap == 0:
        return "unsupported"
    if desired == 0 or (row is not None and row.list_version == desired):
        return "current"
    if not online:
        return "offline"
    if row is not None and row.error is not None and row.failed_at is not None:
        return "failed"
    return "pending"


def _car_state(desired: int, online: bool, row: PileBlacklist | None) -> str:
    if desired == 0 or (row is not None and row.list_version == desired):
        return "current"
    if row is not None and row.error == CAR_NO_LOCAL_LIST:
        return "online_only"
    return _state(desired, 1, online, row)


def push_status(actor: Actor, db: Db) -> BlacklistPushStatus:
    """Where the blacklist stands on every enabled pile: e-bike piles' tables, car piles' local lists."""
    with read(db, actor, Permission.MANAGE_CARDS) as s:
        desired = load_desired(s)
        rows = s.execute(select(Pile, Station.code, PileBlacklist).join(Station, Station.id == Pile.station_id)
                         .outerjoin(PileBlacklist, PileBlacklist.pile_id == Pile.id)
                         .where(Pile.enabled.is_(True), Pile.protocol.in_((*MODBUS, Protocol.OCPP16)))
                         .order_by(Station.code, Pile.code)).all()  # fmt: skip
        piles = []
        caps = []
        for pile, station_code, row in rows:
            car, online = pile.protocol == Protocol.OCPP16, bool(pile.online)
            cap = 0 if car else capacity_of(pile.model)
            if cap:
                caps.append(cap)
            state = _car_state(desired.version, online, row) if car else _state(desired.version, cap, online, row)
            error = row.error if row is not None and state != "online_only" else None
            piles.append(PilePush(
                pile.id, pile.code, station_code, online, int(row.list_version) if row else 0,
                row.entries if row else None, state, row.seen_at if row else None, row.pushed_at if row else None,
                error, car=car))
    capacity = min(caps, default=0)
    left_off = desired.cards[capacity:] if caps else ()
    return BlacklistPushStatus(desired.version, desired.cards, capacity, left_off, tuple(piles))


def push_now(actor: Actor, db: Db, engine: remote.CommandEngine, pile_id: uuid.UUID
             ) -> concurrent.futures.Future[CommandOutcome]:
    """Push the current list to one pile at once (a desk's "retry now"), instead of waiting for the engine's
    back-off after a failure. Role-checked and audited like every remote command; the engine records the
    outcome in the pile's push status whoever sent it."""
    with read(db, actor, Permission.MANAGE_CARDS) as s:
        desired = load_desired(s)
        found = s.execute(select(Pile.model, Pile.protocol).where(Pile.id == pile_id)).first()
    if found is None:
        raise NotFound("充电桩", "pile", pile_id)
    model, protocol = found
    if protocol == Protocol.OCPP16:  # a car pile: its whole local authorization list, blocked cards included
        if desired.version == 0:
            raise ValidationError("没有可下发的黑名单", "there is no blacklist to push", field="pile")
        return remote.submit(actor, db, engine, SendLocalList(pile_id, issued_by=actor.login))
    cap = capacity_of(model)
    if desired.version == 0 or cap == 0:
        raise ValidationError("没有可下发的黑名单（或这台桩不支持黑名单）",
                              "there is no blacklist to push (or this pile model has none)", field="pile")
    return remote.submit(actor, db, engine, PushBlacklist(pile_id, desired.version, desired.cards[:cap],
                                                          issued_by=actor.login))
