"""Dialogs of the card desk: an amount (every amount is confirmed before anything is written), issuing a
card to a user, un-greying, the receipt with its print dialog, and the blacklist on the piles (push state per
pile, "push now" for a pile that has not got the list yet)."""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDate, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ChargeDeskError
from app.domain.money import format_money, parse_money
from app.domain.permissions import Actor
from app.engine.commands import CommandOutcome
from app.reports.card_receipt import ReceiptData, render
from app.services import card_blacklist, users
from app.services.card_blacklist import BlacklistPushStatus, PilePush
from app.services.remote import CommandEngine
from app.services.unit import Db
from widgets.look import local
from widgets.messages import chinese_ui, error_text
from widgets.ops import LatestLoad, run_background, when_done

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
        actor, db = self.actor, self.db
        # search as the clerk types: one query at a time, the newest text last
        self._search = LatestLoad(lambda text: users.search_users(actor, db, text, limit=50), self._show,
                                  lambda exc: self.error.setText(error_text(exc)), parent=self)
        self.search.textChanged.connect(self._find)
        self.kind.currentIndexChanged.connect(lambda _: self.until.setEnabled(self.kind.currentData() == "monthly"))
        self.until.setEnabled(False)
        self.values: dict[str, object] = {}
        self._find()

    def _find(self) -> None:
        self._search.request(self.search.text())

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


# state → (text colour, background) in the blacklist table and on the desk's line
PUSH_COLOURS = {"current": ("#1b5e20", "#e8f5e9"), "pending": ("#0d47a1", "#e3f2fd"),
                "offline": ("#5f6368", "#eeeeee"), "failed": ("#b3261e", "#ffebee"),
                "unsupported": ("#80868b", ""), "online_only": ("#5f6368", "")}  # fmt: skip


def push_line(st: BlacklistPushStatus) -> tuple[str, str]:
    """The desk's one line about the blacklist on the piles, and its colour."""
    if st.version == 0:
        return (QCoreApplication.translate("CardDialogs", "Pile blacklist: no card is reported lost."),
                PUSH_COLOURS["current"][0])  # fmt: skip
    if st.total == 0:
        text = QCoreApplication.translate("CardDialogs", "Pile blacklist version %1 (%2 cards): no pile here keeps "
                                          "a blacklist.")  # fmt: skip
        return text.replace("%1", str(st.version)).replace("%2", str(len(st.cards))), PUSH_COLOURS["unsupported"][0]
    zh, en = st.summary
    text = zh if chinese_ui() else en[:1].upper() + en[1:]
    worst = next((s for s in ("failed", "pending", "offline") if st.count(s)), "current")
    if st.not_on_piles and worst == "current":
        worst = "pending"
    return text, PUSH_COLOURS[worst][0]


