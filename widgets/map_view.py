"""The Map tab (M3.1, M12.6): offline folium pages in a QWebEngineView, live pile states, search, drag.

Pages come from app.map_page (written to `page_dir`, loaded from file — never setHtml). Python → JS
goes through `runJavaScript` (CD.setPileStates, CD.setEditMode, CD.focusPile, CD.filterPiles …),
JS → Python through the QWebChannel object "mapBridge" (pile clicked, pile dragged, map clicked,
community clicked, ready). Engine batches update a per-pile state here; at most four pushes a
second go to the page, and the page is never reloaded for a state change.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.engine.events import Event, PileOffline, PileOnline, PileUpdate, PortUpdate
from app.engine.hub import Snapshot
from app.map_page import (
    STATES,
    Near,
    PileHit,
    Position,
    TileSource,
    pile_state,
    search_piles,
    status_fault,
    write_overview_page,
    write_station_page,
)
from app.services.siteplan import default_site_plan_dir
from app.services.stations import PileInfo, StationInfo
from widgets.bridge import EngineBridge
from widgets.map_web import MapChannel, MapPage, OfflineGuard, delete_at_exit
from widgets.ops import run_background

PUSH_INTERVAL_MS = 250  # at most four state pushes a second


class MapView(QWidget):
    pileActivated = Signal(object)  # pile_id (uuid.UUID): select it in the tree, open its detail
    pageReady = Signal()  # a page finished loading and its channel is up (tests, screenshots)

    def __init__(self, bridge: EngineBridge, stations: list[StationInfo], *, page_dir: Path,
                 save_position: Callable[[uuid.UUID, float, float], None], parent: QWidget | None = None,
                 site_plan_dir: Path | None = None, tiles: TileSource | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.page_dir = Path(page_dir)
        self.site_plan_dir = site_plan_dir or default_site_plan_dir()
        self.tiles = tiles
        self.save_position = save_position
        self._stations: list[StationInfo] = []
        self._piles: dict[uuid.UUID, tuple[StationInfo, PileInfo]] = {}
        self._online: dict[uuid.UUID, bool] = {}
        self._ports: dict[uuid.UUID, dict[int, str]] = {}
        self._pile_fault: dict[uuid.UUID, bool] = {}
        self._states: dict[uuid.UUID, tuple[str, int]] = {}
        self._dirty: set[uuid.UUID] = set()
        self._positions: dict[uuid.UUID, Position | None] = {}
        self._save_seq: dict[uuid.UUID, int] = {}
        self._current: uuid.UUID | None = None
        self._ready = False
        self._pending: list[str] = []
        self._origin: Position | None = None
        self.hits: list[PileHit] = []
        self._build_ui()
        self._timer = QTimer(self, interval=PUSH_INTERVAL_MS, timeout=self._flush)
        self._timer.start()
        self._set_stations(stations)
        self._apply_snapshot(bridge.snapshot())
        bridge.batch.connect(self._on_batch)
        self.show_station(None)

    # ------------------------------------------------------------------------------- ui
    def _build_ui(self) -> None:
        self.station_box = QComboBox(self)
        self.station_box.setMinimumContentsLength(14)
        self.station_box.activated.connect(self._station_chosen)
        self.search_edit = QLineEdit(self, clearButtonEnabled=True)
        self.search_edit.setPlaceholderText(self.tr("Search piles by name or code"))
        self.state_box = QComboBox(self)
        self.state_box.addItem(self.tr("All states"), "")
        for state in STATES:
            self.state_box.addItem(self.state_label(state), state)
        self.near_button = QPushButton(self.tr("Near a point"), self, checkable=True)
        self.near_button.setToolTip(self.tr("Click a point on the map to list the piles within the radius"))
        self.radius_spin = QDoubleSpinBox(self, decimals=0, minimum=5, maximum=50_000, singleStep=50)
        self.edit_button = QPushButton(self.tr("Edit positions"), self, checkable=True)
        self.edit_button.setToolTip(self.tr("Drag piles on the site plan; each move is saved"))
        self.clear_button = QPushButton(self.tr("Clear search"), self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.results = QTreeWidget(self)
        self.results.setHeaderLabels([self.tr("Pile"), self.tr("Community"), self.tr("State"), self.tr("Distance")])
        self.results.setRootIsDecorated(False)
        self.results.hide()
        self.view = QWebEngineView(self)
        self.page = MapPage(self.view)
        self.guard = OfflineGuard(self.tiles.url if self.tiles else None, self)
        self.page.setUrlRequestInterceptor(self.guard)
        self.channel_object = MapChannel(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("mapBridge", self.channel_object)
        self.page.setWebChannel(self.channel)
        self.view.setPage(self.page)
        delete_at_exit(self.view)

        bar = QHBoxLayout()
        for w in (self.station_box, self.search_edit, self.state_box, self.near_button, self.radius_spin,
                  self.edit_button, self.clear_button):
            bar.addWidget(w)
        bar.setStretch(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.view)
        split.addWidget(self.results)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 0)
        self.results.setMinimumWidth(240)
        self._split = split
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(bar)
        lay.addWidget(self.message)
        lay.addWidget(split, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=200, timeout=self._run_search)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.state_box.currentIndexChanged.connect(self._run_search)
        self.radius_spin.valueChanged.connect(self._run_search)
        self.near_button.toggled.connect(self._near_toggled)
        self.edit_button.toggled.connect(lambda on: self._js(f"CD.setEditMode({json.dumps(on)})"))
        self.clear_button.clicked.connect(self.clear_search)
        self.results.itemClicked.connect(lambda item: self._focus(item.data(0, Qt.ItemDataRole.UserRole)))
        self.results.itemActivated.connect(self._result_activated)
        self.channel_object.clicked.connect(self._pile_clicked)
        self.channel_object.dragged.connect(self._pile_dragged)
        self.channel_object.picked.connect(self._map_clicked)
        self.channel_object.stationPicked.connect(self._station_clicked)
        self.channel_object.loaded.connect(self._page_loaded)

    def state_label(self, state: str) -> str:
        return {"idle": self.tr("Idle"), "charging": self.tr("Charging"), "fault": self.tr("Fault"),
                "offline": self.tr("Offline")}.get(state, state)

    def _labels(self) -> dict[str, str]:
        return {**{s: self.state_label(s) for s in STATES}, "charging_ports": self.tr("charging ports"),
                "unplaced": self.tr("Not placed yet: drag it onto the plan in edit mode"),
                "legend_badge": self.tr("ports charging")}

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b3261e;" if error else "")
        self.message.setText(text)

    # ------------------------------------------------------------------------- public API
    def set_stations(self, stations: list[StationInfo]) -> None:
        """New station data (e.g. after provisioning): rewrites and reloads the current page."""
        self._set_stations(stations)
        current = self._current if self._current in {s.station_id for s in stations} else None
        self._current = uuid.UUID(int=0)  # force the reload
        self.show_station(current)

    def show_station(self, station_id: uuid.UUID | None) -> None:
        """Show one community on its site plan, or the overview of all (None)."""
        if station_id == self._current and self._ready:
            return
        station = next((s for s in self._stations if s.station_id == station_id), None)
        self._current = station.station_id if station else None
        self.station_box.setCurrentIndex(1 + self._stations.index(station) if station else 0)
        self.near_button.setChecked(False)
        self.edit_button.setChecked(False)
        self.edit_button.setEnabled(station is not None)
        self.radius_spin.setSuffix(self.tr(" px") if station else self.tr(" m"))
        self.radius_spin.setValue(150 if station else 500)
        states = {pid: st for pid, (st, _) in self._states.items()}
        positions = {k: v for k, v in self._positions.items() if v is not None}
        if station is None:
            path = write_overview_page(self._stations, self.page_dir, site_plan_dir=self.site_plan_dir, states=states,
                                       positions=positions, tiles=self.tiles, labels=self._labels())
        else:
            path = write_station_page(station, self.page_dir, site_plan_dir=self.site_plan_dir, states=states,
                                      positions=positions, labels=self._labels())
        self._ready = False
        self._pending.clear()
        self._say("")
        self.view.load(QUrl.fromLocalFile(str(path.resolve())))

    def select_pile(self, pile_id: uuid.UUID) -> None:
        """Centre the map on a pile (switching to its community when another one is shown)."""
        entry = self._piles.get(pile_id)
        if entry is None:
            return
        station, pile = entry
        if self._current is not None and self._current != station.station_id:
            self.show_station(station.station_id)
        self._js(f"CD.focusPile({json.dumps(pile.code)})")

    def clear_search(self) -> None:
        self.search_edit.clear()
        self.state_box.setCurrentIndex(0)
        self.near_button.setChecked(False)
        self._run_search()

    def run_js(self, script: str, callback: Callable[[object], None] | None = None) -> None:
        """Run a script in the page now (tests and tools; the view itself queues until ready)."""
        if callback is None:
            self.page.runJavaScript(script)
        else:
            self.page.runJavaScript(script, 0, callback)

    @property
    def ready(self) -> bool:
        return self._ready

    def pile_state(self, pile_id: uuid.UUID) -> tuple[str, int]:
        return self._states.get(pile_id, ("offline", 0))

    # ------------------------------------------------------------------------ live state
    def _set_stations(self, stations: Sequence[StationInfo]) -> None:
        self._stations = list(stations)
        self._piles = {p.pile_id: (s, p) for s in self._stations for p in s.piles}
        for pid, (_, p) in self._piles.items():
            self._online.setdefault(pid, p.online)
            self._recompute(pid)
        self.station_box.clear()
        self.station_box.addItem(self.tr("All communities"))
        for s in self._stations:
            self.station_box.addItem(f"{s.name} ({s.code})")

    def _apply_snapshot(self, snap: Snapshot) -> None:
        self._apply(list(snap.piles.values()) + list(snap.ports.values()))

    def _on_batch(self, events: list[Event]) -> None:
        self._apply(events)

    def _apply(self, events: Iterable[Event]) -> None:
        touched: set[uuid.UUID] = set()
        for ev in events:
            if isinstance(ev, PortUpdate):
                self._ports.setdefault(ev.pile_id, {})[ev.number] = str(ev.live.state)
            elif isinstance(ev, PileUpdate):
                self._online[ev.pile_id] = ev.online
                if ev.status is not None:
                    self._pile_fault[ev.pile_id] = status_fault(ev.status)
            elif isinstance(ev, PileOnline):
                self._online[ev.pile_id] = True
            elif isinstance(ev, PileOffline):
                self._online[ev.pile_id] = False
            else:
                continue
            touched.add(ev.pile_id)
        for pid in touched:
            if pid in self._piles and self._recompute(pid):
                self._dirty.add(pid)

    def _recompute(self, pid: uuid.UUID) -> bool:
        new = pile_state(self._online.get(pid, False), self._ports.get(pid, {}).values(),
                         self._pile_fault.get(pid, False))
        if self._states.get(pid) == new:
            return False
        self._states[pid] = new
        return True

    def _flush(self) -> None:
        if not self._ready or not self._dirty:
            return
        dirty, self._dirty = self._dirty, set()
        self._push_states(dirty)
        if self.state_box.currentData():
            self._run_search()

    def _push_states(self, pids: Iterable[uuid.UUID]) -> None:
        updates = [{"code": self._piles[pid][1].code, "state": self._states[pid][0], "charging": self._states[pid][1]}
                   for pid in pids if pid in self._piles and pid in self._states]
        if updates:
            self._js(f"CD.setPileStates({json.dumps(updates, ensure_ascii=False)})")

    # ------------------------------------------------------------------------ page glue
    def _js(self, script: str) -> None:
        if self._ready:
            self.page.runJavaScript(script)
        else:
            self._pending.append(script)

    def _page_loaded(self) -> None:
        self._ready = True
        self._dirty.clear()
        self._push_states(self._piles)
        if self.edit_button.isChecked():
            self.page.runJavaScript("CD.setEditMode(true)")
        pending, self._pending = self._pending, []
        for script in pending:
            self.page.runJavaScript(script)
        self._run_search()
        self.pageReady.emit()

    def _station_chosen(self, index: int) -> None:
        self.show_station(self._stations[index - 1].station_id if index > 0 else None)

    def _station_clicked(self, code: str) -> None:
        station = next((s for s in self._stations if s.code == code), None)
        if station is not None:
            self.show_station(station.station_id)

    def _pile_id(self, text: str) -> uuid.UUID | None:
        try:
            pid = uuid.UUID(text)
        except ValueError:
            return None
        return pid if pid in self._piles else None

    def _pile_clicked(self, text: str) -> None:
        pid = self._pile_id(text)
        if pid is not None:
            self.pileActivated.emit(pid)

    def _focus(self, pid: object) -> None:
        if isinstance(pid, uuid.UUID):
            self.select_pile(pid)

    def _result_activated(self, item: QTreeWidgetItem) -> None:
        pid = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(pid, uuid.UUID):
            self.select_pile(pid)
            self.pileActivated.emit(pid)

    # ------------------------------------------------------------------------ positions
    def _position(self, pid: uuid.UUID) -> Position | None:
        if pid in self._positions:
            return self._positions[pid]
        pile = self._piles[pid][1]
        return None if pile.pos_x is None or pile.pos_y is None else (pile.pos_x, pile.pos_y)

    def _pile_dragged(self, text: str, x: float, y: float) -> None:
        pid = self._pile_id(text)
        if pid is None or not self.edit_button.isChecked():
            return
        old = self._position(pid)
        self._positions[pid] = (x, y)
        seq = self._save_seq[pid] = self._save_seq.get(pid, 0) + 1
        code = self._piles[pid][1].code
        save = self.save_position

        def saved(_: object) -> None:
            if self._save_seq.get(pid) == seq:
                self._say(self.tr("Position of {code} saved").format(code=code))
                self._run_search()

        def failed(exc: Exception) -> None:
            if self._save_seq.get(pid) != seq:
                return
            self._positions[pid] = old
            back = json.dumps([code, old[0], old[1]] if old else [code, None, None])
            self._js(f"CD.movePile.apply(null, {back})")
            self._say(self.tr("Could not save the position of {code}: {error}").format(code=code, error=exc), True)

        run_background(lambda: save(pid, x, y), saved, failed, parent=self)

    # ---------------------------------------------------------------------------- search
    def _near_toggled(self, on: bool) -> None:
        self._origin = None
        self._js(f"CD.setPickMode({json.dumps(on)}); CD.clearSearch()")
        if on:
            self._say(self.tr("Click a point on the map; piles within the radius are listed by distance"))
        self._run_search()

    def _map_clicked(self, a: float, b: float) -> None:
        if not self.near_button.isChecked():
            return
        self._origin = (a, b)
        self._run_search()

    def search(self, *, text: str = "", state: str = "", near: Near | None = None) -> list[PileHit]:
        """The piles the map would list for these criteria (scope: the community shown, or all)."""
        return search_piles(self._stations, text=text, states={state} if state else (),
                            pile_states={pid: st for pid, (st, _) in self._states.items()},
                            station_id=self._current, near=near,
                            positions={k: v for k, v in self._positions.items() if v is not None})

    def _run_search(self) -> None:
        text, state = self.search_edit.text(), self.state_box.currentData() or ""
        near = None
        if self._origin is not None:
            near = Near(self._origin, self.radius_spin.value(), self._current)
            self._js(f"CD.showSearch({self._origin[0]}, {self._origin[1]}, {self.radius_spin.value()})")
        if not (text.strip() or state or near):
            self.hits = []
            self.results.hide()
            self._js("CD.filterPiles(null)")
            if not self.near_button.isChecked():
                self._js("CD.clearSearch()")
            return
        self.hits = self.search(text=text, state=state, near=near)
        self._js(f"CD.filterPiles({json.dumps([h.code for h in self.hits])})")
        self.results.clear()
        unit = self.tr("px") if self._current else self.tr("m")
        for h in self.hits:
            dist = "" if h.distance is None else f"{h.distance:.0f} {unit}"
            item = QTreeWidgetItem([f"{h.code}  {h.name}", h.station_name, self.state_label(h.state), dist])
            item.setData(0, Qt.ItemDataRole.UserRole, h.pile_id)
            self.results.addTopLevelItem(item)
        if self.results.isHidden():
            total = sum(self._split.sizes())
            self.results.show()
            self._split.setSizes([max(1, total - 340), 340])
        for col in range(4):
            self.results.resizeColumnToContents(col)
        self._say(self.tr("%n pile(s) found", "", len(self.hits)))

