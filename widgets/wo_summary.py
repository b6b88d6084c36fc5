"""The managers' summary of work orders: per community, open and overdue orders now, orders raised and
resolved in the period, and the mean time to repair, as a table and a bar chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor
from app.services import wo_queries
from app.services.unit import Db
from app.services.wo_queries import StationSummary
from widgets.messages import error_text
from widgets.ops import LatestLoad
from widgets.wo_names import severity_names


def hours(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    h, m = divmod(round(minutes), 60)
    return f"{h}:{m:02d}"


class SummaryView(QWidget):
    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.period = QComboBox(self)
        for label, days in ((self.tr("Last 7 days"), 7), (self.tr("Last 30 days"), 30), (self.tr("Last 90 days"), 90)):
            self.period.addItem(label, days)
        self.period.setCurrentIndex(1)
        self.go = QPushButton(self.tr("Refresh"), self)
        self.note = QLabel("", self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period"), self))
        bar.addWidget(self.period)
        bar.addWidget(self.go)
        bar.addWidget(self.note, 1)
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels([self.tr("Community"), self.tr("Open"), self.tr("Overdue"),
                                              self.tr("Raised"), self.tr("Resolved"),
                                              self.tr("Mean time to repair (h:mm)"), self.tr("Open by severity")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground("w")
        self.plot.setLabel("left", self.tr("Hours to repair"))
        self.plot.showGrid(y=True, alpha=0.3)
        self.plot.setMouseEnabled(x=False, y=False)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.plot)
        split.setSizes([320, 320])
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        self.go.clicked.connect(self.refresh)
        self.period.currentIndexChanged.connect(self.refresh)
        self.sev = severity_names()
        actor, db = self.actor, self.db
        self._load = LatestLoad(lambda since, until: wo_queries.summary(actor, db, since=since, until=until),
                                self._fill, lambda e: self.note.setText(error_text(e)), parent=self)
        self.refresh()

    def refresh(self) -> None:
        until = datetime.now(UTC)
        self._load.request(until - timedelta(days=int(self.period.currentData())), until)

    def _fill(self, rows: list[StationSummary]) -> None:
        self.table.setRowCount(len(rows) + 1)
        total_ttr = sum((r.mttr_min or 0) * r.resolved for r in rows)
        resolved = sum(r.resolved for r in rows)
        total = [self.tr("All communities"), str(sum(r.open for r in rows)), str(sum(r.overdue for r in rows)),
                 str(sum(r.raised for r in rows)), str(resolved), hours(total_ttr / resolved if resolved else None), ""]
        bold = QFont(self.font())
        bold.setBold(True)
        for i, r in enumerate(rows):
            sev = ", ".join(f"{self.sev.get(k, k)} {v}" for k, v in sorted(r.by_severity.items()))
            cells = [f"{r.code} {r.name}", str(r.open), str(r.overdue), str(r.raised), str(r.resolved),
                     hours(r.mttr_min), sev]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 2 and r.overdue:
                    item.setForeground(QColor("#d9343a"))
                    item.setFont(bold)
                self.table.setItem(i, j, item)
        for j, text in enumerate(total):
            item = QTableWidgetItem(text)
            item.setFont(bold)
            self.table.setItem(len(rows), j, item)
        self.table.resizeColumnsToContents()
        self.plot.clear()
        xs = list(range(len(rows)))
        ys = [(r.mttr_min or 0) / 60 for r in rows]
        self.plot.addItem(pg.BarGraphItem(x=xs, height=ys, width=0.6, brush="#5b8def"))
        self.plot.getAxis("bottom").setTicks([[(i, r.code) for i, r in enumerate(rows)]])
        mean = hours(total_ttr / resolved if resolved else None)
        self.note.setText(self.tr("%1 resolved in the period, mean time to repair %2")
                          .replace("%1", str(resolved)).replace("%2", mean))
