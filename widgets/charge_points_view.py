"""Charge points tab: car charge points (OCPP 1.6J) known to the central system — approve or reject the ones
held for approval, register a new one, give one a new key (shown once), open a pile's OCPP console.

The services in app/services/charge_points.py check the role and write the audit trail; this view only
hides what the role may not do. A new key is shown once in a copyable field: the database keeps its hash,
this desk's OS keyring a copy (when there is one).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor, Permission, allows
from app.engine.events import ChargePointSeen, Event
from app.secrets import KeyringSecretStore, SecretStore, SecretStoreUnavailable
from app.services import charge_points as cps
from app.services.charge_points import ChargePointInfo
from app.services.stations import PileInfo, StationInfo, list_stations
from app.services.unit import Db
from widgets.forms import FormDialog
from widgets.look import local
from widgets.messages import error_text
from widgets.ops import LatestLoad, run_background
from widgets.tables import make_table

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

STATUS_COLOURS = {"pending": "#e8743b", "accepted": "#2e9d4f", "rejected": "#d9343a"}


class DeskKeyStore:
    """The OS keyring, or nothing: a desk without a keyring must not lose a key the service has already
    committed (the service stores the key after its transaction), so a failed store is only noted."""

    def __init__(self, inner: SecretStore | None = None) -> None:
        self.inner: SecretStore = inner or KeyringSecretStore()
        self.kept = True

    def get(self, name: str) -> str | None:
        try:
            return self.inner.get(name)
        except SecretStoreUnavailable:
            return None

    def set(self, name: str, value: str) -> None:
        try:
            self.inner.set(name, value)
            self.kept = True
        except SecretStoreUnavailable:
            self.kept = False

    def delete(self, name: str) -> None:
        try:
            self.inner.delete(name)
        except SecretStoreUnavailable:
            pass


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the tab shows: the charge points and the communities with their piles (for names and codes)."""

    points: list[ChargePointInfo]
    stations: list[StationInfo]


def load_snapshot(actor: Actor, db: Db) -> Snapshot:
    points = cps.list_charge_points(actor, db)  # role check (MONITOR) first
    with db() as s:  # fresh: a pile approved a minute ago is not in the window's start-up list
        stations = list_stations(s)
    return Snapshot(points, stations)


class KeyOnceDialog(QDialog):
    """A new key, shown this once, copyable, with what to do with it."""

    def __init__(self, identity: str, key: str, *, kept: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New key of %1").replace("%1", identity))
        warn = QLabel(self.tr("Configure this key on the charge point now (its Basic-auth password / "
                              "AuthorizationKey). It will NOT be shown again: ChargeDesk keeps only a hash of it. "
                              "Until the charge point uses it, it is refused."), self)
        warn.setWordWrap(True)
        warn.setStyleSheet("color:#d9343a; font-weight:bold")
        self.key = QLineEdit(key, self)
        self.key.setReadOnly(True)
        self.key.setMinimumWidth(420)
        f = self.key.font()
        f.setFamily("monospace")
        f.setPointSize(f.pointSize() + 2)
        self.key.setFont(f)
        self.key.selectAll()
        copy = QPushButton(self.tr("Copy"), self)
        copy.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(copy)
        where = QLabel(self.tr("A copy is kept in this computer's keyring.") if kept else
                       self.tr("This computer has no keyring: the key is not kept anywhere but on the charge point."),
                       self)
        where.setWordWrap(True)
        self.copied = QLabel("", self)
        done = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        done.rejected.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(warn)
        lay.addLayout(row)
        lay.addWidget(where)
        lay.addWidget(self.copied)
        lay.addWidget(done)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key.text())
        self.copied.setText(self.tr("Copied to the clipboard."))

    def done(self, result: int) -> None:
        self.key.clear()  # gone with the dialog
        super().done(result)


