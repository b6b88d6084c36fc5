"""Latest-state store and change detection: observations in, events out. Pure (no I/O, no clock).

The pollers report what they read; this store remembers the newest value per pile and port and
turns *changes* into events: sessions started/ended, alarms raised/cleared, piles online/offline,
and downsampled samples for the database. It runs on the engine loop only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.engine.events import (
    AlarmCleared,
    AlarmKey,
    AlarmRaised,
    Event,
    PileEventLogged,
    PileOffline,
    PileOnline,
    PileRebooted,
    PileUpdate,
    PortUpdate,
    Sample,
    SessionEnded,
    SessionStarted,
)
from comm.pile.messages import PileFault, PileIdentity, PileStatus, PortFault, PortLive

# Alarm codes and severities. Keys are stable strings: the GUI translates them for display.
PORT_FAULT_ALARMS: dict[PortFault, tuple[str, str]] = {
    PortFault.OVERLOAD: ("port.overload", "minor"),
    PortFault.SHORT_CIRCUIT: ("port.short_circuit", "critical"),
    PortFault.RELAY_STUCK: ("port.relay_stuck", "major"),
    PortFault.LINE_FAULT: ("port.line_fault", "major"),
    PortFault.METER_ERROR: ("port.meter_error", "major"),
}
PILE_FAULT_ALARMS: dict[PileFault, tuple[str, str]] = {
    PileFault.OVER_TEMP: ("pile.over_temp", "major"),
    PileFault.SMOKE: ("pile.smoke", "critical"),
    PileFault.DOOR_OPEN: ("pile.door_open", "warning"),
    PileFault.INTERNAL: ("pile.internal", "major"),
}
FLAG_ALARMS: dict[str, tuple[str, str]] = {
    "smoke_alarm": ("pile.smoke", "critical"),
    "over_temp": ("pile.over_temp", "major"),
    "door_open": ("pile.door_open", "warning"),
}
OFFLINE_ALARM = ("pile.offline", "major")
MAINS_ALARM = ("pile.mains_lost", "major")


@dataclass(frozen=True, slots=True)
class PortRef:
    port_id: uuid.UUID
    number: int


@dataclass
class _ActiveSession:
    pile_session_id: int
    max_power_w: int = 0


@dataclass
class _PortState:
    ref: PortRef
    live: PortLive | None = None
    session: _ActiveSession | None = None
    last_sample_at: datetime | None = None


@dataclass
class _PileState:
    pile_id: uuid.UUID
    ports: dict[int, _PortState]
    online: bool | None = None  # None: not heard from since the engine started
    identity: PileIdentity | None = None
    status: PileStatus | None = None
    open_alarms: set[AlarmKey] = field(default_factory=set)
    records_lost: int | None = None


class StateStore:
    """Newest values and open conditions of every pile and port the engine polls."""

    def __init__(self, *, sample_interval_s: float = 10.0) -> None:
        self.sample_interval = timedelta(seconds=sample_interval_s)
        self._piles: dict[uuid.UUID, _PileState] = {}

    # -- set-up from the database ---------------------------------------------------------------
    def add_pile(self, pile_id: uuid.UUID, ports: list[PortRef]) -> None:
        self._piles[pile_id] = _PileState(pile_id, {p.number: _PortState(p) for p in ports})

    def restore_alarm(self, key: AlarmKey) -> None:
        """An alarm still open in the database: it is cleared (not raised again) when the pile says so."""
        if key.pile_id in self._piles:
            self._piles[key.pile_id].open_alarms.add(key)

    def restore_session(self, pile_id: uuid.UUID, number: int, pile_session_id: int) -> None:
        pile = self._piles.get(pile_id)
        if pile and number in pile.ports:
            pile.ports[number].session = _ActiveSession(pile_session_id)

    # -- queries (engine thread) ----------------------------------------------------------------
    def pile_ids(self) -> list[uuid.UUID]:
        return list(self._piles)

    def port_live(self, pile_id: uuid.UUID, number: int) -> PortLive | None:
        return self._piles[pile_id].ports[number].live

    def is_online(self, pile_id: uuid.UUID) -> bool:
        return bool(self._piles[pile_id].online)

    def open_alarms(self) -> set[AlarmKey]:
        return set().union(*(p.open_alarms for p in self._piles.values())) if self._piles else set()

    # -- observations -------------------------------------------------------------------------
    def on_identity(self, pile_id: uuid.UUID, identity: PileIdentity, now: datetime) -> list[Event]:
        pile = self._piles[pile_id]
        events: list[Event] = []
        if pile.identity is not None and identity.boot_count != pile.identity.boot_count:
            events.append(PileRebooted(pile_id, identity, now))
            events.append(PileEventLogged(pile_id, "rebooted", "warning",
                                          f"boot count {pile.identity.boot_count} → {identity.boot_count}", now))
        pile.identity = identity
        return events + self._mark_online(pile, now)

    def on_status(self, pile_id: uuid.UUID, status: PileStatus, now: datetime, *, records_lost: int | None = None
                  ) -> list[Event]:
        pile = self._piles[pile_id]
        events = self._mark_online(pile, now)
        pile.status = status
        wanted: dict[AlarmKey, tuple[str, str]] = {}
        for flag, (code, sev) in FLAG_ALARMS.items():
            if getattr(status.flags, flag):
                wanted[AlarmKey(pile_id, None, code)] = (sev, flag)
        if not status.flags.mains_present:
            wanted[AlarmKey(pile_id, None, MAINS_ALARM[0])] = (MAINS_ALARM[1], "mains supply lost")
        if status.pile_fault is not PileFault.NONE:
            code, sev = PILE_FAULT_ALARMS[status.pile_fault]
            wanted.setdefault(AlarmKey(pile_id, None, code), (sev, status.pile_fault.value))
        events += self._reconcile(pile, wanted, now, port=None)
        events.append(PileUpdate(pile_id, True, status, now))
        return events

    def on_records_header(self, pile_id: uuid.UUID, lost: int, now: datetime) -> list[Event]:
        pile = self._piles[pile_id]
        events: list[Event] = []
        if pile.records_lost is not None and lost > pile.records_lost:
            events.append(PileEventLogged(
                pile_id, "records_lost", "major",
                f"{lost - pile.records_lost} offline records were overwritten in the pile before they could be read",
                now,
            ))
        pile.records_lost = lost
        return events

    def on_ports(self, pile_id: uuid.UUID, ports: dict[int, PortLive], now: datetime) -> list[Event]:
        pile = self._piles[pile_id]
        events = self._mark_online(pile, now)
        for number, live in ports.items():
            st = pile.ports.get(number)
            if st is None:
                continue  # a port the database does not know: ignore rather than invent one
            events += self._port_changes(pile, st, live, now)
            st.live = live
            events.append(PortUpdate(pile_id, st.ref.port_id, number, live, now))
        return events

    def on_offline(self, pile_id: uuid.UUID, reason: str, now: datetime) -> list[Event]:
        pile = self._piles[pile_id]
        if pile.online is False:
            return []
        pile.online = False
        key = AlarmKey(pile_id, None, OFFLINE_ALARM[0])
        events: list[Event] = [PileOffline(pile_id, reason, now), PileUpdate(pile_id, False, pile.status, now),
                               PileEventLogged(pile_id, "offline", "major", reason, now)]
        if key not in pile.open_alarms:
            pile.open_alarms.add(key)
            events.append(AlarmRaised(key, OFFLINE_ALARM[1], reason, now))
        return events

    # -- internals ----------------------------------------------------------------------------
    def _mark_online(self, pile: _PileState, now: datetime) -> list[Event]:
        if pile.online:
            return []
        was_offline = pile.online is False
        pile.online = True
        events: list[Event] = [PileOnline(pile.pile_id, pile.identity, now)]
        if was_offline:
            events.append(PileEventLogged(pile.pile_id, "online", "info", "answering again", now))
        key = AlarmKey(pile.pile_id, None, OFFLINE_ALARM[0])
        if key in pile.open_alarms:
            pile.open_alarms.discard(key)
            events.append(AlarmCleared(key, now))
        return events

    def _reconcile(self, pile: _PileState, wanted: dict[AlarmKey, tuple[str, str]], now: datetime,
                   *, port: int | None) -> list[Event]:
        """Raise what is wanted and not open; clear what is open and no longer wanted (same scope)."""
        events: list[Event] = []
        for key, (sev, detail) in wanted.items():
            if key not in pile.open_alarms:
                pile.open_alarms.add(key)
                events.append(AlarmRaised(key, sev, detail, now))
        for key in list(pile.open_alarms):
            if key.port_number == port and key not in wanted and key.code != OFFLINE_ALARM[0]:
                pile.open_alarms.discard(key)
                events.append(AlarmCleared(key, now))
        return events

    def _port_changes(self, pile: _PileState, st: _PortState, live: PortLive, now: datetime) -> list[Event]:
        events: list[Event] = []
        ref = st.ref
        wanted = {}
        if live.fault is not PortFault.NONE:
            code, sev = PORT_FAULT_ALARMS[live.fault]
            wanted[AlarmKey(pile.pile_id, ref.number, code)] = (sev, live.fault.value)
        events += self._reconcile(pile, wanted, now, port=ref.number)

        sess = st.session
        if sess is not None and (not live.state.active or live.session_id != sess.pile_session_id):
            prev = st.live
            same = live.session_id == sess.pile_session_id
            # The pile keeps the last session's totals in the port block until the next one starts.
            energy = live.energy_wh if same else (prev.energy_wh if prev else 0)
            reason = live.stop_reason.value if same else "UNKNOWN"
            events.append(SessionEnded(pile.pile_id, ref.port_id, ref.number, sess.pile_session_id, now,
                                       energy, max(sess.max_power_w, live.power_w if same else 0), reason))
            st.session = sess = None
        if sess is None and live.state.active and live.session_id:
            started = now - timedelta(minutes=live.elapsed_min)
            bought = live.elapsed_min + live.remaining_min if live.remaining_min else None
            events.append(SessionStarted(pile.pile_id, ref.port_id, ref.number, live.session_id,
                                         live.payment.value, started, bought))
            st.session = sess = _ActiveSession(live.session_id)
        if sess is not None:
            sess.max_power_w = max(sess.max_power_w, live.power_w)

        changed = st.live is None or st.live.state != live.state
        due = st.last_sample_at is None or now - st.last_sample_at >= self.sample_interval
        if changed or (live.state.active and due):
            events.append(Sample(ref.port_id, now, live.state.value, live.voltage_dv, live.current_ca,
                                 live.power_w, live.energy_wh))
            st.last_sample_at = now
        return events
