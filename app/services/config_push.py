"""Configuration push to one pile or a group (M1.5, M12.3): read every pile back, show per pile what
would change, then write after a confirmation; each pile's write is confirmed by read-back and
audited (app.services.remote), and a failure on one pile is reported without stopping the others.

Only the fields the operator changes are changed: each pile keeps the rest of its own configuration
(a community's coin value is not overwritten by a push of the night cut-off window).
"""

from __future__ import annotations

import concurrent.futures
import uuid
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import select

from app.domain.errors import ValidationError
from app.domain.permissions import Actor, Permission, require
from app.engine.commands import CommandOutcome, ReadConfig, WriteConfig
from app.services import remote
from app.services.unit import Db, read
from comm.pile.codec import CodecError, PileCodec, check_limits
from comm.pile.messages import ModeFlags, PileConfig, PowerTier
from comm.pile.register_map import load_map
from db.models import Pile
from db.types import utcnow

Value = int | bool
MODE_FIELDS = tuple(f.name for f in fields(ModeFlags))
INT_FIELDS = tuple(f.name for f in fields(PileConfig) if f.name not in ("tiers", "mode"))
TIER_FIELDS = tuple(f"tier{i}_{k}" for i in range(1, 6) for k in ("max_w", "min_per_yuan"))
ALL_FIELDS = INT_FIELDS + TIER_FIELDS + tuple(f"mode.{m}" for m in MODE_FIELDS)


def get(cfg: PileConfig, name: str) -> Value:
    if name.startswith("mode."):
        return bool(getattr(cfg.mode, name[5:]))
    if name.startswith("tier"):
        i, what = int(name[4]) - 1, name[6:]
        return int(getattr(cfg.tiers[i], what))
    return int(getattr(cfg, name))


def apply_changes(cfg: PileConfig, changes: dict[str, Value]) -> PileConfig:
    """``cfg`` with the named fields set (ValueError for a name that is not a configuration field)."""
    unknown = set(changes) - set(ALL_FIELDS)
    if unknown:
        raise ValueError(f"not configuration fields: {', '.join(sorted(unknown))}")
    mode = replace(cfg.mode, **{k[5:]: bool(v) for k, v in changes.items() if k.startswith("mode.")})
    tiers = list(cfg.tiers)
    for k, v in changes.items():
        if k in TIER_FIELDS:
            i, what = int(k[4]) - 1, k[6:]
            tiers[i] = replace(tiers[i], **{what: int(v)})
    plain = {k: int(v) for k, v in changes.items() if k in INT_FIELDS}
    return replace(cfg, **plain, mode=mode, tiers=tuple(PowerTier(t.max_w, t.min_per_yuan) for t in tiers))


def diff(before: PileConfig, after: PileConfig) -> list[tuple[str, Value, Value]]:
    return [(n, get(before, n), get(after, n)) for n in ALL_FIELDS if get(before, n) != get(after, n)]


@dataclass(frozen=True, slots=True)
class PlanItem:
    pile_id: uuid.UUID
    code: str
    before: PileConfig | None  # what the pile reported (None: it could not be read)
    after: PileConfig | None
    changes: list[tuple[str, Value, Value]]  # (field, now, then) where they differ
    error: str | None = None  # why this pile is left out

    @property
    def will_write(self) -> bool:
        return self.error is None and bool(self.changes)


@dataclass(frozen=True, slots=True)
class PushPlan:
    changes: dict[str, Value]
    items: list[PlanItem]

    @property
    def to_write(self) -> list[PlanItem]:
        return [i for i in self.items if i.will_write]


@dataclass(frozen=True, slots=True)
class PushResult:
    pile_id: uuid.UUID
    code: str
    status: str  # written | unchanged | failed | skipped
    detail: str
    revision: int | None = None


def _validate(changes: dict[str, Value]) -> None:
    try:
        apply_changes(PileConfig(), changes)
    except ValueError as exc:
        raise ValidationError(f"未知参数：{exc}", str(exc), field="changes") from None
    codec = PileCodec(load_map("ACX10A"))
    plain = {k: v for k, v in changes.items() if not k.startswith("mode.")}
    try:
        check_limits(codec.config, plain)
    except CodecError as exc:
        raise ValidationError(f"参数超出范围：{exc}", f"out of range: {exc}", field="changes") from None


def plan_push(actor: Actor, db: Db, engine: remote.CommandEngine, pile_ids: list[uuid.UUID],
              changes: dict[str, Value], *, timeout_s: float = 30.0) -> PushPlan:
    """Read every pile's configuration (in parallel: lines work at once) and compute what would change."""
    require(actor, Permission.MANAGE_PILES)
    if not changes:
        raise ValidationError("没有要修改的参数", "no field to change", field="changes")
    _validate(changes)
    with read(db, actor, Permission.MANAGE_PILES) as s:
        codes = {pid: code for pid, code in s.execute(select(Pile.id, Pile.code).where(Pile.id.in_(pile_ids)))}
    futures = {pid: remote.submit(actor, db, engine, ReadConfig(pid, issued_by=actor.login)) for pid in codes}
    items = []
    for pid, fut in futures.items():
        try:
            out: CommandOutcome = fut.result(timeout_s)
        except concurrent.futures.TimeoutError:
            out = CommandOutcome(False, "no answer in time", utcnow())
        if not out.ok or out.config is None:
            items.append(PlanItem(pid, codes[pid], None, None, [], f"not read: {out.detail}"))
            continue
        after = apply_changes(out.config, changes)
        problem = None
        try:
            PileCodec(load_map("ACX10A")).encode_config(after)  # e.g. tiers no longer increasing
        except CodecError as exc:
            problem = str(exc)
        items.append(PlanItem(pid, codes[pid], out.config, after, diff(out.config, after), problem))
    return PushPlan(dict(changes), sorted(items, key=lambda i: i.code))


def apply_push(actor: Actor, db: Db, engine: remote.CommandEngine, plan: PushPlan, *, timeout_s: float = 30.0
               ) -> list[PushResult]:
    """Write the confirmed plan: each pile written and read back (audited with before and after)."""
    require(actor, Permission.MANAGE_PILES)
    sent: dict[uuid.UUID, concurrent.futures.Future[CommandOutcome]] = {}
    results: dict[uuid.UUID, PushResult] = {}
    for item in plan.items:
        if item.error is not None:
            results[item.pile_id] = PushResult(item.pile_id, item.code, "skipped", item.error)
        elif not item.changes:
            results[item.pile_id] = PushResult(item.pile_id, item.code, "unchanged", "already set")
        else:
            assert item.after is not None
            sent[item.pile_id] = remote.submit(actor, db, engine, WriteConfig(item.pile_id, item.after,
                                                                              issued_by=actor.login),
                                               before=item.before)
    for item in plan.items:
        fut = sent.get(item.pile_id)
        if fut is None:
            continue
        try:
            out = fut.result(timeout_s)
        except concurrent.futures.TimeoutError:
            results[item.pile_id] = PushResult(item.pile_id, item.code, "failed", "no answer in time")
            continue
        rev: Any = out.extra.get("revision")
        results[item.pile_id] = PushResult(item.pile_id, item.code, "written" if out.ok else "failed", out.detail,
                                           rev if out.ok else None)
    return [results[i.pile_id] for i in plan.items]
