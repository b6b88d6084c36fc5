"""The station tree: operator → community → pile → port, with live state counts and a filter."""

from __future__ import annotations

import uuid
from collections import Counter

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLineEdit, QTreeView, QVBoxLayout, QWidget

from app.engine.events import Event, PileUpdate, PortUpdate
from app.engine.hub import Snapshot
from app.services.stations import StationInfo
from widgets.look import state_dot

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "station" | "pile" | "port"
ID_ROLE = Qt.ItemDataRole.UserRole + 2  # uuid.UUID
STATE_ROLE = Qt.ItemDataRole.UserRole + 3  # the state whose dot is shown


class StationTree(QWidget):
    selected = Signal(str, object)  # kind, id

    def __init__(self, operator_name: str, stations: list[StationInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stations = stations
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(self.tr("Filter: community, pile or port…"))
        self.filter.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTreeView(self)
        self.view.setModel(self.proxy)
        self.view.setHeaderHidden(True)
        self.view.setUniformRowHeights(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.filter)
        lay.addWidget(self.view)
        self._items: dict[uuid.UUID, QStandardItem] = {}
        self._port_state: dict[uuid.UUID, str] = {}
        self._pile_online: dict[uuid.UUID, bool] = {}
        self._pile_of_port: dict[uuid.UUID, uuid.UUID] = {}
        self._names: dict[uuid.UUID, str] = {}
        self._dirty = False
        self._build(operator_name)
        self.filter.textChanged.connect(self._on_filter)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._refresh_counts)
        self._timer.start(500)  # counts repaint at 2 Hz from the newest values, not per event

    def _build(self, operator_name: str) -> None:
        root = QStandardItem(operator_name)
        root.setEditable(False)
        self.model.appendRow(root)
        for st in self.stations:
            s_item = self._item(f"{st.code} {st.name}", "station", st.station_id)
            root.appendRow(s_item)
            for pile in st.piles:
                p_item = self._item(pile.code, "pile", pile.pile_id)
                s_item.appendRow(p_item)
                self._pile_online[pile.pile_id] = pile.online
                for port in pile.ports:
                    label = self.tr("Port %1").replace("%1", str(port.number))
                    p_item.appendRow(self._item(label, "port", port.port_id))
                    self._pile_of_port[port.port_id] = pile.pile_id
                    self._port_state[port.port_id] = "IDLE"
        self.view.expand(self.proxy.mapFromSource(root.index()))
        self._refresh_counts(force=True)

    def _item(self, text: str, kind: str, ident: uuid.UUID) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setData(kind, KIND_ROLE)
        item.setData(ident, ID_ROLE)
        self._items[ident] = item
        self._names[ident] = text
        return item

    # -- live ------------------------------------------------------------------------------------
    def prime(self, snap: Snapshot) -> None:
        """Start from the engine's newest values: a port that has not changed since still shows right."""
        for port_id, upd in snap.ports.items():
            if port_id in self._port_state:
                self._port_state[port_id] = upd.live.state.value
        for pile_id, pu in snap.piles.items():
            if pile_id in self._pile_online:
                self._pile_online[pile_id] = pu.online
        self._refresh_counts(force=True)

    def apply(self, events: list[Event]) -> None:
        for ev in events:
            if isinstance(ev, PortUpdate):
                self._port_state[ev.port_id] = ev.live.state.value
                self._dirty = True
            elif isinstance(ev, PileUpdate):
                self._pile_online[ev.pile_id] = ev.online
                self._dirty = True

    def _refresh_counts(self, force: bool = False) -> None:
        if not (self._dirty or force):
            return
        self._dirty = False
        for st in self.stations:
            totals: Counter[str] = Counter()
            for pile in st.piles:
                online = self._pile_online.get(pile.pile_id, False)
                c = Counter("OFFLINE" if not online else self._port_state[p.port_id] for p in pile.ports)
                totals.update(c)
                totals["piles_online"] += online
                state = "OFFLINE" if not online else ("FAULT" if c["FAULT"] else
                                                       "CHARGING" if c["CHARGING"] + c["STARTING"] else "IDLE")
                offline = self.tr("offline")
                pile_text = f"{pile.code}  ⚡{c['CHARGING'] + c['STARTING']}" if online else f"{pile.code}  ({offline})"
                self._set(pile.pile_id, pile_text, state)
                for port in pile.ports:
                    self._set(port.port_id, self._names[port.port_id],
                              "OFFLINE" if not online else self._port_state[port.port_id])
            text = (f"{st.code} {st.name}  {totals['piles_online']}/{len(st.piles)} · "
                    f"⚡{totals['CHARGING'] + totals['STARTING']}"
                    + (f" · ⚠{totals['FAULT']}" if totals["FAULT"] else ""))
            busy = totals["CHARGING"] + totals["STARTING"]
            self._set(st.station_id, text, "FAULT" if totals["FAULT"] else "CHARGING" if busy else "IDLE")

    def _set(self, ident: uuid.UUID, text: str, state: str) -> None:
        item = self._items[ident]
        if item.text() != text:
            item.setText(text)
        if item.data(STATE_ROLE) != state:
            item.setData(state, STATE_ROLE)
            item.setIcon(state_dot(state))

    # -- selection -------------------------------------------------------------------------------
    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.view.expandAll()

    def _on_current(self, current: object, _previous: object) -> None:
        idx = self.proxy.mapToSource(current)  # type: ignore[arg-type]
        item = self.model.itemFromIndex(idx)
        if item is not None and item.data(KIND_ROLE):
            self.selected.emit(item.data(KIND_ROLE), item.data(ID_ROLE))

    def select(self, ident: uuid.UUID) -> None:
        item = self._items.get(ident)
        if item is None:
            return
        idx = self.proxy.mapFromSource(item.index())
        if idx.isValid():
            self.view.setCurrentIndex(idx)
            self.view.scrollTo(idx)

    def current(self) -> tuple[str, uuid.UUID] | None:
        idx = self.proxy.mapToSource(self.view.currentIndex())
        item = self.model.itemFromIndex(idx)
        return (item.data(KIND_ROLE), item.data(ID_ROLE)) if item is not None and item.data(KIND_ROLE) else None
