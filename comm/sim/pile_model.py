"""SimPile: one simulated 10-port e-bike pile of the ACX10A class (read side on top of the rules).

Pure Python: no I/O, no wall clock. Time comes in as `now` (sim Unix seconds); randomness only from
the injected `random.Random`. The wire side (comm/sim/slave.py) encodes what this class reads out
into registers and feeds register writes into `apply_config` / `execute`. Layers, bottom up:
pile_core (state, NV memory, sessions, money) → pile_rules (physics, protections, power) →
pile_actions (console commands, residents) → pile_maint (firmware slots, self-test) → pile_blacklist
(the pushed card blacklist) → SimPile (what the register map shows).
"""

from __future__ import annotations

import math

from comm.pile.messages import (
    CommandResult,
    Payment,
    PileFlags,
    PileIdentity,
    PileStatus,
    PortLive,
    RecordsHeader,
    TransactionRecord,
)
from comm.sim.pile_actions import SwipeResult
from comm.sim.pile_blacklist import PileBlacklist
from comm.sim.pile_physics import EPS, U16, U32, Session, clamp
from comm.sim.records import MAP_VERSION, RECORD_WINDOW
from comm.sim.vehicles import Vehicle


class SimPile(PileBlacklist):
    # ------------------------------------------------------------------ read side
    @property
    def config_revision(self) -> int:
        return self._revision & U16

    @property
    def last_command(self) -> tuple[CommandResult, int]:
        return self._last_cmd

    @property
    def time(self) -> float:
        """Sim time the physics has been advanced to."""
        return self._t

    def identity(self) -> PileIdentity:
        major, minor, patch = self.firmware
        return PileIdentity(
            map_version=MAP_VERSION, port_count=len(self.ports), model=self.model, serial=self.serial,
            fw_major=major, fw_minor=minor, fw_patch=patch, hw_version=self.hw_version,
            boot_count=self.boot_count & U16,
        )

    def status(self, now: float) -> PileStatus:
        cfg = self._config
        flags = PileFlags(
            mains_present=self.powered, smoke_alarm=self._smoke_alarm, over_temp=self._over_temp,
            door_open=self.door_open, night_cutoff=self.night_active, free_mode=cfg.mode.free_mode,
            pile_overload=self._pile_overload,
        )
        mask = sum(1 << (p.n - 1) for p in self.ports if p.session is not None and self.powered)
        return PileStatus(
            flags=flags,
            temperature_dc=clamp(self.temp_c * 10, -32768, 32767),
            smoke_level=clamp(self.smoke_level, 0, 1000),
            meter_wh=int(self.meter_wh) & U32,
            total_power_w=clamp(self.total_power_w, 0, U16),
            mains_voltage_dv=clamp(self.mains_voltage_dv, 0, U16),
            clock=clamp(self.clock(now), 0, U32),
            pile_fault=self.pile_fault,
            charging_mask=mask & U16,
            change_counter=self._changes & U16,
            record_newest=self.ring.newest & U32,
            record_acked=self.ring.acked & U32,
            uptime_s=clamp(now - self._boot_time, 0, U32),
            blacklist_version=self.blacklist_version & U32,
        )

    def port(self, n: int) -> PortLive:
        p = self._port(n)
        s = p.session or p.last
        on = p.session is not None and self.powered
        volts = self.mains_voltage_dv if on else 0.0
        pf = p.vehicle.pf if p.vehicle is not None else 1.0
        amps_ca = p.power_w / (volts / 10 * pf) * 100 if on and volts > 0 else 0.0
        if p.session is not None and p.session.charging:
            remaining = math.ceil(p.session.remaining_s / 60 - EPS)
        elif p.session is not None:
            remaining = p.session.fixed_min
        else:
            remaining = 0
        return PortLive(
            state=self.port_state(n),
            voltage_dv=clamp(volts, 0, U16),
            current_ca=clamp(amps_ca, 0, U16),
            power_w=clamp(p.power_w if on else 0.0, 0, U16),
            energy_wh=clamp(s.energy_wh, 0, U16) if s else 0,
            elapsed_min=clamp(s.used_s // 60, 0, U16) if s else 0,
            remaining_min=clamp(remaining, 0, U16),
            fault=p.fault,
            stop_reason=p.stop_reason,
            payment=s.payment if s else Payment.NONE,
            session_id=(s.session_id & U32) if s else 0,
        )

    def records_header(self) -> RecordsHeader:
        return self.ring.header()

    def record_window(self, count: int = RECORD_WINDOW) -> list[TransactionRecord]:
        return self.ring.window(count)

    def session(self, n: int) -> Session | None:
        return self._port(n).session

    def vehicle(self, n: int) -> Vehicle | None:
        return self._port(n).vehicle



__all__ = ["SimPile", "SwipeResult"]
