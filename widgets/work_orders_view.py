"""Work orders tab: the list with filters ("my orders", overdue in red), one order's detail with its
history, repairs and photos, the buttons of the steps the account may take now, the printable sheet,
and the managers' summary. Everything goes through app.services off the GUI thread."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor, Permission, allows
from app.domain.work_orders import OPEN_STATES, WoState
from app.services import wo_queries, work_orders
from app.services.stations import StationInfo
from app.services.unit import Db
from app.services.wo_queries import OrderDetail, OrderFilter, OrderInfo
from widgets.look import SEVERITY_COLOURS, local
from widgets.messages import error_text
from widgets.ops import LatestLoad, run_background
from widgets.tables import make_table
from widgets.wo_detail import RED, OrderDetailPanel
from widgets.wo_dialogs import RaiseOrderDialog
from widgets.wo_names import severity_names, state_names
from widgets.wo_summary import SummaryView


class WorkOrdersView(QWidget):
    pileActivated = Signal(object)
    diagnoseRequested = Signal(object)  # OrderInfo: the main window runs the remote diagnosis

    def __init__(self, db: Db, actor: Actor, stations: list[StationInfo], parent: QWidget | None = None, *,
                 operator_name: str = "", files_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.stations = db, actor, stations
        # One list query at a time with the newest filter (two in flight could land out of order: a stale list).
        self._orders_load = LatestLoad(lambda flt: wo_queries.list_orders(actor, db, flt), self._fill, self._error,
                                       parent=self)
        self.operator_name, self.files_dir = operator_name, files_dir
        self.sev = severity_names()
        self.state_names = state_names()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._orders_page(), self.tr("Orders"))
        self.summary = SummaryView(db, actor, self)
        self.tabs.addTab(self.summary, self.tr("Summary"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)
        self.rows: list[OrderInfo] = []
        self.current: uuid.UUID | None = None
        self._select_after: uuid.UUID | None = None
        self._timer = QTimer(self)  # fault orders appear by themselves: keep the list fresh
        self._timer.timeout.connect(lambda: self.isVisible() and self.refresh())
        self._timer.start(20_000)
        self.refresh()

    # -- layout ------------------------------------------------------------------------------------
    def _orders_page(self) -> QWidget:
        page = QWidget(self)
        self.f_state = QComboBox(page)
        self.f_state.addItem(self.tr("Open"), "open")
        self.f_state.addItem(self.tr("All"), "all")
        for st, name in self.state_names.items():
            self.f_state.addItem(name, st.value)
        self.f_station = QComboBox(page)
        self.f_station.addItem(self.tr("All communities"), None)
        for s in self.stations:
            self.f_station.addItem(f"{s.code} {s.name}", s.station_id)
        self.f_sev = QComboBox(page)
        self.f_sev.addItem(self.tr("All severities"), None)
        for key, name in self.sev.items():
            self.f_sev.addItem(name, key)
        self.f_mine = QCheckBox(self.tr("My orders"), page)
        self.f_mine.setVisible(allows(self.actor, Permission.HANDLE_WORK_ORDERS))
        self.f_mine.setChecked(allows(self.actor, Permission.HANDLE_WORK_ORDERS)
                               and not allows(self.actor, Permission.ASSIGN_WORK_ORDERS))
        self.f_overdue = QCheckBox(self.tr("Overdue only"), page)
        self.f_text = QLineEdit(page)
        self.f_text.setPlaceholderText(self.tr("Number or title"))
        self.f_pile: uuid.UUID | None = None
        self.f_pile_label = QPushButton("", page)
        self.f_pile_label.setVisible(False)
        self.f_pile_label.clicked.connect(lambda: self.filter_pile(None))
        self.b_new = QPushButton(self.tr("New order…"), page)
        self.b_complaint = QPushButton(self.tr("Complaint…"), page)
        for b in (self.b_new, self.b_complaint):
            b.setVisible(allows(self.actor, Permission.RAISE_WORK_ORDERS))
        bar = QHBoxLayout()
        for w in (self.f_state, self.f_station, self.f_sev, self.f_mine, self.f_overdue, self.f_text,
                  self.f_pile_label):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.b_new)
        bar.addWidget(self.b_complaint)
        for sig in (self.f_state.currentIndexChanged, self.f_station.currentIndexChanged,
                    self.f_sev.currentIndexChanged, self.f_mine.toggled, self.f_overdue.toggled,
                    self.f_text.returnPressed):
            sig.connect(self.refresh)
        self.b_new.clicked.connect(lambda: self.raise_order())
        self.b_complaint.clicked.connect(lambda: self.raise_order(complaint=True))
        self.table = make_table(page, [self.tr("Number"), self.tr("Severity"), self.tr("State"), self.tr("Community"),
                                   self.tr("Pile"), self.tr("Port"), self.tr("Title"), self.tr("Technician"),
                                   self.tr("Due"), self.tr("Raised")])
        self.table.currentCellChanged.connect(lambda r, *_: self._select(r))
        split = QSplitter(Qt.Orientation.Horizontal, page)
        split.addWidget(self.table)
        self.panel = OrderDetailPanel(self.db, self.actor, page, operator_name=self.operator_name,
                                      files_dir=self.files_dir)
        self.panel.changed.connect(self._changed)
        self.panel.pileActivated.connect(self.pileActivated)
        self.panel.diagnoseRequested.connect(self.diagnoseRequested)
        split.addWidget(self.panel)
        split.setSizes([700, 560])
        self.status = QLabel("", page)
        lay = QVBoxLayout(page)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)
        return page

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # orders raised by fault rules while another tab was open

    # -- list --------------------------------------------------------------------------------------
    def filter_pile(self, pile_id: uuid.UUID | None, code: str = "") -> None:
        """Show one pile's orders (its maintenance history), or all again."""
        self.f_pile = pile_id
        self.f_pile_label.setVisible(pile_id is not None)
        self.f_pile_label.setText(self.tr("Pile %1 ✕").replace("%1", code))
        if pile_id is not None:
            self.f_state.setCurrentIndex(1)
            self.f_mine.setChecked(False)
        self.tabs.setCurrentIndex(0)
        self.refresh()

    def _filter(self) -> OrderFilter:
        st = self.f_state.currentData()
        states = tuple(OPEN_STATES | {WoState.RESOLVED}) if st == "open" else None if st == "all" else (WoState(st),)
        return OrderFilter(states=states, station_id=self.f_station.currentData(), pile_id=self.f_pile,
                           assignee_id=self.actor.account_id if self.f_mine.isChecked() else None,
                           severity=self.f_sev.currentData(), overdue_only=self.f_overdue.isChecked(),
                           text=self.f_text.text())

    def refresh(self) -> None:
        self._orders_load.request(self._filter())  # read on the GUI thread; the query runs in the pool

    def _fill(self, rows: list[OrderInfo]) -> None:
        keep = self._select_after or self.current
        self._select_after = None
        self.rows = rows
        now = datetime.now(UTC)
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        for i, o in enumerate(rows):
            late = o.overdue(now)
            due = local(o.due_at, "%m-%d %H:%M") + (" ⚠ " + self.tr("overdue") if late else "")
            cells = [o.number, self.sev.get(o.severity, o.severity), self.state_names[o.state],
                     o.station_name, o.pile_code or "", str(o.port_number or ""),
                     o.title + (f"  ×{o.occurrences}" if o.occurrences > 1 else ""), o.assignee_name or "", due,
                     local(o.created_at, "%m-%d %H:%M")]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if late:
                    item.setForeground(QColor(RED))
                    item.setBackground(QColor("#fdecec"))
                    item.setFont(bold)
                elif j == 1:
                    item.setForeground(QColor(SEVERITY_COLOURS.get(o.severity, "#333")))
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        late_n = sum(o.overdue(now) for o in rows)
        self.status.setText(self.tr("%1 orders, %2 overdue").replace("%1", str(len(rows))).replace("%2", str(late_n)))
        row = next((i for i, o in enumerate(rows) if o.order_id == keep), 0 if rows else -1)
        if row >= 0:
            self.table.selectRow(row)
            self._select(row)
        else:
            self.current = None
            self.panel.show_order(None)

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:{RED}'>{error_text(exc)}</span>")

    # -- detail ------------------------------------------------------------------------------------
    def _select(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        oid, actor, db = self.rows[row].order_id, self.actor, self.db
        self.current = oid
        run_background(lambda: wo_queries.get_order(actor, db, oid), self._show, self._error, parent=self)

    def _show(self, detail: OrderDetail) -> None:
        if detail.order.order_id == self.current:  # the operator may have moved on meanwhile
            self.panel.show_order(detail)

    def _changed(self, order_id: uuid.UUID) -> None:
        self._select_after = order_id
        self.refresh()
        self.summary.refresh()

    def select_order(self, order_id: uuid.UUID) -> None:
        self._select_after = order_id
        self.f_state.setCurrentIndex(1)
        self.refresh()

    def raise_order(self, *, pile_id: uuid.UUID | None = None, port: int | None = None,
                    complaint: bool = False) -> None:
        can_assign = allows(self.actor, Permission.ASSIGN_WORK_ORDERS)
        actor, db = self.actor, self.db

        def open_dialog(techs: list[wo_queries.Technician]) -> None:
            dlg = RaiseOrderDialog(db, actor, self.stations, self, pile_id=pile_id, port=port, complaint=complaint,
                                   technicians=techs, can_assign=can_assign)
            if dlg.exec() and dlg.saved is not None:
                self.select_order(dlg.saved.order_id)

        run_background(lambda: wo_queries.technicians(actor, db) if can_assign else [], open_dialog, self._error,
                       parent=self)

    def raise_from_alarm(self, alarm_id: uuid.UUID) -> None:
        actor, db = self.actor, self.db
        run_background(lambda: work_orders.raise_order(actor, db, work_orders.OrderDraft(alarm_id=alarm_id)),
                       lambda o: self.select_order(o.order_id),
                       lambda e: QMessageBox.warning(self, self.tr("Work order"), error_text(e)), parent=self)
