"""A community's live load (M9.1): the transformer limit, what the transformer meter reads, the charging
of every pile (e-bike ports and car connectors alike), the other load and the capacity left for charging,
as figures, a bar and a chart of the last hours (history from the database, then live)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.engine.events import Event, MeterUpdate, StationLoad
from app.engine.hub import Snapshot
from app.services.station_load import LoadPoint, MeterInfo
from app.services.stations import StationInfo
from widgets.look import utc_offset_s
from widgets.ops import run_background

OTHER, CHARGING, FREE, OVER = QColor("#8a94a6"), QColor("#2e9d4f"), QColor("#e6efe8"), QColor("#d9343a")
HISTORY_H = 6


def kw(w: int | None) -> str:
    return "—" if w is None else f"{w / 1000:.1f} kW"


class LoadBar(QWidget):
    """Other load | charging | free, on a scale of the limit; red past the limit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load: StationLoad | None = None
        self.setMinimumHeight(26)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(FREE)
        p.drawRect(r)
        ld = self.load
        if ld is not None and ld.limit_w > 0:
            other = ld.other_w or 0
            scale = r.width() / max(ld.limit_w, other + ld.charging_w)
            x = r.left()
            for value, colour in ((other, OTHER), (ld.charging_w, CHARGING)):
                w = value * scale
                p.setBrush(colour)
                p.drawRect(QRectF(x, r.top(), w, r.height()))
                x += w
            if other + ld.charging_w > ld.limit_w:
                p.setBrush(OVER)
                p.drawRect(QRectF(r.left() + ld.limit_w * scale, r.top(), x - ld.limit_w * scale - r.left(),
                                  r.height()))
            p.setPen(QPen(QColor("#1f4e8c"), 2))
            lx = r.left() + ld.limit_w * scale
            p.drawLine(int(lx), int(r.top()), int(lx), int(r.bottom()))
        p.end()


