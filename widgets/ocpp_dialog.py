"""A car pile's OCPP console: the central system's commands to the charge point, and its message log."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.engine import ocpp_commands as oc
from app.engine.commands import CommandOutcome
from app.services.charge_points import MessageRow
from app.services.stations import PileInfo
from widgets.look import local
from widgets.ops import run_background

Send = Callable[[object, Callable[[CommandOutcome], None] | None], None]
TYPES = {2: "CALL", 3: "RESULT", 4: "ERROR"}
COL_TIME, COL_DIR, COL_TYPE, COL_ACTION, COL_PAYLOAD = range(5)


class MessageTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[MessageRow] = []
        self.headers = [self.tr("Time"), self.tr("Direction"), self.tr("Type"), self.tr("Action"), self.tr("Message")]

    def set_rows(self, rows: list[MessageRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if col == COL_TIME:
            return local(r.ts, "%m-%d %H:%M:%S.%f")[:-3]
        if col == COL_DIR:
            return self.tr("→ charge point") if r.direction == "out" else self.tr("← charge point")
        if col == COL_TYPE:
            return TYPES.get(r.message_type, "?")
        if col == COL_ACTION:
            return r.action or ""
        return r.payload if role == Qt.ItemDataRole.ToolTipRole else r.payload[:300]


class OcppDialog(QDialog):
    def __init__(self, pile: PileInfo, identity: str, send: Send,
                 load_log: Callable[[str, str | None], list[MessageRow]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pile, self.identity, self.send, self.load_log = pile, identity, send, load_log
        self.setWindowTitle(self.tr("OCPP charge point %1").replace("%1", f"{pile.code} · {identity}"))
        self.resize(980, 640)
        tabs = QTabWidget(self)
        tabs.addTab(self._commands_tab(), self.tr("Commands"))
        tabs.addTab(self._log_tab(), self.tr("Message log"))
        lay = QVBoxLayout(self)
        lay.addWidget(tabs)
        tabs.currentChanged.connect(lambda i: i == 1 and self.refresh_log())

    # -- commands ----------------------------------------------------------------------------------
    def _commands_tab(self) -> QWidget:
        w = QWidget(self)
        pid = self.pile.pile_id
        self.connector = QSpinBox(w)
        self.connector.setRange(1, max(1, len(self.pile.ports)))
        self.connector.setMaximumWidth(90)
        self.limit = QDoubleSpinBox(w)
        self.limit.setRange(oc.MIN_LIMIT_A, oc.MAX_LIMIT_A)
        self.limit.setSingleStep(0.5)
        self.limit.setValue(16.0)
        self.limit.setSuffix(" A")
        self.id_tag = QLineEdit(w)
        self.id_tag.setPlaceholderText(self.tr("card number (empty: the console's own tag)"))
        self.minutes = QSpinBox(w)
        self.minutes.setRange(1, 24 * 60)
        self.minutes.setValue(15)
        self.minutes.setSuffix(self.tr(" min"))
        self.reservation = QSpinBox(w)
        self.reservation.setRange(1, 2**31 - 1)
        self.reservation.setPrefix("#")
        self.key = QLineEdit(w)
        self.key.setPlaceholderText(self.tr("configuration key"))
        self.value = QLineEdit(w)
        self.value.setPlaceholderText(self.tr("value"))
        self.firmware = QLineEdit(w)
        self.firmware.setPlaceholderText(self.tr("file in the engine's firmware folder"))
        self.trigger = QComboBox(w)
        for m in ("StatusNotification", "MeterValues", "Heartbeat", "BootNotification",
                  "DiagnosticsStatusNotification", "FirmwareStatusNotification"):
            self.trigger.addItem(m)
        self.result = QPlainTextEdit(w)
        self.result.setReadOnly(True)
        self.result.setPlaceholderText(self.tr("The charge point's answers appear here."))

        top = QFormLayout()
        top.addRow(self.tr("Connector"), self.connector)

        def n() -> int:
            return self.connector.value()

        def group(title: str, rows: list[tuple[QWidget | None, list[tuple[str, Callable[[], object]]]]]) -> QGroupBox:
            box = QGroupBox(title, w)
            grid = QGridLayout(box)
            for i, (field, buttons) in enumerate(rows):
                if field is not None:
                    grid.addWidget(field, i, 0)
                for j, (text, make) in enumerate(buttons, start=1):
                    b = QPushButton(text, box)
                    b.clicked.connect(lambda _c=False, mk=make: self._send(mk()))
                    grid.addWidget(b, i, j)
            return box

        tag = self.id_tag.text
        boxes = [
            group(self.tr("Charging limit (smart charging)"), [
                (self.limit, [(self.tr("Limit this connector"), lambda: oc.SetChargingProfile(
                    pid, self.limit.value(), connector=n(), profile_id=10 + n())),
                              (self.tr("Limit the whole charge point"), lambda: oc.SetChargingProfile(
                                  pid, self.limit.value(), connector=0, profile_id=1))]),
                (None, [(self.tr("Clear limits"), lambda: oc.ClearChargingProfile(pid)),
                        (self.tr("Composite schedule"), lambda: oc.GetCompositeSchedule(pid, n()))])]),
            group(self.tr("Transaction"), [
                (self.id_tag, [(self.tr("Remote start"), lambda: oc.RemoteStart(pid, n(), tag().strip())),
                               (self.tr("Remote stop"), lambda: oc.RemoteStop(pid, n()))]),
                (None, [(self.tr("Unlock connector"), lambda: oc.UnlockConnector(pid, n()))])]),
            group(self.tr("Availability"), [
                (None, [(self.tr("Inoperative"), lambda: oc.ChangeAvailability(pid, 0, operative=False)),
                        (self.tr("Operative"), lambda: oc.ChangeAvailability(pid, 0, operative=True)),
                        (self.tr("Soft reset"), lambda: oc.ResetChargePoint(pid)),
                        (self.tr("Hard reset"), lambda: oc.ResetChargePoint(pid, hard=True))])]),
            group(self.tr("Configuration"), [
                (self.key, [(self.tr("Get all"), lambda: oc.GetConfiguration(pid))]),
                (self.value, [(self.tr("Change"), lambda: oc.ChangeConfiguration(pid, self.key.text().strip(),
                                                                                  self.value.text().strip()))])]),
            group(self.tr("Reservations and local list"), [
                (self.minutes, [(self.tr("Reserve for the card"), lambda: oc.ReserveNow(
                    pid, n(), tag().strip(), self.minutes.value()))]),
                (self.reservation, [(self.tr("Cancel reservation"), lambda: oc.CancelReservation(
                    pid, self.reservation.value()))]),
                (None, [(self.tr("Send local list (all cards)"), lambda: oc.SendLocalList(pid)),
                        (self.tr("Local list version"), lambda: oc.GetLocalListVersion(pid))])]),
            group(self.tr("Maintenance"), [
                (self.firmware, [(self.tr("Update firmware"), lambda: oc.UpdateFirmware(pid, self.firmware.text()
                                                                                       .strip()))]),
                (self.trigger, [(self.tr("Trigger message"), lambda: oc.TriggerMessage(
                    pid, self.trigger.currentText(), None if self.trigger.currentIndex() > 1 else n()))]),
                (None, [(self.tr("Get diagnostics"), lambda: oc.GetDiagnostics(pid))])]),
        ]
        grid = QGridLayout()
        for i, box in enumerate(boxes):
            grid.addWidget(box, i // 2, i % 2)
        lay = QVBoxLayout(w)
        lay.addLayout(top)
        lay.addLayout(grid)
        lay.addWidget(self.result, 1)
        return w

    def _send(self, cmd: object) -> None:
        self.result.appendPlainText(self.tr("sending %1 …").replace("%1", type(cmd).__name__))
        self.send(cmd, self._done)

    def _done(self, out: CommandOutcome) -> None:
        word = self.tr("done") if out.ok else self.tr("FAILED")
        text = f"{word}: {out.detail}"
        if out.data:
            text += "\n" + json.dumps(out.data, ensure_ascii=False, indent=1, default=str)[:4000]
        self.result.appendPlainText(text + "\n")

    # -- message log -------------------------------------------------------------------------------
    def _log_tab(self) -> QWidget:
        w = QWidget(self)
        self.action = QComboBox(w)
        self.action.addItem(self.tr("All actions"), None)
        for a in ("BootNotification", "Heartbeat", "StatusNotification", "Authorize", "StartTransaction",
                  "StopTransaction", "MeterValues", "DataTransfer", "RemoteStartTransaction",
                  "RemoteStopTransaction", "SetChargingProfile", "ChangeConfiguration", "GetConfiguration",
                  "Reset", "UpdateFirmware", "GetDiagnostics", "TriggerMessage"):
            self.action.addItem(a, a)
        refresh = QPushButton(self.tr("Refresh"), w)
        self.log_status = QLabel("", w)
        self.log_model = MessageTableModel(w)
        self.log_table = QTableView(w)
        self.log_table.setModel(self.log_model)
        self.log_table.verticalHeader().setVisible(False)
        self.log_table.verticalHeader().setDefaultSectionSize(20)
        self.log_table.horizontalHeader().setSectionResizeMode(COL_PAYLOAD, QHeaderView.ResizeMode.Stretch)
        self.log_table.setWordWrap(False)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Action"), w))
        row.addWidget(self.action)
        row.addWidget(refresh)
        row.addWidget(self.log_status, 1)
        lay = QVBoxLayout(w)
        lay.addLayout(row)
        lay.addWidget(self.log_table, 1)
        refresh.clicked.connect(self.refresh_log)
        self.action.currentIndexChanged.connect(lambda _i: self.refresh_log())
        return w

    def refresh_log(self) -> None:
        if self.load_log is None:
            return
        fn, ident, action = self.load_log, self.identity, self.action.currentData()
        self.log_status.setText(self.tr("loading …"))
        run_background(lambda: fn(ident, action), self._got_log,
                       lambda exc: self.log_status.setText(str(exc)), parent=self)

    def _got_log(self, rows: list[MessageRow]) -> None:
        self.log_model.set_rows(rows)
        self.log_table.resizeColumnsToContents()
        self.log_status.setText(self.tr("%1 messages, newest first").replace("%1", str(len(rows))))
