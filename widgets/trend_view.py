"""Trends: live voltage, current and power of a port (or a station's power), and stored history.

Live values go into fixed-size numpy ring buffers (the last hour at ≤ 1 sample/s per port) for the
ports of the station on screen; history comes from the database off the GUI thread. A crosshair
shows the values under the mouse; the plot exports as PNG or CSV.
"""

from __future__ import annotations

import csv
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.engine.events import Event, PortUpdate
from app.services.history import Series
from widgets.look import DISPLAY_TZ, utc_offset_s
from widgets.ops import LatestLoad

HOUR = 3600


class Ring:
    """The last `size` (t, V, A, W) points of one port."""

    def __init__(self, size: int = HOUR) -> None:
        self.data = np.full((size, 4), np.nan, dtype=np.float64)
        self.n = 0

    def add(self, t: float, v: float, a: float, w: float) -> None:
        self.data[self.n % len(self.data)] = (t, v, a, w)
        self.n += 1

    def ordered(self) -> np.ndarray:
        if self.n <= len(self.data):
            return self.data[: self.n]
        i = self.n % len(self.data)
        return np.concatenate([self.data[i:], self.data[:i]])


class TrendView(QWidget):
    def __init__(self, load_history: Callable[[uuid.UUID, datetime, datetime], Series],
                 load_station: Callable[[uuid.UUID, datetime, datetime], list[tuple[float, int]]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load_history = load_history
        self.load_station = load_station
        self.station_id: uuid.UUID | None = None  # set: the station's total power is shown, not a port
        self.station_ring = Ring()
        self.latest_w: dict[uuid.UUID, int] = {}
        self.rings: dict[uuid.UUID, Ring] = {}
        self.port_id: uuid.UUID | None = None
        # One history load at a time, the newest selection last (a slower older one never overdraws it).
        self._history = LatestLoad(self._load, self._loaded, lambda exc: self.readout.setText(
            self.tr("History could not be loaded: %1").replace("%1", str(exc))), parent=self)
        self.title = QLabel(self.tr("Trend: select a port"), self)
        self.range = QComboBox(self)
        for label, seconds in ((self.tr("Live, last hour"), 0), (self.tr("History: last 6 hours"), 6 * HOUR),
                               (self.tr("History: last 24 hours"), 24 * HOUR),
                               (self.tr("History: last 7 days"), 7 * 24 * HOUR)):
            self.range.addItem(label, seconds)
        self.png = QPushButton(self.tr("Export PNG…"), self)
        self.csv = QPushButton(self.tr("Export CSV…"), self)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.range)
        top.addWidget(self.png)
        top.addWidget(self.csv)
        pg.setConfigOptions(antialias=True, background="w", foreground="#333")
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=utc_offset_s())})
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLegend(offset=(10, 10))
        self.plot.setLabel("left", self.tr("W / V"))
        self.curves = {
            "V": self.plot.plot(name=self.tr("Voltage V"), pen=pg.mkPen("#5b8def", width=1.5)),
            "W": self.plot.plot(name=self.tr("Power W"), pen=pg.mkPen("#2e9d4f", width=2)),
        }
        # current on its own axis: amperes are two orders of magnitude below watts
        self.amp_box = pg.ViewBox()
        self.plot.plotItem.showAxis("right")
        self.plot.plotItem.scene().addItem(self.amp_box)
        self.plot.plotItem.getAxis("right").linkToView(self.amp_box)
        self.plot.plotItem.getAxis("right").setLabel(self.tr("A"))
        self.amp_box.setXLink(self.plot.plotItem)
        self.curves["A"] = pg.PlotDataItem(pen=pg.mkPen("#e8743b", width=1.5), name=self.tr("Current A"))
        self.amp_box.addItem(self.curves["A"])
        self.plot.plotItem.legend.addItem(self.curves["A"], self.tr("Current A"))
        self.plot.plotItem.vb.sigResized.connect(self._sync_views)
        dashed = pg.mkPen("#999", style=pg.QtCore.Qt.PenStyle.DashLine)
        self.vline = pg.InfiniteLine(angle=90, movable=False, pen=dashed)
        self.plot.addItem(self.vline, ignoreBounds=True)
        self.readout = QLabel("", self)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.readout)
        self.range.currentIndexChanged.connect(lambda _i: self._reload())
        self.png.clicked.connect(self._export_png)
        self.csv.clicked.connect(self._export_csv)
        self._shown = np.empty((0, 4))
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1000)  # repaint at 1 Hz from the ring, not per event

    def _sync_views(self) -> None:
        self.amp_box.setGeometry(self.plot.plotItem.vb.sceneBoundingRect())
        self.amp_box.linkedViewChanged(self.plot.plotItem.vb, self.amp_box.XAxis)

    # -- live ------------------------------------------------------------------------------------
    def watch(self, port_ids: list[uuid.UUID]) -> None:
        """Keep ring buffers for these ports (the station on screen); others are dropped."""
        if set(port_ids) != set(self.rings):
            self.station_ring = Ring()
            self.latest_w = {}
        self.rings = {pid: self.rings.get(pid) or Ring() for pid in port_ids}

    def _tick(self) -> None:
        if self.rings:  # the station's charging power, once a second, from the newest port values
            self.station_ring.add(time.time(), np.nan, np.nan, sum(self.latest_w.values()))
            if self.station_id is not None:
                self._dirty = True
        self._redraw()

    def apply(self, events: list[Event]) -> None:
        for ev in events:
            if isinstance(ev, PortUpdate) and ev.port_id in self.rings:
                live = ev.live
                self.rings[ev.port_id].add(ev.ts.timestamp(), live.voltage_dv / 10, live.current_ca / 100,
                                           live.power_w)
                self.latest_w[ev.port_id] = live.power_w
                if ev.port_id == self.port_id:
                    self._dirty = True

    def show_station(self, station_id: uuid.UUID, title: str) -> None:
        self.station_id, self.port_id = station_id, None
        self.title.setText(self.tr("Trend: %1 charging power").replace("%1", title))
        self._reload()

    def show_port(self, port_id: uuid.UUID, title: str) -> None:
        self.station_id = None
        self.port_id = port_id
        self.title.setText(self.tr("Trend: %1").replace("%1", title))
        self._reload()

    def _reload(self) -> None:
        if self.port_id is None and self.station_id is None:
            return
        seconds = int(self.range.currentData())
        if seconds == 0:
            self._dirty = True
            self._redraw()
            return
        until = datetime.now(UTC)
        since = until - timedelta(seconds=seconds)
        self.readout.setText(self.tr("Loading history…"))
        if self.station_id is not None:
            if self.load_station is not None:
                self._history.request(True, self.station_id, since, until)
            return
        assert self.port_id is not None
        self._history.request(False, self.port_id, since, until)

    def _load(self, station: bool, key: uuid.UUID, since: datetime, until: datetime
              ) -> tuple[bool, uuid.UUID, object]:
        """On a worker thread: a station's total power or a port's samples."""
        if station:
            assert self.load_station is not None
            return station, key, self.load_station(key, since, until)
        return station, key, self.load_history(key, since, until)

    def _loaded(self, got: tuple[bool, uuid.UUID, object]) -> None:
        station, key, data = got
        if int(self.range.currentData()) == 0 or key != (self.station_id if station else self.port_id):
            return  # the selection or the range changed meanwhile: the newer load draws
        if station:
            self._show_station_history(data)  # type: ignore[arg-type]
        else:
            self._show_history(data)  # type: ignore[arg-type]

    def _show_history(self, s: Series) -> None:
        data = np.column_stack([s.t, np.array(s.voltage_dv) / 10, np.array(s.current_ca) / 100, s.power_w]) \
            if s.t else np.empty((0, 4))
        self._draw(data)
        self.readout.setText(self.tr("%1 stored samples").replace("%1", str(len(s.t))))

    def _show_station_history(self, rows: list[tuple[float, int]]) -> None:
        data = np.array([(t, np.nan, np.nan, w) for t, w in rows]) if rows else np.empty((0, 4))
        self._draw(data)
        self.readout.setText(self.tr("%1 stored samples").replace("%1", str(len(rows))))

    def _redraw(self) -> None:
        if not self._dirty or int(self.range.currentData()) != 0:
            return
        self._dirty = False
        ring = self.station_ring if self.station_id is not None else self.rings.get(self.port_id)  # type: ignore[arg-type]
        data = ring.ordered() if ring else np.empty((0, 4))
        self._draw(data[data[:, 0] >= time.time() - HOUR] if len(data) else data)

    def _draw(self, data: np.ndarray) -> None:
        self._shown = data
        t = data[:, 0] if len(data) else np.empty(0)
        self.curves["V"].setData(t, data[:, 1] if len(data) else np.empty(0))
        self.curves["W"].setData(t, data[:, 3] if len(data) else np.empty(0))
        self.curves["A"].setData(t, data[:, 2] if len(data) else np.empty(0))

    # -- crosshair and export ----------------------------------------------------------------
    def _on_mouse(self, pos: object) -> None:
        if not len(self._shown) or not self.plot.sceneBoundingRect().contains(pos):  # type: ignore[arg-type]
            return
        x = self.plot.plotItem.vb.mapSceneToView(pos).x()  # type: ignore[arg-type]
        i = int(np.clip(np.searchsorted(self._shown[:, 0], x), 0, len(self._shown) - 1))
        t, v, a, w = self._shown[i]
        self.vline.setPos(t)
        stamp = datetime.fromtimestamp(t, DISPLAY_TZ).strftime("%Y-%m-%d %H:%M:%S")
        self.readout.setText(f"{stamp}   {v:.1f} V   {a:.2f} A   {w:.0f} W")

    def _export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export PNG"), "trend.png", "PNG (*.png)")
        if path:
            ImageExporter(self.plot.plotItem).export(path)

    def _export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export CSV"), "trend.csv", "CSV (*.csv)")
        if path:
            self.write_csv(path)

    def write_csv(self, path: str) -> None:
        with open(path, "w", newline="", encoding="utf-8-sig") as f:  # BOM: Excel opens it as UTF-8
            w = csv.writer(f)
            w.writerow(["time", "voltage_V", "current_A", "power_W"])
            for t, v, a, p in self._shown:
                stamp = datetime.fromtimestamp(t, DISPLAY_TZ).isoformat(timespec="seconds")
                w.writerow([stamp, f"{v:.1f}", f"{a:.2f}", f"{p:.0f}"])
