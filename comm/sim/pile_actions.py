"""What reaches a pile from outside (the layer above pile_rules): the console's commands and the
residents' actions at the pile (coins, card swipes, the free key, plugging in, faults).

Every entry point first advances the physics to `now`, acts, applies the rules that the new
state triggers, and bumps change_counter for what changed.
"""

from __future__ import annotations

from enum import StrEnum

from comm.mifare.layout import pile_number
from comm.pile.messages import Command, CommandCode, CommandResult, Payment, PortFault, StopReason
from comm.sim.cards import CardKind
from comm.sim.pile_physics import U16, integrate_energy
from comm.sim.pile_rules import PileRules
from comm.sim.vehicles import Vehicle


class SwipeResult(StrEnum):
    STARTED = "STARTED"
    ADDED = "ADDED"  # same card again with refund_on_swipe off: more time
    REFUNDED = "REFUNDED"  # same card again with refund_on_swipe on: stopped, unused part back
    UNKNOWN_CARD = "UNKNOWN_CARD"
    BLACKLISTED = "BLACKLISTED"
    INSUFFICIENT = "INSUFFICIENT"
    EXPIRED = "EXPIRED"  # monthly card past its date
    MONTHLY_OFF = "MONTHLY_OFF"  # the pile does not accept monthly cards
    LOCKED = "LOCKED"  # grey-locked by a charge open at another pile or port: settle it there or at the desk
    BUSY = "BUSY"  # the port runs someone else's (or a coin / remote) session
    AT_LIMIT = "AT_LIMIT"  # the session already has max_session_min
    PORT_FAULT = "PORT_FAULT"
    REFUSED = "REFUSED"  # night cut-off, smoke, over-temperature, pile power limit
    NO_POWER = "NO_POWER"


