"""Notifications in the console: the settings (SMS gateway, fire-safety platform, duty phones; the
token and key go to the OS keyring), the outbox with each message's delivery state, and the in-app
inbox in the status bar."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor, Permission, allows
from app.secrets import KeyringSecretStore, SecretStore
from app.services import notifications as notify
from app.services.notifications import MessageInfo, NotifySettings
from app.services.unit import Db
from widgets.forms import FormDialog
from widgets.look import local
from widgets.messages import error_text
from widgets.ops import LatestLoad, run_background


class NotifySettingsDialog(FormDialog):
    def __init__(self, db: Db, actor: Actor, current: NotifySettings, parent: QWidget | None = None, *,
                 store: SecretStore | None = None) -> None:
        super().__init__(self.tr("Notifications"), parent, intro=self.tr(
            "Critical faults go by SMS to the person on duty; smoke and over-temperature alarms go to the "
            "fire-safety IoT platform. Messages wait in the outbox until they are delivered."))
        self.db, self.actor, self.store = db, actor, store or KeyringSecretStore()
        self.saved: NotifySettings | None = None
        self.sms_url = self.field(self.tr("SMS gateway URL"), text=current.sms_url)
        self.sms_token = self.field(self.tr("SMS gateway token"), secret=True)
        self.sms_token.setPlaceholderText(self.tr("unchanged (kept in the OS keyring)"))
        self.template = QPlainTextEdit(current.sms_template, self)
        self.template.setFixedHeight(60)
        self.form.addRow(self.tr("SMS text"), self.template)
        self.form.addRow("", QLabel(self.tr("Placeholders: {title} {station} {pile} {port} {time} {detail} "
                                            "{number}"), self))
        self.phones = self.field(self.tr("Duty phones (comma separated)"), text=",".join(current.duty_phones))
        self.fire_url = self.field(self.tr("Fire platform webhook URL"), text=current.fire_url)
        self.site_id = self.field(self.tr("Site id on the fire platform"), text=current.fire_site_id)
        self.fire_key = self.field(self.tr("Signing key"), secret=True)
        self.fire_key.setPlaceholderText(self.tr("unchanged (kept in the OS keyring)"))
        self.resize(620, self.sizeHint().height())

    def submit(self) -> None:
        new = NotifySettings(self.sms_url.text().strip(), self.template.toPlainText().strip(),
                             tuple(p.strip() for p in self.phones.text().split(",") if p.strip()),
                             self.fire_url.text().strip(), self.site_id.text().strip())
        token, key = self.sms_token.text() or None, self.fire_key.text() or None
        actor, db, store = self.actor, self.db, self.store
        self.run(lambda: notify.save_settings(actor, db, new, store=store, sms_token=token, fire_key=key),
                 lambda r: setattr(self, "saved", r))


class OutboxDialog(QDialog):
    """SMS and webhook messages with their delivery state; failed ones can be sent again."""

    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None,
                 edit_settings: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setWindowTitle(self.tr("Notification outbox"))
        self.rows: list[MessageInfo] = []
        self.table = QTableWidget(0, 7, self)
        self.table.setHorizontalHeaderLabels([self.tr("Queued"), self.tr("Channel"), self.tr("To"),
                                              self.tr("Message"), self.tr("State"), self.tr("Attempts"),
                                              self.tr("Last error")])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.status = QLabel("", self)
        self.retry = QPushButton(self.tr("Send again"), self)
        self.test = QPushButton(self.tr("Send a test message"), self)
        self.settings_btn = QPushButton(self.tr("Settings…"), self)
        may = allows(actor, Permission.MANAGE_NOTIFICATIONS)
        for b in (self.retry, self.test, self.settings_btn):
            b.setVisible(may)
        refresh = QPushButton(self.tr("Refresh"), self)
        close = QPushButton(self.tr("Close"), self)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for b in (refresh, self.retry, self.test, self.settings_btn, close):
            row.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        refresh.clicked.connect(self.refresh)
        close.clicked.connect(self.accept)
        self.retry.clicked.connect(self._retry)
        self.test.clicked.connect(self._test)
        if edit_settings is not None:
            self.settings_btn.clicked.connect(edit_settings)
        self.channels = {"sms": self.tr("SMS"), "webhook": self.tr("fire platform")}
        self.states = {"pending": self.tr("waiting"), "sent": self.tr("sent"), "failed": self.tr("failed")}
        self.resize(980, 520)
        actor, db = self.actor, self.db
        self._load = LatestLoad(lambda: notify.list_outbox(actor, db), self._fill, self._error, parent=self)
        self.refresh()

    def refresh(self) -> None:
        self._load.request()

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")

    def _fill(self, rows: list[MessageInfo]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        colours = {"sent": "#2e9d4f", "failed": "#d9343a", "pending": "#b7791f"}
        for i, m in enumerate(rows):
            text = m.body if m.channel == "sms" else m.subject
            cells = [local(m.created_at, "%m-%d %H:%M:%S"), self.channels.get(m.channel, m.channel), m.recipient,
                     text[:120], self.states.get(m.state, m.state), str(m.attempts), m.last_error or ""]
            for j, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if j == 4:
                    item.setForeground(QColor(colours.get(m.state, "#333")))
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        waiting = sum(m.state == "pending" for m in rows)
        failed = sum(m.state == "failed" for m in rows)
        self.status.setText(self.tr("%1 waiting, %2 failed").replace("%1", str(waiting)).replace("%2", str(failed)))

    def _retry(self) -> None:
        r = self.table.currentRow()
        if 0 <= r < len(self.rows):
            nid, actor, db = self.rows[r].notification_id, self.actor, self.db
            run_background(lambda: notify.retry(actor, db, nid), lambda _m: self.refresh(), self._error, parent=self)

    def _test(self) -> None:
        actor, db = self.actor, self.db
        run_background(lambda: notify.send_test(actor, db), lambda _n: self.refresh(), self._error, parent=self)


class InboxButton(QPushButton):
    """The signed-in account's in-app messages: the unread count in the status bar; a click lists them."""

    orderActivated = Signal(object)  # order id

    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None, *, interval_ms: int = 30_000) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.unread: list[MessageInfo] = []
        self.setFlat(True)
        self.clicked.connect(self.show_messages)
        actor = self.actor
        self._inbox_load = LatestLoad(lambda: notify.inbox(actor, db, unread_only=True), self._got, lambda _e: None,
                                      parent=self)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(interval_ms)
        self._show(0)
        self.refresh()

    def _show(self, n: int) -> None:
        self.setText(self.tr("✉ %1 new").replace("%1", str(n)) if n else self.tr("✉ messages"))
        self.setStyleSheet("color:#d9343a; font-weight:bold" if n else "")

    def refresh(self) -> None:
        self._inbox_load.request()  # one at a time: the unread count never goes back to an older answer

    def _got(self, rows: list[MessageInfo]) -> None:
        self.unread = rows
        self._show(len(rows))

    def show_messages(self) -> None:
        actor, db = self.actor, self.db
        run_background(lambda: notify.inbox(actor, db), self._open, lambda _e: None, parent=self)

    def _open(self, rows: list[MessageInfo]) -> None:
        dlg = QDialog(self.window())
        dlg.setWindowTitle(self.tr("Messages"))
        table = QTableWidget(len(rows), 3, dlg)
        table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Subject"), self.tr("Message")])
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        for i, m in enumerate(rows):
            for j, value in enumerate((local(m.created_at, "%m-%d %H:%M"), m.subject, m.body)):
                item = QTableWidgetItem(value)
                if m.read_at is None:
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
                table.setItem(i, j, item)
        table.resizeColumnsToContents()

        def activate(r: int, _c: int) -> None:
            if 0 <= r < len(rows) and rows[r].order_id is not None:
                self.orderActivated.emit(rows[r].order_id)
                dlg.accept()

        table.cellDoubleClicked.connect(activate)
        lay = QVBoxLayout(dlg)
        lay.addWidget(QLabel(self.tr("Double-click a message to open its work order."), dlg))
        lay.addWidget(table)
        dlg.resize(760, 420)
        unread: list[uuid.UUID] = [m.notification_id for m in rows if m.read_at is None]
        actor, db = self.actor, self.db
        if unread:
            run_background(lambda: notify.mark_read(actor, db, unread), lambda _n: self.refresh(), parent=self)
        dlg.exec()