class BlacklistPushDialog(QDialog):
    """The card blacklist on every pile: which version each pile holds, who is still waiting for it and why,
    and "Push now" for a pile that failed or is waiting (instead of the engine's next retry). The command goes
    to the engine; its outcome comes back without the window waiting for it."""

    statusChanged = Signal(object)  # BlacklistPushStatus, for the desk's line

    COLUMNS = 9

    def __init__(self, db: Db, actor: Actor, engine: CommandEngine | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.engine = db, actor, engine
        self.status: BlacklistPushStatus | None = None
        self.pushing: set[uuid.UUID] = set()
        self.setWindowTitle(self.tr("Card blacklist on the piles"))
        self.resize(1060, 560)
        lay = QVBoxLayout(self)
        self.summary = QLabel(self.tr("Loading …"), self)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.cards = QLabel("", self)
        self.cards.setWordWrap(True)
        lay.addWidget(self.summary)
        lay.addWidget(self.cards)
        self.table = QTableWidget(0, self.COLUMNS, self)
        self.table.setHorizontalHeaderLabels([
            self.tr("Community"), self.tr("Pile"), self.tr("State"), self.tr("Link"), self.tr("Version on pile"),
            self.tr("Cards confirmed"), self.tr("Last seen"), self.tr("Last pushed"), self.tr("Problem / action")])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # the last column takes the rest of the width (a long error is elided; its tooltip has it all)
        self.table.horizontalHeader().setSectionResizeMode(self.COLUMNS - 1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        row = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.refresh_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        lay.addLayout(row)
        self.names = {"current": self.tr("Current"), "pending": self.tr("Being pushed"),
                      "offline": self.tr("Offline: gets it when back"), "failed": self.tr("Push failed"),
                      "unsupported": self.tr("No blacklist on this model"),
                      "online_only": self.tr("No local list: checks each card online")}  # fmt: skip
        self.refresh()

    def refresh(self) -> None:
        actor, db = self.actor, self.db
        self.refresh_button.setEnabled(False)
        run_background(lambda: card_blacklist.push_status(actor, db), self.show_status, self._failed, parent=self)

    def show_status(self, st: BlacklistPushStatus) -> None:
        self.status = st
        self.refresh_button.setEnabled(True)
        text, colour = push_line(st)
        self.summary.setText(text)
        self.summary.setStyleSheet(f"font-size: 12pt; font-weight: bold; color: {colour};")
        shown = ", ".join(map(str, st.cards[:30])) + (" …" if len(st.cards) > 30 else "")
        cards = self.tr("Cards on the list (%1), newest first: %2").replace("%1", str(len(st.cards))).replace(
            "%2", shown) if st.cards else ""  # fmt: skip
        if st.not_on_piles:
            cards += "\n" + self.tr("Not on the piles (their table holds %1): %2").replace("%1", str(st.capacity)) \
                .replace("%2", ", ".join(map(str, st.not_on_piles)))
        self.cards.setText(cards)
        self.table.setRowCount(len(st.piles))
        for i, p in enumerate(st.piles):
            self._fill_row(i, p)
        for j in range(self.COLUMNS - 1):  # not the last: it stretches
            self.table.resizeColumnToContents(j)
        self.statusChanged.emit(st)

    def _fill_row(self, i: int, p: PilePush) -> None:
        when = lambda t: "" if t is None else local(t, "%m-%d %H:%M")  # noqa: E731
        pile = self.tr("%1 (car)").replace("%1", p.code) if p.car else p.code
        cells = [p.station_code, pile, self.names.get(p.state, p.state),
                 self.tr("online") if p.online else self.tr("offline"), str(p.version) if p.version else "—",
                 "" if p.entries is None else str(p.entries), when(p.seen_at), when(p.pushed_at), p.error or ""]
        fg, bg = PUSH_COLOURS.get(p.state, ("", ""))
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, p.pile_id)
            if j == 2:
                if fg:
                    item.setForeground(QBrush(QColor(fg)))
                if bg:
                    item.setBackground(QBrush(QColor(bg)))
                f = item.font()
                f.setBold(True)
                item.setFont(f)
            if j == 8 and p.error:
                item.setToolTip(p.error)
            self.table.setItem(i, j, item)
        self.table.removeCellWidget(i, 8)
        if p.state in ("failed", "pending"):
            button = QPushButton(self.tr("Push now"), self.table)
            button.setEnabled(self.engine is not None and p.pile_id not in self.pushing)
            if self.engine is None:
                button.setToolTip(self.tr("No engine in this window: the engine pushes the list by itself."))
            button.clicked.connect(lambda _=False, pid=p.pile_id, code=p.code: self.push_now(pid, code))
            holder = QWidget(self.table)
            holder.setToolTip(p.error or "")
            row = QHBoxLayout(holder)
            row.setContentsMargins(2, 0, 2, 0)
            row.addWidget(button)
            row.addWidget(QLabel(p.error or "", holder), 1)
            self.table.setCellWidget(i, 8, holder)
            self.table.item(i, 8).setText("")
            self.table.setRowHeight(i, max(self.table.rowHeight(i), button.sizeHint().height() + 4))

    def push_now(self, pile_id: uuid.UUID, code: str) -> None:
        """Ask the engine to push the list to this pile now; the outcome arrives later (nothing waits)."""
        engine, actor, db = self.engine, self.actor, self.db
        if engine is None or pile_id in self.pushing:
            return
        self.pushing.add(pile_id)
        self.message.setStyleSheet("color: #0d47a1;")
        self.message.setText(self.tr("%1: pushing the blacklist …").replace("%1", code))
        if self.status is not None:
            self.show_status(self.status)  # its button greys out

        def sent(fut: object) -> None:
            when_done(fut, lambda out: self._pushed(pile_id, code, out),  # type: ignore[arg-type]
                      lambda exc: self._push_failed(pile_id, code, exc), parent=self)

        # push_now reads the list and checks the role in the database: off the GUI thread; it only submits
        run_background(lambda: card_blacklist.push_now(actor, db, engine, pile_id), sent,
                       lambda exc: self._push_failed(pile_id, code, exc), parent=self)

    def _pushed(self, pile_id: uuid.UUID, code: str, out: CommandOutcome) -> None:
        self.pushing.discard(pile_id)
        word = self.tr("done") if out.ok else self.tr("FAILED")
        self.message.setStyleSheet("color: #1b5e20;" if out.ok else "color: #b3261e;")
        self.message.setText(f"{code}: {word} — {out.detail}")
        self.refresh()

    def _push_failed(self, pile_id: uuid.UUID, code: str, exc: Exception) -> None:
        self.pushing.discard(pile_id)
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setText(f"{code}: {error_text(exc)}")
        self.refresh()

    def _failed(self, exc: Exception) -> None:
        self.refresh_button.setEnabled(True)
        self.summary.setStyleSheet("font-size: 12pt; font-weight: bold; color: #b3261e;")
        self.summary.setText(error_text(exc))
