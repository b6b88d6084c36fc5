"""Ordered charging (有序充电) of a community: where the spare capacity comes from, the load chart (limit,
other load, charging, spare) with the schedule ahead, and every vehicle under control with its status and
expected start / finish. Staff with the right role change the settings and hold or prioritise a port
(services app.services.ordered: role-checked, audited)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor, Permission, allows
from app.engine.events import Event, OrderedPort, OrderedStatus
from app.engine.hub import Snapshot
from app.services import ordered
from app.services.stations import StationInfo
from app.services.unit import Db
from widgets.look import local, utc_offset_s
from widgets.ops import run_background
from widgets.ordered_settings import OrderedSettingsDialog

HISTORY_H = 3
RUNNING = ("charging", "limited")  # a car at a lower current still charges; "paused" (0 A) waits


def _kw(w: int | None) -> str:
    return "—" if w is None else f"{w / 1000:.1f} kW"


def amps(a: float) -> str:
    return f"{a:.1f} A"


class OrderedView(QWidget):
    def __init__(self, parent: QWidget | None = None, *, actor: Actor | None = None, db: Db | None = None) -> None:
        super().__init__(parent)
        self.actor, self.db = actor, db
        self.station: StationInfo | None = None
        self.status: OrderedStatus | None = None
        self._codes: dict[uuid.UUID, str] = {}
        self.title = QLabel(self.tr("Ordered charging"), self)
        f = self.title.font()
        f.setPointSize(f.pointSize() + 2)
        f.setBold(True)
        self.title.setFont(f)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=utc_offset_s())})
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLegend(offset=(10, 10))
        self.plot.setLabel("left", self.tr("kW"))
        self.other_curve = self.plot.plot(name=self.tr("Other load"), pen=pg.mkPen("#8a94a6", width=1.5),
                                          fillLevel=0, brush=pg.mkBrush(138, 148, 166, 90))
        self.total_curve = self.plot.plot(name=self.tr("Other load + charging"), pen=pg.mkPen("#2e9d4f", width=2))
        self.limit_curve = self.plot.plot(name=self.tr("Limit"), pen=pg.mkPen("#1f4e8c", width=1.5,
                                                                                  style=Qt.PenStyle.DashLine))
        self.ahead_curve = self.plot.plot(name=self.tr("Schedule ahead"),
                                          pen=pg.mkPen("#2e9d4f", width=2, style=Qt.PenStyle.DotLine))
        self.cap_curve = self.plot.plot(name=self.tr("Other load ahead + margin"),
                                        pen=pg.mkPen("#e8743b", width=1.5, style=Qt.PenStyle.DotLine))
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([self.tr("Port"), self.tr("Status"), self.tr("Why"),
                                              self.tr("Priority"), self.tr("Expected start"),
                                              self.tr("Expected done")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self._sized = False
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        buttons = QHBoxLayout()
        self.settings_btn = QPushButton(self.tr("Settings…"), self)
        self.run_btn = QPushButton(self.tr("Charge first"), self)
        self.hold_btn = QPushButton(self.tr("Hold"), self)
        self.clear_btn = QPushButton(self.tr("Clear override"), self)
        for b in (self.settings_btn, self.run_btn, self.hold_btn, self.clear_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        can_set = actor is not None and db is not None and allows(actor, Permission.MANAGE_PILES)
        can_override = actor is not None and db is not None and allows(actor, Permission.CONTROL_PORTS)
        self.settings_btn.setVisible(can_set)
        for b in (self.run_btn, self.hold_btn, self.clear_btn):
            b.setVisible(can_override)
        self.settings_btn.clicked.connect(self._edit_settings)
        self.run_btn.clicked.connect(lambda: self._override("run"))
        self.hold_btn.clicked.connect(lambda: self._override("hold"))
        self.clear_btn.clicked.connect(self._clear)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        lay.addWidget(self.plot, 3)
        lay.addWidget(self.table, 2)
        lay.addLayout(buttons)
        self._reasons = {
            "must_run": self.tr("must charge now to finish in time"), "running": self.tr("keeps charging"),
            "admitted": self.tr("capacity free"), "filled": self.tr("capacity free now"),
            "override_run": self.tr("staff: charge first"), "override_hold": self.tr("staff: hold"),
            "no_capacity": self.tr("no capacity now"), "peak_ahead": self.tr("peak ahead: waits for it"),
            "below_min": self.tr("less than 6 A free"), "satisfied": self.tr("done"),
        }
        self._statuses = {"charging": self.tr("Charging"), "queued": self.tr("Queued"),
                          "held": self.tr("Held by staff"), "limited": self.tr("Limited"),
                          "paused": self.tr("Paused (0 A)")}  # fmt: skip
        self.points = np.empty((0, 4))  # t, other kW, total kW, limit kW
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._repaint)
        self._timer.start(1000)

    # -- selection and events ----------------------------------------------------------------------
    def show_station(self, station: StationInfo, snap: Snapshot) -> None:
        if self.station is None or self.station.station_id != station.station_id:
            self.points = np.empty((0, 4))
            self.status = None
            self._sized = False
        self.station = station
        self._codes = {p.pile_id: p.code for p in station.piles}
        self.title.setText(self.tr("Ordered charging of %1").replace("%1", f"{station.code} {station.name}"))
        st = snap.ordered.get(station.station_id)
        if st is not None:
            self._show(st)
        else:
            self.summary.setText(self.tr("Ordered charging is off for this community, or has not run yet."))
            self.table.setRowCount(0)
        self._dirty = True

    def apply(self, events: list[Event]) -> None:
        if self.station is None:
            return
        for ev in events:
            if isinstance(ev, OrderedStatus) and ev.station_id == self.station.station_id:
                self._show(ev)

    def _show(self, st: OrderedStatus) -> None:
        self.status = st
        other = np.nan if st.other_w is None else st.other_w / 1000
        total = np.nan if st.other_w is None else (st.other_w + st.charging_w) / 1000
        self.points = np.vstack([self.points[-20_000:], [st.ts.timestamp(), other, total, st.limit_w / 1000]])
        source = {"meter": self.tr("from the transformer meter"),
                  "fallback": self.tr("static fallback: the transformer meter is silent"),
                  "estimate": self.tr("estimated: no transformer meter, the configured household load")}
        charging = sum(1 for p in st.ports if p.status in RUNNING)
        queued = len(st.ports) - charging
        self.summary.setText(
            self.tr("Spare capacity %1 (%2) · charging %3 of it · %4 vehicles charging, %5 waiting")
            .replace("%1", _kw(st.spare_w)).replace("%2", source.get(st.source, st.source))
            .replace("%3", _kw(st.allocated_w)).replace("%4", str(charging)).replace("%5", str(queued)))
        self._fill(st.ports)
        self._dirty = True

    def _fill(self, ports: tuple[OrderedPort, ...]) -> None:
        rows = sorted(ports, key=lambda p: (p.status in RUNNING, p.expected_start or 0,
                                            self._codes.get(p.pile_id, ""), p.number))
        keep = self._selected()
        self.table.setRowCount(len(rows))
        for i, p in enumerate(rows):
            cells = [f"{self._codes.get(p.pile_id, str(p.pile_id)[:8])} #{p.number}", self.status_text(p),
                     self._reasons.get(p.reason, p.reason), str(p.priority) if p.priority else "",
                     self.tr("now") if p.status in RUNNING else self._later(p.expected_start),
                     self._later(p.expected_done)]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (p.pile_id, p.number))
                self.table.setItem(i, j, item)
            if keep == (p.pile_id, p.number):
                self.table.selectRow(i)
        if rows and not self._sized:  # once per community: sizing every period would cost with a thousand rows
            self.table.resizeColumnsToContents()
            self._sized = True

    def status_text(self, p: OrderedPort) -> str:
        """E.g. "Limited · 11.9 A": a car's status with the current limit in force."""
        text = self._statuses.get(p.status, p.status)
        return f"{text} · {amps(p.limit_a)}" if p.status == "limited" and p.limit_a is not None else text

    def _later(self, unix: int | None) -> str:
        """A time within the schedule ahead, else "after" its end (the plan does not see further)."""
        if unix is not None:
            return _time(unix)
        st = self.status
        return self.tr("after %1").replace("%1", _time(st.plan[-1][0])) if st is not None and st.plan else ""

    def _repaint(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        pts = self.points[self.points[:, 0] >= time.time() - HISTORY_H * 3600] if len(self.points) else self.points
        if len(pts):
            self.other_curve.setData(pts[:, 0], pts[:, 1], connect="finite")
            self.total_curve.setData(pts[:, 0], pts[:, 2], connect="finite")
            self.limit_curve.setData(pts[:, 0], pts[:, 3])
        st = self.status
        if st is not None and st.plan:
            plan = np.array(st.plan, dtype=float)
            base = st.limit_w - plan[:, 2]  # what the limit leaves for charging ahead, as a load line
            self.ahead_curve.setData(plan[:, 0], (base + plan[:, 1]) / 1000)
            self.cap_curve.setData(plan[:, 0], base / 1000)
            t = np.concatenate([pts[:, 0], plan[:, 0]]) if len(pts) else plan[:, 0]
            self.limit_curve.setData(t, np.full(len(t), st.limit_w / 1000))  # the limit over history and ahead
        else:
            self.ahead_curve.setData([], [])
            self.cap_curve.setData([], [])

    # -- staff actions -----------------------------------------------------------------------------
    def _selected(self) -> tuple[uuid.UUID, int] | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _done(self, _result: Any) -> None:
        self.summary.setText(self.summary.text() + " · " + self.tr("saved; the controller applies it shortly"))

    def _failed(self, exc: Exception) -> None:
        QMessageBox.warning(self, self.tr("Ordered charging"), str(getattr(exc, "en", exc)))

    def _override(self, action: str) -> None:
        key = self._selected()
        if key is None or self.actor is None or self.db is None:
            return
        reason, ok = QInputDialog.getText(self, self.tr("Ordered charging"), self.tr("Reason (recorded):"))
        if not ok:
            return
        actor, db = self.actor, self.db
        run_background(lambda: ordered.set_override(actor, db, key[0], key[1], action, reason=reason),
                       self._done, self._failed, parent=self)

    def _clear(self) -> None:
        key = self._selected()
        if key is None or self.actor is None or self.db is None:
            return
        actor, db = self.actor, self.db
        run_background(lambda: ordered.clear_override(actor, db, key[0], key[1]), self._done, self._failed,
                       parent=self)

    def _edit_settings(self) -> None:
        if self.station is None or self.actor is None or self.db is None:
            return
        actor, db, sid = self.actor, self.db, self.station.station_id
        run_background(lambda: ordered.get_settings(actor, db, sid),
                       lambda cur: OrderedSettingsDialog(cur, actor, db, self).open(), self._failed, parent=self)


def _time(unix: int | None) -> str:
    return "" if unix is None else local(datetime.fromtimestamp(unix, UTC), "%H:%M")
