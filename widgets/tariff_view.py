"""Tariffs tab (finance): the tariffs, a policy editor with what typical sessions cost under the version in
force and under the edited one, assignments to stations, piles and user groups, and the push of the pile
part to the piles (read back by each pile, audited)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.domain.permissions import Actor
from app.domain.tariffs import Policy, compare, sample_sessions
from app.services import tariff_push, tariffs
from app.services.remote import CommandEngine
from app.services.tariffs import Scopes, TariffInfo
from app.services.unit import Db
from widgets.look import DISPLAY_TZ, local
from widgets.messages import chinese_ui, error_text
from widgets.ops import LatestLoad, run_background
from widgets.tables import fill
from widgets.tables import make_table as table
from widgets.tariff_editor import PolicyEditor


class TariffAssignDialog(QDialog):
    """Choose where a tariff applies: a station or a pile, and/or a user group (nothing: operator-wide)."""

    def __init__(self, scopes: Scopes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assign tariff"))
        self.place = QComboBox(self)
        self.place.addItem(self.tr("Every station (operator-wide)"), None)
        for sid, label in scopes.stations:
            self.place.addItem(self.tr("Station %1").replace("%1", label), ("station", sid))
        for pid, label in scopes.piles:
            self.place.addItem(self.tr("Pile %1").replace("%1", label), ("pile", pid))
        self.group = QComboBox(self)
        self.group.addItem(self.tr("Every user"), None)
        for gid, label in scopes.groups:
            self.group.addItem(label, gid)
        form = QFormLayout(self)
        form.addRow(self.tr("Where"), self.place)
        form.addRow(self.tr("Who"), self.group)
        hint = QLabel(self.tr("The most specific assignment wins: a user group before a pile, a pile before its "
                              "station, a station before the operator-wide tariff."), self)
        hint.setWordWrap(True)
        form.addRow(hint)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        form.addRow(box)

    def scope(self) -> dict[str, uuid.UUID | None]:
        place = self.place.currentData()
        return {"station_id": place[1] if place and place[0] == "station" else None,
                "pile_id": place[1] if place and place[0] == "pile" else None,
                "group_id": self.group.currentData()}  # fmt: skip


class TariffView(QWidget):
    def __init__(self, db: Db, actor: Actor, engine: CommandEngine | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.engine = db, actor, engine
        self.rows: list[TariffInfo] = []
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text in (("new", self.tr("New tariff")), ("save", self.tr("Save as new version")),
                          ("assign", self.tr("Assign…")), ("unassign", self.tr("Remove assignment")),
                          ("push", self.tr("Push to piles…")), ("reload", self.tr("Reload"))):
            b = QPushButton(text, self)
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.list = table(self, [self.tr("Code"), self.tr("Name"), self.tr("Kind"), self.tr("Version"),
                                 self.tr("In force since"), self.tr("Assigned to")])
        self.code, self.name = QLineEdit(self), QLineEdit(self)
        self.since = QDateTimeEdit(self)
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.editor = PolicyEditor(self)
        head = QFormLayout()
        head.addRow(self.tr("Code"), self.code)
        head.addRow(self.tr("Name"), self.name)
        head.addRow(self.tr("Effective from"), self.since)
        form_box = QGroupBox(self.tr("Policy"), self)
        fl = QVBoxLayout(form_box)
        fl.addLayout(head)
        fl.addWidget(self.editor)
        self.compare = table(self, [self.tr("Sample session"), self.tr("In force"), self.tr("Edited"),
                                    self.tr("Difference")])
        self.compare.horizontalHeader().setStretchLastSection(False)
        self.compare_note = QLabel("", self)
        self.compare_note.setWordWrap(True)
        self.assigned = table(self, [self.tr("Assigned to")])
        self.pushed = table(self, [self.tr("Pile"), self.tr("Result"), self.tr("Detail")])
        right = QWidget(self)
        rl = QVBoxLayout(right)
        cmp_box = QGroupBox(self.tr("What typical sessions cost"), self)
        cl = QVBoxLayout(cmp_box)
        cl.addWidget(self.compare)
        cl.addWidget(self.compare_note)
        rl.addWidget(cmp_box, 3)
        lower = QHBoxLayout()
        for title, w in ((self.tr("Assignments"), self.assigned), (self.tr("Last push"), self.pushed)):
            box = QGroupBox(title, self)
            QVBoxLayout(box).addWidget(w)
            lower.addWidget(box)
        rl.addLayout(lower, 2)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.list)
        left.addWidget(form_box)
        left.setStretchFactor(1, 3)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self._reprice)
        self.editor.changed.connect(self._timer.start)
        self.list.currentCellChanged.connect(lambda r, *_: self._select(r))
        self.buttons["new"].clicked.connect(self._new)
        self.buttons["save"].clicked.connect(self._save)
        self.buttons["assign"].clicked.connect(self._assign)
        self.buttons["unassign"].clicked.connect(self._unassign)
        self.buttons["push"].clicked.connect(self._push)
        self.buttons["reload"].clicked.connect(self.refresh)
        self.buttons["push"].setEnabled(engine is not None)
        self._new()
        actor, db = self.actor, self.db
        self._load = LatestLoad(lambda keep: (tariffs.list_tariffs(actor, db), keep), lambda r: self._fill(*r),
                                self._error, parent=self)
        self.refresh()

    # -- list ------------------------------------------------------------------------------------
    def current(self) -> TariffInfo | None:
        r = self.list.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def refresh(self, select: uuid.UUID | None = None) -> None:
        keep = select or (self.current().tariff_id if self.current() else None)
        self._load.request(keep)

    def _fill(self, rows: list[TariffInfo], select: uuid.UUID | None) -> None:
        self.rows = rows
        now = datetime.now(UTC)
        cells = []
        for t in rows:
            v = t.in_force(now) or t.latest
            cells.append([t.code, t.name, self.editor.kind_names[v.policy.kind], f"v{v.number}/{t.latest.number}",
                          local(v.effective_from, "%Y-%m-%d %H:%M"), "; ".join(a.scope_label for a in t.assignments)])
        self.list.blockSignals(True)
        fill(self.list, cells)
        self.list.blockSignals(False)
        for i, t in enumerate(rows):
            if t.tariff_id == select:
                self.list.selectRow(i)
                self._select(i)
        self.status.setText(self.tr("%1 tariffs").replace("%1", str(len(rows))))

    def _select(self, row: int) -> None:
        t = self.rows[row] if 0 <= row < len(self.rows) else None
        if t is None:
            return
        v = t.in_force(datetime.now(UTC)) or t.latest
        self.code.setText(t.code)
        self.name.setText(t.name)
        self.code.setReadOnly(True)
        self.name.setReadOnly(True)
        self.since.setDateTime(QDateTime.currentDateTime())
        self.editor.set_policy(t.latest.policy)
        self.buttons["save"].setText(self.tr("Save as new version"))
        for key in ("assign", "unassign", "push"):
            self.buttons[key].setEnabled(key != "push" or self.engine is not None)
        fill(self.assigned, [[a.scope_label] for a in t.assignments])
        self.compare_note.setText(self.tr("In force: version %1 since %2.").replace("%1", str(v.number))
                                  .replace("%2", local(v.effective_from, "%Y-%m-%d %H:%M")))
        self._reprice()

    def _new(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentCell(-1, -1)
        for w in (self.code, self.name):
            w.clear()
            w.setReadOnly(False)
        self.since.setDateTime(QDateTime.currentDateTime())
        self.buttons["save"].setText(self.tr("Create tariff"))
        for key in ("assign", "unassign", "push"):
            self.buttons[key].setEnabled(False)
        self.assigned.setRowCount(0)
        self.compare_note.setText(self.tr("A new tariff: nothing is in force yet."))
        self._reprice()

    # -- comparison ------------------------------------------------------------------------------
    def _reprice(self) -> None:
        t = self.current()
        old = (t.in_force(datetime.now(UTC)) or t.latest).policy if t else None
        try:
            new = self.editor.policy()
        except Exception as exc:
            self.compare_note.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")
            return
        zh = chinese_ui()
        rows = []
        for sample in sample_sessions(datetime.now(UTC), DISPLAY_TZ):
            c = compare(old, new, sample.usage, DISPLAY_TZ)
            cells = [sample.zh if zh else sample.en, self._cost(c.old) if c.old else "—", self._cost(c.new),
                     (("+" if c.delta_fen > 0 else "") + format_money(c.delta_fen)) if c.old else "—"]
            rows.append(cells)
        fill(self.compare, rows, right={1, 2, 3})
        self.compare.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.edited = new

    def _cost(self, q) -> str:  # type: ignore[no-untyped-def]
        text = format_money(q.total_fen)
        if q.minimum_applied:
            text += " " + self.tr("(minimum)")
        if q.note:
            text = self.tr("refused: over every band")
        return text

    # -- actions ---------------------------------------------------------------------------------
    def _since(self) -> datetime:
        return self.since.dateTime().toPython().replace(tzinfo=DISPLAY_TZ).astimezone(UTC)  # type: ignore[union-attr]

    def _save(self) -> None:
        try:
            policy: Policy = self.editor.policy()
        except Exception as exc:
            self._error(exc)
            return
        t, actor, db, since = self.current(), self.actor, self.db, self._since()
        if t is None:
            code, name = self.code.text(), self.name.text()
            run_background(lambda: tariffs.create_tariff(actor, db, code=code, name=name, policy=policy,
                                                         effective_from=since),
                           lambda info: self._saved(info.tariff_id, self.tr("Tariff created.")), self._error,
                           parent=self)  # fmt: skip
            return
        latest = t.latest.number
        run_background(lambda: tariffs.add_version(actor, db, t.tariff_id, policy=policy, effective_from=since,
                                                   expected_latest=latest),
                       lambda v: self._saved(t.tariff_id, self.tr("Version %1 saved.").replace("%1", str(v.number))),
                       self._error, parent=self)  # fmt: skip

    def _saved(self, tariff_id: uuid.UUID, text: str) -> None:
        self.status.setText(text)
        self.refresh(select=tariff_id)

    def _assign(self) -> None:
        t = self.current()
        if t is None:
            return
        try:
            scopes = tariffs.scopes(self.actor, self.db)
        except Exception as exc:
            self._error(exc)
            return
        dlg = TariffAssignDialog(scopes, self)
        if not dlg.exec():
            return
        scope, actor, db = dlg.scope(), self.actor, self.db
        run_background(lambda: tariffs.assign(actor, db, t.tariff_id, **scope),
                       lambda a: self._saved(t.tariff_id, self.tr("Assigned to %1.").replace("%1", a.scope_label)),
                       self._error, parent=self)  # fmt: skip

    def _unassign(self) -> None:
        t = self.current()
        row = self.assigned.currentRow()
        if t is None or not 0 <= row < len(t.assignments):
            return
        a, actor, db = t.assignments[row], self.actor, self.db
        run_background(lambda: tariffs.unassign(actor, db, a.assignment_id),
                       lambda _: self._saved(t.tariff_id, self.tr("Assignment removed.")), self._error, parent=self)

    def _push(self) -> None:
        t, engine = self.current(), self.engine
        if t is None or engine is None:
            return
        try:
            version, targets = tariff_push.push_targets(self.actor, self.db, t.tariff_id)
        except Exception as exc:
            self._error(exc)
            return
        if not targets:
            self.status.setText(self.tr("No pile has this tariff as its own: assign it to a station or pile first."))
            return
        answer = QMessageBox.question(
            self, self.tr("Push to piles"),
            self.tr("Write version %1 of %2 (bands, coin and swipe value, session limits) to %3 piles? Each pile "
                    "reads the configuration back; every write is recorded in the audit trail.")
            .replace("%1", str(version.number)).replace("%2", t.code).replace("%3", str(len(targets))))  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.buttons["push"].setEnabled(False)
        self.status.setText(self.tr("Pushing to %1 piles …").replace("%1", str(len(targets))))
        actor, db = self.actor, self.db
        run_background(lambda: tariff_push.push_tariff(actor, db, engine, t.tariff_id), self._pushed, self._error,
                       parent=self)

    def _pushed(self, results: list[tariff_push.PushResult]) -> None:
        self.buttons["push"].setEnabled(True)
        words = {(True, True): self.tr("written"), (True, False): self.tr("already in force"),
                 (False, False): self.tr("FAILED"), (False, True): self.tr("FAILED")}
        fill(self.pushed, [[r.pile_code, words[(r.ok, r.changed)], r.detail] for r in results])
        ok = sum(r.ok for r in results)
        self.status.setText(self.tr("Push finished: %1 of %2 piles hold the tariff.").replace("%1", str(ok))
                            .replace("%2", str(len(results))))

    def _error(self, exc: Exception) -> None:
        self.buttons["push"].setEnabled(self.engine is not None and self.current() is not None)
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")
