"""Which faults raise a work order by themselves, and when (M8.1). Pure: times come in as arguments.

A rule names an alarm code, how long the alarm must persist before an order is raised, and the
order's severity. A fault that keeps coming and going (a flapping port: a loose contact, a relay
that sticks now and then) is a fault too: ``flap_count`` raises within ``flap_window_s`` trigger an
order even if no single episode lasted long enough. Each key (pile, port, code) triggers at most
once per episode, and a flapping key at most once per window; the service then folds a trigger
into the key's open order, so a flapping port makes one order, not dozens.

Port overload is not a pile fault (someone plugged in a heater) and raises no order.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class FaultRule:
    code: str
    persist_s: float  # the alarm must be open this long
    severity: str  # the order's severity (SLA)
    flap_count: int = 3  # this many raises …
    flap_window_s: float = 1800.0  # … within this window also trigger


DEFAULT_RULES: dict[str, FaultRule] = {r.code: r for r in (
    FaultRule("port.short_circuit", 0, "critical"),
    FaultRule("port.relay_stuck", 30, "major"),
    FaultRule("port.line_fault", 30, "major"),
    FaultRule("port.meter_error", 120, "major"),
    FaultRule("pile.smoke", 0, "critical"),
    FaultRule("pile.over_temp", 300, "major"),
    FaultRule("pile.internal", 60, "major"),
    FaultRule("pile.offline", 600, "major", flap_count=4, flap_window_s=3600),
    FaultRule("pile.mains_lost", 1800, "major"),
    FaultRule("pile.door_open", 1800, "minor"),
)}  # fmt: skip

# Smoke and heat go to the fire-safety IoT platform at once, whatever the work-order rules say.
FIRE_CODES = frozenset({"pile.smoke", "pile.over_temp"})

# Names for order titles, SMS and webhooks (the GUI translates codes itself).
ALARM_NAMES: dict[str, tuple[str, str]] = {
    "pile.offline": ("充电桩离线", "pile offline"), "pile.smoke": ("烟雾报警", "smoke alarm"),
    "pile.over_temp": ("过温", "over-temperature"), "pile.door_open": ("柜门打开", "cabinet door open"),
    "pile.mains_lost": ("市电中断", "mains supply lost"), "pile.internal": ("内部故障", "pile internal fault"),
    "port.overload": ("端口过载", "port overload"), "port.short_circuit": ("短路", "short circuit"),
    "port.relay_stuck": ("继电器粘连", "relay stuck"), "port.line_fault": ("线路故障", "faulty line"),
    "port.meter_error": ("计量故障", "metering error"),
}  # fmt: skip


def alarm_title(code: str, pile_code: str, port: int | None) -> str:
    """"XC01-P03 #9 短路 / short circuit" — one line for both languages (SMS, order titles)."""
    zh, en = ALARM_NAMES.get(code, (code, code))
    where = f"{pile_code} #{port}" if port else pile_code
    return f"{where} {zh} / {en}"


@dataclass(frozen=True, slots=True)
class Trigger(Generic[K]):
    key: K
    code: str
    severity: str
    since: datetime  # when the episode (or the first raise of the flapping window) began
    reason: str  # "persisted" | "flapping"
    raises: int  # raises seen within the flap window
    detail: str


@dataclass
class _Track:
    open_since: datetime | None = None
    detail: str = ""
    fired_episode: bool = False
    raises: deque[datetime] = field(default_factory=deque)
    flap_fired_at: datetime | None = None


class FaultWatch(Generic[K]):
    """Feeds on alarm raised/cleared observations for keys of type K; ``due(now)`` returns the triggers."""

    def __init__(self, rules: dict[str, FaultRule] | None = None) -> None:
        self.rules = DEFAULT_RULES if rules is None else rules
        self._tracks: dict[K, _Track] = {}
        self._code: dict[K, str] = {}

    def raised(self, key: K, code: str, ts: datetime, detail: str = "") -> None:
        rule = self.rules.get(code)
        if rule is None:
            return
        t = self._tracks.setdefault(key, _Track())
        self._code[key] = code
        if t.open_since is None:  # a raise while already open is the same episode
            t.open_since, t.fired_episode = ts, False
            t.raises.append(ts)
        t.detail = detail or t.detail
        self._trim(t, rule, ts)

    def cleared(self, key: K, ts: datetime) -> None:
        t = self._tracks.get(key)
        if t is not None:
            t.open_since = None

    def is_open(self, key: K) -> bool:
        t = self._tracks.get(key)
        return t is not None and t.open_since is not None

    @staticmethod
    def _trim(t: _Track, rule: FaultRule, now: datetime) -> None:
        window = timedelta(seconds=rule.flap_window_s)
        while t.raises and now - t.raises[0] > window:
            t.raises.popleft()

    def due(self, now: datetime) -> list[Trigger[K]]:
        out: list[Trigger[K]] = []
        for key, t in list(self._tracks.items()):
            rule = self.rules[self._code[key]]
            self._trim(t, rule, now)
            if t.open_since is not None and not t.fired_episode and now - t.open_since >= timedelta(
                    seconds=rule.persist_s):
                t.fired_episode = True
                out.append(Trigger(key, rule.code, rule.severity, t.open_since, "persisted", len(t.raises), t.detail))
                continue
            window = timedelta(seconds=rule.flap_window_s)
            flap_armed = t.flap_fired_at is None or now - t.flap_fired_at > window
            if len(t.raises) >= rule.flap_count and flap_armed:
                t.flap_fired_at = now
                t.fired_episode = True  # the open episode (if any) is covered by this trigger
                out.append(Trigger(key, rule.code, rule.severity, t.raises[0], "flapping", len(t.raises), t.detail))
            if t.open_since is None and not t.raises and (t.flap_fired_at is None or now - t.flap_fired_at > window):
                del self._tracks[key]  # quiet again: forget it
                del self._code[key]
        return out
