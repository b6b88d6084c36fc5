"""Tariff policies and what a charging session costs under them (M6.1, M2.3), pure: no I/O.

Kinds of policy:
* PER_TIME      — fen per hour of charging, prorated by the minute;
* PER_ENERGY    — fen per kWh, plus an optional service fee per kWh;
* POWER_TIERED  — the pile's own rule (按功率给时间): the load's peak power picks a band, the band
                  says how many minutes one yuan buys; a session costs minutes × 100 / (minutes per yuan);
* TOU           — time-of-use electricity price (periods of the local day) plus a service fee per kWh;
                  a session that crosses a period boundary is split there, its energy attributed by the
                  power curve (or evenly over time when there is none);
* FREE, MONTHLY — always zero (the monthly fee is paid at the card desk, not per session).
Every paid kind may carry a minimum charge, applied to a session that delivered anything.

Money stays exact until the very end: every component is a Fraction of a fen and the total is rounded
once, half up. So splitting a session at a boundary whose two sides have the same price costs exactly
what the unsplit session costs (a property test holds us to it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from app.domain.errors import ValidationError
from app.domain.money import MAX_AMOUNT_FEN

PILE_BANDS = 5  # the ACX10A configuration block has exactly five power tiers
MAX_BAND_W = 3500
MAX_MIN_PER_YUAN = 1440


class PolicyKind(StrEnum):
    PER_TIME = "per_time"
    PER_ENERGY = "per_energy"
    POWER_TIERED = "power_tiered"
    TOU = "tou"
    FREE = "free"
    MONTHLY = "monthly"

    @property
    def paid(self) -> bool:
        return self not in (PolicyKind.FREE, PolicyKind.MONTHLY)


@dataclass(frozen=True, slots=True)
class PowerBand:
    """Loads up to ``max_w`` get ``min_per_yuan`` minutes for each yuan."""

    max_w: int
    min_per_yuan: int


@dataclass(frozen=True, slots=True)
class TouPeriod:
    """From ``start_min`` (minute of the local day) until the next period starts: this electricity price."""

    start_min: int
    fen_per_kwh: int
    name: str = ""  # 峰 / 平 / 谷 …


@dataclass(frozen=True, slots=True)
class Policy:
    kind: PolicyKind
    fen_per_hour: int = 0  # PER_TIME
    fen_per_kwh: int = 0  # PER_ENERGY
    service_fen_per_kwh: int = 0  # PER_ENERGY, TOU
    bands: tuple[PowerBand, ...] = ()  # POWER_TIERED
    tou: tuple[TouPeriod, ...] = ()  # TOU
    minimum_fen: int = 0
    # What the pile needs besides its bands (pushed with them): coin and swipe value, session cap, free time.
    coin_fee_fen: int = 100
    swipe_fee_fen: int = 100
    max_session_min: int = 720
    free_min: int = 240


@dataclass(frozen=True, slots=True)
class Usage:
    """What a session used. ``profile``: cumulative energy (Wh) at instants, from the port's samples."""

    start: datetime
    end: datetime
    energy_wh: int
    peak_power_w: int = 0
    minutes: int | None = None  # minutes of paid time used (the pile's count); None: from start/end
    profile: tuple[tuple[datetime, int], ...] = ()

    @property
    def used_minutes(self) -> int:
        if self.minutes is not None:
            return self.minutes
        return max(0, int((self.end - self.start).total_seconds() // 60))


@dataclass(frozen=True, slots=True)
class PriceLine:
    kind: str  # "energy" | "service" | "time" | "minimum"
    label: str  # period name, band, …
    quantity: Fraction  # Wh for energy/service, minutes for time
    rate: int  # fen per kWh, fen per hour, or minutes per yuan (POWER_TIERED)
    fen: Fraction  # exact
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    total_fen: int
    lines: tuple[PriceLine, ...] = ()
    minimum_applied: bool = False
    note: str = ""  # e.g. "over every power band: the pile refuses such a load"

    @property
    def exact_fen(self) -> Fraction:
        return sum((line.fen for line in self.lines if line.kind != "minimum"), Fraction(0))


def round_half_up(x: Fraction) -> int:
    if x < 0:
        return -round_half_up(-x)
    return int((x + Fraction(1, 2)) // 1)


def _bad(zh: str, en: str, fld: str) -> ValidationError:
    return ValidationError(f"资费无效：{zh}", f"invalid tariff: {en}", field=fld)


def validate(p: Policy) -> Policy:
    """Refuse a policy no pile or person could make sense of; returns it unchanged when fine."""
    for name in ("fen_per_hour", "fen_per_kwh", "service_fen_per_kwh", "minimum_fen", "coin_fee_fen", "swipe_fee_fen"):
        v = getattr(p, name)
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_AMOUNT_FEN:
            raise _bad(f"{name} 必须是 0 到上限之间的整数分", f"{name} must be whole fen between 0 and the limit", name)
    if not 1 <= p.max_session_min <= 1440 or not 1 <= p.free_min <= 1440:
        raise _bad("单次时长须在 1–1440 分钟", "session minutes must be 1–1440", "max_session_min")
    if p.kind is PolicyKind.PER_TIME and p.fen_per_hour <= 0:
        raise _bad("按时计费需要每小时单价", "per-time needs a price per hour", "fen_per_hour")
    if p.kind is PolicyKind.PER_ENERGY and p.fen_per_kwh <= 0:
        raise _bad("按电量计费需要每度电单价", "per-energy needs a price per kWh", "fen_per_kwh")
    if p.kind is PolicyKind.POWER_TIERED:
        if len(p.bands) != PILE_BANDS:
            raise _bad(f"功率分档须正好 {PILE_BANDS} 档", f"power tiers need exactly {PILE_BANDS} bands", "bands")
        last = 0
        for i, b in enumerate(p.bands, start=1):
            if not last < b.max_w <= MAX_BAND_W:
                raise _bad(f"第 {i} 档上限须大于上一档且不超过 {MAX_BAND_W} W",
                           f"band {i}'s limit must exceed the previous one and be at most {MAX_BAND_W} W", "bands")
            if not 1 <= b.min_per_yuan <= MAX_MIN_PER_YUAN:
                raise _bad(f"第 {i} 档每元分钟数须在 1–{MAX_MIN_PER_YUAN}",
                           f"band {i}'s minutes per yuan must be 1–{MAX_MIN_PER_YUAN}", "bands")
            last = b.max_w
    if p.kind is PolicyKind.TOU:
        starts = [t.start_min for t in p.tou]
        if not p.tou or starts[0] != 0 or starts != sorted(set(starts)) or starts[-1] >= 1440:
            raise _bad("分时时段须从 00:00 开始、按时间递增且不重复",
                       "time-of-use periods must start at 00:00 and increase without repeats", "tou")
        if any(t.fen_per_kwh < 0 or t.fen_per_kwh > MAX_AMOUNT_FEN for t in p.tou):
            raise _bad("分时电价无效", "a time-of-use price is invalid", "tou")
    return p


# -- pricing ------------------------------------------------------------------------------------------
def quote(p: Policy, u: Usage, tz: ZoneInfo | str = "Asia/Shanghai") -> Quote:
    """What session ``u`` costs under ``p``."""
    if u.end < u.start:
        raise ValidationError("结束时间早于开始时间", "the session ends before it starts", field="end")
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    kind = p.kind
    if not kind.paid:
        return Quote(0)
    lines: list[PriceLine] = []
    note = ""
    if kind is PolicyKind.PER_TIME:
        m = u.used_minutes
        lines.append(PriceLine("time", "", Fraction(m), p.fen_per_hour, Fraction(m * p.fen_per_hour, 60)))
    elif kind is PolicyKind.PER_ENERGY:
        wh = Fraction(u.energy_wh)
        lines.append(PriceLine("energy", "", wh, p.fen_per_kwh, wh * p.fen_per_kwh / 1000))
    elif kind is PolicyKind.POWER_TIERED:
        band = band_of(p, u.peak_power_w)
        if band is None:
            note = "over every power band: the pile refuses such a load"
        else:
            m = u.used_minutes
            lines.append(PriceLine("time", f"≤{band.max_w} W", Fraction(m), band.min_per_yuan,
                                   Fraction(m * 100, band.min_per_yuan)))
    elif kind is PolicyKind.TOU:
        for start, end, period, wh in split_tou(p.tou, u, zone):
            lines.append(PriceLine("energy", period.name, wh, period.fen_per_kwh, wh * period.fen_per_kwh / 1000,
                                   start, end))
    if kind in (PolicyKind.PER_ENERGY, PolicyKind.TOU) and p.service_fen_per_kwh:
        wh = Fraction(u.energy_wh)
        lines.append(PriceLine("service", "", wh, p.service_fen_per_kwh, wh * p.service_fen_per_kwh / 1000))
    exact = sum((line.fen for line in lines), Fraction(0))
    total = round_half_up(exact)
    delivered = u.energy_wh > 0 or u.used_minutes > 0
    if delivered and not note and total < p.minimum_fen:  # a refused load is not a session: no minimum
        lines.append(PriceLine("minimum", "", Fraction(0), p.minimum_fen, Fraction(p.minimum_fen - total)))
        return Quote(p.minimum_fen, tuple(lines), True, note)
    return Quote(total, tuple(lines), False, note)


def band_of(p: Policy, power_w: int) -> PowerBand | None:
    for b in p.bands:
        if power_w <= b.max_w:
            return b
    return None


def minutes_for(p: Policy, amount_fen: int, power_w: int) -> int:
    """Minutes ``amount_fen`` buys at ``power_w`` (what the pile grants), capped at the session maximum."""
    if p.kind is PolicyKind.POWER_TIERED:
        band = band_of(p, power_w)
        return 0 if band is None else min(p.max_session_min, amount_fen * band.min_per_yuan // 100)
    if p.kind is PolicyKind.PER_TIME:
        return min(p.max_session_min, amount_fen * 60 // p.fen_per_hour)
    return 0


def _cumulative(u: Usage) -> list[tuple[datetime, Fraction]]:
    """Cumulative energy as a piecewise-linear function through (instant, Wh), scaled to ``u.energy_wh``.

    The samples' own energy counter gives the shape; the session's total (the pile's record) gives the
    scale. Before the first and after the last sample the counter is taken as flat. No usable samples:
    energy evenly over time.
    """
    pts = sorted((t, wh) for t, wh in u.profile if u.start <= t <= u.end)
    if len(pts) < 2 or pts[-1][1] - pts[0][1] <= 0:
        return [(u.start, Fraction(0)), (u.end, Fraction(u.energy_wh))]
    first, span = pts[0][1], pts[-1][1] - pts[0][1]
    pts = [(u.start, first), *pts, (u.end, pts[-1][1])]
    out: list[tuple[datetime, Fraction]] = []
    best = Fraction(0)
    for t, wh in pts:
        best = max(best, Fraction(wh - first, span) * u.energy_wh)  # a meter never runs backwards
        out.append((t, best))
    return out


def _energy_at(curve: list[tuple[datetime, Fraction]], t: datetime) -> Fraction:
    if t <= curve[0][0]:
        return curve[0][1]
    for (t0, e0), (t1, e1) in pairwise(curve):
        if t <= t1:
            span = (t1 - t0) // timedelta(microseconds=1)
            if span == 0:
                return e1
            return e0 + (e1 - e0) * Fraction((t - t0) // timedelta(microseconds=1), span)
    return curve[-1][1]


def tou_boundaries(periods: Sequence[TouPeriod], start: datetime, end: datetime,
                   zone: ZoneInfo) -> list[tuple[datetime, TouPeriod]]:
    """Every instant in (start, end) where a period begins, with that period, in order."""
    out: list[tuple[datetime, TouPeriod]] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date()
    while day <= last_day:
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        for period in periods:
            at = (midnight + timedelta(minutes=period.start_min)).astimezone(start.tzinfo)
            if start < at < end:
                out.append((at, period))
        day += timedelta(days=1)
    return out


def period_at(periods: Sequence[TouPeriod], t: datetime, zone: ZoneInfo) -> TouPeriod:
    local = t.astimezone(zone)
    minute = local.hour * 60 + local.minute
    current = periods[0]
    for period in periods:
        if period.start_min <= minute:
            current = period
    return current


def split_tou(periods: Sequence[TouPeriod], u: Usage,
              zone: ZoneInfo) -> list[tuple[datetime, datetime, TouPeriod, Fraction]]:
    """The session cut at every period boundary: (start, end, period, energy Wh) pieces, in order."""
    if u.end == u.start:  # an instant: all of it in the period of that instant
        return [(u.start, u.end, period_at(periods, u.start, zone), Fraction(u.energy_wh))]
    curve = _cumulative(u)
    cuts = tou_boundaries(periods, u.start, u.end, zone)
    pieces = []
    t0, period = u.start, period_at(periods, u.start, zone)
    for at, nxt in [*cuts, (u.end, period)]:
        pieces.append((t0, at, period, _energy_at(curve, at) - _energy_at(curve, t0)))
        t0, period = at, nxt
    return pieces


# -- comparison for the editor ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Comparison:
    usage: Usage
    old: Quote | None
    new: Quote

    @property
    def delta_fen(self) -> int:
        return self.new.total_fen - (self.old.total_fen if self.old else 0)


def compare(old: Policy | None, new: Policy, usage: Usage, tz: ZoneInfo | str = "Asia/Shanghai") -> Comparison:
    return Comparison(usage, quote(old, usage, tz) if old else None, quote(new, usage, tz))


# -- storage form -------------------------------------------------------------------------------------
def to_json(p: Policy) -> str:
    d: dict[str, Any] = {
        "kind": p.kind.value, "fen_per_hour": p.fen_per_hour, "fen_per_kwh": p.fen_per_kwh,
        "service_fen_per_kwh": p.service_fen_per_kwh, "minimum_fen": p.minimum_fen,
        "bands": [[b.max_w, b.min_per_yuan] for b in p.bands],
        "tou": [[t.start_min, t.fen_per_kwh, t.name] for t in p.tou],
        "coin_fee_fen": p.coin_fee_fen, "swipe_fee_fen": p.swipe_fee_fen,
        "max_session_min": p.max_session_min, "free_min": p.free_min,
    }  # fmt: skip
    return json.dumps(d, ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> Policy:
    d = json.loads(text)
    return Policy(
        kind=PolicyKind(d["kind"]), fen_per_hour=int(d.get("fen_per_hour", 0)),
        fen_per_kwh=int(d.get("fen_per_kwh", 0)),
        service_fen_per_kwh=int(d.get("service_fen_per_kwh", 0)), minimum_fen=int(d.get("minimum_fen", 0)),
        bands=tuple(PowerBand(int(a), int(b)) for a, b in d.get("bands", [])),
        tou=tuple(TouPeriod(int(a), int(b), str(c)) for a, b, c in d.get("tou", [])),
        coin_fee_fen=int(d.get("coin_fee_fen", 100)), swipe_fee_fen=int(d.get("swipe_fee_fen", 100)),
        max_session_min=int(d.get("max_session_min", 720)), free_min=int(d.get("free_min", 240)),
    )  # fmt: skip


def with_changes(p: Policy, **changes: Any) -> Policy:
    return validate(replace(p, **changes))


DEFAULT_BANDS = (PowerBand(200, 240), PowerBand(400, 180), PowerBand(700, 120), PowerBand(1000, 90),
                 PowerBand(1500, 60))  # fmt: skip
# A common Chinese TOU day: 谷 23:00–07:00, 平 07:00–10:00 / 15:00–18:00 / 21:00–23:00, 峰 10–15 / 18–21.
DEFAULT_TOU = (TouPeriod(0, 31, "谷"), TouPeriod(7 * 60, 62, "平"), TouPeriod(10 * 60, 98, "峰"),
               TouPeriod(15 * 60, 62, "平"), TouPeriod(18 * 60, 98, "峰"), TouPeriod(21 * 60, 62, "平"),
               TouPeriod(23 * 60, 31, "谷"))  # fmt: skip



@dataclass(frozen=True, slots=True)
class SampleSession:
    """A typical session the tariff editor prices under the old and the new policy."""

    zh: str
    en: str
    usage: Usage


def sample_sessions(day: datetime, tz: ZoneInfo | str = "Asia/Shanghai") -> tuple[SampleSession, ...]:
    """Typical sessions of a community on ``day`` (its local date): from a short top-up to an overnight car."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    d = day.astimezone(zone).date()

    def at(h: int, m: int = 0, plus_days: int = 0) -> datetime:
        return datetime(d.year, d.month, d.day, h, m, tzinfo=zone) + timedelta(days=plus_days)

    def usage(start: datetime, end: datetime, wh: int, peak: int) -> Usage:
        return Usage(start, end, wh, peak_power_w=peak, minutes=int((end - start).total_seconds() // 60))

    return (
        SampleSession("电动自行车 午间补电 15 分钟", "e-bike, 15 min top-up at noon",
                      usage(at(12, 10), at(12, 25), 45, 150)),
        SampleSession("电动自行车 傍晚 3 小时", "e-bike, 3 h in the evening", usage(at(18, 30), at(21, 30), 900, 350)),
        SampleSession("电动自行车 过夜 4 小时", "e-bike, 4 h overnight", usage(at(21, 30), at(1, 30, 1), 800, 180)),
        SampleSession("电动三轮车 晚间 4 小时", "e-tricycle, 4 h at night", usage(at(19), at(23), 3200, 900)),
        SampleSession("低速电动车 通宵 8 小时", "low-speed EV, 8 h overnight", usage(at(22), at(6, 0, 1), 16000, 2200)),
        SampleSession("电动汽车 交流 7 kW 6 小时", "car, 7 kW AC for 6 h", usage(at(19), at(1, 0, 1), 40000, 7000)),
    )
