"""Pushing a tariff's pile part (power bands, coin and swipe value, session cap, free mode) to the piles.

For each pile: read its configuration, write it back with only the tariff fields changed, through
``remote.submit(..., as_tariff=True)`` — which refuses anything else, needs MANAGE_TARIFFS, has the pile
confirm by read-back, and audits "tariff.pushed" with the configuration before and after. A pile that
already holds the policy is left alone. The reads go straight to the engine after our own role check:
they change nothing and the write that follows is the audited step.
"""

from __future__ import annotations

import concurrent.futures
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.errors import NotFound
from app.domain.permissions import Actor, Permission, require
from app.domain.tariff_scope import apply_to_config, pile_part
from app.engine.commands import CommandOutcome, ReadConfig, WriteConfig
from app.services import remote
from app.services.remote import CommandEngine
from app.services.tariffs import TariffBook, VersionInfo
from app.services.unit import Db, read
from db.models import Pile
from db.models_billing import Tariff
from db.types import utcnow


@dataclass(frozen=True, slots=True)
class PushResult:
    pile_id: uuid.UUID
    pile_code: str
    ok: bool
    changed: bool
    detail: str
    revision: int | None = None


def push_targets(actor: Actor, db: Db, tariff_id: uuid.UUID, *, at: datetime | None = None,
                 ) -> tuple[VersionInfo, list[tuple[uuid.UUID, str]]]:
    """The version that would be pushed (in force at ``at``, default now) and the piles it is for."""
    with read(db, actor, Permission.MANAGE_TARIFFS) as s:
        if s.get(Tariff, tariff_id) is None:
            raise NotFound("资费方案", "tariff", tariff_id)
        book = TariffBook(s)
        when = at or utcnow()
        pairs = book.versions.get(tariff_id, [])
        current = [p[0] for p in pairs if p[0].effective_from <= when]
        if not current:
            raise NotFound("生效中的资费版本", "version in force", tariff_id)
        version = max(current, key=lambda v: (v.effective_from, v.number))
        pile_part(version.policy)  # refuses a policy the piles cannot hold, before anything is read
        ids = book.piles_of(s, tariff_id)
        codes = dict(s.execute(select(Pile.id, Pile.code).where(Pile.id.in_(ids))).all()) if ids else {}
        return version, [(pid, codes[pid]) for pid in ids]


def push_tariff(actor: Actor, db: Db, engine: CommandEngine, tariff_id: uuid.UUID, *,
                pile_ids: list[uuid.UUID] | None = None, timeout: float = 30.0) -> list[PushResult]:
    """Push the version in force now to every pile this tariff applies to (or to ``pile_ids`` of them).

    Blocks until every pile answered or timed out (call it off the GUI thread); piles on different lines
    are read and written in parallel."""
    require(actor, Permission.MANAGE_TARIFFS)
    version, targets = push_targets(actor, db, tariff_id)
    if pile_ids is not None:
        targets = [t for t in targets if t[0] in set(pile_ids)]
    reads = {pid: engine.submit(ReadConfig(pid, issued_by=actor.login)) for pid, _code in targets}
    writes: dict[uuid.UUID, concurrent.futures.Future[CommandOutcome]] = {}
    results: dict[uuid.UUID, PushResult] = {}
    for pid, code in targets:
        try:
            got = reads[pid].result(timeout)
        except Exception as exc:
            results[pid] = PushResult(pid, code, False, False, f"read failed: {exc}")
            continue
        if not got.ok or got.config is None:
            results[pid] = PushResult(pid, code, False, False, got.detail)
            continue
        wanted = apply_to_config(version.policy, got.config)
        if wanted == got.config:
            results[pid] = PushResult(pid, code, True, False, "already in force", got.extra.get("revision"))
            continue
        writes[pid] = remote.submit(actor, db, engine, WriteConfig(pid, wanted, issued_by=actor.login),
                                    before=got.config, as_tariff=True)  # fmt: skip
    for pid, code in targets:
        if pid in results:
            continue
        try:
            out = writes[pid].result(timeout)
            results[pid] = PushResult(pid, code, out.ok, out.ok, out.detail, out.extra.get("revision"))
        except Exception as exc:
            results[pid] = PushResult(pid, code, False, False, f"write not confirmed: {exc}")
    return [results[pid] for pid, _code in targets]
