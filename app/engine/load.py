"""Station load: limit, charging, transformer reading, other load and spare capacity. Pure (no I/O).

    other load = transformer reading − charging          (the community without its charging)
    spare      = limit − other load                      (what charging may draw, MISSION M9.1)

Charging is the sum of the live power of every port of the station's piles (e-bike ports over
Modbus and car connectors over OCPP alike), taken from the engine's port updates. A transformer
reading older than `stale_after_s` is not used: the metered values go to None, charging stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.engine.events import Event, PortUpdate, StationLoad


@dataclass(frozen=True, slots=True)
class LoadSample:
    """A StationLoad due for the database (downsampled)."""

    station_id: uuid.UUID
    ts: datetime
    limit_w: int
    transformer_w: int | None
    charging_w: int
    other_w: int | None


@dataclass
class _Station:
    limit_w: int
    ports: dict[uuid.UUID, int] = field(default_factory=dict)  # port id → live power
    transformer_w: int | None = None
    meter_at: datetime | None = None
    last_sample: datetime | None = None


class LoadTracker:
    def __init__(self, *, sample_interval_s: float = 60.0, stale_after_s: float = 30.0) -> None:
        self.sample_interval = timedelta(seconds=sample_interval_s)
        self.stale_after = timedelta(seconds=stale_after_s)
        self._stations: dict[uuid.UUID, _Station] = {}
        self._pile_station: dict[uuid.UUID, uuid.UUID] = {}

    def add_station(self, station_id: uuid.UUID, limit_w: int) -> None:
        self._stations.setdefault(station_id, _Station(limit_w)).limit_w = limit_w

    def add_pile(self, pile_id: uuid.UUID, station_id: uuid.UUID) -> None:
        self._pile_station[pile_id] = station_id

    @property
    def stations(self) -> list[uuid.UUID]:
        return list(self._stations)

    def observe(self, events: list[Event]) -> None:
        for ev in events:
            if isinstance(ev, PortUpdate):
                sid = self._pile_station.get(ev.pile_id)
                if sid is not None and sid in self._stations:
                    self._stations[sid].ports[ev.port_id] = ev.live.power_w if ev.live.state.active else 0

    def on_transformer(self, station_id: uuid.UUID, power_w: int, at: datetime) -> None:
        st = self._stations.get(station_id)
        if st is not None:
            st.transformer_w, st.meter_at = power_w, at

    def on_transformer_lost(self, station_id: uuid.UUID) -> None:
        st = self._stations.get(station_id)
        if st is not None:
            st.transformer_w = st.meter_at = None

    def charging_w(self, station_id: uuid.UUID) -> int:
        return sum(self._stations[station_id].ports.values())

    def compute(self, now: datetime) -> tuple[list[Event], list[LoadSample]]:
        events: list[Event] = []
        samples: list[LoadSample] = []
        for sid, st in self._stations.items():
            charging = sum(st.ports.values())
            fresh = st.meter_at is not None and now - st.meter_at <= self.stale_after
            transformer = st.transformer_w if fresh else None
            other = None if transformer is None else max(0, transformer - charging)
            spare = None if other is None else st.limit_w - other
            events.append(StationLoad(sid, st.limit_w, charging, transformer, other, spare,
                                      st.meter_at if fresh else None, now))
            if st.last_sample is None or now - st.last_sample >= self.sample_interval:
                samples.append(LoadSample(sid, now, st.limit_w, transformer, charging, other))
                st.last_sample = now
        return events, samples
