"""Dialogs of the Work orders tab: raise an order, assign it, log a repair, and a note for a step.
Each saves through its service off the GUI thread (FormDialog) and shows the service's error."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QSpinBox, QWidget

from app.domain.permissions import Actor
from app.domain.work_orders import RepairResult, WoAction, WoSource
from app.services import wo_queries, work_orders
from app.services.stations import StationInfo
from app.services.unit import Db
from app.services.wo_queries import OrderInfo, Technician
from app.services.work_orders import OrderDraft, RepairDraft
from widgets.forms import FormDialog
from widgets.ops import run_background
from widgets.wo_names import result_names, severity_names


class RaiseOrderDialog(FormDialog):
    """A new order by hand: for a pile (and port), or a resident's complaint about a community."""

    def __init__(self, db: Db, actor: Actor, stations: list[StationInfo], parent: QWidget | None = None, *,
                 pile_id: uuid.UUID | None = None, port: int | None = None, complaint: bool = False,
                 technicians: list[Technician] | None = None, can_assign: bool = False) -> None:
        super().__init__(self.tr("New work order"), parent)
        self.db, self.actor, self.stations = db, actor, stations
        self.saved: OrderInfo | None = None
        self.source = QComboBox(self)
        self.source.addItem(self.tr("Pile fault"), WoSource.PILE.value)
        self.source.addItem(self.tr("Resident complaint"), WoSource.COMPLAINT.value)
        self.source.setCurrentIndex(1 if complaint else 0)
        self.form.addRow(self.tr("Source"), self.source)
        self.station = QComboBox(self)
        for s in stations:
            self.station.addItem(f"{s.code} {s.name}", s.station_id)
        self.form.addRow(self.tr("Community"), self.station)
        self.pile = QComboBox(self)
        self.form.addRow(self.tr("Pile"), self.pile)
        self.port = QSpinBox(self)
        self.port.setRange(0, 64)
        self.port.setSpecialValueText(self.tr("whole pile"))
        self.form.addRow(self.tr("Port"), self.port)
        self.severity = QComboBox(self)
        for key, name in severity_names().items():
            self.severity.addItem(name, key)
        self.severity.setCurrentIndex(1)
        self.form.addRow(self.tr("Severity"), self.severity)
        self.title = self.field(self.tr("Title (empty: from the pile)"))
        self.reporter = self.field(self.tr("Reported by (name, phone)"))
        self.description = QPlainTextEdit(self)
        self.description.setFixedHeight(90)
        self.form.addRow(self.tr("Description"), self.description)
        self.assignee = QComboBox(self)
        self.assignee.addItem(self.tr("— assign later —"), None)
        for t in technicians or []:
            self.assignee.addItem(f"{t.display_name} ({t.login}, {t.open_orders})", t.account_id)
        if can_assign:
            self.form.addRow(self.tr("Technician"), self.assignee)
        else:
            self.assignee.hide()
        self.station.currentIndexChanged.connect(self._fill_piles)
        self._fill_piles()
        if pile_id is not None:
            self._select_pile(pile_id)
        if port:
            self.port.setValue(port)
        self.resize(520, self.sizeHint().height())

    def _fill_piles(self) -> None:
        self.pile.clear()
        self.pile.addItem(self.tr("— none (about the community) —"), None)
        st = next((s for s in self.stations if s.station_id == self.station.currentData()), None)
        for p in st.piles if st else ():
            self.pile.addItem(f"{p.code} {p.name}", p.pile_id)

    def _select_pile(self, pile_id: uuid.UUID) -> None:
        for i, s in enumerate(self.stations):
            if any(p.pile_id == pile_id for p in s.piles):
                self.station.setCurrentIndex(i)
                # findData() does not compare Python objects such as UUIDs: look for it by hand
                self.pile.setCurrentIndex(next(k for k in range(self.pile.count()) if self.pile.itemData(k) == pile_id))

    def submit(self) -> None:
        draft = OrderDraft(title=self.title.text(), severity=self.severity.currentData(),
                           source=WoSource(self.source.currentData()), station_id=self.station.currentData(),
                           pile_id=self.pile.currentData(), port_number=self.port.value() or None,
                           description=self.description.toPlainText().strip(), reporter=self.reporter.text().strip(),
                           assignee_id=self.assignee.currentData())
        actor, db = self.actor, self.db
        self.run(lambda: work_orders.raise_order(actor, db, draft), lambda o: setattr(self, "saved", o))


