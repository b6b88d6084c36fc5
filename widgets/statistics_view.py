"""Statistics tab (M6.3, M12.5): bar and line charts of revenue, energy and sessions by day, by hour of day
(with the share of ports charging), by payment way and by station, and the ports' utilisation — for a
period and one station or all of them. The figures come from ``statistics.statistics`` off the GUI thread."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.domain.permissions import Actor
from app.domain.settlement import WAY_NAMES
from app.reports.pdf_kit import WAY_COLOURS
from app.services import statistics
from app.services.stations import StationInfo
from app.services.statistics import Statistics
from app.services.transactions import TxnFilter
from app.services.unit import Db
from widgets.look import DISPLAY_TZ, kwh
from widgets.messages import chinese_ui, error_text
from widgets.ops import LatestLoad
from widgets.tables import fill
from widgets.tables import make_table as table
from widgets.transactions_view import day_start


class Chart(pg.PlotWidget):
    """A bar chart with category labels (and an optional line on the right axis)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.setBackground("w")
        self.setTitle(title, color="#1f2d3d", size="10pt")
        self.showGrid(y=True, alpha=0.2)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.line_view: pg.ViewBox | None = None

    def bars(self, values: Sequence[float], labels: Sequence[str], *, colours: Sequence[str] | None = None,
             colour: str = "#2e6fb7", every: int = 1) -> None:
        self.clear()
        xs = list(range(len(values)))
        brushes = [pg.mkBrush(c) for c in colours] if colours else pg.mkBrush(colour)
        self.addItem(pg.BarGraphItem(x=xs, height=list(values), width=0.75, brushes=brushes if colours else None,
                                     brush=None if colours else brushes, pen=pg.mkPen(None)))  # fmt: skip
        self.getAxis("bottom").setTicks([[(i, lab) for i, lab in enumerate(labels) if i % every == 0]])
        self.setXRange(-0.6, max(len(values), 1) - 0.4, padding=0)
        self.setYRange(0, max([*values, 1]) * 1.12, padding=0)

    def line(self, values: Sequence[float], colour: str = "#d9343a", label: str = "") -> None:
        """A line against a right-hand 0–100 % axis (the share of ports charging)."""
        plot = self.getPlotItem()
        if self.line_view is None:
            self.line_view = pg.ViewBox()
            plot.showAxis("right")
            plot.scene().addItem(self.line_view)
            plot.getAxis("right").linkToView(self.line_view)
            self.line_view.setXLink(plot)
            plot.vb.sigResized.connect(lambda: self.line_view.setGeometry(plot.vb.sceneBoundingRect()))  # type: ignore[union-attr]
        self.line_view.clear()
        self.line_view.addItem(pg.PlotCurveItem(list(range(len(values))), [v * 100 for v in values],
                                                pen=pg.mkPen(colour, width=2)))
        self.line_view.setYRange(0, max([*(v * 100 for v in values), 10]) * 1.15, padding=0)
        plot.getAxis("right").setLabel(label)