class _PileForm(FormDialog):
    """Community, pile code and name, connectors: what the services need to make the charge point a pile."""

    def __init__(self, title: str, stations: list[StationInfo], parent: QWidget | None, *, intro: str = "",
                 identity: str = "", identity_editable: bool = True, connectors: int = 1) -> None:
        super().__init__(title, parent, intro=intro, ok=QDialogButtonBox.StandardButton.Ok)
        self.result_info: tuple[ChargePointInfo, str] | None = None
        self.identity = self.field(self.tr("Identity (ws://…/ocpp/<identity>)"), text=identity)
        self.identity.setReadOnly(not identity_editable)
        self.station = QComboBox(self)
        for st in stations:
            self.station.addItem(f"{st.code} · {st.name}", st.station_id)
        self.form.addRow(self.tr("Community"), self.station)
        self.code = self.field(self.tr("Pile code"), text=identity)
        self.code.setPlaceholderText(self.tr("e.g. XC01-C03"))
        self.name = self.field(self.tr("Pile name"))
        self.name.setPlaceholderText(self.tr("(the pile code)"))
        self.connectors = QSpinBox(self)
        self.connectors.setRange(1, 4)
        self.connectors.setValue(max(1, min(4, connectors)))
        self.form.addRow(self.tr("Connectors"), self.connectors)
        self.setMinimumWidth(480)
        self.stations, self._last = stations, identity.strip()
        self._follow(identity)
        self.identity.textEdited.connect(self._follow)

    def _follow(self, identity: str) -> None:
        """The community an identity like "XC01-C03" names, and the same pile code (until it is typed over)."""
        if self.code.text().strip() in ("", self._last):
            self.code.setText(identity.strip())
        self._last = identity.strip()
        prefix = identity.split("-", 1)[0]
        for i, st in enumerate(self.stations):
            if st.code == prefix:
                self.station.setCurrentIndex(i)

    def pile_args(self) -> dict[str, object]:
        code = self.code.text().strip()
        return {"station_id": self.station.currentData(), "code": code,
                "name": self.name.text().strip() or code, "connectors": self.connectors.value()}

    def check(self) -> bool:
        if self.station.currentData() is None or not self.code.text().strip():
            self.error.setText(self.tr("Choose the community and give the pile a code."))
            return False
        return True


class ApproveDialog(_PileForm):
    def __init__(self, db: Db, actor: Actor, store: SecretStore, cp: ChargePointInfo, stations: list[StationInfo],
                 parent: QWidget | None = None) -> None:
        said = " ".join(x for x in (cp.vendor, cp.model) if x) or self.tr("(no BootNotification yet)")
        intro = self.tr("%1 asks to connect: %2, firmware %3. Approving makes it a car pile of the community "
                        "below and gives it a key.").replace("%1", cp.identity).replace("%2", said) \
            .replace("%3", cp.firmware or "—")
        super().__init__(self.tr("Approve charge point"), stations, parent, intro=intro, identity=cp.identity,
                         identity_editable=False, connectors=cp.connectors)
        self.db, self.actor, self.store, self.cp = db, actor, store, cp

    def submit(self) -> None:
        if not self.check():
            return
        actor, db, store, ident, kw = self.actor, self.db, self.store, self.cp.identity, self.pile_args()
        self.run(lambda: cps.approve_charge_point(actor, db, store, ident, **kw),  # type: ignore[arg-type]
                 lambda r: setattr(self, "result_info", r), busy_text=self.tr("Approving …"))


