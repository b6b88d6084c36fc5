"""Firmware upgrade of a group of piles: choose the image file (its model, version, size and CRC are
checked and shown), choose the piles, start; a progress bar and the phase per pile, cancel all or one,
and each pile's result (app.services.firmware). The upgrade runs on worker threads; progress comes
back through a queued signal, so the window stays responsive."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor
from app.services.firmware import FirmwareImage, FirmwareUpgrade, Outcome, Progress, version_text
from app.services.stations import StationInfo
from app.services.unit import Db
from widgets.messages import error_text
from widgets.ops import run_background
from widgets.pile_chooser import PileChooser


class _Relay(QObject):
    progress = Signal(object)  # Progress, from the job's threads to the GUI thread


class FirmwareDialog(QDialog):
    def __init__(self, db: Db, actor: Actor, engine: object, stations: list[StationInfo],
                 parent: QWidget | None = None, *, checked: list[uuid.UUID] | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.engine, self.stations = db, actor, engine, stations
        self.setWindowTitle(self.tr("Firmware upgrade"))
        self.image: FirmwareImage | None = None
        self.job: FirmwareUpgrade | None = None
        self.rows: dict[uuid.UUID, int] = {}
        self.results: dict[uuid.UUID, Outcome] = {}
        self.relay = _Relay(self)
        self.relay.progress.connect(self._on_progress)
        self.choose = QPushButton(self.tr("Image file…"), self)
        self.info = QLabel(self.tr("No image chosen."), self)
        self.info.setWordWrap(True)
        self.piles = PileChooser(stations, self, checked=checked or [])
        self.table = QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels([self.tr("Pile"), self.tr("Progress"), self.tr("Phase"),
                                              self.tr("Result")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.start = QPushButton(self.tr("Start upgrade…"), self)
        self.start.setEnabled(False)
        self.cancel_one = QPushButton(self.tr("Cancel selected pile"), self)
        self.cancel_all = QPushButton(self.tr("Cancel all"), self)
        for b in (self.cancel_one, self.cancel_all):
            b.setEnabled(False)
        self.close_btn = QPushButton(self.tr("Close"), self)
        top = QHBoxLayout()
        top.addWidget(self.choose)
        top.addWidget(self.info, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.piles)
        split.addWidget(self.table)
        split.setSizes([330, 560])
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        for b in (self.start, self.cancel_one, self.cancel_all, self.close_btn):
            bottom.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)
        self.choose.clicked.connect(self._choose)
        self.start.clicked.connect(self._confirm)
        self.cancel_one.clicked.connect(self._cancel_selected)
        self.cancel_all.clicked.connect(lambda: self.job and self.job.cancel())
        self.close_btn.clicked.connect(self.close)
        self.resize(960, 620)

    # -- image ------------------------------------------------------------------------------------------
    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Firmware image"), "",
                                              self.tr("Firmware images (*.cdfw);;All files (*)"))
        if path:
            self.load_image(path)

    def load_image(self, path: str) -> None:
        run_background(lambda: FirmwareImage.load(path), self.set_image,
                       lambda e: self.info.setText(f"<span style='color:#d9343a'>{error_text(e)}</span>"),
                       parent=self)

    def set_image(self, image: FirmwareImage) -> None:
        self.image = image
        self.info.setText(self.tr("<b>%1 %2</b> · %3 bytes · CRC-32 %4").replace("%1", image.model)
                          .replace("%2", version_text(image.version)).replace("%3", f"{image.size:,}")
                          .replace("%4", f"{image.crc:08X}"))
        self.start.setEnabled(self.job is None)

    # -- run --------------------------------------------------------------------------------------------
    def _confirm(self) -> None:
        piles = self.piles.checked()
        if self.image is None or not piles:
            self.info.setText(self.tr("Choose an image and at least one pile."))
            return
        answer = QMessageBox.question(self, self.tr("Firmware upgrade"), self.tr(
            "Upgrade %1 piles to %2? Each pile reboots when its image is in place (only while no port is "
            "charging) and is rolled back if it does not come back healthy.").replace("%1", str(len(piles)))
            .replace("%2", version_text(self.image.version)))
        if answer == QMessageBox.StandardButton.Yes:
            self.start_upgrade(piles)

    def start_upgrade(self, piles: list[uuid.UUID]) -> None:
        image, actor, db, engine, relay = self.image, self.actor, self.db, self.engine, self.relay
        assert image is not None
        self.start.setEnabled(False)
        self.choose.setEnabled(False)
        self.piles.setEnabled(False)
        self.table.setRowCount(len(piles))
        for i, pid in enumerate(piles):
            self.rows[pid] = i
            self.table.setItem(i, 0, QTableWidgetItem(self.piles.codes.get(pid, str(pid))))
            bar = QProgressBar(self.table)
            bar.setRange(0, image.size)
            self.table.setCellWidget(i, 1, bar)
            self.table.setItem(i, 2, QTableWidgetItem(self.tr("waiting")))
            self.table.setItem(i, 3, QTableWidgetItem(""))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, 220)
        self.table.setColumnWidth(2, 150)

        def make() -> FirmwareUpgrade:
            job = FirmwareUpgrade(actor, db, engine, image, piles,  # type: ignore[arg-type]
                                  on_progress=relay.progress.emit)
            job.start()
            return job

        def started(job: FirmwareUpgrade) -> None:
            self.job = job
            self.cancel_one.setEnabled(True)
            self.cancel_all.setEnabled(True)

        def refused(exc: Exception) -> None:
            self.info.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")
            self.start.setEnabled(True)
            self.choose.setEnabled(True)
            self.piles.setEnabled(True)

        run_background(make, started, refused, parent=self)

    def _phase(self, phase: str) -> str:
        return {"transfer": self.tr("sending"), "verify": self.tr("verifying"), "activate": self.tr("activating"),
                "reboot": self.tr("rebooting"), "confirm": self.tr("confirming"), "rollback": self.tr("rolling back"),
                "done": self.tr("finished")}.get(phase, phase)

    def _on_progress(self, p: Progress) -> None:
        row = self.rows.get(p.pile_id)
        if row is None:
            return
        bar = self.table.cellWidget(row, 1)
        if isinstance(bar, QProgressBar):
            bar.setValue(p.done_bytes)
        attempt = self.tr(" (transfer %1)").replace("%1", str(p.attempt)) if p.attempt > 1 else ""
        self.table.item(row, 2).setText(self._phase(p.phase) + attempt)
        self.table.item(row, 2).setToolTip(p.message)
        if p.result is not None:
            self.results[p.pile_id] = p.result
            words = {Outcome.UPGRADED: self.tr("upgraded"), Outcome.ALREADY: self.tr("already on this version"),
                     Outcome.ROLLED_BACK: self.tr("ROLLED BACK"), Outcome.FAILED: self.tr("FAILED"),
                     Outcome.CANCELLED: self.tr("cancelled")}
            item = self.table.item(row, 3)
            item.setText(f"{words[p.result]} — {p.message}")
            good = p.result in (Outcome.UPGRADED, Outcome.ALREADY)
            item.setForeground(QColor("#2e9d4f" if good else "#d9343a"))
            if good and isinstance(bar, QProgressBar):
                bar.setValue(bar.maximum())
            if len(self.results) == len(self.rows):
                self.cancel_one.setEnabled(False)
                self.cancel_all.setEnabled(False)

    def _cancel_selected(self) -> None:
        row = self.table.currentRow()
        pid = next((p for p, r in self.rows.items() if r == row), None)
        if self.job is not None and pid is not None:
            self.job.cancel(pid)

    @property
    def running(self) -> bool:
        return self.job is not None and len(self.results) < len(self.rows)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.running:
            answer = QMessageBox.question(self, self.tr("Firmware upgrade"),
                                          self.tr("Upgrades are still running. Cancel them and close?"))
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            assert self.job is not None
            self.job.cancel()
        super().closeEvent(event)
