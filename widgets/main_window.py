"""The console's main window: station tree, tabs, status bar; remembers its layout between runs."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from app.domain.money import format_money
from app.domain.permissions import Actor, Permission, allows
from app.engine import ocpp_commands
from app.engine.commands import (
    ClearFault,
    CommandOutcome,
    PileCommand,
    ReadConfig,
    RebootPile,
    StartPort,
    StopPort,
    SyncClock,
    WriteConfig,
)
from app.engine.events import Event
from app.services import orders, remote, users
from app.services.alarms import AlarmInfo
from app.services.history import Series
from app.services.station_load import LoadPoint, MeterInfo
from app.services.stations import PileInfo, StationInfo
from app.services.unit import Db
from comm.pile.messages import PileConfig
from widgets.alarm_view import AlarmsView
from widgets.bridge import EngineBridge
from widgets.command_dialogs import ConfigDialog, StartPortDialog
from widgets.messages import error_text
from widgets.monitor_view import MonitorView
from widgets.ocpp_dialog import OcppDialog
from widgets.ops import run_background, when_done
from widgets.ordered_view import OrderedView
from widgets.settings_view import SettingsView
from widgets.station_load_view import StationLoadView
from widgets.station_tree import StationTree
from widgets.trend_view import TrendView


@dataclass
class Backend:
    """What the window needs besides the engine: database work as plain callables (run off the GUI thread)."""

    operator_name: str
    stations: list[StationInfo]
    open_alarms: Callable[[], list[AlarmInfo]]
    alarm_history: Callable[[datetime, datetime, str | None, str | None], list[AlarmInfo]]
    ack_alarm: Callable[[uuid.UUID, str], AlarmInfo]
    port_history: Callable[[uuid.UUID, datetime, datetime], Series]
    station_history: Callable[[uuid.UUID, datetime, datetime], list[tuple[float, int]]]
    save_position: Callable[[uuid.UUID, float, float], None]
    db_label: str
    map_dir: Path | None = None
    user: str = "operator"
    actor: Actor | None = None  # the signed-in account; None only in tests of the live views
    db: Db | None = None  # services' session factory
    station_load_history: Callable[[uuid.UUID, datetime, datetime], list[LoadPoint]] | None = None
    station_meters: Callable[[uuid.UUID], list[MeterInfo]] | None = None


class MainWindow(QMainWindow):
    def __init__(self, bridge: EngineBridge, backend: Backend, settings: QSettings | None = None) -> None:
        super().__init__()
        self.bridge, self.backend = bridge, backend
        self.settings = settings or QSettings("ChargeDesk", "ChargeDesk")
        self.setWindowTitle(self.tr("ChargeDesk — community charging console"))
        self.stations = {s.station_id: s for s in backend.stations}
        self.piles: dict[uuid.UUID, tuple[StationInfo, PileInfo]] = {
            p.pile_id: (s, p) for s in backend.stations for p in s.piles}
        self.ports: dict[uuid.UUID, tuple[uuid.UUID, int]] = {
            port.port_id: (p.pile_id, port.number) for s in backend.stations for p in s.piles for port in p.ports}
        self.tree = StationTree(backend.operator_name, backend.stations, self)
        self.tree.prime(bridge.snapshot())
        dock = QDockWidget(self.tr("Communities"), self)
        dock.setObjectName("stations")
        dock.setWidget(self.tree)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.setCentralWidget(self.tabs)
        self.trend = TrendView(backend.port_history, backend.station_history, self)
        self.monitor = MonitorView(self.trend, self, load_view=StationLoadView(
            backend.station_load_history, backend.station_meters))
        self.map = self._make_map()
        self.alarms = AlarmsView(load_open=backend.open_alarms, load_history=backend.alarm_history,
                                 acknowledge=backend.ack_alarm,
                                 pile_codes={pid: p.code for pid, (_s, p) in self.piles.items()}, parent=self)
        self.settings_view = SettingsView(self.settings, backend.db_label, self, actor=backend.actor, db=backend.db)
        self.tabs.addTab(self.map, self.tr("Map"))
        self.tabs.addTab(self.monitor, self.tr("Monitor"))
        self.tabs.addTab(self.alarms, self.tr("Alarms"))
        self.ordered_view = OrderedView(self, actor=backend.actor, db=backend.db)
        self.tabs.addTab(self.ordered_view, self.tr("Ordered charging"))
        self.tabs.addTab(self.settings_view, self.tr("Settings"))
        self._people_tabs()
        self._card_tabs()
        self._billing_tabs()
        self._maintenance_tabs()
        self._account_menu()
        self._status_labels()
        self.tree.selected.connect(self._on_tree)
        self.alarms.pileActivated.connect(self.select_pile)
        pv = self.monitor.pile_view
        pv.startRequested.connect(self._start)
        pv.stopRequested.connect(lambda pid, n: self._command(StopPort(pid, n, issued_by=backend.user)))
        pv.clearFaultRequested.connect(lambda pid, n: self._command(ClearFault(pid, n, issued_by=backend.user)))
        pv.syncRequested.connect(lambda pid: self._command(SyncClock(pid, issued_by=backend.user)))
        pv.rebootRequested.connect(self._reboot)
        pv.configRequested.connect(self._config)
        pv.ocppRequested.connect(self._ocpp)
        bridge.batch.connect(self._on_batch)
        self._restore()
        self._status_timer = QTimer(self)
        self._status_timer.timeout.connect(self._update_status)
        self._status_timer.start(1000)

    def _may(self, permission: Permission) -> bool:
        actor = self.backend.actor
        return actor is None or allows(actor, permission)

    def _card_tabs(self) -> None:
        """The card desk for card clerks (MANAGE_CARDS), in front of Settings; the services check again."""
        actor, db = self.backend.actor, self.backend.db
        if actor is None or db is None or not allows(actor, Permission.MANAGE_CARDS):
            return
        from widgets.card_desk_view import make_card_desk

        self.card_desk = make_card_desk(db, actor, self.settings, self, engine=self.bridge.engine)  # type: ignore[arg-type]
        self.tabs.insertTab(self.tabs.indexOf(self.settings_view), self.card_desk, self.tr("Card desk"))

    def _people_tabs(self) -> None:
        """Users, Accounts and Audit, each only for the roles that may use it (the services check again)."""
        actor, db = self.backend.actor, self.backend.db
        if actor is None or db is None:
            return
        from widgets.admin_views import AccountsView, AuditView
        from widgets.users_view import UsersView

        at = self.tabs.indexOf(self.settings_view)
        if allows(actor, Permission.VIEW_USERS):
            self.users = UsersView(db, actor, self)
            self.tabs.insertTab(at, self.users, self.tr("Users"))
            at += 1
        if allows(actor, Permission.MANAGE_ACCOUNTS):
            self.accounts = AccountsView(db, actor, self)
            self.tabs.insertTab(at, self.accounts, self.tr("Accounts"))
            at += 1
        if allows(actor, Permission.VIEW_AUDIT):
            self.audit = AuditView(db, actor, self)
            self.tabs.insertTab(at, self.audit, self.tr("Audit"))
        pv = self.monitor.pile_view
        for key in ("start", "stop", "clear", "sync"):
            pv.buttons[key].setVisible(allows(actor, Permission.CONTROL_PORTS))
        for key in ("config", "reboot"):
            pv.buttons[key].setVisible(allows(actor, Permission.MANAGE_PILES))

    def _billing_tabs(self) -> None:
        """Transactions, Statistics (VIEW_REPORTS), Reports (also the daily close and QR labels, each part by
        role) and Tariffs (MANAGE_TARIFFS), in front of Settings; the services check again."""
        actor, db = self.backend.actor, self.backend.db
        if actor is None or db is None:
            return
        from widgets.reports_view import ReportsView
        from widgets.statistics_view import StatisticsView
        from widgets.tariff_view import TariffView
        from widgets.transactions_view import TransactionsView

        stations = self.backend.stations
        at = self.tabs.indexOf(self.settings_view)
        if allows(actor, Permission.VIEW_REPORTS):
            self.transactions = TransactionsView(db, actor, stations, self)
            self.statistics = StatisticsView(db, actor, stations, self)
            for view, title in ((self.transactions, self.tr("Transactions")), (self.statistics, self.tr("Statistics"))):
                self.tabs.insertTab(at, view, title)
                at += 1
        if any(allows(actor, p) for p in (Permission.VIEW_REPORTS, Permission.VIEW_LEDGER, Permission.MANAGE_PILES)):
            self.reports = ReportsView(db, actor, stations, self)
            self.tabs.insertTab(at, self.reports, self.tr("Reports"))
            at += 1
        if allows(actor, Permission.MANAGE_TARIFFS):
            self.tariffs = TariffView(db, actor, self.bridge.engine, self)  # type: ignore[arg-type]
            self.tabs.insertTab(at, self.tariffs, self.tr("Tariffs"))

    def _maintenance_tabs(self) -> None:
        """Work orders and remote O&M (widgets/maintenance.py), charge-point approval
        (widgets/charge_points_view.py), for the roles that may use them."""
        from widgets.charge_points_view import install_charge_points
        from widgets.maintenance import install_maintenance

        install_maintenance(self)
        install_charge_points(self)

    def _account_menu(self) -> None:
        actor, db = self.backend.actor, self.backend.db
        if actor is None or db is None:
            return
        from app.services.settings import get_security_settings
        from widgets.login_dialog import ChangePasswordDialog, IdleLock

        menu = self.menuBar().addMenu(self.tr("Account: %1").replace("%1", actor.login))
        menu.addAction(self.tr("Change password…"), lambda: ChangePasswordDialog(db, actor, self).exec())
        self.idle_lock = IdleLock(db, actor, lambda: get_security_settings(db).idle_lock_minutes, self)
        menu.addAction(self.tr("Lock now"), self.idle_lock.lock)

    def mark_demo(self) -> None:
        self.setWindowTitle(self.windowTitle() + " — " + self.tr("demo (simulated community)"))

    def _make_map(self) -> QWidget:
        try:  # the map needs QtWebEngine; without it the rest of the console still works
            from widgets.map_view import MapView

            view = MapView(self.bridge, self.backend.stations, page_dir=self.backend.map_dir or Path("."),
                           save_position=self.backend.save_position, parent=self)
            view.pileActivated.connect(self.select_pile)
            return view
        except Exception as exc:
            label = QLabel(self.tr("The map is not available: %1").replace("%1", str(exc)), self)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            return label

    # -- status bar ----------------------------------------------------------------------------
    def _status_labels(self) -> None:
        self.st_engine, self.st_lines, self.st_piles = QLabel(self), QLabel(self), QLabel(self)
        self.st_db, self.st_cloud = QLabel(self), QLabel(self.tr("Cloud: not connected"), self)
        for w in (self.st_engine, self.st_lines, self.st_piles, self.st_db, self.st_cloud):
            self.statusBar().addPermanentWidget(w)

    def _update_status(self) -> None:
        snap = self.bridge.snapshot()
        rtu = [h for h in snap.lines.values() if h.kind == "rtu"]
        tcp = [h for h in snap.lines.values() if h.kind == "tcp"]
        up = sum(h.connected for h in rtu)
        polls = sum(h.polls_per_s for h in snap.lines.values())
        errors = max((h.error_rate for h in snap.lines.values()), default=0.0)
        self.st_engine.setText(self.tr("Engine: running") if snap.lines else self.tr("Engine: no lines"))
        self.st_lines.setText(self.tr("RS-485 %1/%2 up · TCP %3 · %4 polls/s · worst error rate %5")
                              .replace("%1", str(up)).replace("%2", str(len(rtu))).replace("%3", str(len(tcp)))
                              .replace("%4", f"{polls:.0f}").replace("%5", f"{errors:.0%}"))
        online = sum(1 for p in snap.piles.values() if p.online)
        self.st_piles.setText(self.tr("Piles online %1 / %2").replace("%1", str(online))
                              .replace("%2", str(len(self.piles))))
        db = snap.database
        if db is None or db.ok:
            self.st_db.setText(self.tr("Database: %1").replace("%1", self.backend.db_label))
            self.st_db.setStyleSheet("")
        else:
            self.st_db.setText(self.tr("Database: ERROR %1 (%2 rows waiting)").replace("%1", db.detail)
                               .replace("%2", str(db.pending)))
            self.st_db.setStyleSheet("color:#d9343a")

    # -- live ------------------------------------------------------------------------------------
    def _on_batch(self, events: list[Event]) -> None:
        snap = self.bridge.snapshot()
        self.tree.apply(events)
        self.monitor.apply(events, snap)
        self.trend.apply(events)
        self.alarms.apply(events)
        self.ordered_view.apply(events)

    # -- selection -------------------------------------------------------------------------------
    def _on_tree(self, kind: str, ident: uuid.UUID) -> None:
        snap = self.bridge.snapshot()
        if kind == "station":
            self.monitor.show_station(self.stations[ident], snap)
            self.ordered_view.show_station(self.stations[ident], snap)
            self.monitor.model.apply(list(snap.ordered.values()))  # queued / charging / expected done
            self.monitor.show_station_trend()
            self._map_call("show_station", ident)
        elif kind == "pile":
            station, _pile = self.piles[ident]
            self.monitor.show_pile(station, ident, snap)
            self.monitor.model.apply(list(snap.ordered.values()))
            self._map_call("select_pile", ident)
        elif kind == "port":
            pile_id, number = self.ports[ident]
            station, _pile = self.piles[pile_id]
            self.monitor.show_pile(station, pile_id, snap, port=number)
        self.settings.setValue("ui/selection", f"{kind}:{ident}")

    def _map_call(self, name: str, arg: object) -> None:
        fn = getattr(self.map, name, None)
        if fn is not None:
            fn(arg)

    def select_pile(self, pile_id: uuid.UUID) -> None:
        """From the map or an alarm: select the pile in the tree and open its detail."""
        self.tree.select(pile_id)
        self.tabs.setCurrentWidget(self.monitor)

    # -- commands --------------------------------------------------------------------------------
    def _command(self, cmd: PileCommand, then: Callable[[CommandOutcome], None] | None = None, *,
                 before: PileConfig | None = None) -> None:
        _station, pile = self.piles[cmd.pile_id]
        pv = self.monitor.pile_view
        pv.set_busy(self.tr("%1: sending %2 …").replace("%1", pile.code).replace("%2", self._cmd_name(cmd)))

        def done(out: CommandOutcome) -> None:
            colour = "#2e9d4f" if out.ok else "#d9343a"
            word = self.tr("done") if out.ok else self.tr("FAILED")
            pv.status.setText(f"<span style='color:{colour}'><b>{pile.code} {self._cmd_name(cmd)}: {word}</b></span>"
                              f" — {out.detail}")
            self.statusBar().showMessage(f"{pile.code}: {out.detail}", 8000)
            if then is not None:
                then(out)

        actor, db = self.backend.actor, self.backend.db
        via = None if actor is None or db is None else (
            lambda c: remote.submit(actor, db, self.bridge.engine, c, before=before))  # type: ignore[arg-type]
        try:
            self.bridge.submit(cmd, done, via=via)
        except Exception as exc:  # refused before anything was sent (e.g. the role does not allow it)
            pv.status.setText(f"<span style='color:#d9343a'><b>{error_text(exc)}</b></span>")

    def _cmd_name(self, cmd: PileCommand) -> str:
        names = {"StartPort": self.tr("start port"), "StopPort": self.tr("stop port"),
                 "SyncClock": self.tr("sync clock"), "RebootPile": self.tr("reboot"),
                 "ClearFault": self.tr("clear fault"), "ReadConfig": self.tr("read configuration"),
                 "WriteConfig": self.tr("write configuration"), "RemoteStart": self.tr("remote start"),
                 "RemoteStop": self.tr("remote stop"), "SetChargingProfile": self.tr("charging limit"),
                 "ClearChargingProfile": self.tr("clear charging limits"),
                 "GetCompositeSchedule": self.tr("composite schedule"),
                 "ChangeConfiguration": self.tr("change setting"),
                 "GetConfiguration": self.tr("read settings"), "ResetChargePoint": self.tr("reset"),
                 "UnlockConnector": self.tr("unlock connector"), "ChangeAvailability": self.tr("availability"),
                 "UpdateFirmware": self.tr("update firmware"), "GetDiagnostics": self.tr("get diagnostics"),
                 "ReserveNow": self.tr("reserve"), "CancelReservation": self.tr("cancel reservation"),
                 "SendLocalList": self.tr("send local list"), "GetLocalListVersion": self.tr("local list version"),
                 "TriggerMessage": self.tr("trigger message")}
        name = type(cmd).__name__
        port = getattr(cmd, "port", 0)
        return names.get(name, name) + (f" #{port}" if port else "")

    def _start(self, pile_id: uuid.UUID, port: int) -> None:
        _s, pile = self.piles[pile_id]
        if pile.protocol == "ocpp16":  # a car pile: RemoteStartTransaction with the console's tag
            self._command(ocpp_commands.RemoteStart(pile_id, port, issued_by=self.backend.user))  # type: ignore[arg-type]
            return
        actor, db = self.backend.actor, self.backend.db
        find = None
        if actor is not None and db is not None and allows(actor, Permission.VIEW_USERS) \
                and allows(actor, Permission.CONTROL_PORTS):
            def find(text: str) -> list[tuple[uuid.UUID, str]]:  # on a worker thread
                found = users.search_users(actor, db, text, limit=50)
                return [(u.user_id, f"{u.name}  {u.building}-{u.unit}-{u.room}  {u.phone or ''}".rstrip())
                        for u in found]
        dlg = StartPortDialog(pile.code, port, self, find_residents=find)
        if not dlg.exec():
            return
        if dlg.result_user is None:
            self._command(StartPort(pile_id, port, dlg.result_minutes, dlg.result_fen, issued_by=self.backend.user))
            return
        assert actor is not None and db is not None
        self._start_for(pile_id, port, dlg.result_user, dlg.result_fen)

    def _start_for(self, pile_id: uuid.UUID, port: int, user: tuple[uuid.UUID, str], amount_fen: int) -> None:
        """A start paid from a resident's wallet: the order is recorded, the port started, the pile's session
        charged to the wallet when it is settled (app.services.orders)."""
        _s, pile = self.piles[pile_id]
        actor, db, engine = self.backend.actor, self.backend.db, self.bridge.engine
        pv = self.monitor.pile_view
        who = user[1].split("  ")[0]
        what = self.tr("%1 port %2 for %3, %4 from the wallet").replace("%1", pile.code).replace(
            "%2", str(port)).replace("%3", who).replace("%4", format_money(amount_fen))
        pv.set_busy(self.tr("Starting %1 …").replace("%1", what))

        def said(text: str, ok: bool) -> None:
            colour = "#2e9d4f" if ok else "#d9343a"
            pv.status.setText(f"<span style='color:{colour}'><b>{html.escape(text)}</b></span>")  # a name is text
            self.statusBar().showMessage(text, 8000)

        def finished(order: orders.OrderInfo) -> None:
            if order.status == "started":
                said(self.tr("Started: %1").replace("%1", what), True)
            else:
                said(self.tr("Not started (nothing is charged): %1 — %2").replace("%1", what)
                     .replace("%2", order.detail), False)

        def failed(exc: Exception) -> None:
            said(error_text(exc), False)

        run_background(lambda: orders.start_for_user(actor, db, engine, user_id=user[0], pile_id=pile_id,  # type: ignore[arg-type]
                                                     port=port, amount_fen=amount_fen),
                       lambda fut: when_done(fut, finished, failed, parent=self), failed, parent=self)

    def _reboot(self, pile_id: uuid.UUID) -> None:
        _s, pile = self.piles[pile_id]
        answer = QMessageBox.question(self, self.tr("Reboot pile"),
                                      self.tr("Reboot %1? Charging sessions resume after the restart if the pile "
                                              "has power-failure memory on.").replace("%1", pile.code))
        if answer == QMessageBox.StandardButton.Yes:
            self._command(RebootPile(pile_id, issued_by=self.backend.user))

    def _ocpp(self, pile_id: uuid.UUID) -> None:
        """The OCPP console of a car pile (commands and message log), once its identity is known."""
        from app.services import charge_points

        station, pile = self.piles[pile_id]
        actor, db = self.backend.actor, self.backend.db
        if actor is None or db is None:
            return

        def opened(identity: str | None) -> None:
            if identity is None:
                QMessageBox.warning(self, self.tr("OCPP"), self.tr("%1 is not an OCPP charge point").replace(
                    "%1", pile.code))
                return
            self.open_ocpp(station, pile, identity)

        run_background(lambda: charge_points.identity_of(actor, db, pile_id), opened, parent=self)

    def open_ocpp(self, station: StationInfo, pile: PileInfo, identity: str) -> OcppDialog | None:
        """The OCPP console of a charge point (also one approved since the window opened)."""
        from app.services import charge_points
        from widgets.ocpp_dialog import OcppDialog

        actor, db = self.backend.actor, self.backend.db
        if actor is None or db is None:
            return None
        self.piles.setdefault(pile.pile_id, (station, pile))  # the commands look the pile up here
        dlg = OcppDialog(pile, identity, lambda cmd, then: self._command(cmd, then),  # type: ignore[arg-type]
                         lambda ident, action: charge_points.message_log(actor, db, ident, action=action), self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def _config(self, pile_id: uuid.UUID) -> None:
        _s, pile = self.piles[pile_id]

        def got(out: CommandOutcome) -> None:
            if not out.ok or out.config is None:
                QMessageBox.warning(self, self.tr("Configuration"), out.detail)
                return
            dlg = ConfigDialog(pile.code, out.config, self)
            if dlg.exec() and dlg.wanted is not None:
                self._command(WriteConfig(pile_id, dlg.wanted, issued_by=self.backend.user), before=out.config)

        self._command(ReadConfig(pile_id, issued_by=self.backend.user), got)

    # -- persistence -----------------------------------------------------------------------------
    def _restore(self) -> None:
        geo = self.settings.value("ui/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        else:
            self.resize(1440, 900)
        state = self.settings.value("ui/state")
        if state is not None:
            self.restoreState(state)
        split = self.settings.value("ui/monitor_split")
        if split is not None:
            self.monitor.split.restoreState(split)
        self.tabs.setCurrentIndex(int(self.settings.value("ui/tab", 0) or 0))
        sel = str(self.settings.value("ui/selection", "") or "")
        if ":" in sel:
            try:
                self.tree.select(uuid.UUID(sel.split(":", 1)[1]))
            except ValueError:
                pass
        elif self.stations:
            self.tree.select(next(iter(self.stations)))

    def closeEvent(self, event: QCloseEvent) -> None:
        if hasattr(self, "card_desk"):
            self.card_desk.shutdown()
        self.settings.setValue("ui/geometry", self.saveGeometry())
        self.settings.setValue("ui/state", self.saveState())
        self.settings.setValue("ui/monitor_split", self.monitor.split.saveState())
        self.settings.setValue("ui/tab", self.tabs.currentIndex())
        self.settings.sync()
        super().closeEvent(event)
