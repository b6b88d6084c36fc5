"""The state of a simulated ACX10A pile and its session bookkeeping (base of SimPile).

Memory model: what a real controller keeps in NV memory (config, record ring and read pointer,
meter, boot count, latched port faults, running sessions for power-failure memory, the RTC offset)
lives on as attributes across `power_cut`/`power_restore`; the volatile part (session timers,
alarm latches, the last command result, uptime) is reset at power-up.

Money rules (documented choices):
* Paid time is granted when the load has been measured: minutes = amount × tier minutes/yuan,
  capped by max_session_min (PileConfig.minutes_for). A coin or swipe that cannot add time
  because the session is at the cap is refused (the coin is returned).
* A session that stops before any time was granted (no load, overload, short, night, smoke …
  while STARTING) gives the card part back to the card and records the REMOTE part as refund_fen
  for the console to return to the app wallet. Coins in the box are never refunded.
* 刷卡退费: the same card swiped on its running port stops it (CARD_REFUND) and refunds
  floor(card part × unused seconds / bought seconds) — rounded down, never more than unused.
* FULL clears the remaining billing time without refund (the card is not at the pile).
"""

from __future__ import annotations

import math
import random

from comm.pile.messages import (
    CommandResult,
    Payment,
    PileConfig,
    PileFault,
    PortFault,
    PortState,
    StopReason,
    TransactionRecord,
)
from comm.sim.cards import CardBook
from comm.sim.pile_physics import U16, U32, Port, Session, clamp, in_window, local_minute, mains_dv
from comm.sim.records import MODEL_NAME, RecordRing


