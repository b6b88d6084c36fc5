"""Database writes of the meters, station load and OCPP message log: batched like the sample writer,
run on the engine's one database thread, never on the loop."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session, sessionmaker

from app.engine.load import LoadSample
from comm.meters.messages import MeterReading
from db.models_meters import Meter, MeterReadingRow, StationLoadRow
from db.models_ocpp import ChargePoint
from db.ocpp_log import MessageRow, insert_messages
from db.types import utcnow


@dataclass
class DeviceBatch:
    loads: list[dict[str, Any]] = field(default_factory=list)
    readings: list[dict[str, Any]] = field(default_factory=list)
    meters: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)  # newest state per meter
    messages: list[MessageRow] = field(default_factory=list)
    charge_points: dict[str, dict[str, Any]] = field(default_factory=dict)  # identity → columns to set

    def __len__(self) -> int:
        return len(self.loads) + len(self.readings) + len(self.meters) + len(self.messages) + len(self.charge_points)


class DeviceWriter:
    def __init__(self, factory: sessionmaker[Session], *, meter_sample_interval_s: float = 300.0,
                 max_messages: int = 100_000) -> None:
        self.factory = factory
        self.meter_sample_interval = timedelta(seconds=meter_sample_interval_s)
        self.max_messages = max_messages
        self._batch = DeviceBatch()
        self._last_reading: dict[uuid.UUID, datetime] = {}
        self.dropped_messages = 0

    # -- collecting (engine loop) --------------------------------------------------------------
    def add_loads(self, samples: list[LoadSample]) -> None:
        self._batch.loads += [{"station_id": s.station_id, "ts": s.ts, "limit_w": s.limit_w,
                               "transformer_w": s.transformer_w, "charging_w": s.charging_w, "other_w": s.other_w}
                              for s in samples]

    def meter_reading(self, meter_id: uuid.UUID, reading: MeterReading, ts: datetime) -> None:
        self._batch.meters[meter_id] = {"online": True, "last_seen_at": ts, "last_energy_wh": reading.energy_wh,
                                        "last_power_w": reading.power_w}
        last = self._last_reading.get(meter_id)
        if last is None or ts - last >= self.meter_sample_interval:
            self._last_reading[meter_id] = ts
            self._batch.readings.append({"meter_id": meter_id, "ts": ts, "energy_wh": reading.energy_wh,
                                         "power_w": reading.power_w, "voltage_dv": reading.voltage_dv,
                                         "current_ca": reading.current_ca})

    def meter_offline(self, meter_id: uuid.UUID) -> None:
        self._batch.meters.setdefault(meter_id, {})["online"] = False

    def log_message(self, identity: str, ts: datetime, direction: str, message_type: int, action: str | None,
                    unique_id: str, payload: str) -> None:
        if len(self._batch.messages) >= self.max_messages:  # the database is failing: keep the newest
            del self._batch.messages[0]
            self.dropped_messages += 1
        self._batch.messages.append((identity, ts, direction, message_type, action, unique_id[:64], payload))

    def charge_point(self, identity: str, **values: Any) -> None:
        self._batch.charge_points.setdefault(identity, {}).update(values)

    @property
    def pending(self) -> int:
        return len(self._batch)

    def take(self) -> DeviceBatch:
        batch, self._batch = self._batch, DeviceBatch()
        return batch

    def give_back(self, batch: DeviceBatch) -> None:
        newer = self._batch
        self._batch = batch
        self._batch.loads += newer.loads
        self._batch.readings += newer.readings
        self._batch.messages += newer.messages
        for k, v in newer.meters.items():
            self._batch.meters.setdefault(k, {}).update(v)
        for ident, v in newer.charge_points.items():
            self._batch.charge_points.setdefault(ident, {}).update(v)

    # -- writing (database thread) -------------------------------------------------------------
    def write(self, batch: DeviceBatch) -> None:
        if not len(batch):
            return
        with self.factory() as s, s.begin():
            if batch.loads:
                s.execute(insert(StationLoadRow), batch.loads)
            if batch.readings:
                s.execute(insert(MeterReadingRow), batch.readings)
            if batch.messages:
                insert_messages(s.connection(), batch.messages)
            now = utcnow()
            for meter_id, values in batch.meters.items():
                s.execute(update(Meter).where(Meter.id == meter_id).values(
                    **values, version=Meter.version + 1, updated_at=now))
            for identity, values in batch.charge_points.items():
                s.execute(update(ChargePoint).where(ChargePoint.identity == identity).values(
                    **values, version=ChargePoint.version + 1, updated_at=now))
