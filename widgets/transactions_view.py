"""Transactions tab (M6.3, M4.4, M12.5): settled sessions filtered by station, pile, port, user, card,
payment way, status and time; totals over everything that matched; a session in full with its power
curve; export for accounting (CSV, XLSX); finance marks a flagged session as reviewed."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.domain.permissions import Actor, Permission, allows
from app.reports.export import write_csv, write_xlsx
from app.services import transactions
from app.services.stations import StationInfo
from app.services.transactions import SessionDetail, TxnFilter, TxnPage, TxnRow
from app.services.unit import Db
from widgets.look import DISPLAY_TZ, kwh, local, utc_offset_s
from widgets.messages import error_text
from widgets.ops import LatestLoad, run_background
from widgets.tables import fill
from widgets.tables import make_table as table


def day_start(d: QDate) -> datetime:
    return datetime.combine(d.toPython(), time(), DISPLAY_TZ).astimezone(UTC)  # type: ignore[arg-type]


class TransactionsView(QWidget):
    def __init__(self, db: Db, actor: Actor, stations: list[StationInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.stations = db, actor, stations
        self.page: TxnPage | None = None
        self.ways = {"qr": self.tr("QR / app"), "card": self.tr("Card"), "coin": self.tr("Coin"),
                     "monthly": self.tr("Monthly"), "free": self.tr("Free")}
        self.states = {"settled": self.tr("settled"), "flagged": self.tr("flagged"), "unpaid": self.tr("unpaid")}
        today = QDate.currentDate()
        self.since, self.until = QDateEdit(today.addDays(1 - today.day()), self), QDateEdit(today, self)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.station = QComboBox(self)
        self.station.addItem(self.tr("All stations"), None)
        for st in stations:
            self.station.addItem(f"{st.code} {st.name}", st.station_id)
        self.pile = QComboBox(self)
        self.port = QSpinBox(self)
        self.port.setRange(0, 99)
        self.port.setSpecialValueText(self.tr("any port"))
        self.user = QLineEdit(self)
        self.user.setPlaceholderText(self.tr("User name or phone"))
        self.card = QLineEdit(self)
        self.card.setPlaceholderText(self.tr("Card number"))
        self.card.setMaximumWidth(110)
        self.way_boxes = {k: QCheckBox(v, self) for k, v in self.ways.items()}
        self.status_box = QComboBox(self)
        self.status_box.addItem(self.tr("Any state"), None)
        for k, v in self.states.items():
            self.status_box.addItem(v, k)
        self.go = QPushButton(self.tr("Search"), self)
        self.csv = QPushButton(self.tr("Export CSV…"), self)
        self.xlsx = QPushButton(self.tr("Export XLSX…"), self)
        row1, row2 = QHBoxLayout(), QHBoxLayout()
        for w in (QLabel(self.tr("From"), self), self.since, QLabel(self.tr("to"), self), self.until, self.station,
                  self.pile, self.port, self.user, self.card):
            row1.addWidget(w)
        for w in (*self.way_boxes.values(), self.status_box):
            row2.addWidget(w)
        row2.addStretch(1)
        for w in (self.go, self.csv, self.xlsx):
            row2.addWidget(w)
        self.table = table(self, [self.tr("Start"), self.tr("Pile"), self.tr("Port"),
                                  self.tr("Way"), self.tr("User"), self.tr("Card"), self.tr("Minutes"), self.tr("kWh"),
                                  self.tr("Paid"), self.tr("Refund"), self.tr("Revenue"), self.tr("State")])
        self.totals = QLabel("", self)
        self.totals.setWordWrap(True)
        self.detail = QLabel(self.tr("Select a session."), self)
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(utcOffset=utc_offset_s())})
        self.plot.setBackground("w")
        self.plot.setLabel("left", self.tr("Power (W)"))
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.review = QPushButton(self.tr("Mark reviewed…"), self)
        self.review.setVisible(allows(actor, Permission.VIEW_LEDGER))
        self.review.setEnabled(False)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.addWidget(self.detail)
        rl.addWidget(self.plot, 1)
        rl.addWidget(self.review)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([900, 520])
        self.status = QLabel("", self)
        lay = QVBoxLayout(self)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(split, 1)
        lay.addWidget(self.totals)
        lay.addWidget(self.status)
        self.current: SessionDetail | None = None
        self.station.currentIndexChanged.connect(self._fill_piles)
        self.go.clicked.connect(self.refresh)
        self.user.returnPressed.connect(self.refresh)
        self.card.returnPressed.connect(self.refresh)
        self.csv.clicked.connect(lambda: self._export("csv"))
        self.xlsx.clicked.connect(lambda: self._export("xlsx"))
        self.table.currentCellChanged.connect(lambda r, *_: self._select(r))
        self.review.clicked.connect(self._review)
        self._fill_piles()
        actor, db = self.actor, self.db
        self._load = LatestLoad(lambda flt: transactions.search(actor, db, flt), self._fill, self._error, parent=self)
        self.refresh()

    def _fill_piles(self) -> None:
        sid = self.station.currentData()
        self.pile.clear()
        self.pile.addItem(self.tr("All piles"), None)
        for st in self.stations:
            if sid is None or st.station_id == sid:
                for p in st.piles:
                    self.pile.addItem(p.code, p.pile_id)

    def filter(self, limit: int = 2000) -> TxnFilter:
        card = self.card.text().strip()
        return TxnFilter(
            start=day_start(self.since.date()), end=day_start(self.until.date().addDays(1)),
            station_id=self.station.currentData(), pile_id=self.pile.currentData(),
            port_number=self.port.value() or None, user_text=self.user.text().strip(),
            card_no=int(card) if card.isdigit() else None,
            ways=frozenset(k for k, box in self.way_boxes.items() if box.isChecked()),
            status=self.status_box.currentData(), limit=limit,
        )  # fmt: skip

    def refresh(self) -> None:
        self.status.setText(self.tr("Searching …"))
        self._load.request(self.filter())

    def _fill(self, page: TxnPage) -> None:
        self.page = page
        rows = [[local(r.started_at, "%m-%d %H:%M"), r.pile_code, str(r.port_number),
                 self.ways.get(r.way, r.way), r.user_name, str(r.card_no or ""), str(r.minutes_used), kwh(r.energy_wh),
                 format_money(r.amount_fen), format_money(r.refund_fen), format_money(r.net_fen),
                 self.states.get(r.status, r.status)] for r in page.rows]  # fmt: skip
        self.table.blockSignals(True)
        fill(self.table, rows, right={2, 6, 7, 8, 9, 10})
        self.table.blockSignals(False)
        for i, r in enumerate(page.rows):
            if r.status != "settled":
                for j in range(self.table.columnCount()):
                    self.table.item(i, j).setForeground(Qt.GlobalColor.darkRed)
        t = page.totals
        by_way = " · ".join(f"{self.ways.get(w, w)} {x.sessions} / {format_money(x.net_fen)}"
                            for w, x in sorted(t.by_way.items()))  # fmt: skip
        self.totals.setText(self.tr("<b>%1 sessions</b> · %2 kWh · paid %3 · refunds %4 · <b>revenue %5</b>"
                                    "<br>by way: %6").replace("%1", f"{t.sessions:,}").replace("%2", kwh(t.energy_wh))
                            .replace("%3", format_money(t.amount_fen)).replace("%4", format_money(t.refund_fen))
                            .replace("%5", format_money(t.net_fen)).replace("%6", by_way or "—"))  # fmt: skip
        shown = self.tr("showing the newest %1").replace("%1", str(len(page.rows))) if page.truncated else ""
        self.status.setText(shown)

    def _select(self, row: int) -> None:
        if self.page is None or not 0 <= row < len(self.page.rows):
            return
        r, actor, db = self.page.rows[row], self.actor, self.db
        run_background(lambda: transactions.session_detail(actor, db, r.settlement_id), self._show, self._error,
                       parent=self)

    def _show(self, d: SessionDetail) -> None:
        self.current = d
        r: TxnRow = d.row
        head = (self.tr("%1 #%2 · %3 · %4 · record %5").replace("%1", r.pile_code).replace("%2", str(r.port_number))
                .replace("%3", r.station_code).replace("%4", self.ways.get(r.way, r.way)).replace("%5", str(d.seq)))
        when = (self.tr("%1 → %2 · %3/%4 min · %5 kWh · peak %6 W · tier %7")
                .replace("%1", local(r.started_at)).replace("%2", local(r.ended_at, "%H:%M:%S"))
                .replace("%3", str(r.minutes_used)).replace("%4", str(d.minutes_bought)).replace("%5", kwh(r.energy_wh))
                .replace("%6", str(d.peak_power_w)).replace("%7", str(d.tier or "—")))
        money = (self.tr("Paid %1 · refund %2 · <b>revenue %3</b> · tariff: %4")
                 .replace("%1", format_money(r.amount_fen)).replace("%2", format_money(r.refund_fen))
                 .replace("%3", format_money(r.net_fen)).replace("%4", d.tariff or "—"))
        who = (self.tr("User: %1 · card: %2 · ledger: %3").replace("%1", r.user_name or "—")
               .replace("%2", str(r.card_no or "—")).replace("%3", d.txn[1] if d.txn else "—"))
        lines = [f"<b>{head}</b>", when, money, who]
        if d.live is not None:
            lines.append(self.tr("Seen live: %1 → %2 · %3 kWh · %4").replace("%1", local(d.live[0], "%H:%M:%S"))
                         .replace("%2", local(d.live[1], "%H:%M:%S") if d.live[1] else "…")
                         .replace("%3", kwh(d.live[2])).replace("%4", d.live[3]))
        for f in d.flags:
            text = (self.tr("⚑ %1 / %2: live %3 · pile %4").replace("%1", f.get("zh", ""))
                    .replace("%2", f.get("en", "")).replace("%3", f.get("live", "")).replace("%4", f.get("record", "")))
            lines.append(f"<span style='color:#d9343a'>{text}</span>")
        if d.reviewed:
            lines.append(self.tr("Reviewed: %1").replace("%1", d.reviewed))
        self.detail.setText("<br>".join(lines))
        self.plot.clear()
        if d.curve:
            xs = [t.timestamp() for t, _p, _e in d.curve]
            self.plot.plot(xs, [p for _t, p, _e in d.curve], pen=pg.mkPen("#2e6fb7", width=2), stepMode=None)
        else:
            self.plot.addItem(pg.TextItem(self.tr("No samples stored for this session"), color="#777777"))
        self.review.setEnabled(r.status != "settled" or bool(d.flags))

    def _review(self) -> None:
        d = self.current
        if d is None:
            return
        note, ok = QInputDialog.getText(self, self.tr("Mark reviewed"), self.tr("What did you find?"))
        if not ok:
            return
        actor, db, sid, version = self.actor, self.db, d.row.settlement_id, d.row.version
        run_background(lambda: transactions.review(actor, db, sid, note=note, expected_version=version),
                       lambda _: self.refresh(), self._error, parent=self)

    def _export(self, kind: str) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export transactions"), f"transactions.{kind}",
                                              "CSV (*.csv)" if kind == "csv" else "Excel (*.xlsx)")
        if name:
            self.export_to(Path(name), kind)

    def export_to(self, path: Path, kind: str) -> None:
        flt, actor, db = self.filter(), self.actor, self.db

        def work() -> int:
            rows = transactions.all_rows(actor, db, flt)
            totals = transactions.search(actor, db, flt).totals
            return (write_csv if kind == "csv" else write_xlsx)(rows, totals, path)

        self.status.setText(self.tr("Exporting …"))
        run_background(work, lambda n: self.status.setText(self.tr("%1 rows written to %2").replace("%1", str(n))
                                                           .replace("%2", str(path))), self._error, parent=self)

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")
