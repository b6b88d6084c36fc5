"""Monitor tab: the ports of the selected community in a live table, the selected pile's tiles and
controls, and the selected port's trend."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QRegularExpression, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QSplitter, QStackedWidget, QTableView, QVBoxLayout, QWidget

from app.engine.events import Event
from app.engine.hub import Snapshot
from app.services.stations import PileInfo, StationInfo
from comm.pile.messages import PortLive
from widgets.models.port_table_model import COL_PILE, PortTableModel
from widgets.pile_view import PileView
from widgets.station_load_view import StationLoadView
from widgets.trend_view import TrendView


class MonitorView(QWidget):
    portChosen = Signal(object, int)  # pile_id, port number

    def __init__(self, trend: TrendView, parent: QWidget | None = None, *,
                 load_view: StationLoadView | None = None) -> None:
        super().__init__(parent)
        self.model = PortTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Filter ports: pile, state, fault, payment…"))
        self.search.setClearButtonEnabled(True)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.pile_view = PileView(self)
        self.trend = trend
        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.search)
        tl.addWidget(self.table)
        # A community selected: its load (limit, meters, charging, spare); a pile selected: its tiles.
        self.load_view = load_view or StationLoadView(parent=self)
        self.detail = QStackedWidget(self)
        self.detail.addWidget(self.pile_view)
        self.detail.addWidget(self.load_view)
        self.bottom = QSplitter(Qt.Orientation.Horizontal, self)
        self.bottom.addWidget(self.detail)
        self.bottom.addWidget(self.trend)
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.addWidget(top)
        self.split.addWidget(self.bottom)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.split)
        self.station: StationInfo | None = None
        self._piles: dict[uuid.UUID, PileInfo] = {}
        self._snapshot: Snapshot | None = None
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.pile_view.portSelected.connect(self._on_tile)

    def show_station(self, station: StationInfo, snap: Snapshot) -> None:
        self._snapshot = snap
        if self.station is None or station.station_id != self.station.station_id:
            self.station = station
            self._piles = {p.pile_id: p for p in station.piles}
            online = {pid: pu.online for pid, pu in snap.piles.items()}
            self.model.set_stations([station], snap.ports, online)
            self.trend.watch([port.port_id for p in station.piles for port in p.ports])
            self.table.resizeColumnsToContents()
        self.proxy.setFilterRegularExpression(QRegularExpression())
        self.proxy.setFilterKeyColumn(-1)

    def show_station_trend(self) -> None:
        if self.station is not None and self._snapshot is not None:
            self.load_view.show_station(self.station, self._snapshot)
            self.detail.setCurrentWidget(self.load_view)
        if self.station is not None:
            self.trend.show_station(self.station.station_id, f"{self.station.code} {self.station.name}")

    def show_pile(self, station: StationInfo, pile_id: uuid.UUID, snap: Snapshot, port: int | None = None) -> None:
        self.show_station(station, snap)
        pile = self._piles[pile_id]
        # Narrow the table to this pile.
        self.proxy.setFilterKeyColumn(COL_PILE)
        self.proxy.setFilterRegularExpression(QRegularExpression(f"^{QRegularExpression.escape(pile.code)}$"))
        ports: dict[int, PortLive] = {
            p.number: snap.ports[p.port_id].live for p in pile.ports if p.port_id in snap.ports}
        pu = snap.piles.get(pile_id)
        self.pile_view.show_pile(pile, ports, bool(pu and pu.online), pu.status if pu else None)
        self.detail.setCurrentWidget(self.pile_view)
        if port is not None:
            self.pile_view.select_port(port)
        self._trend_for(pile, self.pile_view.current_port)

    def _trend_for(self, pile: PileInfo, number: int) -> None:
        port = next((p for p in pile.ports if p.number == number), None)
        if port is not None:
            self.trend.show_port(port.port_id, f"{pile.code} #{number}")

    def _on_tile(self, pile_id: uuid.UUID, number: int) -> None:
        pile = self._piles.get(pile_id)
        if pile:
            self._trend_for(pile, number)
            self.portChosen.emit(pile_id, number)

    def _on_row(self, current: object, _prev: object) -> None:
        idx = self.proxy.mapToSource(current)  # type: ignore[arg-type]
        if not idx.isValid() or self.station is None or self._snapshot is None:
            return
        row = self.model.row(idx.row())
        pile = self._piles[row.pile_id]
        if self.pile_view.pile_id != row.pile_id:
            ports = {p.number: self._snapshot.ports[p.port_id].live for p in pile.ports
                     if p.port_id in self._snapshot.ports}
            pu = self._snapshot.piles.get(row.pile_id)
            self.pile_view.show_pile(pile, ports, bool(pu and pu.online), pu.status if pu else None)
        self.pile_view.select_port(row.number)
        self.detail.setCurrentWidget(self.pile_view)
        self._trend_for(pile, row.number)

    def apply(self, events: list[Event], snap: Snapshot) -> None:
        self._snapshot = snap
        self.model.apply(events)
        self.pile_view.apply(events)
        self.load_view.apply(events)
