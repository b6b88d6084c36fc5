"""Live table of ports: one row per port id, values from the engine's coalesced batches.

Rows are fixed while a station is shown (reset only when the row set changes); a batch becomes
targeted dataChanged ranges, never a reset, so sorting, selection and scrolling survive updates.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.engine.events import Event, OrderedPort, OrderedStatus, PileUpdate, PortUpdate
from app.services.stations import StationInfo
from comm.pile.messages import PortLive
from widgets.look import amps, kwh, local, state_dot, volts

COL_PILE, COL_PORT, COL_CLASS, COL_STATE, COL_V, COL_A, COL_W, COL_KWH, COL_ELAPSED, COL_REMAIN, COL_FAULT, \
    COL_PAY, COL_ORDER = range(13)
Index = QModelIndex | QPersistentModelIndex


@dataclass
class PortRow:
    pile_id: uuid.UUID
    pile_code: str
    port_id: uuid.UUID
    number: int
    vehicle_class: str
    live: PortLive | None = None
    online: bool = False
    ordered: OrderedPort | None = None  # ordered charging: charging / limited / paused / queued / held, times


class PortTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PortRow] = []
        self._by_port: dict[uuid.UUID, int] = {}
        self._by_pile: dict[uuid.UUID, list[int]] = {}
        self._headers = [self.tr("Pile"), self.tr("Port"), self.tr("Vehicle"), self.tr("State"), self.tr("V"),
                         self.tr("A"), self.tr("W"), self.tr("kWh"), self.tr("Elapsed min"), self.tr("Remaining min"),
                         self.tr("Fault"), self.tr("Payment"), self.tr("Ordered charging")]
        self._labels = {
            "IDLE": self.tr("Idle"), "STARTING": self.tr("Waiting for load"), "CHARGING": self.tr("Charging"),
            "FAULT": self.tr("Fault"), "DISABLED": self.tr("Disabled"), "OFFLINE": self.tr("Offline"),
            "ebike": self.tr("e-bike"), "trike": self.tr("e-tricycle"), "lsev": self.tr("low-speed EV"),
            "car": self.tr("car"), "NONE": "", "COIN": self.tr("Coin"), "CARD": self.tr("IC card"),
            "REMOTE": self.tr("QR / remote"), "FREE": self.tr("Free"), "MONTHLY": self.tr("Monthly card"),
            "OVERLOAD": self.tr("Overload"), "SHORT_CIRCUIT": self.tr("Short circuit"),
            "RELAY_STUCK": self.tr("Relay stuck"), "LINE_FAULT": self.tr("Faulty line"),
            "METER_ERROR": self.tr("Metering error"),
        }
        self._ordered_labels = {"charging": self.tr("Charging"), "queued": self.tr("Queued"),
                                "held": self.tr("Held by staff"), "limited": self.tr("Limited"),
                                "paused": self.tr("Paused (0 A)")}  # fmt: skip
        self._by_key: dict[tuple[uuid.UUID, int], int] = {}
        self._pile_station: dict[uuid.UUID, uuid.UUID] = {}

    # -- rows ----------------------------------------------------------------------------------
    def set_stations(self, stations: list[StationInfo], snapshot_ports: dict[uuid.UUID, PortUpdate],
                     online: dict[uuid.UUID, bool]) -> None:
        self.beginResetModel()
        self._rows = [
            PortRow(p.pile_id, p.code, port.port_id, port.number, port.vehicle_class,
                    snapshot_ports[port.port_id].live if port.port_id in snapshot_ports else None,
                    online.get(p.pile_id, False))
            for st in stations for p in st.piles for port in p.ports
        ]
        self._by_port = {r.port_id: i for i, r in enumerate(self._rows)}
        self._by_pile = {}
        for i, r in enumerate(self._rows):
            self._by_pile.setdefault(r.pile_id, []).append(i)
        self._by_key = {(r.pile_id, r.number): i for i, r in enumerate(self._rows)}
        self._pile_station = {p.pile_id: st.station_id for st in stations for p in st.piles}
        self.endResetModel()

    def row(self, i: int) -> PortRow:
        return self._rows[i]

    def apply(self, events: list[Event]) -> None:
        changed: set[int] = set()
        for ev in events:
            if isinstance(ev, PortUpdate):
                i = self._by_port.get(ev.port_id)
                if i is not None and self._rows[i].live != ev.live:
                    self._rows[i].live = ev.live
                    changed.add(i)
            elif isinstance(ev, PileUpdate):
                for i in self._by_pile.get(ev.pile_id, ()):
                    if self._rows[i].online != ev.online:
                        self._rows[i].online = ev.online
                        changed.add(i)
            elif isinstance(ev, OrderedStatus):
                changed |= self._apply_ordered(ev)
        for first, last in _ranges(sorted(changed)):
            self.dataChanged.emit(self.index(first, 0), self.index(last, COL_ORDER))

    def _apply_ordered(self, ev: OrderedStatus) -> set[int]:
        """A station's ordered-charging step: every listed port gets its status, the others none."""
        seen: dict[int, OrderedPort] = {}
        for p in ev.ports:
            i = self._by_key.get((p.pile_id, p.number))
            if i is not None:
                seen[i] = p
        changed = set()
        for i, r in enumerate(self._rows):
            if self._pile_station.get(r.pile_id) != ev.station_id:
                continue
            new = seen.get(i)
            if r.ordered != new:
                r.ordered = new
                changed.add(i)
        return changed

    def ordered_text(self, r: PortRow) -> str:
        o = r.ordered
        if o is None:
            return ""
        text = self._ordered_labels.get(o.status, o.status)
        if o.status == "limited" and o.limit_a is not None:
            text = f"{text} · {o.limit_a:.1f} A"
        if o.status in ("charging", "limited") and o.expected_done:
            return self.tr("%1 · done ~%2").replace("%1", text).replace("%2", _hhmm(o.expected_done))
        if o.status in ("queued", "paused") and o.expected_start:
            return self.tr("%1 · starts ~%2").replace("%1", text).replace("%2", _hhmm(o.expected_start))
        return text

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None

    def state_of(self, r: PortRow) -> str:
        if not r.online:
            return "OFFLINE"
        return r.live.state.value if r.live else "IDLE"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.UserRole:  # sort key: numbers as numbers
            return self._sort_value(r, col)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_STATE:
            return state_dot(self.state_of(r))
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= COL_V and col <= COL_REMAIN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        live = r.live
        if col == COL_PILE:
            return r.pile_code
        if col == COL_PORT:
            return r.number
        if col == COL_CLASS:
            return self._labels.get(r.vehicle_class, r.vehicle_class)
        if col == COL_STATE:
            return self._labels[self.state_of(r)]
        if col == COL_ORDER:
            return self.ordered_text(r)
        if live is None or not r.online:
            return ""
        return {
            COL_V: volts(live.voltage_dv), COL_A: amps(live.current_ca), COL_W: str(live.power_w),
            COL_KWH: kwh(live.energy_wh), COL_ELAPSED: str(live.elapsed_min), COL_REMAIN: str(live.remaining_min),
            COL_FAULT: self._labels.get(live.fault.value, live.fault.value),
            COL_PAY: self._labels.get(live.payment.value, live.payment.value),
            COL_ORDER: self.ordered_text(r),
        }.get(col, "")

    def _sort_value(self, r: PortRow, col: int) -> Any:
        live = r.live
        if col in (COL_PILE, COL_CLASS, COL_STATE, COL_FAULT, COL_PAY, COL_ORDER):
            return str(self.data(self.index(self._by_port[r.port_id], col)))
        if col == COL_PORT:
            return r.number
        if live is None or not r.online:
            return -1
        return {COL_V: live.voltage_dv, COL_A: live.current_ca, COL_W: live.power_w, COL_KWH: live.energy_wh,
                COL_ELAPSED: live.elapsed_min, COL_REMAIN: live.remaining_min}.get(col, 0)


def _hhmm(unix: int) -> str:
    return local(datetime.fromtimestamp(unix, UTC), "%H:%M")


def _ranges(rows: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out
