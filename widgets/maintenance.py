"""Operation and maintenance in the main window: the Work orders tab, raising orders from the Alarms tab
and the pile view, a pile's maintenance history. Kept here so main_window.py only calls
``install_maintenance(window)``; everything is shown by permission (the services check again)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.domain.permissions import Permission, allows

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


def install_maintenance(w: MainWindow) -> None:
    actor, db = w.backend.actor, w.backend.db
    pv = w.monitor.pile_view
    if actor is None or db is None or not allows(actor, Permission.VIEW_WORK_ORDERS):
        return
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
    pv.orderRequested.connect(lambda pid, n: view.raise_order(pile_id=pid, port=n))
    pv.historyRequested.connect(history)
    pv.buttons["order"].setVisible(may_raise)
    pv.buttons["history"].setVisible(True)