class RegisterDialog(_PileForm):
    def __init__(self, db: Db, actor: Actor, store: SecretStore, stations: list[StationInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Register charge point"), stations, parent,
                         intro=self.tr("A charge point that is accepted at once (known before it connects)."))
        self.db, self.actor, self.store = db, actor, store
        self.profile = QComboBox(self)
        for label, n in ((self.tr("0 · no password (trusted network only)"), 0),
                         (self.tr("1 · password (Basic auth)"), 1),
                         (self.tr("2 · password over TLS (wss://)"), 2)):
            self.profile.addItem(label, n)
        self.profile.setCurrentIndex(1)
        self.form.addRow(self.tr("Security profile"), self.profile)
        self.current = QSpinBox(self)
        self.current.setRange(6, 80)
        self.current.setValue(32)
        self.current.setSuffix(" A")
        self.form.addRow(self.tr("Maximum current"), self.current)

    def submit(self) -> None:
        if not self.identity.text().strip():
            self.error.setText(self.tr("Give the charge point's identity."))
            return
        if not self.check():
            return
        actor, db, store, kw = self.actor, self.db, self.store, self.pile_args()
        ident, profile, amps = self.identity.text(), int(self.profile.currentData()), self.current.value()
        self.run(lambda: cps.register_charge_point(actor, db, store, identity=ident, security_profile=profile,  # type: ignore[arg-type]
                                                   max_current_a=amps, **kw),
                 lambda r: setattr(self, "result_info", r), busy_text=self.tr("Registering …"))


class ChargePointsView(QWidget):
    """The table of charge points with a pending filter, the approval notice and the actions by role."""

    pendingChanged = Signal(int)
    ocppRequested = Signal(object, object, str)  # StationInfo, PileInfo, identity

    COLUMNS = 11

    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None, *, store: SecretStore | None = None,
                 interval_ms: int = 30_000) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.store = DeskKeyStore(store)
        self.manage = allows(actor, Permission.MANAGE_PILES)
        self.snapshot = Snapshot([], [])
        self.rows: list[ChargePointInfo] = []
        self.link: dict[str, tuple[str, str]] = {}  # identity → (last connection event, when)
        actor, db = self.actor, self.db
        self._loader = LatestLoad(lambda: load_snapshot(actor, db), self._got, self._failed, parent=self)
        self.last_key: KeyOnceDialog | None = None
        self.notice = QPushButton("", self)  # a click filters the waiting ones
        self.notice.setFlat(True)
        self.notice.setStyleSheet("QPushButton{background:#fff4e0; color:#a34a00; font-weight:bold; "
                                  "border:1px solid #f0ad4e; padding:6px; text-align:left}")
        self.notice.clicked.connect(lambda: self.pending_only.setChecked(True))
        self.notice.hide()
        self.pending_only = QCheckBox(self.tr("Only waiting for approval"), self)
        self.pending_only.toggled.connect(lambda _on: self._fill())
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.pending_only)
        bar.addWidget(self.refresh_button)
        bar.addSpacing(16)
        for key, text, may in (("approve", self.tr("Approve…"), self.manage),
                               ("reject", self.tr("Reject…"), self.manage),
                               ("register", self.tr("Register…"), self.manage),
                               ("key", self.tr("New key…"), self.manage),
                               ("ocpp", self.tr("OCPP console…"), True)):
            b = QPushButton(text, self)
            b.setVisible(may)
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.table = make_table(self, [self.tr("Identity"), self.tr("Registration"), self.tr("Community"),
                                   self.tr("Pile"), self.tr("Security"), self.tr("Vendor"), self.tr("Model"),
                                   self.tr("Firmware"), self.tr("Last boot"), self.tr("Last seen"),
                                   self.tr("Connection")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COLUMNS - 1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.cellDoubleClicked.connect(lambda _r, _c: self._double())
        self.outcome = ""
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.notice)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        self.buttons["approve"].clicked.connect(self.approve)
        self.buttons["reject"].clicked.connect(self.reject)
        self.buttons["register"].clicked.connect(self.register)
        self.buttons["key"].clicked.connect(self.new_key)
        self.buttons["ocpp"].clicked.connect(self.open_ocpp)
        self._timer = QTimer(self)  # the waiting count, also while another tab is open
        self._timer.timeout.connect(self.refresh)
        self._timer.start(interval_ms)
        self._soon = QTimer(self)  # connection events come in bursts: one reload for a burst
        self._soon.setSingleShot(True)
        self._soon.setInterval(500)
        self._soon.timeout.connect(self.refresh)
        self._enable()
        self.refresh()

    # -- data ----------------------------------------------------------------------------------------
    def pending(self) -> list[ChargePointInfo]:
        return [c for c in self.snapshot.points if c.status == "pending"]

    def refresh(self) -> None:
        # A refresh asked for while one runs (right after an approval) runs after it: never a stale list.
        self._loader.request()

    def _got(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self._fill()
        n = len(self.pending())
        if n:
            self.notice.setText(self.tr("⚠ %n charge point(s) waiting for approval — click to list them", "", n)
                                if self.manage else
                                self.tr("⚠ %n charge point(s) waiting for approval by a facility administrator",
                                        "", n))
        self.notice.setVisible(n > 0)
        self.pendingChanged.emit(n)

    def _failed(self, exc: Exception) -> None:
        self.error(exc)

    def say(self, text: str) -> None:
        """What the last action did: kept in the status line (with the counts) until the next one."""
        self.outcome = text
        self.status.setText(text)

    def error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")

    def apply(self, events: list[Event]) -> None:
        """Connection events from the engine: shown at once; a new or changed registration reloads the table."""
        changed = False
        for e in events:
            if isinstance(e, ChargePointSeen):
                self.link[e.identity] = (e.status, local(e.ts, "%m-%d %H:%M:%S"))
                changed = True
                if e.status in ("pending", "accepted", "rejected"):
                    self._soon.start()
        if changed:
            self._fill()

    def _places(self) -> tuple[dict[uuid.UUID, StationInfo], dict[uuid.UUID, tuple[StationInfo, PileInfo]]]:
        stations = {s.station_id: s for s in self.snapshot.stations}
        piles = {p.pile_id: (s, p) for s in self.snapshot.stations for p in s.piles}
        return stations, piles

    def _fill(self) -> None:
        keep = self.current()
        stations, piles = self._places()
        rows = [c for c in self.snapshot.points if not self.pending_only.isChecked() or c.status == "pending"]
        rows.sort(key=lambda c: (c.status != "pending", c.identity))
        self.rows = rows
        self.table.setRowCount(len(rows))
        words = {"pending": self.tr("waiting for approval"), "accepted": self.tr("approved"),
                 "rejected": self.tr("rejected")}
        profiles = {0: self.tr("0 · no password"), 1: self.tr("1 · password"), 2: self.tr("2 · password + TLS")}
        links = {"connected": self.tr("connected"), "accepted": self.tr("connected, accepted"),
                 "pending": self.tr("connected, held for approval"), "rejected": self.tr("refused"),
                 "auth_failed": self.tr("wrong key"), "disconnected": self.tr("disconnected")}
        select = -1
        for i, c in enumerate(rows):
            station = stations.get(c.station_id) if c.station_id else None
            pile = piles[c.pile_id][1] if c.pile_id in piles else None
            link = self.link.get(c.identity)
            cells = [c.identity, words.get(c.status, c.status), station.name if station else "",
                     pile.code if pile else "", profiles.get(c.security_profile, str(c.security_profile)),
                     c.vendor or "", c.model or "", c.firmware or "",
                     local(c.last_boot_at, "%Y-%m-%d %H:%M") if c.last_boot_at else "",
                     local(c.last_seen_at, "%Y-%m-%d %H:%M") if c.last_seen_at else "",
                     f"{links.get(link[0], link[0])} {link[1]}" if link else ""]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 1:
                    item.setForeground(QBrush(QColor(STATUS_COLOURS.get(c.status, "#4a4a4a"))))
                    f = item.font()
                    f.setBold(c.status == "pending")
                    item.setFont(f)
                self.table.setItem(i, j, item)
            if keep is not None and c.identity == keep.identity:
                select = i
        if select >= 0:
            self.table.selectRow(select)
        total, waiting = len(self.snapshot.points), len(self.pending())
        counts = self.tr("%1 charge points, %2 waiting for approval.").replace("%1", str(total)) \
            .replace("%2", str(waiting))
        self.status.setText(f"{self.outcome} {counts}" if self.outcome else counts)
        self._enable()

    def current(self) -> ChargePointInfo | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) and self.table.selectedItems() else None

    def _enable(self) -> None:
        c = self.current()
        # A pending one is approved with a community and a key; a rejected one that was approved before is
        # accepted again as it was (its pile, history and key kept).
        self.buttons["approve"].setEnabled(c is not None and c.status != "accepted"
                                           and (c.pile_id is None or c.status == "rejected"))
        self.buttons["reject"].setEnabled(c is not None and c.status != "rejected")
        self.buttons["key"].setEnabled(c is not None and c.status == "accepted" and c.security_profile > 0)
        self.buttons["ocpp"].setEnabled(c is not None and c.pile_id is not None and c.status == "accepted")

    def select(self, identity: str) -> None:
        for i, c in enumerate(self.rows):
            if c.identity == identity:
                self.table.selectRow(i)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    # -- actions -------------------------------------------------------------------------------------
    def _double(self) -> None:
        c = self.current()
        if c is None:
            return
        if c.status == "pending" and self.manage:
            self.approve()
        elif self.buttons["ocpp"].isEnabled():
            self.open_ocpp()

    def approve(self) -> None:
        c = self.current()
        if c is None:
            return
        if c.status == "rejected" and c.pile_id is not None:
            text = self.tr("Accept %1 again? It keeps its pile, its history and its key, and is accepted the next "
                           "time it connects.").replace("%1", c.identity)
            if QMessageBox.question(self, self.tr("Accept charge point again"), text) \
                    == QMessageBox.StandardButton.Yes:
                self.run_readmit(c.identity)
            return
        dlg = ApproveDialog(self.db, self.actor, self.store, c, self.snapshot.stations, self)
        if dlg.exec() and dlg.result_info is not None:
            info, key = dlg.result_info
            self.say(self.tr("%1 approved: it is accepted when it connects with its new key.")
                     .replace("%1", info.identity))
            self.show_key(info.identity, key)
            self.refresh()

    def register(self) -> None:
        dlg = RegisterDialog(self.db, self.actor, self.store, self.snapshot.stations, self)
        if dlg.exec() and dlg.result_info is not None:
            info, key = dlg.result_info
            self.say(self.tr("%1 registered.").replace("%1", info.identity))
            if info.security_profile:
                self.show_key(info.identity, key)
            self.refresh()

    def reject(self) -> None:
        c = self.current()
        if c is None:
            return
        text = self.tr("Reject %1? It is refused whenever it connects, until it is approved again.") \
            .replace("%1", c.identity)
        if QMessageBox.question(self, self.tr("Reject charge point"), text) != QMessageBox.StandardButton.Yes:
            return
        self.run_reject(c.identity)

    def run_reject(self, identity: str) -> None:
        actor, db = self.actor, self.db

        def done(info: ChargePointInfo) -> None:
            self.say(self.tr("%1 rejected.").replace("%1", info.identity))
            self.refresh()

        run_background(lambda: cps.reject_charge_point(actor, db, identity), done, self.error, parent=self)

    def run_readmit(self, identity: str) -> None:
        actor, db = self.actor, self.db

        def done(info: ChargePointInfo) -> None:
            self.say(self.tr("%1 accepted again: it is let in the next time it connects.")
                     .replace("%1", info.identity))
            self.refresh()

        run_background(lambda: cps.readmit_charge_point(actor, db, identity), done, self.error, parent=self)

    def new_key(self) -> None:
        c = self.current()
        if c is None:
            return
        text = self.tr("Give %1 a new key? Its old key stops working at once: the charge point is refused until "
                       "the new key is configured on it.").replace("%1", c.identity)
        if QMessageBox.question(self, self.tr("New key"), text) != QMessageBox.StandardButton.Yes:
            return
        self.run_new_key(c.identity)

    def run_new_key(self, identity: str) -> None:
        actor, db, store = self.actor, self.db, self.store
        run_background(lambda: cps.set_key(actor, db, store, identity), lambda key: self.show_key(identity, key),
                       self.error, parent=self)

    def show_key(self, identity: str, key: str) -> None:
        dlg = KeyOnceDialog(identity, key, kept=self.store.kept, parent=self)
        self.last_key = dlg
        dlg.exec()
        self.last_key = None

    def open_ocpp(self) -> None:
        c = self.current()
        _stations, piles = self._places()
        if c is None or c.pile_id not in piles:
            return
        station, pile = piles[c.pile_id]
        self.ocppRequested.emit(station, pile, c.identity)


def menu_text(waiting: int) -> str:
    """The Maintenance menu's entry, with the number waiting for approval."""
    if waiting:
        return QCoreApplication.translate("MainWindow", "Charge points (%1 waiting for approval)…").replace(
            "%1", str(waiting))
    return QCoreApplication.translate("MainWindow", "Charge points…")


def badge_text(waiting: int) -> str:
    return QCoreApplication.translate("MainWindow", "⚑ %1 charge point(s) waiting for approval").replace(
        "%1", str(waiting))


def install_charge_points(w: MainWindow) -> None:
    """The tab (MONITOR), its entry in the Maintenance menu and the status-bar notice of charge points
    waiting for approval; each refreshed off the GUI thread."""
    actor, db = w.backend.actor, w.backend.db
    if actor is None or db is None or not allows(actor, Permission.MONITOR):
        return
    view = ChargePointsView(db, actor, w)
    w.charge_points = view  # type: ignore[attr-defined]
    w.tabs.insertTab(w.tabs.indexOf(w.settings_view), view, QCoreApplication.translate("MainWindow", "Charge points"))
    w.bridge.batch.connect(view.apply)

    def show(pending: bool = False) -> None:
        w.tabs.setCurrentWidget(view)
        if pending:
            view.pending_only.setChecked(True)

    menu = getattr(w, "maintenance_menu", None) or w.menuBar().addMenu(
        QCoreApplication.translate("MainWindow", "Maintenance"))
    action = menu.addAction(menu_text(0), lambda: show())
    badge = QPushButton("", w)
    badge.setFlat(True)
    badge.setStyleSheet("color:#a34a00; font-weight:bold")
    badge.clicked.connect(lambda: show(True))
    badge.hide()
    w.statusBar().insertPermanentWidget(0, badge)
    w.cp_badge, w.cp_action = badge, action  # type: ignore[attr-defined]

    def waiting(n: int) -> None:
        action.setText(menu_text(n))
        badge.setText(badge_text(n))
        badge.setVisible(n > 0)

    view.pendingChanged.connect(waiting)
    view.ocppRequested.connect(lambda station, pile, identity: w.open_ocpp(station, pile, identity))
