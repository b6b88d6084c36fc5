"""Users tab: residents who charge — search, register and edit, deactivate, wallet statement, top-up
with a receipt, and import from CSV/XLSX with a row-by-row report. What a role may not do is hidden;
the services refuse it anyway."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.domain.permissions import Actor, Permission, allows
from app.services import ledger_queries, user_import, users
from app.services.ledger_queries import Statement
from app.services.unit import Db
from app.services.users import UserInfo
from widgets.look import local
from widgets.messages import error_text
from widgets.ops import LatestLoad, run_background
from widgets.tables import make_table
from widgets.user_dialogs import TopUpDialog, UserDialog


class UsersView(QWidget):
    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.wallets = allows(actor, Permission.VIEW_WALLETS)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Name, phone, card number or room"))
        self.building = QLineEdit(self)
        self.building.setPlaceholderText(self.tr("Building"))
        self.building.setMaximumWidth(90)
        self.inactive = QCheckBox(self.tr("Include deactivated"), self)
        self.go = QPushButton(self.tr("Search"), self)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for w in (self.search, self.building, self.inactive, self.go):
            bar.addWidget(w)
        for key, text, perm in (("new", self.tr("Register…"), Permission.EDIT_USERS),
                                ("edit", self.tr("Edit…"), Permission.EDIT_USERS),
                                ("active", self.tr("Deactivate"), Permission.DEACTIVATE_USERS),
                                ("topup", self.tr("Top up…"), Permission.TOP_UP),
                                ("import", self.tr("Import…"), Permission.IMPORT_USERS)):
            b = QPushButton(text, self)
            b.setVisible(allows(actor, perm))
            self.buttons[key] = b
            bar.addWidget(b)
        headers = [self.tr("Name"), self.tr("Phone"), self.tr("Address"), self.tr("Group"), self.tr("Vehicle"),
                   self.tr("Card"), self.tr("Balance"), self.tr("State")]
        self.table = make_table(self, headers)
        self.table.setColumnHidden(6, not self.wallets)
        self.detail = QLabel(self.tr("Select a user."), self)
        self.detail.setWordWrap(True)
        self.statement = make_table(self, [self.tr("Time"), self.tr("Kind"), self.tr("Method"), self.tr("Amount"),
                                       self.tr("Balance"), self.tr("Receipt"), self.tr("Note")])
        self.statement.setVisible(self.wallets)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.addWidget(self.detail)
        rl.addWidget(self.statement, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.status = QLabel("", self)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        lay.addWidget(self.status)
        self.rows: list[UserInfo] = []
        self.balance: dict[uuid.UUID, int] = {}
        self.kinds = {"topup": self.tr("Top-up"), "charge": self.tr("Charging"), "refund": self.tr("Refund"),
                      "adjust": self.tr("Adjustment"), "transfer": self.tr("Transfer")}
        self.vehicles = {"ebike": self.tr("e-bike"), "trike": self.tr("e-tricycle"), "lsev": self.tr("low-speed EV"),
                         "car": self.tr("car")}
        self.methods = {"cash": self.tr("Cash"), "wechat": self.tr("WeChat Pay"), "alipay": self.tr("Alipay"),
                        "bank": self.tr("Bank transfer")}
        self.go.clicked.connect(self.refresh)
        self.search.returnPressed.connect(self.refresh)
        self.table.currentCellChanged.connect(lambda r, *_: self._select(r))
        self.buttons["new"].clicked.connect(lambda: self._edit(None))
        self.buttons["edit"].clicked.connect(lambda: self._edit(self.current()))
        self.buttons["active"].clicked.connect(self._toggle_active)
        self.buttons["topup"].clicked.connect(self._top_up)
        self.buttons["import"].clicked.connect(self._import)
        self._load = LatestLoad(self._search, lambda r: self._fill(r[0], r[1], select=r[2]), self._error, parent=self)
        self.refresh()

    # -- list ------------------------------------------------------------------------------------
    def current(self) -> UserInfo | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def refresh(self, select: uuid.UUID | None = None) -> None:
        text, building, inactive = self.search.text(), self.building.text().strip() or None, self.inactive.isChecked()
        self._load.request(text, building, inactive, select)

    def _search(self, text: str, building: str | None, inactive: bool, select: uuid.UUID | None
                ) -> tuple[list[UserInfo], dict[uuid.UUID, int], uuid.UUID | None]:
        """On a worker thread."""
        found = users.search_users(self.actor, self.db, text, building=building, include_inactive=inactive)
        money = ledger_queries.balances(self.actor, self.db, [u.user_id for u in found]) if self.wallets else {}
        return found, money, select

    def _fill(self, rows: list[UserInfo], balance: dict[uuid.UUID, int], *, select: uuid.UUID | None) -> None:
        self.rows, self.balance = rows, balance
        self.table.setRowCount(len(rows))
        for i, u in enumerate(rows):
            vehicle = self.vehicles.get(u.vehicle_class or "", u.vehicle_class or "")
            cells = [u.name, u.phone, u.address, u.group_name or "", vehicle, u.card_no or "",
                     format_money(balance.get(u.user_id, 0)) if self.wallets else "",
                     self.tr("active") if u.active else self.tr("deactivated")]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        self.status.setText(self.tr("%1 users").replace("%1", str(len(rows))))
        if select is not None:
            for i, u in enumerate(rows):
                if u.user_id == select:
                    self.table.selectRow(i)

    def _select(self, row: int) -> None:
        u = self.rows[row] if 0 <= row < len(self.rows) else None
        if u is None:
            return
        self.buttons["active"].setText(self.tr("Deactivate") if u.active else self.tr("Reactivate"))
        lines = [f"<b>{u.name}</b>  {u.phone}", u.address, f"{self.tr('Group')}: {u.group_name or '—'}   "
                 f"{self.tr('Card')}: {u.card_no or '—'}"]
        if self.wallets:
            lines.append(f"{self.tr('Balance')}: <b>{format_money(self.balance.get(u.user_id, 0))}</b>")
        self.detail.setText("<br>".join(lines))
        if self.wallets:
            end = datetime.now(UTC)
            actor, db = self.actor, self.db
            run_background(lambda: ledger_queries.statement(actor, db, u.user_id, start=end - timedelta(days=90),
                                                            end=end + timedelta(seconds=1)),
                           self._show_statement, self._error, parent=self)

    def _show_statement(self, st: Statement) -> None:
        self.statement.setRowCount(len(st.lines))
        for i, line in enumerate(reversed(st.lines)):
            cells = [local(line.posted_at, "%Y-%m-%d %H:%M"), self.kinds.get(line.kind.value, line.kind.value),
                     self.methods.get(line.method.value, line.method.value) if line.method else "",
                     format_money(line.amount_fen), format_money(line.balance_after_fen), line.receipt_no or "",
                     line.memo or line.reference]
            for j, text in enumerate(cells):
                self.statement.setItem(i, j, QTableWidgetItem(text))
        self.statement.resizeColumnsToContents()

    def _error(self, exc: Exception) -> None:
        self.status.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")

    # -- actions ---------------------------------------------------------------------------------
    def _edit(self, user: UserInfo | None) -> None:
        groups = users.list_groups(self.actor, self.db)
        dlg = UserDialog(self.db, self.actor, user, groups, self)
        if dlg.exec() and dlg.saved is not None:
            self.refresh(select=dlg.saved.user_id)

    def _toggle_active(self) -> None:
        u = self.current()
        if u is None:
            return
        actor, db = self.actor, self.db
        run_background(lambda: users.set_user_active(actor, db, u.user_id, active=not u.active,
                                                     expected_version=u.version),
                       lambda saved: self.refresh(select=saved.user_id), self._error, parent=self)

    def _top_up(self) -> None:
        u = self.current()
        if u is None:
            return
        dlg = TopUpDialog(self.db, self.actor, u, self.balance.get(u.user_id, 0), self)
        dlg.exec()
        if dlg.posting is not None:
            self.refresh(select=u.user_id)

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import users"), "",
                                              self.tr("Spreadsheets (*.csv *.xlsx)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        data = path.read_bytes()
        actor, db = self.actor, self.db
        run_background(lambda: user_import.import_users(actor, db, data, path.name), self._imported, self._error,
                       parent=self)

    def _imported(self, report: user_import.ImportReport) -> None:
        self.last_report = report
        if report.ok:
            QMessageBox.information(self, self.tr("Import"), self.tr("%1 users imported.")
                                    .replace("%1", str(report.imported)))
            self.refresh()
            return
        text = "\n".join(str(e) for e in report.errors[:50])
        more = len(report.errors) - 50
        if more > 0:
            text += "\n" + self.tr("… and %1 more").replace("%1", str(more))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Import refused"),
                          self.tr("Nothing was imported: %1 rows have problems. Correct the file and import it "
                                  "again.").replace("%1", str(len({e.row for e in report.errors}))),
                          QMessageBox.StandardButton.Ok, self)
        box.setDetailedText(text)
        box.exec()
