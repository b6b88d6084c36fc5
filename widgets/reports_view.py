"""Reports tab: the monthly billing report (with a progress bar and cancel), the daily close (日结: preview,
counted cash, close, PDF) and the QR label sheet — each part shown to the roles that may use it."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money, parse_money
from app.domain.permissions import Actor, Permission, allows
from app.reports.pdf_kit import Cancelled
from app.services import daily_close, reports
from app.services.daily_close import DayFigures
from app.services.reports import ReportResult
from app.services.stations import StationInfo
from app.services.unit import Db
from widgets.look import kwh
from widgets.messages import chinese_ui, error_text
from widgets.ops import run_background
from widgets.tables import fill
from widgets.tables import make_table as table


class _Progress(QObject):
    """Carries progress from the worker thread to the GUI (a queued signal)."""

    moved = Signal(int, str)


class ReportsView(QWidget):
    def __init__(self, db: Db, actor: Actor, stations: list[StationInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.last_path: Path | None = None
        self.last_result: ReportResult | None = None
        self.figures: DayFigures | None = None
        self._cancel = threading.Event()
        lay = QVBoxLayout(self)
        self.monthly_box = self._monthly(stations)
        self.close_box = self._close()
        self.labels_box = self._labels(stations)
        for box, perm in ((self.monthly_box, Permission.VIEW_REPORTS), (self.close_box, Permission.VIEW_LEDGER),
                          (self.labels_box, Permission.MANAGE_PILES)):
            box.setVisible(allows(actor, perm))
            lay.addWidget(box)
        lay.addStretch(1)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

    @staticmethod
    def _station_combo(parent: QWidget, stations: list[StationInfo], everything: str) -> QComboBox:
        combo = QComboBox(parent)
        combo.addItem(everything, None)
        for st in stations:
            combo.addItem(f"{st.code} {st.name}", st.code)
        return combo

    # -- monthly ---------------------------------------------------------------------------------
    def _monthly(self, stations: list[StationInfo]) -> QGroupBox:
        box = QGroupBox(self.tr("Monthly billing report (PDF)"), self)
        self.month = QDateEdit(QDate.currentDate().addMonths(-1), box)
        self.month.setDisplayFormat("yyyy-MM")
        self.month_station = self._station_combo(box, stations, self.tr("The whole operator"))
        self.make = QPushButton(self.tr("Generate…"), box)
        self.cancel = QPushButton(self.tr("Cancel"), box)
        self.cancel.setEnabled(False)
        self.progress = QProgressBar(box)
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.step = QLabel("", box)
        row = QHBoxLayout()
        for w in (QLabel(self.tr("Month"), box), self.month, self.month_station, self.make, self.cancel):
            row.addWidget(w)
        row.addStretch(1)
        v = QVBoxLayout(box)
        v.addLayout(row)
        v.addWidget(self.progress)
        v.addWidget(self.step)
        self._relay = _Progress(self)
        self._relay.moved.connect(self._moved)
        self.make.clicked.connect(self._ask_monthly)
        self.cancel.clicked.connect(self._cancel.set)
        return box

    def _ask_monthly(self) -> None:
        month = self.month.date().toString("yyyy-MM")
        station = self.month_station.currentData()
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the monthly report"),
                                              f"billing-{month}{'-' + station if station else ''}.pdf", "PDF (*.pdf)")
        if name:
            self.generate_monthly(Path(name))

    def generate_monthly(self, path: Path) -> None:
        month, station = self.month.date().toString("yyyy-MM"), self.month_station.currentData()
        actor, db, relay, cancel = self.actor, self.db, self._relay, self._cancel
        cancel.clear()
        self.make.setEnabled(False)
        self.cancel.setEnabled(True)
        self.progress.setValue(0)

        def work() -> ReportResult:
            return reports.monthly_report(actor, db, month, path, station=station,
                                          progress=lambda p, label: relay.moved.emit(p, label),
                                          cancelled=cancel.is_set)  # fmt: skip

        run_background(work, lambda r: self._made(path, r), self._failed, parent=self)

    def _moved(self, percent: int, label: str) -> None:
        self.progress.setValue(percent)
        names = {"query": self.tr("reading the month's figures"), "cover": self.tr("cover"),
                 "summary": self.tr("summary"), "daily": self.tr("daily charts"), "ways": self.tr("payment ways"),
                 "piles": self.tr("piles"), "users": self.tr("top users"), "meters": self.tr("meters"),
                 "cards": self.tr("cards and ledger"), "signatures": self.tr("signatures"),
                 "layout": self.tr("laying out the pages"), "done": self.tr("done")}  # fmt: skip
        self.step.setText(names.get(label, label))

    def _made(self, path: Path, r: ReportResult) -> None:
        self.last_path, self.last_result = path, r
        self.make.setEnabled(True)
        self.cancel.setEnabled(False)
        self.status.setText(self.tr("%1 written: %2 pages, %3 sessions, revenue %4.").replace("%1", str(path))
                            .replace("%2", str(r.pages)).replace("%3", f"{r.sessions:,}")
                            .replace("%4", format_money(r.revenue_fen)))  # fmt: skip

    def _failed(self, exc: Exception) -> None:
        self.make.setEnabled(True)
        self.cancel.setEnabled(False)
        if isinstance(exc, Cancelled):
            self.progress.setValue(0)
            self.step.setText(self.tr("cancelled"))
            self.status.setText(self.tr("The report was cancelled; no file was written."))
            return
        self._error(exc)

    # -- daily close -----------------------------------------------------------------------------
    def _close(self) -> QGroupBox:
        box = QGroupBox(self.tr("Daily close (日结)"), self)
        self.day = QDateEdit(QDate.currentDate(), box)
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.cash = QLineEdit(box)
        self.cash.setPlaceholderText(self.tr("cash counted, yuan"))
        self.coins = QLineEdit(box)
        self.coins.setPlaceholderText(self.tr("coins collected, yuan (optional)"))
        self.preview_btn = QPushButton(self.tr("Preview"), box)
        self.close_btn = QPushButton(self.tr("Close the day…"), box)
        self.close_pdf = QPushButton(self.tr("Save PDF…"), box)
        row = QHBoxLayout()
        for w in (QLabel(self.tr("Day"), box), self.day, self.cash, self.coins, self.preview_btn, self.close_btn,
                  self.close_pdf):
            row.addWidget(w)
        row.addStretch(1)
        self.day_summary = QLabel("", box)
        self.day_summary.setTextFormat(Qt.TextFormat.RichText)
        self.issues = table(box, [self.tr("Discrepancy"), self.tr("Amount")])
        self.issues.setMaximumHeight(170)
        v = QVBoxLayout(box)
        v.addLayout(row)
        v.addWidget(self.day_summary)
        v.addWidget(self.issues)
        self.preview_btn.clicked.connect(self.preview)
        self.close_btn.clicked.connect(self._close_day)
        self.close_pdf.clicked.connect(self._close_pdf)
        return box

    def _counted(self) -> tuple[int | None, int | None]:
        cash = parse_money(self.cash.text(), allow_zero=True) if self.cash.text().strip() else None
        coins = parse_money(self.coins.text(), allow_zero=True) if self.coins.text().strip() else None
        return cash, coins

    def _day(self) -> date:
        return self.day.date().toPython()  # type: ignore[return-value]

    def preview(self) -> None:
        try:
            cash, coins = self._counted()
        except Exception as exc:
            self._error(exc)
            return
        actor, db, day = self.actor, self.db, self._day()
        run_background(lambda: daily_close.preview(actor, db, day, cash_counted_fen=cash, coins_counted_fen=coins),
                       self._show_day, self._error, parent=self)

    def _show_day(self, f: DayFigures) -> None:
        self.figures = f
        loss = (f.metered_wh - f.sold_wh) / f.metered_wh if f.metered_wh else None
        closed = (self.tr("closed by %1").replace("%1", f.closed_by) if f.closed_by else self.tr("not closed yet"))
        self.day_summary.setText(
            self.tr("Cash drawer per ledger <b>%1</b> (in %2, out %3) · coin revenue %4 · metered %5 kWh, sold %6 kWh"
                    " (loss %7) · %8").replace("%1", format_money(f.cash_ledger_fen))
            .replace("%2", format_money(f.cash_in_fen)).replace("%3", format_money(f.cash_out_fen))
            .replace("%4", format_money(f.coins_settled_fen)).replace("%5", kwh(f.metered_wh))
            .replace("%6", kwh(f.sold_wh)).replace("%7", f"{loss:.1%}" if loss is not None else "—")
            .replace("%8", closed))  # fmt: skip
        zh = chinese_ui()
        fill(self.issues, [[d.zh if zh else d.en, d.amount] for d in f.discrepancies]
             or [[self.tr("No discrepancies"), ""]], right={1})  # fmt: skip
        self.issues.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _close_day(self) -> None:
        try:
            cash, coins = self._counted()
        except Exception as exc:
            self._error(exc)
            return
        if cash is None:
            self.status.setText(self.tr("Enter the cash counted in the drawer first."))
            return
        day = self._day()
        if QMessageBox.question(self, self.tr("Close the day"), self.tr("Close %1 with %2 counted? A day is closed "
                                "once; the close is recorded in the audit trail.").replace("%1", day.isoformat())
                                .replace("%2", format_money(cash))) != QMessageBox.StandardButton.Yes:  # fmt: skip
            return
        self.close_day_now(day, cash, coins)

    def close_day_now(self, day: date, cash: int, coins: int | None) -> None:
        actor, db = self.actor, self.db
        run_background(lambda: daily_close.close_day(actor, db, day, cash_counted_fen=cash, coins_counted_fen=coins),
                       self._show_day, self._error, parent=self)

    def _close_pdf(self) -> None:
        day = self._day()
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the daily close"), f"close-{day}.pdf", "PDF (*.pdf)")
        if name:
            actor, db, path = self.actor, self.db, Path(name)
            run_background(lambda: reports.daily_close_report(actor, db, day, path),
                           lambda n: self.status.setText(self.tr("%1 written (%2 pages).").replace("%1", str(path))
                                                         .replace("%2", str(n))), self._error, parent=self)

    # -- labels ----------------------------------------------------------------------------------
    def _labels(self, stations: list[StationInfo]) -> QGroupBox:
        box = QGroupBox(self.tr("QR code labels for the ports (PDF)"), self)
        self.label_station = self._station_combo(box, stations, self.tr("Every station"))
        self.label_btn = QPushButton(self.tr("Save label sheet…"), box)
        form = QFormLayout(box)
        row = QHBoxLayout()
        row.addWidget(self.label_station)
        row.addWidget(self.label_btn)
        row.addStretch(1)
        form.addRow(self.tr("Station"), row)
        hint = QLabel(self.tr("21 stickers per A4 page, each with the port's QR code and number; cut along the "
                              "dashed lines."), box)
        hint.setWordWrap(True)
        form.addRow(hint)
        self.label_btn.clicked.connect(self._labels_pdf)
        return box

    def _labels_pdf(self) -> None:
        station = self.label_station.currentData()
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the label sheet"),
                                              f"qr-labels{'-' + station if station else ''}.pdf", "PDF (*.pdf)")
        if name:
            actor, db, path = self.actor, self.db, Path(name)
            run_background(lambda: reports.qr_label_sheet(actor, db, path, station=station),
                           lambda n: self.status.setText(self.tr("%1 written (%2 pages).").replace("%1", str(path))
                                                         .replace("%2", str(n))), self._error, parent=self)

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")
