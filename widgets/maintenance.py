"""Operation and maintenance in the main window: the Work orders tab, raising orders from the Alarms tab
and the pile view, a pile's maintenance history. Kept here so main_window.py only calls
``install_maintenance(window)``; everything is shown by permission (the services check again)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.domain.permissions import Permission, allows

if TYPE_CHECKING:
    from app.services.wo_queries import OrderInfo
    from widgets.main_window import MainWindow
    from widgets.work_orders_view import WorkOrdersView


def install_maintenance(w: MainWindow) -> None:
    actor, db = w.backend.actor, w.backend.db
    if actor is None or db is None:
        return
    _menu(w)
    if allows(actor, Permission.VIEW_WORK_ORDERS):
        _work_orders(w)


def _selected_piles(w: MainWindow) -> list[uuid.UUID]:
    """The pile shown in the monitor (pre-ticked in the dialogs)."""
    pid = w.monitor.pile_view.pile_id
    return [pid] if pid is not None else []


def _menu(w: MainWindow) -> None:
    actor, db = w.backend.actor, w.backend.db
    assert actor is not None and db is not None
    stations = w.backend.stations

    def push() -> None:
        from widgets.config_push_dialog import ConfigPushDialog

        dlg = ConfigPushDialog(db, actor, w.bridge.engine, stations, w,  # type: ignore[arg-type]
                               checked=_selected_piles(w))
        dlg.exec()

    def upgrade() -> None:
        from widgets.firmware_dialog import FirmwareDialog

        dlg = FirmwareDialog(db, actor, w.bridge.engine, stations, w, checked=_selected_piles(w))
        dlg.setModal(False)
        dlg.show()  # upgrades take minutes: the console stays usable
        w.firmware_dialog = dlg  # type: ignore[attr-defined]

    def settings() -> None:
        from app.services import notifications as notify
        from widgets.notify_views import NotifySettingsDialog
        from widgets.ops import run_background

        def opened(current: notify.NotifySettings) -> None:
            NotifySettingsDialog(db, actor, current, w).exec()

        def load() -> notify.NotifySettings:
            with db() as s:
                return notify.get_settings(s)

        run_background(load, opened, parent=w)

    def outbox() -> None:
        from widgets.notify_views import OutboxDialog

        OutboxDialog(db, actor, w, edit_settings=settings).exec()

    actions = []
    if allows(actor, Permission.MANAGE_PILES):
        actions.append((QCoreApplication.translate("MainWindow", "Push configuration…"), push))
    if allows(actor, Permission.UPGRADE_FIRMWARE):
        actions.append((QCoreApplication.translate("MainWindow", "Firmware upgrade…"), upgrade))
    if allows(actor, Permission.MANAGE_NOTIFICATIONS):
        actions.append((QCoreApplication.translate("MainWindow", "Notification settings…"), settings))
    if allows(actor, Permission.MONITOR) or allows(actor, Permission.MANAGE_NOTIFICATIONS):
        actions.append((QCoreApplication.translate("MainWindow", "Notification outbox…"), outbox))
    if actions:
        menu = w.menuBar().addMenu(QCoreApplication.translate("MainWindow", "Maintenance"))
        for text, fn in actions:
            menu.addAction(text, fn)
        w.maintenance_menu = menu  # type: ignore[attr-defined]  # widgets/charge_points_view.py adds to it
    from widgets.notify_views import InboxButton

    w.inbox = InboxButton(db, actor, w)  # type: ignore[attr-defined]
    w.statusBar().insertPermanentWidget(0, w.inbox)  # type: ignore[attr-defined]


def _work_orders(w: MainWindow) -> None:
    actor, db = w.backend.actor, w.backend.db
    assert actor is not None and db is not None
    pv = w.monitor.pile_view
    from widgets.work_orders_view import WorkOrdersView

    view = WorkOrdersView(db, actor, w.backend.stations, w, operator_name=w.backend.operator_name)
    w.work_orders = view  # type: ignore[attr-defined]
    w.tabs.insertTab(w.tabs.indexOf(w.settings_view), view, QCoreApplication.translate("MainWindow", "Work orders"))
    view.pileActivated.connect(w.select_pile)
    may_raise = allows(actor, Permission.RAISE_WORK_ORDERS)
    w.alarms.order.setVisible(may_raise)

    def from_alarm(alarm_id: uuid.UUID) -> None:
        w.tabs.setCurrentWidget(view)
        view.raise_from_alarm(alarm_id)

    def history(pile_id: uuid.UUID) -> None:
        _station, pile = w.piles[pile_id]
        w.tabs.setCurrentWidget(view)
        view.filter_pile(pile_id, pile.code)

    w.alarms.raiseOrderRequested.connect(from_alarm)

    def open_order(order_id: uuid.UUID) -> None:
        w.tabs.setCurrentWidget(view)
        view.select_order(order_id)

    w.inbox.orderActivated.connect(open_order)  # type: ignore[attr-defined]
    pv.orderRequested.connect(lambda pid, n: view.raise_order(pile_id=pid, port=n))
    pv.historyRequested.connect(history)
    pv.buttons["order"].setVisible(may_raise)
    pv.buttons["history"].setVisible(True)
    if allows(actor, Permission.DIAGNOSE_PILES):
        view.panel.can_diagnose = True
        view.diagnoseRequested.connect(lambda order: _diagnose(w, view, order))


def _diagnose(w: MainWindow, view: WorkOrdersView, order: OrderInfo) -> None:
    """Read the pile's fault registers (and self-test the order's port), record it in the order, show it."""
    from app.services import diagnosis
    from widgets.diagnosis_dialog import DiagnosisDialog
    from widgets.messages import error_text
    from widgets.ops import run_background

    actor, db, engine = w.backend.actor, w.backend.db, w.bridge.engine
    assert actor is not None and db is not None and order.pile_id is not None
    pid = order.pile_id

    def work() -> diagnosis.Diagnosis:
        d = diagnosis.diagnose(actor, db, engine, pid, self_test_port=order.port_number)  # type: ignore[arg-type]
        diagnosis.record(actor, db, order.order_id, d)
        return d

    def done(d: diagnosis.Diagnosis) -> None:
        view.select_order(order.order_id)
        DiagnosisDialog(d, w, recorded_in=order.number).exec()

    busy = QCoreApplication.translate("MainWindow", "Diagnosing %1 …")
    view.status.setText(busy.replace("%1", order.pile_code or ""))
    run_background(work, done, lambda e: view.status.setText(error_text(e)), parent=view)
