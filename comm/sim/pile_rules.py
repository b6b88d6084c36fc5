"""The pile's physics and protection rules, stepped through sim time,
plus configuration writes and power cuts (the layer above pile_core).

`advance` integrates energy, heat and the session timers in sub-steps of at most 10 s; each step
is also cut short at the next timer expiry (time up, unplug 30 s, full detection, measurement,
no-load), so a one-day fast-forward stops a session at the same moment as ten-second ticks do.
"""

from __future__ import annotations

from comm.pile.messages import CommandResult, PileConfig, PortFault, StopReason
from comm.sim.pile_core import PileCore
from comm.sim.pile_physics import (
    EPS,
    IDLE_STEP_S,
    MAX_STEP_S,
    MEASURE_S,
    NO_LOAD_S,
    OVER_TEMP_HYST_DC,
    UNPLUG_S,
    integrate_energy,
    load_power,
    thermal_step,
)


class PileRules(PileCore):
    def advance(self, now: float) -> None:
        """Integrate from the last call to `now` in sub-steps of at most 10 s (60 s when idle),
        cut short at every timer expiry so a fast-forward stops sessions at the right moment."""
        if now <= self._t:
            return
        if not self.powered:
            self.temp_c = thermal_step(self.temp_c, self.ambient_c, 0.0, now - self._t)
            self._t = now
            return
        self._evaluate()
        while self._t < now - EPS:
            self._integrate(min(self._next_dt(), now - self._t))
            self._evaluate()
        self._t = now
        self._sync()

    def _next_dt(self) -> float:
        cfg = self._config
        dts = [MAX_STEP_S]
        for p in self.ports:
            s = p.session
            if s is None:
                continue
            if not s.charging:
                dts.append(MEASURE_S - s.measure_s if round(p.power_w) > cfg.unplug_power_w else NO_LOAD_S - s.noload_s)
                continue
            dts.append(s.bought_min * 60 - s.used_s)
            if round(p.power_w) <= cfg.unplug_power_w:
                dts.append(UNPLUG_S - s.unplug_s)
            if round(p.power_w) <= cfg.full_stop_power_w:
                dts.append(cfg.full_stop_min * 60 - s.full_s)
        if len(dts) == 1:
            return IDLE_STEP_S
        return max(min(dts), 1e-3)

    def _integrate(self, dt: float) -> None:
        cfg = self._config
        total = self.total_power_w
        for p in self.ports:
            s = p.session
            if s is None:
                continue
            p_begin = round(p.power_w)  # the pile meters whole watts, as it reports them
            v = p.vehicle
            de, p_end = integrate_energy(v, dt) if v is not None and not v.short else (0.0, 0.0)
            s.energy_wh += de
            self.meter_wh += de
            s.peak_w = max(s.peak_w, p_begin, p_end)
            p.power_w = p_end
            if not s.charging:
                if p_begin > cfg.unplug_power_w:
                    s.measure_s += dt
                    s.measured_w = max(s.measured_w, p_begin, p_end)
                    s.noload_s = 0.0
                else:
                    s.noload_s += dt
                    s.measure_s, s.measured_w = 0.0, 0.0
                continue
            s.used_s += dt
            s.unplug_s = s.unplug_s + dt if p_begin <= cfg.unplug_power_w else 0.0
            s.full_s = s.full_s + dt if p_begin <= cfg.full_stop_power_w else 0.0
        self.temp_c = thermal_step(self.temp_c, self.ambient_c, total, dt)
        self._t += dt

    def _evaluate(self) -> None:
        """Apply every rule that the present state triggers (protections first)."""
        if not self.powered:
            return
        cfg = self._config
        if cfg.mode.smoke_detector and self.smoke_level >= cfg.smoke_threshold:
            self._smoke_alarm = True  # latched until CLEAR_FAULT 0 with the air clear
        temp_dc = self.temp_c * 10
        if temp_dc >= cfg.over_temp_dc:
            self._over_temp = True
        elif temp_dc <= cfg.over_temp_dc - OVER_TEMP_HYST_DC:
            self._over_temp = False
        pile_stop = (
            StopReason.SMOKE if self._smoke_alarm
            else StopReason.OVER_TEMP if self._over_temp
            else StopReason.NIGHT_CUTOFF if self.night_active
            else None
        )
        for p in self.ports:
            s = p.session
            if s is None:
                continue
            if pile_stop is not None:
                self._stop(p, pile_stop)
                continue
            p.power_w = load_power(p)
            if p.vehicle is not None and p.vehicle.short:
                self._stop(p, StopReason.SHORT_CIRCUIT)
                p.fault = PortFault.SHORT_CIRCUIT
                continue
            if round(p.power_w) > cfg.max_port_power_w:
                self._stop(p, StopReason.OVERLOAD)  # power strip / heater: refused, not latched
                continue
            if not s.charging:
                if s.measure_s >= MEASURE_S - EPS:
                    if s.cfg.tier_of(round(s.measured_w)) == 0:  # above every tier
                        self._stop(p, StopReason.OVERLOAD)
                        continue
                    self._begin_charging(s)
                elif s.noload_s >= NO_LOAD_S - EPS:
                    self._stop(p, StopReason.NO_LOAD)
                    continue
            if s.charging:
                if s.used_s >= s.bought_min * 60 - EPS:
                    self._stop(p, StopReason.TIME_UP)
                elif s.unplug_s >= UNPLUG_S - EPS:
                    self._stop(p, StopReason.UNPLUGGED)
                elif s.full_s >= cfg.full_stop_min * 60 - EPS:
                    self._stop(p, StopReason.FULL)
        self._pile_overload = self.total_power_w >= cfg.max_pile_power_w
    # ------------------------------------------------------------------ write side
    def apply_config(self, cfg: PileConfig) -> None:
        """Already range-checked by the codec. Mode flags and thresholds act at once; tiers and
        the session cap apply to sessions started from now on."""
        self._config = cfg
        self._revision += 1
        if not cfg.mode.smoke_detector:
            self._smoke_alarm = False  # the sensor is no longer enforced
        self._evaluate()
        self._sync()

    # ------------------------------------------------------------------ power
    def power_cut(self, now: float) -> None:
        if not self.powered:
            return
        self.advance(now)
        self._cut_clock = self.clock(now)
        self.powered = False
        for p in self.ports:
            p.power_w = 0.0
        self._last_cmd = (CommandResult.NONE, 0)
        self._smoke_alarm = self._over_temp = self._pile_overload = False

    def power_restore(self, now: float) -> None:
        if self.powered:
            return
        self.advance(now)
        self.powered = True
        self.boot_count += 1
        self._boot_time = now
        for p in self.ports:
            s = p.session
            if s is None:
                continue
            if self._config.mode.power_memory:
                s.reset_timers()  # resume: re-measure if the tier was not fixed yet
            else:
                self._stop(p, StopReason.POWER_LOST, end_clock=self._cut_clock)
        self._evaluate()
        self._sync()