class StatisticsView(QWidget):
    def __init__(self, db: Db, actor: Actor, stations: list[StationInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        today = QDate.currentDate()
        self.since, self.until = QDateEdit(today.addDays(1 - today.day()), self), QDateEdit(today, self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.station = QComboBox(self)
        self.station.addItem(self.tr("All stations"), None)
        for st in stations:
            self.station.addItem(f"{st.code} {st.name}", st.station_id)
        self.go = QPushButton(self.tr("Refresh"), self)
        bar = QHBoxLayout()
        for w in (QLabel(self.tr("From"), self), self.since, QLabel(self.tr("to"), self), self.until, self.station,
                  self.go):
            bar.addWidget(w)
        bar.addStretch(1)
        self.summary = QLabel("", self)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.revenue = Chart(self.tr("Revenue by day (yuan)"))
        self.energy = Chart(self.tr("Energy by day (kWh)"))
        self.hours = Chart(self.tr("Sessions by hour of day; line: share of ports charging (%)"))
        self.ways = Chart(self.tr("Revenue by payment way (yuan)"))
        self.places = Chart(self.tr("Revenue by station (yuan)"))
        grid = QGridLayout()
        grid.addWidget(self.revenue, 0, 0)
        grid.addWidget(self.energy, 0, 1)
        grid.addWidget(self.hours, 1, 0)
        grid.addWidget(self.ways, 1, 1)
        grid.addWidget(self.places, 2, 0)
        charts = QWidget(self)
        charts.setLayout(grid)
        self.ports = table(self, [self.tr("Pile"), self.tr("Port"), self.tr("Sessions"), self.tr("Hours"),
                                  self.tr("kWh"), self.tr("Revenue"), self.tr("Utilisation")])
        grid.addWidget(self.ports, 2, 1)
        self.status = QLabel("", self)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.summary)
        lay.addWidget(charts, 1)
        lay.addWidget(self.status)
        self.stats: Statistics | None = None
        self.go.clicked.connect(self.refresh)
        actor, db = self.actor, self.db
        self._load = LatestLoad(lambda flt: statistics.statistics(actor, db, flt, tz=DISPLAY_TZ.key), self._show,
                                self._error, parent=self)
        self.refresh()

    def refresh(self) -> None:
        flt = TxnFilter(start=day_start(self.since.date()), end=day_start(self.until.date().addDays(1)),
                        station_id=self.station.currentData())
        self.status.setText(self.tr("Counting …"))
        self._load.request(flt)

    def _show(self, st: Statistics) -> None:
        self.stats = st
        t = st.total
        util = sum(st.busy_by_hour.values()) / 24 if st.busy_by_hour else 0.0
        self.summary.setText(self.tr("<b>%1 sessions</b> · %2 kWh · <b>revenue %3</b> · %4 ports, %5 of their time "
                                     "charging").replace("%1", f"{t.sessions:,}").replace("%2", kwh(t.energy_wh))
                             .replace("%3", format_money(t.net_fen)).replace("%4", str(st.ports))
                             .replace("%5", f"{util:.1%}"))  # fmt: skip
        days = sorted(st.by_day.items())
        labels = [d.strftime("%d") for d, _ in days]
        every = max(1, len(days) // 16)
        self.revenue.bars([s.net_fen / 100 for _, s in days], labels, every=every)
        self.energy.bars([s.energy_wh / 1000 for _, s in days], labels, colour="#2e9d4f", every=every)
        self.hours.bars([st.by_hour[h].sessions for h in range(24)], [str(h) for h in range(24)], colour="#e0a030",
                        every=2)
        self.hours.line([st.busy_by_hour.get(h, 0.0) for h in range(24)], label="%")
        zh = chinese_ui()
        ways = sorted(st.by_way.items(), key=lambda kv: -kv[1].net_fen)
        self.ways.bars([s.net_fen / 100 for _, s in ways], [WAY_NAMES.get(w, (w, w))[0 if zh else 1] for w, _ in ways],
                       colours=[WAY_COLOURS.get(w, "#888888") for w, _ in ways])
        places = sorted(st.by_station.items(), key=lambda kv: st.station_names.get(kv[0], ""))
        self.places.bars([s.net_fen / 100 for _, s in places],
                         [st.station_names.get(sid, "?").split(" ")[0] for sid, _ in places], colour="#8a5cc2")
        busiest = sorted(st.by_port, key=lambda p: -p[3])
        fill(self.ports, [[code, str(n), f"{s.sessions:,}", f"{s.minutes / 60:,.1f}", kwh(s.energy_wh),
                           format_money(s.net_fen), f"{u:.1%}"] for code, n, s, u in busiest],
             right={1, 2, 3, 4, 5, 6})  # fmt: skip
        self.status.setText("")

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")

