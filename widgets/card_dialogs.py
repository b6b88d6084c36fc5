"""Dialogs of the card desk: an amount (every amount is confirmed before anything is written), issuing a
card to a user, un-greying, and the receipt with its print dialog."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ChargeDeskError
from app.domain.money import format_money, parse_money
from app.domain.permissions import Actor
from app.reports.card_receipt import ReceiptData, render
from app.services import users
from app.services.unit import Db
from widgets.messages import error_text

METHODS = ("cash", "wechat", "alipay", "bank")


def _method_box(parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    names = {"cash": QCoreApplication.translate("CardDialogs", "Cash"),
             "wechat": QCoreApplication.translate("CardDialogs", "WeChat Pay"),
             "alipay": QCoreApplication.translate("CardDialogs", "Alipay"),
             "bank": QCoreApplication.translate("CardDialogs", "Bank transfer")}  # fmt: skip
    for m in METHODS:
        box.addItem(names[m], m)
    return box


def _money(edit: QLineEdit, *, allow_zero: bool = False) -> int:
    return parse_money(edit.text() or "0", allow_zero=allow_zero)


def _ok_cancel(parent: QWidget) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(QCoreApplication.translate("CardDialogs", "OK"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(QCoreApplication.translate("CardDialogs", "Cancel"))
    return box


def confirm(parent: QWidget, text: str) -> bool:
    """The last look before money moves: the amount in words the clerk reads back to the customer."""
    box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("CardDialogs", "Confirm"), text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)  # fmt: skip
    box.button(QMessageBox.StandardButton.Yes).setText(QCoreApplication.translate("CardDialogs", "Yes, do it"))
    box.button(QMessageBox.StandardButton.No).setText(QCoreApplication.translate("CardDialogs", "No"))
    box.setDefaultButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


class AmountDialog(QDialog):
    """An amount and how it was paid (or a reason), confirmed before it is accepted."""

    def __init__(self, title: str, what: str, parent: QWidget | None = None, *, method: bool = True,
                 reason: bool = False, limit_fen: int | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(title)
        self.what, self.limit = what, limit_fen
        form = QFormLayout(self)
        heading = QLabel(what, self)
        heading.setStyleSheet("font-size: 14pt;")
        form.addRow(heading)
        self.amount = QLineEdit(self)
        self.amount.setPlaceholderText("0.00")
        self.amount.setStyleSheet("font-size: 20pt;")
        form.addRow(self.tr("Amount (¥)"), self.amount)
        self.method = _method_box(self)
        self.method.setVisible(method)
        if method:
            form.addRow(self.tr("Paid by"), self.method)
        self.reason = QLineEdit(self)
        self.reason.setVisible(reason)
        if reason:
            form.addRow(self.tr("Reason"), self.reason)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b3261e;")
        form.addRow(self.error)
        buttons = _ok_cancel(self)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.amount_fen = 0

    def _ok(self) -> None:
        try:
            fen = _money(self.amount, allow_zero=self.limit is not None)
        except ChargeDeskError as exc:
            self.error.setText(error_text(exc))
            return
        if self.limit is not None and fen > self.limit:
            self.error.setText(self.tr("At most %1").replace("%1", format_money(self.limit)))
            return
        if self.reason.isVisibleTo(self) and not self.reason.text().strip():
            self.error.setText(self.tr("A reason is needed."))
            return
        how = f" ({self.method.currentText()})" if self.method.isVisibleTo(self) else ""
        if confirm(self, f"{self.what}: {format_money(fen)}{how}?"):
            self.amount_fen = fen
            self.accept()


class IssueDialog(QDialog):
    """Issue the blank card on the reader: pick the user, the card type, the deposit and the first top-up."""

    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor = db, actor
        self.setWindowTitle(self.tr("Issue a card"))
        self.resize(520, 560)
        form = QFormLayout(self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Name, phone or room"))
        self.people = QListWidget(self)
        form.addRow(self.tr("User"), self.search)
        form.addRow(self.people)
        self.kind = QComboBox(self)
        for code, name in (("stored", self.tr("Stored value")), ("monthly", self.tr("Monthly")),
                           ("free", self.tr("Free")), ("staff", self.tr("Staff"))):  # fmt: skip
            self.kind.addItem(name, code)
        form.addRow(self.tr("Card type"), self.kind)
        self.deposit = QLineEdit("10.00", self)
        self.initial = QLineEdit("0.00", self)
        self.until = QDateEdit(QDate.currentDate().addMonths(1), self)
        self.until.setCalendarPopup(True)
        self.method = _method_box(self)
        form.addRow(self.tr("Deposit (¥)"), self.deposit)
        form.addRow(self.tr("First top-up (¥)"), self.initial)
        form.addRow(self.tr("Monthly until"), self.until)
        form.addRow(self.tr("Paid by"), self.method)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b3261e;")
        form.addRow(self.error)
        buttons = _ok_cancel(self)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.search.textChanged.connect(self._find)
        self.kind.currentIndexChanged.connect(lambda _: self.until.setEnabled(self.kind.currentData() == "monthly"))
        self.until.setEnabled(False)
        self.values: dict[str, object] = {}
        self._find()

    def _find(self) -> None:
        from widgets.ops import run_background

        text = self.search.text()
        run_background(lambda: users.search_users(self.actor, self.db, text, limit=50), self._show,
                       lambda exc: self.error.setText(error_text(exc)), parent=self)  # fmt: skip

    def _show(self, found: list[users.UserInfo]) -> None:
        self.people.clear()
        for u in found:
            item = QListWidgetItem(f"{u.name}  {u.building}-{u.unit}-{u.room}  {u.phone}")
            item.setData(Qt.ItemDataRole.UserRole, u.user_id)
            self.people.addItem(item)
        if self.people.count():
            self.people.setCurrentRow(0)

    def _ok(self) -> None:
        item = self.people.currentItem()
        if item is None:
            self.error.setText(self.tr("Choose the user."))
            return
        try:
            deposit, initial = _money(self.deposit, allow_zero=True), _money(self.initial, allow_zero=True)
        except ChargeDeskError as exc:
            self.error.setText(error_text(exc))
            return
        kind = str(self.kind.currentData())
        d = self.until.date()
        until = dt.datetime(d.year(), d.month(), d.day(), 16, 0, tzinfo=dt.UTC) if kind == "monthly" else None
        text = self.tr("Issue a %1 card to %2: deposit %3, top-up %4, total %5 (%6)?")
        for i, v in enumerate((self.kind.currentText(), item.text().split("  ")[0], format_money(deposit),
                               format_money(initial), format_money(deposit + initial), self.method.currentText()), 1):
            text = text.replace(f"%{i}", v)
        if confirm(self, text):
            self.values = {"user_id": item.data(Qt.ItemDataRole.UserRole), "kind": kind, "deposit_fen": deposit,
                           "initial_fen": initial, "method": self.method.currentData(), "monthly_until": until}
            self.accept()


class UngreyDialog(QDialog):
    """解灰: from the pile's record when it is here, or the clerk decides how much goes back, with a reason."""

    def __init__(self, lock_text: str, held_fen: int, record_text: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Un-grey the card"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(lock_text, self))
        self.by_record = QRadioButton(record_text or self.tr("No record from the pile yet"), self)
        self.by_record.setEnabled(record_text is not None)
        self.by_hand = QRadioButton(self.tr("Decide by hand (amount back onto the card, at most %1)")
                                    .replace("%1", format_money(held_fen)), self)  # fmt: skip
        (self.by_record if record_text else self.by_hand).setChecked(True)
        self.amount = QLineEdit("0.00", self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(self.tr("Reason (required by hand)"))
        for w in (self.by_record, self.by_hand, self.amount, self.reason):
            lay.addWidget(w)
        self.error = QLabel("", self)
        lay.addWidget(self.error)
        buttons = _ok_cancel(self)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.held = held_fen
        self.refund_fen: int | None = None
        self.reason_text = ""

    def _ok(self) -> None:
        if self.by_record.isChecked():
            self.refund_fen, self.reason_text = None, ""
            if confirm(self, self.tr("Settle the card from the pile's record?")):
                self.accept()
            return
        try:
            fen = _money(self.amount, allow_zero=True)
        except ChargeDeskError as exc:
            self.error.setText(error_text(exc))
            return
        if fen > self.held or not self.reason.text().strip():
            self.error.setText(self.tr("At most %1, and a reason is needed.").replace("%1", format_money(self.held)))
            return
        if confirm(self, self.tr("Put %1 back onto the card and clear the lock?").replace("%1", format_money(fen))):
            self.refund_fen, self.reason_text = fen, self.reason.text().strip()
            self.accept()


def pdf_page_image(pdf: bytes, width_px: int) -> QImage:
    """The first page of a PDF as an image (QtPdf), for the preview and the printer."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    buf = QBuffer()
    buf.setData(QByteArray(pdf))
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)
    size = doc.pagePointSize(0)
    height = int(width_px * size.height() / max(size.width(), 1))
    return doc.render(0, QSize(width_px, height))


class ReceiptDialog(QDialog):
    """The receipt: 80 mm roll or A5, a preview, the print dialog, save as PDF (also for reprints)."""

    def __init__(self, data: ReceiptData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.setWindowTitle(self.tr("Receipt %1").replace("%1", data.receipt_no))
        self.resize(460, 720)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        self.paper = QComboBox(self)
        self.paper.addItem(self.tr("80 mm roll"), "80mm")
        self.paper.addItem("A5", "A5")
        row.addWidget(QLabel(self.tr("Paper"), self))
        row.addWidget(self.paper)
        row.addStretch(1)
        lay.addLayout(row)
        self.preview = QLabel(self)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        lay.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print…"), self)
        self.save_button = QPushButton(self.tr("Save PDF…"), self)
        close = QPushButton(self.tr("Close"), self)
        for b in (self.print_button, self.save_button, close):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        self.paper.currentIndexChanged.connect(self._render)
        self.print_button.clicked.connect(self._print)
        self.save_button.clicked.connect(self._save)
        close.clicked.connect(self.accept)
        self.pdf = b""
        self._render()

    def _render(self) -> None:
        self.pdf = render(self.data, paper=str(self.paper.currentData()))
        self.preview.setPixmap(QPixmap.fromImage(pdf_page_image(self.pdf, 380)))

    def _print(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        rect = painter.viewport()
        image = pdf_page_image(self.pdf, rect.width())
        painter.drawImage(0, 0, image)
        painter.end()

    def _save(self) -> None:
        default = str(Path(tempfile.gettempdir()) / f"{self.data.receipt_no}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save receipt"), default, "PDF (*.pdf)")
        if path:
            Path(path).write_bytes(self.pdf)