class PileCore:
    def __init__(
        self,
        *,
        code: str,
        serial: str,
        unit_id: int,
        rng: random.Random,
        now: float,
        config: PileConfig | None = None,
        cards: CardBook | None = None,
        port_count: int = 10,
        firmware: tuple[int, int, int] = (1, 2, 0),
        hw_version: int = 1,
        tz_offset_min: int = 480,
        ambient_dc: int = 250,
        clock_offset_s: float = 0.0,
        meter_wh: int = 0,
        boot_count: int = 1,
        model: str = MODEL_NAME,
    ) -> None:
        self.code, self.serial, self.unit_id, self.model = code, serial, unit_id, model
        self.firmware, self.hw_version, self.tz_offset_min = firmware, hw_version, tz_offset_min
        self.cards = cards if cards is not None else CardBook()
        self.ports = [Port(n) for n in range(1, port_count + 1)]
        # NV memory
        self._config = config or PileConfig()
        self._revision = 0
        self.ring = RecordRing()
        self.meter_wh = float(meter_wh)
        self.boot_count = boot_count
        self.clock_offset_s = clock_offset_s  # battery-backed RTC: survives power cuts
        self._cut_clock = 0.0
        # physical world
        self.ambient_c = ambient_dc / 10
        self.temp_c = self.ambient_c
        self.smoke_level = 0
        self.door_open = False
        self._base_dv = 2200.0 + rng.uniform(-15.0, 90.0)  # each feeder sits a little differently
        self._phase = rng.uniform(0.0, 2 * math.pi)
        # volatile
        self.powered = True
        self._t = now
        self._boot_time = now
        self._smoke_alarm = False
        self._over_temp = False
        self._pile_overload = False
        self._last_cmd: tuple[CommandResult, int] = (CommandResult.NONE, 0)
        self._changes = 0
        self._snap = self._snapshot()


    @property
    def config(self) -> PileConfig:
        return self._config


    def clock(self, now: float) -> float:
        return now + self.clock_offset_s


    def port_state(self, n: int) -> PortState:
        return self._state_of(self._port(n), self.night_active)

    @staticmethod
    def _state_of(p: Port, night: bool) -> PortState:
        if p.fault is not PortFault.NONE:
            return PortState.FAULT
        if p.session is not None:
            return PortState.CHARGING if p.session.charging else PortState.STARTING
        return PortState.DISABLED if night else PortState.IDLE


    @property
    def pile_fault(self) -> PileFault:
        if self._smoke_alarm:
            return PileFault.SMOKE
        if self._over_temp:
            return PileFault.OVER_TEMP
        return PileFault.DOOR_OPEN if self.door_open else PileFault.NONE

    @property
    def night_active(self) -> bool:
        cfg = self._config
        if not cfg.mode.night_cutoff:
            return False
        minute = local_minute(self.clock(self._t), self.tz_offset_min)
        return in_window(minute, cfg.night_start_min, cfg.night_end_min)

    @property
    def total_power_w(self) -> float:
        return sum(p.power_w for p in self.ports if p.session is not None) if self.powered else 0.0

    @property
    def mains_voltage_dv(self) -> float:
        return mains_dv(self._base_dv, self._phase, self._t, self.total_power_w) if self.powered else 0.0


    # ------------------------------------------------------------------ sessions
    def _port(self, n: int) -> Port:
        if not 1 <= n <= len(self.ports):
            raise ValueError(f"pile {self.code} has no port {n}")
        return self.ports[n - 1]

    def _refusal(self, p: Port) -> CommandResult | None:
        if not self.powered:
            return CommandResult.REFUSED
        if p.fault is not PortFault.NONE:
            return CommandResult.PORT_FAULT
        if p.session is not None:
            return CommandResult.PORT_BUSY
        if self._smoke_alarm or self._over_temp or self.night_active or self._pile_overload:
            return CommandResult.REFUSED
        return None

    def _open(self, p: Port, payment: Payment, *, card_no: int = 0, fixed_min: int = 0) -> Session:
        s = Session(
            session_id=self.ring.new_session_id(), payment=payment, start_clock=self.clock(self._t), cfg=self._config,
            card_no=card_no, fixed_min=fixed_min,
        )
        p.session, p.stop_reason = s, StopReason.NONE
        return s

    def _can_add(self, s: Session) -> bool:
        if s.payment in (Payment.FREE, Payment.MONTHLY):
            return False
        if s.charging:
            return s.bought_min < s.cfg.max_session_min
        return s.fixed_min + s.cfg.minutes_for(s.tier_fen, 0) < s.cfg.max_session_min

    def _add_money(self, s: Session, fen: int, *, card: bool) -> None:
        if card:
            s.card_fen += fen
        else:
            s.coin_fen += fen
        s.tier_fen += fen
        if s.charging:
            s.bought_min = self._bought(s)

    def _stop(self, p: Port, reason: StopReason, *, end_clock: float | None = None) -> None:
        s = p.session
        assert s is not None
        refund_card = refund_remote = 0
        if not s.charging:  # no time was granted: card and app money go back (coins stay in the box)
            refund_card, refund_remote = s.card_fen, s.remote_fen
        elif reason is StopReason.CARD_REFUND and s.bought_min > 0:
            refund_card = s.card_fen * int(s.remaining_s) // (s.bought_min * 60)  # round down
        if refund_card:
            self.cards.credit(s.card_no, refund_card, ref=f"{self.code}#{p.n}")
        end = self.clock(self._t) if end_clock is None else end_clock
        self.ring.write(TransactionRecord(
            seq=0, session_id=s.session_id, port=p.n,  # seq: assigned by the ring in write order
            start_time=clamp(s.start_clock, 0, U32), end_time=clamp(end, 0, U32),
            minutes_bought=clamp(s.bought_min, 0, U16), minutes_used=clamp(s.used_s // 60, 0, U16),
            energy_wh=clamp(s.energy_wh, 0, U16), amount_fen=clamp(s.amount_fen, 0, U16),
            refund_fen=clamp(refund_card + refund_remote, 0, U16), payment=s.payment, card_no=s.card_no,
            stop_reason=reason, peak_power_w=clamp(s.peak_w, 0, U16), tier=s.tier,
        ))
        p.last, p.session, p.stop_reason, p.power_w = s, None, reason, 0.0

    def _snapshot(self) -> tuple[object, ...]:
        night = self.night_active
        ports = tuple(
            (self._state_of(p, night), p.fault, p.stop_reason, p.session.session_id if p.session else 0)
            for p in self.ports
        )
        return (*ports, self.pile_fault)

    def _sync(self) -> None:
        """Bump change_counter once for every port (or the pile fault) that changed."""
        snap = self._snapshot()
        self._changes += sum(1 for a, b in zip(snap, self._snap, strict=True) if a != b)
        self._snap = snap



    def _begin_charging(self, s: Session) -> None:
        free = s.payment in (Payment.FREE, Payment.MONTHLY)
        s.tier = 0 if free else s.cfg.tier_of(round(s.measured_w))
        s.charging = True
        s.bought_min = self._bought(s)

    def _bought(self, s: Session) -> int:
        by_tier = s.cfg.minutes_for(s.tier_fen, round(s.measured_w)) if s.tier_fen else 0
        return min(s.cfg.max_session_min, s.fixed_min + by_tier)
