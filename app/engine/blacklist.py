"""Card blacklist reconciliation (挂失 → every pile refuses the card): keep every pile on the desk's list.

The desired list and its version live in the database (``card_blacklist``, changed by the card desk in the
same transaction as the card states). Every poll reports the pile's own version (pile.blacklist_version);
a pile whose version differs gets a ``PushBlacklist`` through its line poller (chunks, commit, read-back).
A pile that was offline is pushed on its first poll after it returns; a failed push is retried with
back-off, so a pile that cannot take the list never crowds its bus. The database is the only channel from
the desks: it works the same when the engine runs headless on another machine.

What each pile holds is recorded in ``pile_blacklist`` (version seen, entries confirmed, last error) for
the desk's push status (app.services.card_blacklist.push_status).

Car charge points (OCPP 1.6J) have no such table: after every new list each connected one is sent its local
authorization list in full (SendLocalList), where those cards are Blocked; online, Authorize refuses them.
The outcome goes into ``pile_blacklist`` too (the list version it was built from; CAR_NO_LOCAL_LIST as the
error of one that keeps no local list), so the desk sees car piles beside the e-bike piles.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.card_states import CAR_NO_LOCAL_LIST
from app.engine.commands import CommandOutcome, PileCommand, PushBlacklist
from app.engine.events import PileEventLogged
from app.engine.ocpp_commands import SendLocalList
from app.engine.topology import LineSpec
from comm.pile.blacklist import BlacklistCodec, push
from comm.pile.device import PileDevice
from comm.pile.register_map import MapError, load_map
from db.engine import session_factory
from db.models_cards import CardBlacklist, PileBlacklist

if TYPE_CHECKING:
    from app.engine.runtime import Engine

log = logging.getLogger(__name__)
ISSUER = "blacklist-sync"
NO_LOCAL_LIST = ("NotSupported", "NotImplemented")  # CALLERROR codes of a charge point without local lists


@dataclass(frozen=True)
class BlacklistTuning:
    check_s: float = 5.0  # the desired list (one row) is re-read this often
    retry_s: float = 30.0  # first retry after a failed push; doubles up to retry_max_s
    retry_max_s: float = 600.0


@dataclass(frozen=True, slots=True)
class Desired:
    version: int  # 0: no card was ever blacklisted — the piles are left as they are
    cards: tuple[int, ...]  # most recently blacklisted first


def load_desired(s: Session) -> Desired:
    row = s.get(CardBlacklist, 1)
    if row is None:
        return Desired(0, ())
    return Desired(int(row.list_version), tuple(int(c) for c in json.loads(row.cards)))


def capacity_of(model: str) -> int:
    """Entries the model's blacklist table holds (0: the model has none, it is not pushed)."""
    try:
        rmap = load_map(model)
    except MapError:
        return 0
    return rmap.blacklist_capacity if BlacklistCodec.supported(rmap) else 0


