"""Accounts tab (system admins) and Audit tab (finance and system admins)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor, Role
from app.services import accounts, audit
from app.services.accounts import AccountInfo
from app.services.audit import AuditEntry, AuditFilter, ChainReport
from app.services.unit import Db
from widgets.forms import FormDialog
from widgets.look import local
from widgets.messages import chinese_ui, error_text
from widgets.ops import LatestLoad, run_background
from widgets.tables import make_table


class AccountDialog(FormDialog):
    """Create an account, or change an existing one's name and roles."""

    def __init__(self, db: Db, actor: Actor, account: AccountInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New account") if account is None else self.tr("Edit account"), parent)
        self.db, self.actor, self.account = db, actor, account
        self.saved: AccountInfo | None = None
        self.login = self.field(self.tr("Account"), text=account.login if account else "")
        self.login.setReadOnly(account is not None)
        self.name = self.field(self.tr("Name"), text=account.display_name if account else "")
        self.password = self.field(self.tr("Initial password"), secret=True) if account is None else QLineEdit(self)
        names = {Role.SYSTEM_ADMIN: self.tr("System administrator"),
                 Role.FACILITY_ADMIN: self.tr("Facility & customer administrator"),
                 Role.CARD_ADMIN: self.tr("Card desk clerk"), Role.MONITORING_ADMIN: self.tr("Monitoring staff"),
                 Role.FINANCE_ADMIN: self.tr("Finance"), Role.MAINTENANCE: self.tr("Maintenance technician")}
        self.roles: dict[Role, QCheckBox] = {}
        for role, label in names.items():
            box = QCheckBox(label, self)
            box.setChecked(bool(account and role in account.roles))
            self.form.addRow("" if self.roles else self.tr("Roles"), box)
            self.roles[role] = box

    def submit(self) -> None:
        roles = [r for r, box in self.roles.items() if box.isChecked()]
        actor, db, acc = self.actor, self.db, self.account
        login, name, pw = self.login.text(), self.name.text(), self.password.text()

        def save() -> AccountInfo:
            if acc is None:
                return accounts.create_account(actor, db, login=login, display_name=name, password=pw, roles=roles)
            return accounts.edit_account(actor, db, acc.account_id, expected_version=acc.version, display_name=name,
                                         roles=roles)

        self.run(save, lambda info: setattr(self, "saved", info))


class AccountsView(QWidget):
    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.table = make_table(self, [self.tr("Account"), self.tr("Name"), self.tr("Roles"), self.tr("State"),
                                   self.tr("Last sign-in")])
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text in (("new", self.tr("New account…")), ("edit", self.tr("Edit…")),
                          ("active", self.tr("Disable")), ("unlock", self.tr("Unlock")),
                          ("reset", self.tr("Reset password…"))):
            b = QPushButton(text, self)
            self.buttons[key] = b
            bar.addWidget(b)
        bar.addStretch(1)
        self.status = QLabel("", self)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        self.rows: list[AccountInfo] = []
        self.role_names = {Role.SYSTEM_ADMIN: self.tr("system"), Role.FACILITY_ADMIN: self.tr("facility"),
                           Role.CARD_ADMIN: self.tr("card desk"), Role.MONITORING_ADMIN: self.tr("monitoring"),
                           Role.FINANCE_ADMIN: self.tr("finance"), Role.MAINTENANCE: self.tr("maintenance")}
        self.buttons["new"].clicked.connect(lambda: self._edit(None))
        self.buttons["edit"].clicked.connect(lambda: self._edit(self.current()))
        self.buttons["active"].clicked.connect(self._toggle)
        self.buttons["unlock"].clicked.connect(self._unlock)
        self.buttons["reset"].clicked.connect(self._reset)
        actor, db = self.actor, self.db
        self._load = LatestLoad(lambda: accounts.list_accounts(actor, db), self._fill, self._error, parent=self)
        self.refresh()

    def current(self) -> AccountInfo | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def refresh(self) -> None:
        self._load.request()

    def _fill(self, rows: list[AccountInfo]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, a in enumerate(rows):
            roles = self.tr("base account (everything)") if a.is_base else \
                ", ".join(self.role_names.get(r, str(r)) for r in a.roles)
            state = self.tr("active") if a.active else self.tr("disabled")
            if a.locked_until is not None and a.locked_until > datetime.now(UTC):
                state = self.tr("locked until %1").replace("%1", local(a.locked_until, "%H:%M"))
            cells = [a.login, a.display_name, roles, state, local(a.last_login_at) if a.last_login_at else ""]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")

    def _edit(self, account: AccountInfo | None) -> None:
        dlg = AccountDialog(self.db, self.actor, account, self)
        if dlg.exec():
            self.refresh()

    def _run(self, fn) -> None:  # type: ignore[no-untyped-def]
        run_background(fn, lambda _r: self.refresh(), self._error, parent=self)

    def _toggle(self) -> None:
        a = self.current()
        if a is not None:
            actor, db = self.actor, self.db
            self._run(lambda: accounts.set_account_active(actor, db, a.account_id, active=not a.active,
                                                          expected_version=a.version))

    def _unlock(self) -> None:
        a = self.current()
        if a is not None:
            actor, db = self.actor, self.db
            self._run(lambda: accounts.unlock_account(actor, db, a.account_id))

    def _reset(self) -> None:
        a = self.current()
        if a is None:
            return
        prompt = self.tr("New password for %1:").replace("%1", a.login)
        pw, ok = QInputDialog.getText(self, self.tr("Reset password"), prompt, QLineEdit.EchoMode.Password)
        if ok:
            actor, db = self.actor, self.db
            self._run(lambda: accounts.reset_password(actor, db, a.account_id, pw))


class AuditView(QWidget):
    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.days = QComboBox(self)
        for label, days in ((self.tr("Last 24 hours"), 1), (self.tr("Last 7 days"), 7),
                            (self.tr("Last 30 days"), 30), (self.tr("Last year"), 365)):
            self.days.addItem(label, days)
        self.who = QLineEdit(self)
        self.who.setPlaceholderText(self.tr("Account"))
        self.action = QLineEdit(self)
        self.action.setPlaceholderText(self.tr("Action, e.g. wallet."))
        self.obj = QLineEdit(self)
        self.obj.setPlaceholderText(self.tr("Object id"))
        self.go = QPushButton(self.tr("Search"), self)
        self.export = QPushButton(self.tr("Export CSV…"), self)
        self.verify = QPushButton(self.tr("Verify chain"), self)
        bar = QHBoxLayout()
        for w in (self.days, self.who, self.action, self.obj, self.go, self.export, self.verify):
            bar.addWidget(w)
        self.table = make_table(self, [self.tr("#"), self.tr("Time"), self.tr("Account"), self.tr("Action"),
                                   self.tr("Object"), self.tr("Before"), self.tr("After")])
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.status)
        self.go.clicked.connect(self.refresh)
        self.export.clicked.connect(self._export)
        self.verify.clicked.connect(self._verify)
        actor, db = self.actor, self.db
        self._load = LatestLoad(lambda flt: audit.query_audit(actor, db, flt), self._fill, self._error, parent=self)
        self.refresh()

    def _filter(self, limit: int | None = 1000) -> AuditFilter:
        since = datetime.now(UTC) - timedelta(days=int(self.days.currentData()))
        return AuditFilter(since=since, actor_login=self.who.text().strip() or None,
                           action=self.action.text().strip() or None, object_id=self.obj.text().strip() or None,
                           limit=limit)

    def refresh(self) -> None:
        self._load.request(self._filter())

    def _fill(self, rows: list[AuditEntry]) -> None:
        self.table.setRowCount(len(rows))
        for i, e in enumerate(rows):
            cells = [str(e.seq), local(e.ts), e.actor_login, e.action, f"{e.object_type} {e.object_id}",
                     (e.before_json or "")[:200], (e.after_json or "")[:200]]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("%1 records").replace("%1", str(len(rows))))

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export audit trail"), "audit.csv", "CSV (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        flt, actor, db = self._filter(limit=None), self.actor, self.db

        def write() -> int:
            buf = io.StringIO()
            n = audit.export_audit_csv(actor, db, buf, flt)
            with open(path, "w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel reads it as UTF-8
                f.write(buf.getvalue())
            return n

        run_background(write, lambda n: self.status.setText(self.tr("%1 records exported.").replace("%1", str(n))),
                       self._error, parent=self)

    def _verify(self) -> None:
        actor, db = self.actor, self.db
        run_background(lambda: audit.verify_audit(actor, db), self._verified, self._error, parent=self)

    def _verified(self, report: ChainReport) -> None:
        self.last_report = report
        if report.ok:
            self.status.setText(self.tr("The audit chain is intact: %1 records.").replace("%1", str(report.records)))
            return
        zh = chinese_ui()
        lines = [getattr(p, "zh" if zh else "en", str(p)) for p in report.problems[:20]]
        QMessageBox.critical(self, self.tr("Audit chain broken"), "\n".join(lines))
        self.status.setText(self.tr("The audit chain is BROKEN: %1 problems.").replace("%1", str(len(report.problems))))
