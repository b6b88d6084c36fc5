"""Where and when a tariff applies, and its pile part (pure).

* Versions: a tariff is a list of versions, each effective from an instant; a session is priced by the
  version in force when it started (a change never reprices the past).
* Assignments: to the whole operator (nothing set), a station, a pile, a user group, or a combination
  (a group at one station). The most specific matching assignment wins: a group beats a pile beats a
  station beats the operator default — a group is a deliberate exception made for people (staff,
  monthly subscribers), so it outranks where they happen to charge.
* The pile part: what of a POWER_TIERED policy the pile itself enforces (bands, coin and swipe value,
  session cap, free mode and time) mapped onto ``PileConfig``; everything else of the configuration
  (protection thresholds, night window) is left exactly as the pile had it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from app.domain.errors import ValidationError
from app.domain.tariffs import Policy, PolicyKind, PowerBand
from comm.pile.messages import PileConfig, PowerTier


@dataclass(frozen=True, slots=True)
class Version:
    number: int
    effective_from: datetime
    policy: Policy


def version_at(versions: Iterable[Version], at: datetime) -> Version | None:
    """The version in force at ``at``: the latest effective_from not after it (ties: the higher number)."""
    best: Version | None = None
    for v in versions:
        if v.effective_from <= at and (best is None or (v.effective_from, v.number)
                                       > (best.effective_from, best.number)):
            best = v
    return best


@dataclass(frozen=True, slots=True)
class Assignment:
    tariff_id: uuid.UUID
    station_id: uuid.UUID | None = None
    pile_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None

    @property
    def specificity(self) -> int:
        return 4 * (self.group_id is not None) + 2 * (self.pile_id is not None) + (self.station_id is not None)

    def matches(self, station_id: uuid.UUID | None, pile_id: uuid.UUID | None, group_id: uuid.UUID | None) -> bool:
        return all(mine is None or mine == theirs for mine, theirs in
                   ((self.station_id, station_id), (self.pile_id, pile_id), (self.group_id, group_id)))


def resolve(assignments: Iterable[Assignment], *, station_id: uuid.UUID | None, pile_id: uuid.UUID | None,
            group_id: uuid.UUID | None = None) -> Assignment | None:
    """The assignment that decides the tariff of a session there, by that user (None: no tariff at all)."""
    found = [a for a in assignments if a.matches(station_id, pile_id, group_id)]
    return max(found, key=lambda a: a.specificity, default=None)


def check_scope(a: Assignment) -> None:
    if a.station_id is not None and a.pile_id is not None:
        raise ValidationError("请指定小区或充电桩之一，不要同时指定", "assign to a station or a pile, not both",
                              field="scope")  # fmt: skip


# -- the pile part ------------------------------------------------------------------------------------
def pile_part(p: Policy) -> dict[str, object]:
    """The fields of the policy the pile enforces itself (what a push writes)."""
    if p.kind not in (PolicyKind.POWER_TIERED, PolicyKind.FREE):
        raise ValidationError("只有按功率分档计时或免费资费可以下发到充电桩",
                              "only a power-tiered or a free tariff can be pushed to piles", field="kind")
    out: dict[str, object] = {"coin_fee_fen": p.coin_fee_fen, "swipe_fee_fen": p.swipe_fee_fen,
                              "max_session_min": p.max_session_min, "free_min": p.free_min,
                              "free_mode": p.kind is PolicyKind.FREE}  # fmt: skip
    if p.kind is PolicyKind.POWER_TIERED:
        out["tiers"] = tuple(PowerTier(b.max_w, b.min_per_yuan) for b in p.bands)
    return out


def apply_to_config(p: Policy, cfg: PileConfig) -> PileConfig:
    """``cfg`` with the policy's pile part written in, every other field untouched."""
    part = pile_part(p)
    mode = replace(cfg.mode, free_mode=bool(part.pop("free_mode")))
    return replace(cfg, mode=mode, **part)  # type: ignore[arg-type]


TARIFF_FIELDS = ("coin_fee_fen", "swipe_fee_fen", "tiers", "max_session_min", "free_min")


def only_tariff_changed(before: PileConfig, after: PileConfig) -> bool:
    """True when ``after`` differs from ``before`` in nothing but the tariff fields (and free mode)."""
    untouched = replace(after, **{f: getattr(before, f) for f in TARIFF_FIELDS},
                        mode=replace(after.mode, free_mode=before.mode.free_mode))  # type: ignore[arg-type]
    return untouched == before


def bands_of(cfg: PileConfig) -> tuple[PowerBand, ...]:
    return tuple(PowerBand(t.max_w, t.min_per_yuan) for t in cfg.tiers)


def pile_matches(p: Policy, cfg: PileConfig) -> bool:
    """Whether the pile holds this policy's pile part already."""
    try:
        return apply_to_config(p, cfg) == cfg
    except ValidationError:
        return False


def describe_bands(bands: Sequence[PowerBand]) -> str:
    return ", ".join(f"≤{b.max_w} W: {b.min_per_yuan} min/¥" for b in bands)