def _ts(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


async def execute_push(request: Callable[[Awaitable[Any]], Awaitable[Any]], dev: PileDevice, cmd: PushBlacklist,
                       wall: Callable[[], float]) -> CommandOutcome:
    """The poller's part: chunks, commit, read-back (comm.pile.blacklist.push raises on anything else)."""
    state = await push(dev, cmd.version, cmd.cards, request=request)
    return CommandOutcome(True, f"blacklist {state.version} with {state.count} cards written and read back",
                          _ts(wall()), extra={"version": state.version, "count": state.count})


class BlacklistRuntime:
    def __init__(self, engine: Engine, tuning: BlacklistTuning | None = None) -> None:
        self.engine = engine
        self.tuning = tuning or BlacklistTuning()
        self.sessions = session_factory(engine.sql)
        self.desired = Desired(0, ())
        self.capacity: dict[uuid.UUID, int] = {}
        self.reported: dict[uuid.UUID, int] = {}  # version in the pile's last status
        self.recorded: dict[uuid.UUID, int] = {}  # version in pile_blacklist
        self.inflight: set[uuid.UUID] = set()
        self.retry_at: dict[uuid.UUID, float] = {}
        self.backoff: dict[uuid.UUID, float] = {}
        self.car_sent: dict[uuid.UUID, int] = {}  # car pile → blacklist version its local list was sent with
        self.car_no_list: dict[uuid.UUID, object] = {}  # car pile → the connection on which it said NotSupported
        self._tasks: set[asyncio.Future[Any]] = set()

    # -- set-up (caller's thread, before the loop) ------------------------------------------------
    def load(self, s: Session, lines: list[LineSpec]) -> None:
        self.capacity = {p.pile_id: capacity_of(p.model) for line in lines for p in line.piles}
        self.desired = load_desired(s)
        self.recorded = {pid: int(v) for pid, v in s.execute(select(PileBlacklist.pile_id,
                                                                     PileBlacklist.list_version))}

    def tasks(self) -> list[Awaitable[None]]:
        return [self._run()]

    # -- from the pollers (engine loop) ------------------------------------------------------------
    def observe(self, pile_id: uuid.UUID, version: int) -> None:
        """Every poll: the version the pile has in use."""
        self.reported[pile_id] = version
        if self.capacity.get(pile_id, 0) and self.recorded.get(pile_id) != version:
            self.recorded[pile_id] = version
            self._save(pile_id, list_version=version, seen_at=datetime.now(UTC))
        self._consider(pile_id)

    def offline(self, pile_id: uuid.UUID) -> None:
        """Not polled until it answers again: its next status decides (nothing is sent to a silent pile)."""
        self.reported.pop(pile_id, None)

    def command_finished(self, pile_id: uuid.UUID, cmd: PileCommand, outcome: CommandOutcome) -> None:
        """Any PushBlacklist or full SendLocalList (ours, or one a desk sent through app.services.remote) is
        recorded here."""
        if isinstance(cmd, SendLocalList):
            if cmd.full:
                self._car_finished(pile_id, outcome)
            return
        if not isinstance(cmd, PushBlacklist):
            return
        if outcome.ok:
            self.reported[pile_id] = self.recorded[pile_id] = cmd.version
            self._pushed(pile_id, cmd.version, len(cmd.cards), outcome.detail)
        else:
            self._push_failed(pile_id, f"blacklist {cmd.version}", outcome.detail)

    def _pushed(self, pile_id: uuid.UUID, version: int, entries: int | None, detail: str) -> None:
        """A push confirmed (e-bike pile or car charge point): recorded, logged, its back-off forgotten."""
        now = datetime.now(UTC)
        self._succeeded(pile_id)
        self._save(pile_id, list_version=version, entries=entries, seen_at=now, pushed_at=now, error=None,
                   failed_at=None)
        self.engine._publish([PileEventLogged(pile_id, "blacklist_pushed", "info", detail, now)])

    def _push_failed(self, pile_id: uuid.UUID, what: str, detail: str) -> None:
        """A push not taken: recorded, logged with when it is tried again."""
        now = datetime.now(UTC)
        wait = self._back_off(pile_id)
        self._save(pile_id, error=detail[:1000], failed_at=now)
        self.engine._publish([PileEventLogged(pile_id, "blacklist_push_failed", "warning",
                                              f"{what} not taken: {detail}; retried in {wait:.0f} s", now)])

    def _succeeded(self, pile_id: uuid.UUID) -> None:
        self.backoff.pop(pile_id, None)
        self.retry_at.pop(pile_id, None)

    def _back_off(self, pile_id: uuid.UUID) -> float:
        """A failed push (e-bike pile or car charge point): the next try after retry_s, doubling to retry_max_s."""
        wait = min(max(self.backoff.get(pile_id, 0.0) * 2, self.tuning.retry_s), self.tuning.retry_max_s)
        self.backoff[pile_id] = wait
        self.retry_at[pile_id] = time.monotonic() + wait
        return wait

    # -- the decision ------------------------------------------------------------------------------
    def _consider(self, pile_id: uuid.UUID) -> None:
        d, cap = self.desired, self.capacity.get(pile_id, 0)
        if d.version == 0 or cap == 0 or pile_id in self.inflight:
            return
        if self.reported.get(pile_id, d.version) == d.version:  # unknown (not polled yet) or already there
            return
        if self.retry_at.get(pile_id, 0.0) > time.monotonic():
            return
        self.inflight.add(pile_id)
        # A list longer than the table: the most recently blacklisted cards (the desk shows the rest).
        cmd = PushBlacklist(pile_id, d.version, d.cards[:cap], issued_by=ISSUER)
        self._spawn(self._push(cmd))

    async def _push(self, cmd: PushBlacklist) -> None:
        try:
            await self.engine._submit(cmd)  # the outcome comes back through command_finished
        finally:
            self.inflight.discard(cmd.pile_id)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.tuning.check_s)
            try:
                desired = await loop.run_in_executor(self.engine._db_pool, self._read_desired)
            except Exception as exc:  # the database is away for a moment: keep the list we have
                log.warning("blacklist: cannot read the desired list: %s", exc)
                continue
            if desired != self.desired:
                log.info("blacklist: version %d with %d cards", desired.version, len(desired.cards))
                self.desired = desired
                self.retry_at.clear()  # a new list: every pile gets it now, failed or not
                self.backoff.clear()
            for pile_id in list(self.reported):  # new lists and retries that fell due
                self._consider(pile_id)
            self._consider_cars()

    # -- car charge points (OCPP 1.6J): the local authorization list -------------------------------------
    def _car_piles(self) -> list[tuple[uuid.UUID, object]]:
        """Car piles whose charge point is connected and accepted now, with that connection."""
        ocpp = self.engine.devices.ocpp
        if ocpp is None:
            return []
        return [(pid, cp) for pid, identity in ocpp.by_pile.items()
                if (cp := ocpp.sessions.get(identity)) is not None and cp.accepted]

    def _consider_cars(self) -> None:
        """A charge point authorizes from its local list while the console is out of reach: after every new
        blacklist it gets the full list again (lost, returned and replaced cards Blocked). Online, the central
        system's Authorize already refuses them (app.engine.ocpp_store.authorize)."""
        d, now = self.desired, time.monotonic()
        if d.version == 0:
            return
        for pile_id, connection in self._car_piles():
            if self.car_sent.get(pile_id) == d.version or pile_id in self.inflight \
                    or self.retry_at.get(pile_id, 0.0) > now or self.car_no_list.get(pile_id) is connection:
                continue
            self.inflight.add(pile_id)
            self._spawn(self._push_car(pile_id))

    async def _push_car(self, pile_id: uuid.UUID) -> None:
        try:
            await self.engine._submit(SendLocalList(pile_id, issued_by=ISSUER))  # recorded in command_finished
        finally:
            self.inflight.discard(pile_id)

    def _connection(self, pile_id: uuid.UUID) -> object | None:
        ocpp = self.engine.devices.ocpp
        return None if ocpp is None else ocpp.sessions.get(ocpp.by_pile.get(pile_id, ""))

    def _car_finished(self, pile_id: uuid.UUID, outcome: CommandOutcome) -> None:
        """A full local list is built from the card states as they are when it is sent: it carries the blacklist
        version in force (one the desks changed a moment ago is sent again at the next check)."""
        version, now = self.desired.version, datetime.now(UTC)
        if outcome.ok:
            self.car_sent[pile_id] = version
            self._pushed(pile_id, version, None,
                         f"local authorization list sent for blacklist version {version}: {outcome.detail}")
            return
        if outcome.data.get("status") == "NotSupported" or outcome.data.get("error_code") in NO_LOCAL_LIST:
            # Final for this connection (asked again after it reconnects: a firmware update may add it). Such
            # a charge point asks the central system for every card, which refuses the blocked ones.
            self.car_no_list[pile_id] = self._connection(pile_id)
            self._succeeded(pile_id)
            self._save(pile_id, seen_at=now, error=CAR_NO_LOCAL_LIST, failed_at=None)
            self.engine._publish([PileEventLogged(
                pile_id, "blacklist_not_supported", "info", "this charge point keeps no local authorization list "
                "(it answered NotSupported): it asks the console for every card, and blocked cards are refused "
                "there", now)])
            return
        self._push_failed(pile_id, f"local authorization list (blacklist {version})", outcome.detail)

    # -- database (the engine's single database thread) -------------------------------------------------
    def _read_desired(self) -> Desired:
        with self.sessions() as s:
            return load_desired(s)

    def _save(self, pile_id: uuid.UUID, **values: Any) -> None:
        def write() -> None:
            with self.sessions() as s, s.begin():
                row = s.get(PileBlacklist, pile_id)
                if row is None:
                    row = PileBlacklist(pile_id=pile_id, list_version=0)
                    s.add(row)
                for k, v in values.items():
                    setattr(row, k, v)

        fut = asyncio.get_running_loop().run_in_executor(self.engine._db_pool, write)
        fut.add_done_callback(_log_failure)
        self._spawn(fut)

    def _spawn(self, aw: Awaitable[Any]) -> None:
        fut = asyncio.ensure_future(aw)
        self._tasks.add(fut)
        fut.add_done_callback(self._tasks.discard)


def _log_failure(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled() and fut.exception() is not None:
        log.warning("blacklist: pile state not recorded: %s", fut.exception())
