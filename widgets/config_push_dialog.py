"""Push configuration to one pile or a group: choose piles and the settings to change, compare with what
each pile reports, confirm, and see the result of every pile (app.services.config_push)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor
from app.services import config_push
from app.services.config_push import PushPlan, PushResult
from app.services.remote import CommandEngine
from app.services.stations import StationInfo
from app.services.unit import Db
from widgets.messages import error_text
from widgets.ops import run_background
from widgets.pile_chooser import PileChooser


@dataclass(frozen=True)
class Spec:
    name: str
    kind: str  # fen | int | bool | clock | dc
    lo: int = 0
    hi: int = 65535


SPECS = (Spec("coin_fee_fen", "fen", 10, 10000), Spec("swipe_fee_fen", "fen", 10, 10000),
         Spec("max_port_power_w", "int", 100, 3500), Spec("max_pile_power_w", "int", 500, 30000),
         Spec("full_stop_power_w", "int", 0, 500), Spec("full_stop_min", "int", 1, 240),
         Spec("mode.night_cutoff", "bool"), Spec("night_start_min", "clock"), Spec("night_end_min", "clock"),
         Spec("over_temp_dc", "dc", 300, 1200), Spec("mode.smoke_detector", "bool"),
         Spec("smoke_threshold", "int", 1, 1000),
         Spec("max_session_min", "int", 10, 1440), Spec("mode.free_mode", "bool"), Spec("free_min", "int", 10, 1440),
         Spec("mode.monthly_card", "bool"), Spec("mode.refund_on_swipe", "bool"), Spec("mode.power_memory", "bool"),
         Spec("unplug_power_w", "int", 0, 100))


class ConfigPushDialog(QDialog):
    def __init__(self, db: Db, actor: Actor, engine: CommandEngine, stations: list[StationInfo],
                 parent: QWidget | None = None, *, checked: list[uuid.UUID] | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.engine = db, actor, engine
        self.setWindowTitle(self.tr("Push configuration"))
        self.labels = {
            "coin_fee_fen": self.tr("Coin value (yuan)"), "swipe_fee_fen": self.tr("Card swipe amount (yuan)"),
            "max_port_power_w": self.tr("Port overload limit (W)"), "max_pile_power_w": self.tr("Pile power limit (W)"),
            "full_stop_power_w": self.tr("Full: power at or below (W)"), "full_stop_min": self.tr("Full: for (min)"),
            "mode.night_cutoff": self.tr("Night cut-off"), "night_start_min": self.tr("Night cut-off from"),
            "night_end_min": self.tr("Night cut-off until"), "over_temp_dc": self.tr("Over-temperature (°C)"),
            "mode.smoke_detector": self.tr("Smoke detector enforced"), "smoke_threshold": self.tr("Smoke threshold"),
            "max_session_min": self.tr("Longest session (min)"), "mode.free_mode": self.tr("Free charging"),
            "free_min": self.tr("Free charging time (min)"), "mode.monthly_card": self.tr("Monthly cards accepted"),
            "mode.refund_on_swipe": self.tr("Refund on second swipe"),
            "mode.power_memory": self.tr("Resume after power failure"),
            "unplug_power_w": self.tr("Unplugged: power at or below (W)")}
        self.piles = PileChooser(stations, self, checked=checked or [])
        self.fields = QTableWidget(len(SPECS), 2, self)
        self.fields.setHorizontalHeaderLabels([self.tr("Change"), self.tr("New value")])
        self.fields.verticalHeader().setVisible(False)
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.boxes: dict[str, QCheckBox] = {}
        self.editors: dict[str, QWidget] = {}
        for row, spec in enumerate(SPECS):
            box = QCheckBox(self.labels[spec.name], self)
            self.boxes[spec.name] = box
            self.fields.setCellWidget(row, 0, box)
            self.editors[spec.name] = ed = self._editor(spec)
            ed.setEnabled(False)
            box.toggled.connect(ed.setEnabled)
            self.fields.setCellWidget(row, 1, ed)
        self.fields.resizeColumnsToContents()
        self.compare = QPushButton(self.tr("Compare with the piles"), self)
        self.push = QPushButton(self.tr("Push…"), self)
        self.push.setEnabled(False)
        self.close_btn = QPushButton(self.tr("Close"), self)
        self.result = QTableWidget(0, 4, self)
        self.result.setHorizontalHeaderLabels([self.tr("Pile"), self.tr("Setting"), self.tr("On the pile now"),
                                               self.tr("New")])
        self.result.verticalHeader().setVisible(False)
        self.result.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(self.tr("Choose piles and the settings to change, then compare."), self)
        self.status.setWordWrap(True)
        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.addWidget(self.piles)
        top.addWidget(self.fields)
        top.setSizes([300, 460])
        body = QSplitter(Qt.Orientation.Vertical, self)
        body.addWidget(top)
        body.addWidget(self.result)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.compare, self.push, self.close_btn):
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(body, 1)
        lay.addLayout(buttons)
        self.compare.clicked.connect(self._compare)
        self.push.clicked.connect(self._push)
        self.close_btn.clicked.connect(self.reject)
        self.plan: PushPlan | None = None
        self.results: list[PushResult] | None = None
        self.resize(900, 720)

    def _editor(self, spec: Spec) -> QWidget:
        if spec.kind == "bool":
            box = QCheckBox(self.tr("on"), self)
            return box
        if spec.kind == "clock":
            t = QTimeEdit(self)
            t.setDisplayFormat("HH:mm")
            return t
        if spec.kind in ("fen", "dc"):
            d = QDoubleSpinBox(self)
            d.setDecimals(2 if spec.kind == "fen" else 1)
            d.setRange(spec.lo / (100 if spec.kind == "fen" else 10), spec.hi / (100 if spec.kind == "fen" else 10))
            return d
        s = QSpinBox(self)
        s.setRange(spec.lo, spec.hi)
        return s

    def changes(self) -> dict[str, int | bool]:
        out: dict[str, int | bool] = {}
        for spec in SPECS:
            if not self.boxes[spec.name].isChecked():
                continue
            ed = self.editors[spec.name]
            if isinstance(ed, QTimeEdit):
                out[spec.name] = ed.time().hour() * 60 + ed.time().minute()
            elif isinstance(ed, QDoubleSpinBox):
                out[spec.name] = round(ed.value() * (100 if spec.kind == "fen" else 10))
            elif isinstance(ed, QSpinBox):
                out[spec.name] = ed.value()
            elif isinstance(ed, QCheckBox):
                out[spec.name] = ed.isChecked()
        return out

    def set_value(self, name: str, value: int | bool) -> None:
        """Tick a setting and put a value in it (tests, and pre-filled pushes)."""
        self.boxes[name].setChecked(True)
        ed = self.editors[name]
        spec = next(s for s in SPECS if s.name == name)
        if isinstance(ed, QTimeEdit):
            ed.setTime(QTime.fromMSecsSinceStartOfDay(int(value) * 60_000))
        elif isinstance(ed, QDoubleSpinBox):
            ed.setValue(int(value) / (100 if spec.kind == "fen" else 10))
        elif isinstance(ed, QSpinBox):
            ed.setValue(int(value))
        elif isinstance(ed, QCheckBox):
            ed.setChecked(bool(value))

    def _show_value(self, name: str, value: int | bool) -> str:
        spec = next((s for s in SPECS if s.name == name), Spec(name, "int"))
        if spec.kind == "bool" or isinstance(value, bool):
            return self.tr("on") if value else self.tr("off")
        if spec.kind == "fen":
            return f"¥{int(value) / 100:.2f}"
        if spec.kind == "clock":
            return f"{int(value) // 60:02d}:{int(value) % 60:02d}"
        if spec.kind == "dc":
            return f"{int(value) / 10:.1f}"
        return str(value)

    def _compare(self) -> None:
        piles, changes = self.piles.checked(), self.changes()
        actor, db, engine = self.actor, self.db, self.engine
        self.compare.setEnabled(False)
        self.push.setEnabled(False)
        self.status.setText(self.tr("Reading %1 piles …").replace("%1", str(len(piles))))
        run_background(lambda: config_push.plan_push(actor, db, engine, piles, changes), self._planned,
                       self._failed, parent=self)

    def _failed(self, exc: Exception) -> None:
        self.compare.setEnabled(True)
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")

    def _planned(self, plan: PushPlan) -> None:
        self.plan = plan
        self.compare.setEnabled(True)
        rows: list[tuple[str, str, str, str, str | None]] = []
        for item in plan.items:
            if item.error is not None:
                rows.append((item.code, "", self.tr("cannot be read"), "", "#d9343a"))
            elif not item.changes:
                rows.append((item.code, "", self.tr("already set"), "", "#6b7785"))
            for name, now, then in item.changes:
                rows.append((item.code, self.labels.get(name, name), self._show_value(name, now),
                             self._show_value(name, then), None))
        self._rows(rows)
        n = len(plan.to_write)
        self.push.setText(self.tr("Push to %1 piles…").replace("%1", str(n)))
        self.push.setEnabled(n > 0)
        skipped = sum(i.error is not None for i in plan.items)
        self.status.setText(self.tr("%1 piles will change, %2 already set, %3 cannot be read.")
                            .replace("%1", str(n)).replace("%2", str(len(plan.items) - n - skipped))
                            .replace("%3", str(skipped)))

    def _rows(self, rows: list[tuple[str, str, str, str, str | None]]) -> None:
        self.result.setRowCount(len(rows))
        for i, (*cells, colour) in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if colour:
                    item.setForeground(QColor(colour))
                self.result.setItem(i, j, item)
        self.result.resizeColumnsToContents()

    def _push(self) -> None:
        plan = self.plan
        if plan is None:
            return
        answer = QMessageBox.question(self, self.tr("Push configuration"), self.tr(
            "Write the new settings to %1 piles? Each pile is read back to confirm.").replace(
            "%1", str(len(plan.to_write))))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.push_now()

    def push_now(self) -> None:
        plan, actor, db, engine = self.plan, self.actor, self.db, self.engine
        assert plan is not None
        self.push.setEnabled(False)
        self.compare.setEnabled(False)
        self.status.setText(self.tr("Writing …"))
        run_background(lambda: config_push.apply_push(actor, db, engine, plan), self._pushed, self._failed,
                       parent=self)

    def _pushed(self, results: list[PushResult]) -> None:
        self.results = results
        self.compare.setEnabled(True)
        words = {"written": self.tr("written and read back"), "unchanged": self.tr("already set"),
                 "failed": self.tr("FAILED"), "skipped": self.tr("not written")}
        colours = {"written": "#2e9d4f", "failed": "#d9343a", "skipped": "#d9343a"}
        self.result.setHorizontalHeaderLabels([self.tr("Pile"), self.tr("Result"), self.tr("Detail"), ""])
        self._rows([(r.code, words[r.status], r.detail, "", colours.get(r.status)) for r in results])
        ok = sum(r.status == "written" for r in results)
        bad = sum(r.status in ("failed", "skipped") for r in results)
        self.status.setText(self.tr("%1 piles written, %2 not: see each pile.").replace("%1", str(ok))
                            .replace("%2", str(bad)))
