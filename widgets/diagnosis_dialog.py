"""A pile's remote diagnosis as the technician sees it: readings, every port's state and fault, the
self-test verdict, recent events; it is also recorded in the work order it was run from."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.diagnosis import Diagnosis, enum_label
from widgets.look import local
from widgets.messages import chinese_ui


class DiagnosisDialog(QDialog):
    def __init__(self, d: Diagnosis, parent: QWidget | None = None, *, recorded_in: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Remote diagnosis of %1").replace("%1", d.code))
        head = QLabel(self.tr("Read %1").replace("%1", local(d.at)) + (
            "  ·  " + self.tr("recorded in %1").replace("%1", recorded_in) if recorded_in else ""), self)
        text = QPlainTextEdit(d.summary(), self)
        text.setReadOnly(True)
        text.setFixedHeight(120)
        ports = QTableWidget(len(d.ports), 4, self)
        ports.setHorizontalHeaderLabels([self.tr("Port"), self.tr("State"), self.tr("Fault"), self.tr("Last stop")])
        ports.verticalHeader().setVisible(False)
        zh = chinese_ui()
        name = lambda kind, v: enum_label(kind, v)[0 if zh else 1]  # noqa: E731
        for i, p in enumerate(d.ports):
            cells = (str(p.number), name("port_state", p.state), name("port_fault", p.fault),
                     name("stop_reason", p.stop_reason))
            for j, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if p.fault != "NONE":
                    item.setForeground(QColor("#d9343a"))
                ports.setItem(i, j, item)
        ports.resizeColumnsToContents()
        events = QTableWidget(len(d.events), 3, self)
        events.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Event"), self.tr("Detail")])
        events.verticalHeader().setVisible(False)
        events.horizontalHeader().setStretchLastSection(True)
        for i, (ts, kind, _sev, detail) in enumerate(d.events):
            for j, value in enumerate((local(ts, "%m-%d %H:%M:%S"), kind, detail)):
                events.setItem(i, j, QTableWidgetItem(value))
        events.resizeColumnsToContents()
        buttons = QDialogButtonBox(self)
        buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(head)
        lay.addWidget(text)
        lay.addWidget(QLabel(self.tr("Ports"), self))
        lay.addWidget(ports, 2)
        lay.addWidget(QLabel(self.tr("Recent events"), self))
        lay.addWidget(events, 1)
        lay.addWidget(buttons)
        self.resize(760, 720)
