"""One work order in the Work orders tab: its header, the buttons of the steps the signed-in account
may take now, its history, repairs and photos; the printable sheet. Actions run through the services
off the GUI thread; `changed` tells the list to reload."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor, Permission, allows
from app.domain.work_orders import WoAction, WoState, legal_actions
from app.services import wo_files, wo_sheet, work_orders
from app.services.unit import Db
from app.services.wo_queries import OrderDetail
from widgets.look import SEVERITY_COLOURS, local
from widgets.messages import error_text
from widgets.ops import run_background
from widgets.tables import make_table
from widgets.wo_dialogs import AssignDialog, NoteDialog, RepairDialog
from widgets.wo_names import result_names, severity_names, state_names, step_names

RED = "#d9343a"


class OrderDetailPanel(QWidget):
    changed = Signal(object)  # order id: reload the list (and this order)
    pileActivated = Signal(object)
    diagnoseRequested = Signal(object)  # OrderInfo

    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None, *, operator_name: str = "",
                 files_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.operator_name, self.files_dir = db, actor, operator_name, files_dir
        self.detail: OrderDetail | None = None
        self.can_diagnose = False  # set when the window wires diagnoseRequested to the engine
        self.sev = severity_names()
        self.state_names = state_names()
        self.step_names = step_names()
        self._build()

    def _build(self) -> None:
        box = self
        self.header = QLabel(self.tr("Select an order."), box)
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons: dict[str, QPushButton] = {}
        rows = [QHBoxLayout(), QHBoxLayout()]
        specs = (("assign", self.tr("Assign…")), ("take", self.tr("Take")), ("start", self.tr("Start")),
                 ("repair", self.tr("Repair log…")), ("resolve", self.tr("Resolve…")), ("verify", self.tr("Verify")),
                 ("close", self.tr("Close")), ("reopen", self.tr("Reopen…")), ("cancel", self.tr("Cancel order…")),
                 ("note", self.tr("Note…")), ("photo", self.tr("Photo…")), ("diagnose", self.tr("Diagnose")),
                 ("sheet", self.tr("Print sheet…")), ("pile", self.tr("Show pile")))
        for i, (key, text) in enumerate(specs):
            b = QPushButton(text, box)
            b.setEnabled(False)
            self.buttons[key] = b
            rows[0 if i < 9 else 1].addWidget(b)
        for r in rows:
            r.addStretch(1)
        self.steps = make_table(box, [self.tr("Time"), self.tr("By"), self.tr("Step"), self.tr("State"),
                                      self.tr("Note")])
        self.repairs = make_table(box, [self.tr("Time"), self.tr("By"), self.tr("Cause"), self.tr("Parts"),
                                    self.tr("Minutes"), self.tr("Result")])
        self.files = make_table(box, [self.tr("File"), self.tr("Size"), self.tr("By"), self.tr("Time")])
        self.files.cellDoubleClicked.connect(lambda r, _c: self._open_file(r))
        inner = QTabWidget(box)
        inner.addTab(self.steps, self.tr("History"))
        inner.addTab(self.repairs, self.tr("Repairs"))
        inner.addTab(self.files, self.tr("Photos"))
        lay = QVBoxLayout(box)
        lay.addWidget(self.header)
        for r in rows:
            lay.addLayout(r)
        lay.addWidget(inner, 1)
        b = self.buttons
        b["assign"].clicked.connect(self._assign)
        b["take"].clicked.connect(lambda: self._step(WoAction.ASSIGN, assignee=self.actor.account_id))
        b["start"].clicked.connect(lambda: self._step(WoAction.START))
        b["repair"].clicked.connect(self._repair)
        b["resolve"].clicked.connect(lambda: self._step_with_note(WoAction.RESOLVE, self.tr("What was done")))
        b["verify"].clicked.connect(lambda: self._step(WoAction.VERIFY))
        b["close"].clicked.connect(lambda: self._step(WoAction.CLOSE))
        b["reopen"].clicked.connect(lambda: self._step_with_note(WoAction.REOPEN, self.tr("Why is it reopened")))
        b["cancel"].clicked.connect(lambda: self._step_with_note(WoAction.CANCEL, self.tr("Why is it cancelled")))
        b["note"].clicked.connect(self._note)
        b["photo"].clicked.connect(self._photo)
        b["sheet"].clicked.connect(self._sheet)
        b["diagnose"].clicked.connect(lambda: self.detail and self.diagnoseRequested.emit(self.detail.order))
        b["pile"].clicked.connect(lambda: self.detail and self.detail.order.pile_id
                                  and self.pileActivated.emit(self.detail.order.pile_id))

    def show_order(self, detail: OrderDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.header.setText(self.tr("Select an order."))
            for t in (self.steps, self.repairs, self.files):
                t.setRowCount(0)
            self._update_buttons()
            return
        o, now = detail.order, datetime.now(UTC)
        level = f" L{o.escalation_level}" if o.escalation_level else ""
        overdue = self.tr("OVERDUE")
        late = f" <b style='color:{RED}'>{overdue}{level}</b>" if o.overdue(now) else ""
        where = f"{o.station_code} {o.station_name}" + (f" · {o.pile_code}" if o.pile_code else "") + \
            (f" #{o.port_number}" if o.port_number else "")
        lines = [f"<b>{o.number}</b> · {self.state_names[o.state]} · "
                 f"<span style='color:{SEVERITY_COLOURS.get(o.severity, '#333')}'>{self.sev.get(o.severity)}</span>"
                 f"{late}", f"<b>{o.title}</b>", where,
                 self.tr("Technician: %1 · due %2").replace("%1", o.assignee_name or "—")
                 .replace("%2", local(o.due_at, "%Y-%m-%d %H:%M")),
                 self.tr("Raised %1 by %2").replace("%1", local(o.created_at, "%Y-%m-%d %H:%M"))
                 .replace("%2", o.created_by) + (f" · {o.reporter}" if o.reporter else "")]
        if o.description:
            lines.append(o.description.replace("\n", "<br>"))
        if o.resolution:
            lines.append(self.tr("Resolution: %1").replace("%1", o.resolution))
        self.header.setText("<br>".join(lines))
        self._cells(self.steps, [[local(x.ts, "%m-%d %H:%M:%S"), x.actor_login, self.step_names.get(x.action, x.action),
                                  self.state_names.get(WoState(x.to_state), "") if x.to_state else "", x.note]
                                 for x in detail.steps])
        results = result_names()
        self._cells(self.repairs, [[local(r.ts, "%m-%d %H:%M"), r.actor_login, r.cause, r.parts.replace("\n", "; "),
                                    str(r.minutes_spent), results.get(r.result, r.result)] for r in detail.repairs])
        self._cells(self.files, [[f.file_name, f"{f.size_bytes / 1024:.0f} KB", f.actor_login,
                                  local(f.ts, "%m-%d %H:%M")] for f in detail.attachments])
        self._update_buttons()

    @staticmethod
    def _cells(table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                table.setItem(i, j, QTableWidgetItem(text))
        table.resizeColumnsToContents()

    def _update_buttons(self) -> None:
        b, a = self.buttons, self.actor
        if self.detail is None:
            for btn in b.values():
                btn.setEnabled(False)
            return
        o = self.detail.order
        legal = set(legal_actions(o.state))
        dispatch, handle = allows(a, Permission.ASSIGN_WORK_ORDERS), allows(a, Permission.HANDLE_WORK_ORDERS)
        mine = o.assignee_id == a.account_id or a.is_base
        rules = {"assign": dispatch and WoAction.ASSIGN in legal,
                 "take": handle and o.state is WoState.NEW and o.assignee_id is None,
                 "start": handle and mine and WoAction.START in legal,
                 "repair": handle and mine and o.state is WoState.IN_PROGRESS,
                 "resolve": handle and mine and WoAction.RESOLVE in legal,
                 "verify": dispatch and WoAction.VERIFY in legal, "close": dispatch and WoAction.CLOSE in legal,
                 "reopen": dispatch and WoAction.REOPEN in legal, "cancel": dispatch and WoAction.CANCEL in legal,
                 "note": allows(a, Permission.RAISE_WORK_ORDERS), "photo": allows(a, Permission.RAISE_WORK_ORDERS),
                 "diagnose": self.can_diagnose and allows(a, Permission.DIAGNOSE_PILES) and o.pile_id is not None,
                 "sheet": True, "pile": o.pile_id is not None}
        for key, ok in rules.items():
            b[key].setEnabled(ok)
            b[key].setVisible(ok or key in ("note", "sheet", "pile"))

    # -- actions -----------------------------------------------------------------------------------
    def _after(self, _result: object = None) -> None:
        if self.detail is not None:
            self.changed.emit(self.detail.order.order_id)

    def _run(self, work: Callable[[], object]) -> None:
        run_background(work, self._after, lambda e: QMessageBox.warning(self, self.tr("Work order"), error_text(e)),
                       parent=self)

    def _step(self, action: WoAction, *, assignee: uuid.UUID | None = None, note: str = "") -> None:
        if self.detail is None:
            return
        o, actor, db = self.detail.order, self.actor, self.db
        self._run(lambda: work_orders.transition(actor, db, o.order_id, action, expected_version=o.version,
                                                 assignee_id=assignee, note=note))

    def _step_with_note(self, action: WoAction, label: str) -> None:
        if self.detail is None:
            return
        o, actor, db = self.detail.order, self.actor, self.db
        dlg = NoteDialog(f"{o.number}: {self.buttons[action.value].text().rstrip('…')}", label,
                         lambda text: work_orders.transition(actor, db, o.order_id, action,
                                                             expected_version=o.version, note=text), self)
        if dlg.exec():
            self._after()

    def _assign(self) -> None:
        if self.detail is not None and AssignDialog(self.db, self.actor, self.detail.order, self).exec():
            self._after()

    def _repair(self) -> None:
        if self.detail is not None and RepairDialog(self.db, self.actor, self.detail.order, self).exec():
            self._after()

    def _note(self) -> None:
        if self.detail is None:
            return
        o, actor, db = self.detail.order, self.actor, self.db
        if NoteDialog(self.tr("Note on %1").replace("%1", o.number), self.tr("Note"),
                      lambda text: work_orders.add_note(actor, db, o.order_id, text), self).exec():
            self._after()

    def _photo(self) -> None:
        if self.detail is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a photo"), "",
                                              self.tr("Images (*.jpg *.jpeg *.png *.heic *.bmp);;All files (*)"))
        if not path:
            return
        o, actor, db, files = self.detail.order, self.actor, self.db, self.files_dir
        self._run(lambda: wo_files.add_attachment(actor, db, o.order_id, Path(path).read_bytes(), path,
                                                  files_dir=files))

    def _open_file(self, row: int) -> None:
        if self.detail is None or not 0 <= row < len(self.detail.attachments):
            return
        a, actor, db, files = self.detail.attachments[row], self.actor, self.db, self.files_dir

        def fetch() -> Path:
            import tempfile

            info, data = wo_files.open_attachment(actor, db, a.attachment_id, files_dir=files)
            out = Path(tempfile.mkdtemp(prefix="chargedesk-")) / info.file_name
            out.write_bytes(data)
            return out

        run_background(fetch, lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))),
                       lambda e: QMessageBox.warning(self, self.tr("Photo"), error_text(e)), parent=self)

    def _sheet(self) -> None:
        if self.detail is None:
            return
        o = self.detail.order
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the work-order sheet"), f"{o.number}.pdf",
                                              self.tr("PDF (*.pdf)"))
        if not path:
            return
        actor, db, name, files = self.actor, self.db, self.operator_name, self.files_dir

        def make() -> Path:
            Path(path).write_bytes(wo_sheet.render_sheet(actor, db, o.order_id, operator=name, files_dir=files))
            return Path(path)

        run_background(make, lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))),
                       lambda e: QMessageBox.warning(self, self.tr("Work-order sheet"), error_text(e)), parent=self)

