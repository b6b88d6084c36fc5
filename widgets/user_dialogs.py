"""Register/edit a charging user, and top up a wallet with a receipt preview."""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ChargeDeskError
from app.domain.journal import PayMethod
from app.domain.money import format_money, parse_money
from app.domain.permissions import Actor
from app.domain.residents import UserDraft
from app.services import users, wallets
from app.services.unit import Db
from app.services.users import GroupInfo, UserInfo
from app.services.wallets import Posting
from widgets.forms import FormDialog
from widgets.look import local
from widgets.messages import error_text
from widgets.ops import run_background


class UserDialog(FormDialog):
    def __init__(self, db: Db, actor: Actor, user: UserInfo | None, groups: list[GroupInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Register a user") if user is None else self.tr("Edit user"), parent)
        self.db, self.actor, self.user = db, actor, user
        self.saved: UserInfo | None = None
        u = user
        self.name = QLineEdit(u.name if u else "", self)
        self.phone = QLineEdit(u.phone if u else "", self)
        self.building = QLineEdit(u.building if u else "", self)
        self.unit = QLineEdit(u.unit if u else "", self)
        self.room = QLineEdit(u.room if u else "", self)
        self.vehicle = QComboBox(self)
        for code, label in (("", "—"), ("ebike", self.tr("e-bike")), ("trike", self.tr("e-tricycle")),
                            ("lsev", self.tr("low-speed EV")), ("car", self.tr("car"))):
            self.vehicle.addItem(label, code)
        self.vehicle.setCurrentIndex(max(0, self.vehicle.findData(u.vehicle_class if u else "")))
        self.group = QComboBox(self)
        self.group.addItem("—", "")
        for g in groups:
            self.group.addItem(g.name, g.code)
        self.group.setCurrentIndex(max(0, self.group.findData(u.group_code if u and u.group_code else "")))
        self.card = QLineEdit(u.card_no or "" if u else "", self)
        self.note = QLineEdit(u.note if u else "", self)
        for label, w in ((self.tr("Name"), self.name), (self.tr("Phone"), self.phone),
                         (self.tr("Building"), self.building), (self.tr("Unit"), self.unit),
                         (self.tr("Room"), self.room), (self.tr("Vehicle"), self.vehicle),
                         (self.tr("Group"), self.group), (self.tr("Card number"), self.card),
                         (self.tr("Note"), self.note)):
            self.form.addRow(label, w)

    def draft(self) -> UserDraft:
        return UserDraft(name=self.name.text(), phone=self.phone.text(), building=self.building.text(),
                         unit=self.unit.text(), room=self.room.text(), vehicle_class=self.vehicle.currentData() or None,
                         group=self.group.currentData() or None, card_no=self.card.text() or None,
                         note=self.note.text())

    def submit(self) -> None:
        draft, actor, db, user = self.draft(), self.actor, self.db, self.user

        def save() -> UserInfo:
            if user is None:
                return users.register_user(actor, db, draft)
            return users.edit_user(actor, db, user.user_id, draft, expected_version=user.version)

        self.run(save, lambda info: setattr(self, "saved", info))


class TopUpDialog(QDialog):
    """Amount and method, a receipt preview, then one posting. The idempotency key is fixed for the
    dialog, so pressing Confirm twice (or a retry after a timeout) can never post twice."""

    def __init__(self, db: Db, actor: Actor, user: UserInfo, balance_fen: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.user, self.balance_fen = db, actor, user, balance_fen
        self.key = f"desk-topup-{uuid.uuid4()}"
        self.posting: Posting | None = None
        self.setWindowTitle(self.tr("Top up — %1").replace("%1", user.name))
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText(self.tr("e.g. 50 or 20.50"))
        self.method = QComboBox(self)
        for m, label in ((PayMethod.CASH, self.tr("Cash")), (PayMethod.WECHAT, self.tr("WeChat Pay")),
                         (PayMethod.ALIPAY, self.tr("Alipay")), (PayMethod.BANK, self.tr("Bank transfer"))):
            self.method.addItem(label, m.value)
        self.reference = QLineEdit(self)
        self.reference.setPlaceholderText(self.tr("Payment reference (optional)"))
        form = QFormLayout()
        form.addRow(self.tr("Amount (yuan)"), self.amount)
        form.addRow(self.tr("Paid by"), self.method)
        form.addRow(self.tr("Reference"), self.reference)
        self.preview = QTextBrowser(self)
        self.preview.setMinimumSize(360, 260)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color:#d9343a")
        self.error.setWordWrap(True)
        self.confirm = QPushButton(self.tr("Confirm top-up"), self)
        self.print_button = QPushButton(self.tr("Print receipt…"), self)
        self.print_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"), self)
        row = QDialogButtonBox(self)
        for b in (self.confirm, self.print_button, self.close_button):
            row.addButton(b, QDialogButtonBox.ButtonRole.ActionRole)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.preview)
        lay.addWidget(self.error)
        lay.addWidget(row)
        self.amount.textChanged.connect(self._update_preview)
        self.method.currentIndexChanged.connect(self._update_preview)
        self.confirm.clicked.connect(self._post)
        self.print_button.clicked.connect(self._print)
        self.close_button.clicked.connect(self.accept)
        self._update_preview()

    def _amount(self) -> int | None:
        try:
            return parse_money(self.amount.text())
        except ChargeDeskError as exc:
            self.error.setText(error_text(exc) if self.amount.text() else "")
            return None

    def _receipt(self, amount: int, after: int, number: str, when: str) -> str:
        rows = [(self.tr("Receipt no."), number), (self.tr("Time"), when),
                (self.tr("User"), f"{self.user.name} {self.user.address}"),
                (self.tr("Paid by"), self.method.currentText()), (self.tr("Amount"), format_money(amount)),
                (self.tr("Balance before"), format_money(self.balance_fen)),
                (self.tr("Balance after"), format_money(after)), (self.tr("Operator"), self.actor.login)]
        body = "".join(f"<tr><td>{escape(k)}</td><td align='right'><b>{escape(v)}</b></td></tr>" for k, v in rows)
        title = escape(self.tr("Wallet top-up receipt"))
        return f"<h3 align='center'>ChargeDesk · {title}</h3><table width='100%'>{body}</table>"

    def _update_preview(self) -> None:
        if self.posting is not None:
            return
        self.error.setText("")
        amount = self._amount()
        self.confirm.setEnabled(amount is not None)
        if amount is None:
            self.preview.setHtml(f"<p>{escape(self.tr('Enter the amount received.'))}</p>")
            return
        self.preview.setHtml(self._receipt(amount, self.balance_fen + amount, self.tr("(assigned on confirm)"),
                                           self.tr("(now)")))

    def _post(self) -> None:
        amount = self._amount()
        if amount is None:
            return
        self.confirm.setEnabled(False)
        actor, db, uid, method, key = self.actor, self.db, self.user.user_id, self.method.currentData(), self.key
        ref = self.reference.text()
        run_background(lambda: wallets.top_up(actor, db, user_id=uid, amount_fen=amount, method=method,
                                              idempotency_key=key, reference=ref),
                       self._posted, self._fail, parent=self)

    def _posted(self, p: Posting) -> None:
        self.posting = p
        self.amount.setReadOnly(True)
        self.method.setEnabled(False)
        self.preview.setHtml(self._receipt(p.amount_fen, p.balance_after_fen, p.receipt_no or "",
                                           local(p.posted_at)))
        self.print_button.setEnabled(True)
        self.error.setStyleSheet("color:#2e9d4f")
        self.error.setText(self.tr("Posted. New balance %1.").replace("%1", format_money(p.balance_after_fen)))

    def _fail(self, exc: Exception) -> None:
        self.confirm.setEnabled(True)  # same key: retrying can only complete the first attempt, never double it
        self.error.setText(error_text(exc))

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            self.preview.document().print_(printer)
