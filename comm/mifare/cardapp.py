"""ChargeDesk's card application on any MIFARE Classic interface: read, verify, issue, change the
balance tear-safely, recover after a tear, grey-lock, monthly validity, wipe.

Works over a ``CardIO`` — the PN532 driver at the desk, or ``DirectIO`` on an in-memory card for the
simulated piles — so the desk and the piles run the very same code on the very same layout.

Balance change (one command per line; the card may leave the field after any of them):
  1. write the intent (op number, old counter, old and new balance) and its MAC   — sector 3
  2. increment/decrement the purse by the difference, transfer it to the purse     — sector 2
  3. write the seal (counter + 1, new balance, MAC)                                 ← commit point
  4. restore the purse, transfer it to the backup
Reading after a tear: purse = backup = seal → clean; seal new and backup old → fix the backup (the
change happened); seal old and purse changed → put the purse back from the backup (it did not).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from comm.mifare import layout as L
from comm.mifare.classic import TRANSPORT_KEY, CardNak, MifareClassic1K, ValueBlockError, parse_value_block, value_block
from comm.mifare.errors import BlankCard, CardTampered, ForeignCard
from comm.mifare.keys import MAD_KEY_A, CardKeys
from comm.pn532.errors import AccessDenied, AuthFailed, CardRemoved, NoCard, ReaderError


class CardIO(Protocol):
    def select_uid(self) -> bytes: ...

    def auth(self, block: int, key_type: str, key: bytes, uid: bytes | None = None) -> None: ...

    def read(self, block: int) -> bytes: ...

    def write(self, block: int, data: bytes) -> None: ...

    def increment(self, block: int, amount: int) -> None: ...

    def decrement(self, block: int, amount: int) -> None: ...

    def restore(self, block: int) -> None: ...

    def transfer(self, block: int) -> None: ...


class DirectIO:
    """CardIO on a card held in memory (a simulated pile's card slot): the card's NAKs become the same
    errors the PN532 driver raises; ``present=False`` makes every command fail as an empty slot."""

    def __init__(self, card: MifareClassic1K) -> None:
        self.card = card
        self.present = True
        self.commands = 0
        self.tear_in: int | None = None  # tests: the card leaves after this many more commands

    def _do(self, what: str, fn: object, *args: object, auth_block: int | None = None) -> object:
        if not self.present:
            raise CardRemoved(what)
        self.commands += 1
        if self.tear_in is not None:
            self.tear_in -= 1
            if self.tear_in <= 0:
                self.tear_in, self.present = None, False
        try:
            return fn(*args)  # type: ignore[operator]
        except CardNak as nak:
            if nak.auth and auth_block is not None:
                raise AuthFailed(auth_block) from None
            raise AccessDenied(str(nak), int(args[0]) if args and isinstance(args[0], int) else -1) from None

    def select_uid(self) -> bytes:
        if not self.present:
            raise NoCard()
        self.card.select()
        return self.card.uid

    def auth(self, block: int, key_type: str, key: bytes, uid: bytes | None = None) -> None:
        self._do("auth", self.card.authenticate, block, key_type, key, uid or self.card.uid, auth_block=block)

    def read(self, block: int) -> bytes:
        return self._do("read", self.card.read, block)  # type: ignore[return-value]

    def write(self, block: int, data: bytes) -> None:
        self._do("write", self.card.write, block, data)

    def increment(self, block: int, amount: int) -> None:
        self._do("increment", self.card.increment, block, amount)

    def decrement(self, block: int, amount: int) -> None:
        self._do("decrement", self.card.decrement, block, amount)

    def restore(self, block: int) -> None:
        self._do("restore", self.card.restore, block)

    def transfer(self, block: int) -> None:
        self._do("transfer", self.card.transfer, block)


class Session:
    """Authenticates sectors as needed (Key A to read, Key B to write) and remembers which one is open."""

    def __init__(self, io: CardIO, keys: CardKeys | None = None, uid: bytes | None = None) -> None:
        self.io = io
        self.uid = uid if uid is not None else io.select_uid()
        self.keys = keys
        self._open: tuple[int, str] | None = None

    def reselect(self) -> None:
        self._open = None
        uid = self.io.select_uid()
        if uid != self.uid:
            raise CardRemoved("another card")

    def need(self, sector: int, key_type: str, key: bytes | None = None) -> None:
        if self._open == (sector, key_type) and key is None:
            return
        if key is None:
            assert self.keys is not None
            key = self.keys.key(sector, key_type)
        self._open = None
        try:
            self.io.auth(sector * 4, key_type, key, self.uid)
        except ReaderError:
            self._open = None
            raise
        self._open = (sector, key_type)

    def read(self, block: int, key_type: str = "A") -> bytes:
        self.need(block // 4, key_type)
        return self.io.read(block)

    def write(self, block: int, data: bytes) -> None:
        self.need(block // 4, "B")
        self.io.write(block, data)


class Recovery(StrEnum):
    NONE = "none"
    BACKUP_FIXED = "backup_fixed"  # the change had been committed; only the backup lagged
    ROLLED_BACK = "rolled_back"  # the change had not been committed; the purse was put back


@dataclass(frozen=True, slots=True)
class CardState:
    uid: bytes
    directory: L.Directory
    identity: L.Identity
    monthly_until: int  # Unix seconds; 0 = not a monthly card or never activated
    seal: L.Seal
    purse_fen: int | None
    backup_fen: int | None
    intent: L.Intent | None
    lock: L.GreyLock | bool | None  # False: a lock flag with a bad MAC

    @property
    def card_no(self) -> int:
        return self.identity.card_no

    @property
    def balance_fen(self) -> int:
        return self.seal.balance_fen

    @property
    def counter(self) -> int:
        return self.seal.counter

    @property
    def clean(self) -> bool:
        return self.purse_fen == self.backup_fen == self.seal.balance_fen


def _value(b: bytes) -> int | None:
    try:
        return parse_value_block(b)[0]
    except ValueBlockError:
        return None


def read_directory(s: Session) -> L.Directory | None:
    """Sector 0 with the public key; None for a blank (transport) card; ForeignCard for another system."""
    try:
        s.need(0, "A", MAD_KEY_A)
    except AuthFailed:
        s.reselect()
        try:
            s.need(0, "A", TRANSPORT_KEY)
        except AuthFailed:
            raise ForeignCard("") from None
        return None
    b1 = s.io.read(L.DIRECTORY)
    if b1 == bytes(16):
        return None  # a wipe torn after clearing the directory: blank
    d = L.Directory.parse(b1, s.io.read(L.ISSUER_NAME))
    if d is None:
        raise ForeignCard("")
    return d


def read_card(s: Session, *, issuer: int) -> CardState:
    """Everything on the card, checked: BlankCard, ForeignCard or CardTampered when it isn't ours or right."""
    d = read_directory(s)
    if d is None:
        raise BlankCard(s.uid)
    if d.issuer != issuer:
        raise ForeignCard(d.issuer_name)
    assert s.keys is not None
    try:
        b4, b5, b6 = s.read(L.USER), s.read(L.IDENTITY), s.read(L.MONTHLY)
    except AuthFailed:
        raise CardTampered("密钥不符 / keys do not match") from None
    ident = L.Identity.parse(s.keys, b4, b5)
    if ident is None or ident.card_no != d.card_no:
        raise CardTampered("身份区 / identity")
    monthly = L.parse_monthly(s.keys, ident.card_no, b6)
    if monthly is None:
        raise CardTampered("包月有效期 / monthly validity")
    purse, backup, seal_b = s.read(L.PURSE), s.read(L.BACKUP), s.read(L.SEAL)
    seal = L.Seal.parse(s.keys, ident.card_no, seal_b)
    intent = L.Intent.parse(s.keys, ident.card_no, s.read(L.INTENT), s.read(L.INTENT_MAC))
    lock = L.GreyLock.parse(s.keys, ident.card_no, s.read(L.LOCK), s.read(L.LOCK_MAC))
    if seal is None:
        raise CardTampered("余额封印 / balance seal")
    return CardState(s.uid, d, ident, monthly, seal, _value(purse), _value(backup), intent, lock)


def recover(s: Session, state: CardState) -> tuple[CardState, Recovery]:
    """Finish or undo a balance change that a tear interrupted (see the module docstring)."""
    bal = state.seal.balance_fen
    if state.clean:
        return state, Recovery.NONE
    if state.purse_fen == bal:  # committed: copy the purse to the backup
        s.need(2, "B")
        s.io.restore(L.PURSE)
        s.io.transfer(L.BACKUP)
        return replace(state, backup_fen=bal), Recovery.BACKUP_FIXED
    if state.backup_fen == bal:  # not committed: put the purse back from the backup
        s.need(2, "B")
        s.io.restore(L.BACKUP)
        s.io.transfer(L.PURSE)
        return replace(state, purse_fen=bal), Recovery.ROLLED_BACK
    raise CardTampered("钱包与备份都与封印不符 / purse and backup both disagree with the seal")


def change_balance(s: Session, state: CardState, new_balance_fen: int, *, op_no: int,
                   desk_op: int | None = None) -> CardState:  # fmt: skip
    """Tear-safe balance change (state must be clean: run ``recover`` first). Returns the new state.
    ``desk_op``: the desk's operation number, sealed with the balance (piles leave the last one)."""
    if not state.clean:
        raise ValueError("recover the card before changing its balance")
    if new_balance_fen < 0:
        raise ValueError("a card balance cannot go below zero")
    if state.counter >= L.MAX_COUNTER:
        raise CardTampered("交易计数已满，请换卡 / transaction counter exhausted: replace the card")
    keys, card_no = s.keys, state.card_no
    assert keys is not None
    intent = L.Intent(op_no, state.counter, state.balance_fen, new_balance_fen)
    b12, b13 = intent.blocks(keys, card_no)
    s.write(L.INTENT, b12)
    s.write(L.INTENT_MAC, b13)
    delta = new_balance_fen - state.balance_fen
    s.need(2, "B")
    if delta > 0:
        s.io.increment(L.PURSE, delta)
    else:
        s.io.decrement(L.PURSE, -delta)
    s.io.transfer(L.PURSE)
    seal = L.Seal(state.counter + 1, new_balance_fen, state.seal.desk_op if desk_op is None else desk_op)
    s.io.write(L.SEAL, seal.block(keys, card_no))
    s.io.restore(L.PURSE)
    s.io.transfer(L.BACKUP)
    return replace(state, seal=seal, purse_fen=new_balance_fen, backup_fen=new_balance_fen, intent=intent)


def set_monthly(s: Session, state: CardState, until: int) -> CardState:
    assert s.keys is not None
    s.write(L.MONTHLY, L.monthly_block(s.keys, state.card_no, until))
    return replace(state, monthly_until=until)


def set_lock(s: Session, state: CardState, lock: L.GreyLock) -> CardState:
    """MAC first, then the record: a tear in between leaves the lock flag clear (unlocked)."""
    assert s.keys is not None
    b16, b17 = lock.blocks(s.keys, state.card_no)
    s.write(L.LOCK_MAC, b17)
    s.write(L.LOCK, b16)
    return replace(state, lock=lock)


def clear_lock(s: Session, state: CardState) -> CardState:
    s.write(L.LOCK, L.UNLOCKED)
    return replace(state, lock=None)


def _open_for_write(s: Session, sector: int, keys: CardKeys) -> None:
    """The transport Key A on a blank sector (the transport trailer lets Key A write everything, and its
    Key B is readable so it can't authenticate), the card's own Key B on a sector done before."""
    try:
        s.need(sector, "A", TRANSPORT_KEY)
    except (AuthFailed, AccessDenied):
        s.reselect()
        s.need(sector, "B", keys.key(sector, "B"))


def issue(s: Session, keys: CardKeys, directory: L.Directory, identity: L.Identity, *, balance_fen: int,
          monthly_until: int = 0) -> None:  # fmt: skip
    """Format a blank (or half-issued) card. Sector 0's directory goes last: a card is "issued" only when
    every other sector is done, and running this again after a tear finishes the job."""
    for sector in (1, 2, 3, 4, 0):
        _open_for_write(s, sector, keys)
        if sector == 0:
            b1, b2 = directory.blocks()
            writes = {L.DIRECTORY: b1, L.ISSUER_NAME: b2}
        elif sector == 1:
            b4, b5 = identity.blocks(keys)
            b6 = L.monthly_block(keys, identity.card_no, monthly_until) if monthly_until else bytes(16)
            writes = {L.USER: b4, L.IDENTITY: b5, L.MONTHLY: b6}
        elif sector == 2:
            seal = L.Seal(0, balance_fen).block(keys, identity.card_no)
            writes = {L.PURSE: value_block(balance_fen, L.PURSE), L.BACKUP: value_block(balance_fen, L.PURSE),
                      L.SEAL: seal}  # fmt: skip
        else:
            writes = {sector * 4: bytes(16), sector * 4 + 1: bytes(16)}
        for block, data in writes.items():
            s.io.write(block, data)
        s.io.write(sector * 4 + 3, L.sector_trailer(keys, sector))
        s._open = None


def wipe(s: Session, keys: CardKeys) -> None:
    """Back to a blank transport card (a returned card is reused). Sector 0 first, so a torn wipe reads as
    blank and is finished by issuing or wiping again."""
    from comm.mifare.classic import TRANSPORT_TRAILER

    for sector in (0, 1, 2, 3, 4):
        try:
            s.need(sector, "B", keys.key(sector, "B"))
        except AuthFailed:
            s.reselect()
            continue  # already blank
        for block in range(sector * 4, sector * 4 + 3):
            if block:
                s.io.write(block, bytes(16))
        s.io.write(sector * 4 + 3, TRANSPORT_TRAILER)
        s._open = None


def new_card_image(uid: bytes, master: bytes, *, issuer: int, issuer_name: str, card_no: int, user_id: uuid.UUID,
                   kind: L.CardKind, balance_fen: int, issue_day: int, monthly_until: int = 0) -> MifareClassic1K:
    """A ready-issued card in memory (the simulated community's residents get theirs this way)."""
    card = MifareClassic1K(uid)
    keys = CardKeys(uid, master)
    issue(Session(DirectIO(card), keys), keys, L.Directory(issuer, card_no, kind, issuer_name),
          L.Identity(user_id, card_no, kind, issue_day), balance_fen=balance_fen, monthly_until=monthly_until)
    return card