class PileInputs(PileRules):
    # ------------------------------------------------------------------ console commands
    def execute(self, cmd: Command, now: float) -> CommandResult:
        if not self.powered:
            return CommandResult.REFUSED  # a dead pile answers nothing; the wire side stays silent
        self.advance(now)
        result = self._execute(cmd, now)
        self._last_cmd = (result, cmd.seq & U16)
        self._evaluate()
        self._sync()
        return result

    def _execute(self, cmd: Command, now: float) -> CommandResult:
        code = cmd.code
        if code is CommandCode.START_PORT:
            if not 1 <= cmd.port <= len(self.ports):
                return CommandResult.BAD_PORT
            if (cmd.minutes == 0 and cmd.amount_fen == 0) or cmd.minutes > self._config.max_session_min:
                return CommandResult.BAD_ARGUMENT
            p = self._port(cmd.port)
            refusal = self._refusal(p)
            if refusal is not None:
                return refusal
            s = self._open(p, Payment.REMOTE, fixed_min=cmd.minutes)
            s.remote_fen = cmd.amount_fen
            s.tier_fen = 0 if cmd.minutes else cmd.amount_fen  # explicit minutes: the console priced it
            return CommandResult.OK
        if code is CommandCode.STOP_PORT:
            if not 1 <= cmd.port <= len(self.ports):
                return CommandResult.BAD_PORT
            p = self._port(cmd.port)
            if p.session is None:
                return CommandResult.NOT_RUNNING
            self._stop(p, StopReason.REMOTE_STOP)
            return CommandResult.OK
        if code is CommandCode.SYNC_CLOCK:
            if cmd.arg <= 0:
                return CommandResult.BAD_ARGUMENT
            self.clock_offset_s = cmd.arg - now
            return CommandResult.OK
        if code is CommandCode.REBOOT:
            self.power_cut(now)
            self.power_restore(now)
            return CommandResult.OK  # set after the restart, so the console can confirm it
        if code is CommandCode.ACK_RECORDS:
            return self.ring.ack(cmd.arg)
        if code is CommandCode.CLEAR_FAULT:
            return self._clear_fault(cmd.port)
        return CommandResult.BAD_ARGUMENT

    def _clear_fault(self, port: int) -> CommandResult:
        if port == 0:
            cfg = self._config
            if self._smoke_alarm and cfg.mode.smoke_detector and self.smoke_level >= cfg.smoke_threshold:
                return CommandResult.REFUSED  # still smoky: the alarm would come straight back
            self._smoke_alarm = False
            return CommandResult.OK  # over-temperature clears itself (hysteresis), not by command
        if not 1 <= port <= len(self.ports):
            return CommandResult.BAD_PORT
        self._port(port).fault = PortFault.NONE
        return CommandResult.OK

    # ------------------------------------------------------------------ residents
    def insert_coins(self, port: int, count: int, now: float) -> int:
        """Coins into `port`; returns how many the pile kept (the rest drop out of the return slot)."""
        self.advance(now)
        p = self._port(port)
        accepted = 0
        for _ in range(max(count, 0)):
            s = p.session
            if s is None:
                if self._refusal(p) is not None:
                    break
                s = self._open(p, Payment.COIN)
            elif not self._can_add(s):
                break
            self._add_money(s, self._config.coin_fee_fen, card=False)
            accepted += 1
        self._evaluate()
        self._sync()
        return accepted

    def swipe_card(self, port: int, card_no: int, now: float) -> SwipeResult:
        self.advance(now)
        self.cards.tap(card_no)  # the card stays in the slot while the pile reacts to the swipe
        try:
            result = self._swipe(port, card_no)
            self._evaluate()
        finally:
            self.cards.tap(None)
        self._sync()
        return result

    def _swipe(self, port: int, card_no: int) -> SwipeResult:
        p = self._port(port)
        if not self.powered:
            return SwipeResult.NO_POWER
        card = self.cards.get(card_no)
        if card is None:
            return SwipeResult.UNKNOWN_CARD
        if card.blacklisted:
            return SwipeResult.BLACKLISTED
        cfg, s, ref = self._config, p.session, f"{self.code}#{port}"
        if card.lock is not None and self._locked_elsewhere(card.lock, card_no, port):
            return SwipeResult.LOCKED
        if s is not None and s.card_no == card_no:
            if cfg.mode.refund_on_swipe:
                self._stop(p, StopReason.CARD_REFUND)
                self.cards.grey_release(card_no)
                return SwipeResult.REFUNDED
            if not self._can_add(s):
                return SwipeResult.BUSY if s.payment is Payment.MONTHLY else SwipeResult.AT_LIMIT
            if not self.cards.debit(card_no, cfg.swipe_fee_fen, ref):
                return SwipeResult.INSUFFICIENT
            self._add_money(s, cfg.swipe_fee_fen, card=True)
            self.cards.grey_lock(card_no, self.code, port, s.session_id, s.card_fen, self.clock(self._t))
            return SwipeResult.ADDED
        refusal = self._refusal(p)
        if refusal is CommandResult.PORT_BUSY:
            return SwipeResult.BUSY  # coins may top up a card session; a card never joins a coin one
        if refusal is CommandResult.PORT_FAULT:
            return SwipeResult.PORT_FAULT
        if refusal is not None:
            return SwipeResult.REFUSED
        if card.kind is CardKind.MONTHLY:
            if not cfg.mode.monthly_card:
                return SwipeResult.MONTHLY_OFF
            if not card.monthly_valid(self.clock(self._t)):  # the pile checks against its own RTC
                return SwipeResult.EXPIRED
            self._open(p, Payment.MONTHLY, card_no=card_no, fixed_min=cfg.max_session_min)
            return SwipeResult.STARTED
        if not self.cards.debit(card_no, cfg.swipe_fee_fen, ref):
            return SwipeResult.INSUFFICIENT
        new = self._open(p, Payment.CARD, card_no=card_no)
        self._add_money(new, cfg.swipe_fee_fen, card=True)
        self.cards.grey_lock(card_no, self.code, port, new.session_id, new.card_fen, self.clock(self._t))
        return SwipeResult.STARTED

    def _locked_elsewhere(self, lock: object, card_no: int, port: int) -> bool:
        """A grey-locked card: refused unless the lock is this pile's. If its charge has ended here, the
        pile settles it (what it owes the card goes on it) and clears the lock."""
        if lock is False or getattr(lock, "pile_no", None) != pile_number(self.code):
            return True
        if not any(q.session is not None and q.session.session_id == lock.session_id for q in self.ports):  # type: ignore[attr-defined]
            self.cards.grey_release(card_no)
            return False
        return lock.port != port  # type: ignore[attr-defined]

    def press_free(self, port: int, now: float) -> bool:
        """The port key in free-charging mode: starts free_min minutes without payment."""
        self.advance(now)
        p = self._port(port)
        ok = self._config.mode.free_mode and self._refusal(p) is None
        if ok:
            self._open(p, Payment.FREE, fixed_min=self._config.free_min)
        self._evaluate()
        self._sync()
        return ok

    def plug(self, port: int, vehicle: Vehicle, now: float) -> bool:
        """Plug `vehicle` into `port`; False if something is already plugged in there."""
        self.advance(now)
        p = self._port(port)
        if p.vehicle is not None:
            return False
        p.vehicle = vehicle
        self._evaluate()
        self._sync()
        return True

    def unplug(self, port: int, now: float) -> Vehicle | None:
        """Pull the plug (the pile notices only by the missing load: UNPLUGGED after 30 s)."""
        self.advance(now)
        p = self._port(port)
        vehicle, p.vehicle = p.vehicle, None
        self._evaluate()
        self._sync()
        return vehicle

    def inject_short(self, port: int, now: float) -> None:
        """A short on the port's outlet or cable: trips at once and latches until CLEAR_FAULT."""
        self.inject_port_fault(port, PortFault.SHORT_CIRCUIT, now)

    def inject_port_fault(self, port: int, fault: PortFault, now: float) -> None:
        """A port fault found by the pile's self-test (short, faulty line, stuck relay, meter):
        a running session stops and the fault latches until CLEAR_FAULT."""
        self.advance(now)
        if not self.powered or fault is PortFault.NONE:
            return  # a dead pile detects nothing
        p = self._port(port)
        if p.session is not None:
            short = fault is PortFault.SHORT_CIRCUIT
            self._stop(p, StopReason.SHORT_CIRCUIT if short else StopReason.PORT_FAULT)
        p.fault = fault
        self._sync()

    def set_smoke(self, level: int, now: float) -> None:
        self.advance(now)
        self.smoke_level = max(0, min(1000, level))
        self._evaluate()
        self._sync()

    def set_ambient(self, temp_dc: int) -> None:
        """Outdoor temperature (0.1 °C) from the last advanced moment on."""
        self.ambient_c = temp_dc / 10

    def open_door(self, open_: bool) -> None:
        self.door_open = open_
        self._sync()

    def seed_session(
        self,
        port: int,
        vehicle: Vehicle,
        now: float,
        *,
        payment: Payment,
        elapsed_s: float,
        card_no: int = 0,
        coins: int = 1,
    ) -> bool:
        """Install a session that started `elapsed_s` ago with `vehicle` (its charge as it was at
        plug-in) so a demo looks alive at once. Paid like a real start (the card is debited);
        energy follows the vehicle's curve and goes into the meter. False if the port can't."""
        self.advance(now)
        p, cfg = self._port(port), self._config
        if p.vehicle is not None or self._refusal(p) is not None or vehicle.short:
            return False
        measured = vehicle.power_w(vehicle.charged_wh)
        if cfg.tier_of(round(measured)) == 0 or measured > cfg.max_port_power_w:
            return False
        if payment is Payment.CARD and not self.cards.debit(card_no, cfg.swipe_fee_fen, f"{self.code}#{port}"):
            return False
        fixed = {Payment.FREE: cfg.free_min, Payment.MONTHLY: cfg.max_session_min}.get(payment, 0)
        s = self._open(p, payment, card_no=card_no if payment in (Payment.CARD, Payment.MONTHLY) else 0,
                       fixed_min=fixed)
        if payment is Payment.CARD:
            self._add_money(s, cfg.swipe_fee_fen, card=True)
        elif payment is Payment.COIN:
            self._add_money(s, cfg.coin_fee_fen * max(coins, 1), card=False)
        s.measured_w = s.peak_w = measured
        self._begin_charging(s)
        p.vehicle = vehicle
        # fast-forward the charge alone; stop short of the time-up and of full detection
        limit = max(0.0, min(elapsed_s, s.bought_min * 60 - 120))
        while s.used_s + 30 <= limit and vehicle.power_w(vehicle.charged_wh) > cfg.full_stop_power_w:
            de, _ = integrate_energy(vehicle, 30.0)
            s.used_s += 30
            s.energy_wh += de
        self.meter_wh += s.energy_wh
        s.start_clock = self.clock(self._t) - s.used_s
        self._evaluate()
        self._sync()
        return True


__all__ = ["PileInputs", "SwipeResult"]