class AssignDialog(FormDialog):
    def __init__(self, db: Db, actor: Actor, order: OrderInfo, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Assign %1").replace("%1", order.number), parent)
        self.db, self.actor, self.order = db, actor, order
        self.saved: OrderInfo | None = None
        self.who = QComboBox(self)
        self.form.addRow(self.tr("Technician"), self.who)
        self.note = self.field(self.tr("Note"))
        self.buttons.setEnabled(False)
        run_background(lambda: wo_queries.technicians(actor, db), self._fill, self._failed, parent=self)

    def _fill(self, techs: list[Technician]) -> None:
        for t in techs:
            self.who.addItem(self.tr("%1 (%2) — %3 open").replace("%1", t.display_name).replace("%2", t.login)
                             .replace("%3", str(t.open_orders)), t.account_id)
        self.buttons.setEnabled(bool(techs))
        if not techs:
            self.error.setText(self.tr("No account has the maintenance role yet."))

    def _failed(self, exc: Exception) -> None:
        from widgets.messages import error_text

        self.error.setText(error_text(exc))

    def submit(self) -> None:
        o, actor, db = self.order, self.actor, self.db
        who, note = self.who.currentData(), self.note.text()
        self.run(lambda: work_orders.transition(actor, db, o.order_id, WoAction.ASSIGN,
                                                expected_version=o.version, assignee_id=who, note=note),
                 lambda r: setattr(self, "saved", r))


class RepairDialog(FormDialog):
    """The technician's report: cause, parts replaced, time spent, result."""

    def __init__(self, db: Db, actor: Actor, order: OrderInfo, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Repair log for %1").replace("%1", order.number), parent)
        self.db, self.actor, self.order = db, actor, order
        self.saved: uuid.UUID | None = None
        self.cause = QPlainTextEdit(self)
        self.cause.setFixedHeight(70)
        self.form.addRow(self.tr("Cause"), self.cause)
        self.parts = QPlainTextEdit(self)
        self.parts.setFixedHeight(60)
        self.parts.setPlaceholderText(self.tr("One part per line, e.g. 10 A socket ×1"))
        self.form.addRow(self.tr("Parts replaced"), self.parts)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(0, 10_000)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setValue(30)
        self.form.addRow(self.tr("Time spent"), self.minutes)
        self.result = QComboBox(self)
        for key, name in result_names().items():
            self.result.addItem(name, key)
        self.form.addRow(self.tr("Result"), self.result)
        self.note = self.field(self.tr("Note"))
        self.resize(480, self.sizeHint().height())

    def submit(self) -> None:
        draft = RepairDraft(self.cause.toPlainText(), self.minutes.value(), RepairResult(self.result.currentData()),
                            parts=self.parts.toPlainText(), note=self.note.text())
        o, actor, db = self.order, self.actor, self.db
        self.run(lambda: work_orders.add_repair_log(actor, db, o.order_id, draft),
                 lambda r: setattr(self, "saved", r))


class NoteDialog(FormDialog):
    """A text for a step (resolution, reason to reopen or cancel, a note) and the call that saves it."""

    def __init__(self, title: str, label: str, save: Callable[[str], Any], parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.save = save
        self.saved: Any = None
        self.text = QPlainTextEdit(self)
        self.text.setFixedHeight(100)
        self.form.addRow(label, self.text)
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        text, save = self.text.toPlainText(), self.save
        self.run(lambda: save(text), lambda r: setattr(self, "saved", r))