class StationLoadView(QWidget):
    def __init__(self, load_history: Callable[[uuid.UUID, datetime, datetime], list[LoadPoint]] | None = None,
                 load_meters: Callable[[uuid.UUID], list[MeterInfo]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load_history, self.load_meters = load_history, load_meters
        self.station: StationInfo | None = None
        self.meters: dict[uuid.UUID, MeterInfo] = {}
        self.meter_state: dict[uuid.UUID, MeterUpdate] = {}
        self.title = QLabel(self.tr("Select a community"), self)
        f = self.title.font()
        f.setPointSize(f.pointSize() + 2)
        f.setBold(True)
        self.title.setFont(f)
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        names = (("limit", self.tr("Transformer limit")), ("transformer", self.tr("Transformer meter")),
                 ("charging", self.tr("Charging")), ("other", self.tr("Other load")),
                 ("spare", self.tr("Capacity for charging")), ("headroom", self.tr("Headroom now")))
        for i, (key, text) in enumerate(names):
            grid.addWidget(QLabel(text, self), 0, i)
            value = QLabel("—", self)
            vf = value.font()
            vf.setPointSize(vf.pointSize() + 3)
            vf.setBold(True)
            value.setFont(vf)
            grid.addWidget(value, 1, i)
            self.values[key] = value
        self.bar = LoadBar(self)
        self.meter_line = QLabel("", self)
        self.meter_line.setWordWrap(True)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=utc_offset_s())})
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLegend(offset=(10, 10))
        self.plot.setLabel("left", self.tr("kW"))
        self.other_curve = self.plot.plot(name=self.tr("Other load"), pen=pg.mkPen("#8a94a6", width=1.5),
                                          fillLevel=0, brush=pg.mkBrush(138, 148, 166, 90))
        self.total_curve = self.plot.plot(name=self.tr("Other load + charging"), pen=pg.mkPen("#2e9d4f", width=2))
        self.limit_curve = self.plot.plot(name=self.tr("Limit"), pen=pg.mkPen("#1f4e8c", width=1.5,
                                                                                  style=Qt.PenStyle.DashLine))
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addLayout(grid)
        lay.addWidget(self.bar)
        lay.addWidget(self.meter_line)
        lay.addWidget(self.plot, 1)
        self.points = np.empty((0, 4))  # t, other kW, total kW, limit kW
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._repaint)
        self._timer.start(1000)

    # -- selection -------------------------------------------------------------------------------
    def show_station(self, station: StationInfo, snap: Snapshot) -> None:
        same = self.station is not None and self.station.station_id == station.station_id
        self.station = station
        self.title.setText(self.tr("Load of %1").replace("%1", f"{station.code} {station.name}"))
        if not same:
            self.points = np.empty((0, 4))
            self.meters = {}
            self._load(station.station_id)
        self.meter_state = {k: v for k, v in snap.meters.items() if v.station_id == station.station_id}
        load = snap.loads.get(station.station_id)
        if load is not None:
            self._show(load)
        else:
            self._show(StationLoad(station.station_id, station.charging_limit_w, 0, None, None, None, None,
                                   datetime.now(UTC)))
        self._meter_text()

    def _load(self, station_id: uuid.UUID) -> None:
        if self.load_meters is not None:
            fn = self.load_meters
            run_background(lambda: fn(station_id), lambda ms: self._got_meters(station_id, ms), parent=self)
        if self.load_history is not None:
            now = datetime.now(UTC)
            hist = self.load_history
            run_background(lambda: hist(station_id, now - timedelta(hours=HISTORY_H), now),
                           lambda pts: self._got_history(station_id, pts), parent=self)

    def _got_meters(self, station_id: uuid.UUID, meters: list[MeterInfo]) -> None:
        if self.station and self.station.station_id == station_id:
            self.meters = {m.meter_id: m for m in meters}
            self._meter_text()

    def _got_history(self, station_id: uuid.UUID, points: list[LoadPoint]) -> None:
        if not (self.station and self.station.station_id == station_id) or not points:
            return
        rows = np.array([(p.t, (p.other_w if p.other_w is not None else np.nan) / 1000,
                          ((p.other_w or 0) + p.charging_w) / 1000 if p.other_w is not None else np.nan,
                          p.limit_w / 1000) for p in points])
        live = self.points[self.points[:, 0] > rows[-1, 0]] if len(self.points) else self.points
        self.points = np.vstack([rows, live]) if len(live) else rows
        self._dirty = True

    # -- live --------------------------------------------------------------------------------------
    def apply(self, events: list[Event]) -> None:
        if self.station is None:
            return
        sid = self.station.station_id
        meters_changed = False
        for ev in events:
            if isinstance(ev, StationLoad) and ev.station_id == sid:
                self._show(ev)
                other = np.nan if ev.other_w is None else ev.other_w / 1000
                total = np.nan if ev.other_w is None else (ev.other_w + ev.charging_w) / 1000
                self.points = np.vstack([self.points[-20_000:], [ev.ts.timestamp(), other, total, ev.limit_w / 1000]])
                self._dirty = True
            elif isinstance(ev, MeterUpdate) and ev.station_id == sid:
                meters_changed = True
                self.meter_state[ev.meter_id] = ev
        if meters_changed:
            self._meter_text()

    def _show(self, ld: StationLoad) -> None:
        v = self.values
        v["limit"].setText(kw(ld.limit_w))
        v["transformer"].setText(kw(ld.transformer_w))
        v["charging"].setText(kw(ld.charging_w))
        v["other"].setText(kw(ld.other_w))
        v["spare"].setText(kw(ld.spare_w))
        head = None if ld.spare_w is None else ld.spare_w - ld.charging_w
        v["headroom"].setText(kw(head))
        v["headroom"].setStyleSheet("color:#d9343a" if head is not None and head < 0 else "")
        self.bar.load = ld
        self.bar.update()

    def _meter_text(self) -> None:
        parts = []
        for mid, st in sorted(self.meter_state.items(), key=lambda kv: self.meters[kv[0]].code
                              if kv[0] in self.meters else ""):
            info = self.meters.get(mid)
            name = f"{info.code} ({info.model})" if info else str(mid)[:8]
            kind = self.tr("transformer") if st.kind == "transformer" else self.tr("pile")
            if st.online and st.reading is not None:
                r = st.reading
                parts.append(f"{name} {kind}: {r.power_w / 1000:.1f} kW, {r.energy_wh / 1000:,.0f} kWh")
            else:
                silent = self.tr("not answering")
                parts.append(f"<span style='color:#d9343a'>{name} {kind}: {silent}</span>")
        self.meter_line.setText(self.tr("Meters: %1").replace("%1", " · ".join(parts)) if parts
                                else self.tr("No meter answers for this community yet"))

    def _repaint(self) -> None:
        if not self._dirty or not len(self.points):
            return
        self._dirty = False
        t = self.points[:, 0]
        keep = t >= time.time() - HISTORY_H * 3600
        pts = self.points[keep]
        self.other_curve.setData(pts[:, 0], pts[:, 1], connect="finite")
        self.total_curve.setData(pts[:, 0], pts[:, 2], connect="finite")
        self.limit_curve.setData(pts[:, 0], pts[:, 3])
