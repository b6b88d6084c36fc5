"""Alarms: the live list (open or unacknowledged), acknowledge with a comment, history with filters;
a sound and a non-modal pop-up for new critical alarms (smoke, over-temperature, short circuit)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.engine.events import AlarmCleared, AlarmRaised, DatabaseHealth, Event
from app.services.alarms import AlarmInfo
from widgets.look import RESOURCES, SEVERITY_COLOURS, local
from widgets.ops import LatestLoad, run_background
from widgets.tables import make_table

POPUP_CODES = {"pile.smoke", "pile.over_temp", "port.short_circuit"}
SOUND = RESOURCES / "sounds" / "alarm.wav"


class AlarmsView(QWidget):
    pileActivated = Signal(object)
    raiseOrderRequested = Signal(object)  # alarm id

    def __init__(self, *, load_open: Callable[[], list[AlarmInfo]],
                 load_history: Callable[[datetime, datetime, str | None, str | None], list[AlarmInfo]],
                 acknowledge: Callable[[uuid.UUID, str], AlarmInfo], pile_codes: dict[uuid.UUID, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load_open, self.load_history, self.acknowledge = load_open, load_history, acknowledge
        self.pile_codes = pile_codes
        self.names = {
            "pile.offline": self.tr("Pile offline"), "pile.smoke": self.tr("Smoke alarm"),
            "pile.over_temp": self.tr("Over-temperature"), "pile.door_open": self.tr("Cabinet door open"),
            "pile.mains_lost": self.tr("Mains supply lost"), "pile.internal": self.tr("Pile internal fault"),
            "port.overload": self.tr("Port overload"), "port.short_circuit": self.tr("Short circuit"),
            "port.relay_stuck": self.tr("Relay stuck"), "port.line_fault": self.tr("Faulty line"),
            "port.meter_error": self.tr("Metering error"),
        }
        self.sev_names = {"critical": self.tr("critical"), "major": self.tr("major"), "minor": self.tr("minor"),
                          "warning": self.tr("warning"), "info": self.tr("info")}
        self.tabs = QTabWidget(self)
        self.live = self._table()
        self.ack = QPushButton(self.tr("Acknowledge…"), self)
        self.order = QPushButton(self.tr("Raise work order…"), self)
        self.order.setVisible(False)  # shown for the roles that may raise orders (widgets/maintenance.py)
        self.mute = QCheckBox(self.tr("Mute sound"), self)
        self.count = QLabel("", self)
        live_box = QWidget(self)
        row = QHBoxLayout()
        row.addWidget(self.count, 1)
        row.addWidget(self.mute)
        row.addWidget(self.order)
        row.addWidget(self.ack)
        lv = QVBoxLayout(live_box)
        lv.addWidget(self.live)
        lv.addLayout(row)
        self.tabs.addTab(live_box, self.tr("Active"))
        self.history = self._table()
        self.h_days = QComboBox(self)
        for label, days in ((self.tr("Last 24 hours"), 1), (self.tr("Last 7 days"), 7), (self.tr("Last 30 days"), 30)):
            self.h_days.addItem(label, days)
        self.h_sev = QComboBox(self)
        self.h_sev.addItem(self.tr("All severities"), None)
        for key, name in self.sev_names.items():
            self.h_sev.addItem(name, key)
        self.h_pile = QLineEdit(self)
        self.h_pile.setPlaceholderText(self.tr("Pile code"))
        self.h_go = QPushButton(self.tr("Search"), self)
        hist_box = QWidget(self)
        hrow = QHBoxLayout()
        for w in (self.h_days, self.h_sev, self.h_pile, self.h_go):
            hrow.addWidget(w)
        hv = QVBoxLayout(hist_box)
        hv.addLayout(hrow)
        hv.addWidget(self.history)
        self.tabs.addTab(hist_box, self.tr("History"))
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        self._rows: list[AlarmInfo] = []
        self.ack.clicked.connect(self._ack)
        self.order.clicked.connect(self._raise_order)
        self.h_go.clicked.connect(self._search)
        self.live.cellDoubleClicked.connect(lambda r, _c: self._rows and self.pileActivated.emit(self._rows[r].pile_id))
        self._sound = self._make_sound()
        self._reload_after_flushes = 0
        self._live_load = LatestLoad(self.load_open, self._fill_live, lambda e: self.count.setText(str(e)),
                                     parent=self)
        self.refresh()

    def _table(self) -> QTableWidget:
        return make_table(self, [self.tr("Severity"), self.tr("Raised"), self.tr("Pile"), self.tr("Port"),
                                 self.tr("Alarm"), self.tr("State"), self.tr("Acknowledged")], single=False)

    def _make_sound(self) -> object | None:
        try:  # QtMultimedia needs the platform's audio stack; without it, fall back to the system beep
            from PySide6.QtMultimedia import QSoundEffect

            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(SOUND)))
            return effect
        except Exception:
            return None

    # -- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._live_load.request()

    def _fill_live(self, rows: list[AlarmInfo]) -> None:
        self._rows = rows
        self._fill(self.live, rows)
        open_ = sum(r.cleared_at is None for r in rows)
        self.count.setText(self.tr("%1 active, %2 waiting for acknowledgement").replace("%1", str(open_))
                           .replace("%2", str(sum(r.acked_at is None for r in rows))))

    def _fill(self, table: QTableWidget, rows: list[AlarmInfo]) -> None:
        table.setRowCount(len(rows))
        for i, a in enumerate(rows):
            state = self.tr("active") if a.cleared_at is None else self.tr("cleared %1").replace(
                "%1", local(a.cleared_at, "%H:%M:%S"))
            acked = "" if a.acked_at is None else f"{a.acked_by} {local(a.acked_at, '%m-%d %H:%M')}"
            cells = [self.sev_names.get(a.severity, a.severity), local(a.raised_at),
                     a.pile_code, str(a.port_number or ""), self.names.get(a.code, a.code), state, acked]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setForeground(_qcolor(SEVERITY_COLOURS.get(a.severity, "#333")))
                table.setItem(i, j, item)
        table.resizeColumnsToContents()

    def apply(self, events: list[Event]) -> None:
        raised = [e for e in events if isinstance(e, AlarmRaised)]
        reload = False
        for e in events:  # in order: the hub puts the (newest) database flush after the alarms of its batch
            if isinstance(e, (AlarmRaised, AlarmCleared)):
                # The list comes from the database, which the engine writes in batches: reload after each of
                # the next three successful flushes. The alarm's row is in the first flush that starts after
                # it; before that come at most one flush finished just before the alarm (its report can share
                # a batch with it) and one that was under way. Each of those flushes comes (something is
                # pending), and whichever stored the alarm, the reload after it shows it.
                self._reload_after_flushes = 3
            elif isinstance(e, DatabaseHealth) and e.ok and self._reload_after_flushes:
                self._reload_after_flushes -= 1
                reload = True
        if reload:
            self.refresh()
        critical = [e for e in raised if e.key.code in POPUP_CODES or e.severity == "critical"]
        if critical:
            self._alert(critical)

    def _alert(self, alarms: list[AlarmRaised]) -> None:
        if not self.mute.isChecked():
            if self._sound is not None:
                self._sound.play()  # type: ignore[attr-defined]
            else:
                QApplication.beep()
        port_word = self.tr("port")
        lines = [f"{self.pile_codes.get(a.key.pile_id, '?')}"
                 + (f" {port_word} {a.key.port_number}" if a.key.port_number else "")
                 + f": {self.names.get(a.key.code, a.key.code)}" for a in alarms]
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Critical alarm"), "\n".join(lines),
                          QMessageBox.StandardButton.Ok, self)
        box.setModal(False)  # never blocks the operator's work
        box.show()
        self.popup = box

    def _ack(self) -> None:
        row = self.live.currentRow()
        if row < 0 or row >= len(self._rows):
            return
        alarm = self._rows[row]
        comment, ok = QInputDialog.getText(self, self.tr("Acknowledge alarm"),
                                           self.tr("Comment (what was done):"))
        if not ok:
            return
        run_background(lambda: self.acknowledge(alarm.alarm_id, comment), lambda _r: self.refresh(),
                       lambda e: QMessageBox.warning(self, self.tr("Not acknowledged"), str(e)), parent=self)

    def _raise_order(self) -> None:
        row = self.live.currentRow()
        if 0 <= row < len(self._rows):
            self.raiseOrderRequested.emit(self._rows[row].alarm_id)

    def _search(self) -> None:
        until = datetime.now(UTC)
        since = until - timedelta(days=int(self.h_days.currentData()))
        sev, pile = self.h_sev.currentData(), self.h_pile.text().strip() or None
        run_background(lambda: self.load_history(since, until, sev, pile), lambda rows: self._fill(self.history, rows),
                       parent=self)


def _qcolor(hexcode: str):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor

    return QColor(hexcode)
