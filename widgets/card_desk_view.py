"""Card desk tab (M4): built for a counter. Tap a card → the card and its holder appear at once; big buttons
with F-keys for every operation; every amount confirmed; receipts printed or reprinted; the card's and the
user's records below (money in and out, operations, charging records — M4.4).

The reader lives on its own thread (widgets.card_reader_worker): every card operation is a job there, so
the window never waits on the serial port; database-only work (loss report and undoing it, history, search,
the blacklist's push state) goes through widgets.ops.run_background.

A loss report (挂失) or undoing it (解挂) gives the piles' card blacklist a new version, which the engine pushes
to every pile; the line under the buttons says how far that got, and "Blacklist on the piles…" shows it pile by
pile, with "Push now" for a pile that failed or is waiting.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.domain.permissions import Actor, Permission, allows
from app.services import card_blacklist, card_queries, cards
from app.services.card_blacklist import BlacklistPushStatus
from app.services.card_keys import CardContext
from app.services.card_queries import CardHistory
from app.services.cards import CardResult, CardView
from app.services.remote import CommandEngine
from app.services.unit import Db
from comm.pn532.device import PN532
from widgets.card_dialogs import (
    AmountDialog,
    BlacklistPushDialog,
    IssueDialog,
    ReceiptDialog,
    UngreyDialog,
    confirm,
    push_line,
)
from widgets.card_reader_worker import ReaderWorker
from widgets.look import local
from widgets.messages import chinese_ui
from widgets.ops import LatestLoad, run_background
from widgets.tables import make_table

METHOD_NAMES = {"cash": ("现金", "cash"), "wechat": ("微信", "WeChat"), "alipay": ("支付宝", "Alipay"),
                "bank": ("银行", "bank")}  # fmt: skip
STATE_NAMES = {"done": ("完成", "done"), "rolled_back": ("已撤销", "rolled back"), "pending": ("未完成", "pending")}
KEYS = {"read": "F1", "issue": "F2", "topup": "F3", "monthly": "F4", "ungrey": "F5", "return": "F6", "loss": "F7",
        "unloss": "Shift+F7", "replace": "F8", "reprint": "F9"}  # fmt: skip  # 解挂 undoes F7, so Shift+F7
PUSH_FOLLOW_S, PUSH_FOLLOW_MAX = 3.0, 20  # while piles are being pushed: look again every 3 s, at most 20 times


def say(exc: object) -> str:
    """An error in the clerk's language: services and the reader both carry zh and en."""
    zh, en = getattr(exc, "zh", None), getattr(exc, "en", None)
    if zh is not None and en is not None:
        return str(zh if chinese_ui() else en)
    return str(exc) or type(exc).__name__


class CardDeskView(QWidget):
    def __init__(self, db: Db, actor: Actor, ctx: CardContext | None, worker: ReaderWorker,
                 parent: QWidget | None = None, *, engine: CommandEngine | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.db, self.actor, self.ctx, self.worker, self.engine = db, actor, ctx, worker, engine
        self.view: CardView | None = None
        self.last: CardResult | None = None
        self.busy = False
        self.reader_label = QLabel(self.tr("Card reader: looking…"), self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Card number, name or phone"))
        top = QHBoxLayout()
        top.addWidget(self.reader_label, 1)
        top.addWidget(self.search, 1)
        # the card
        self.card_no = QLabel("—", self)
        self.card_no.setStyleSheet("font-size: 26pt; font-weight: bold;")
        self.balance = QLabel("", self)
        self.balance.setStyleSheet("font-size: 30pt; font-weight: bold; color: #1b5e20;")
        self.holder = QLabel(self.tr("Place a card on the reader"), self)
        self.holder.setStyleSheet("font-size: 16pt;")
        self.details = QLabel("", self)
        self.details.setWordWrap(True)
        self.details.setStyleSheet("font-size: 12pt;")
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("font-size: 12pt; color: #0d47a1;")
        card_box = QVBoxLayout()
        for w in (self.card_no, self.balance, self.holder, self.details, self.message):
            card_box.addWidget(w)
        card_box.addStretch(1)
        # the buttons
        names = {"read": self.tr("Read card"), "issue": self.tr("Issue"), "topup": self.tr("Top up"),
                 "monthly": self.tr("Monthly"), "ungrey": self.tr("Un-grey"), "return": self.tr("Return card"),
                 "loss": self.tr("Report loss"), "unloss": self.tr("Undo loss report"), "replace": self.tr("Replace"),
                 "reprint": self.tr("Receipt")}  # fmt: skip
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, (key, name) in enumerate(names.items()):
            b = QPushButton(f"{name}\n{KEYS[key]}", self)
            b.setMinimumSize(150, 72)
            b.setStyleSheet("font-size: 15pt;")
            b.clicked.connect(getattr(self, f"_on_{key}"))
            QShortcut(QKeySequence(KEYS[key]), self, activated=b.click)
            grid.addWidget(b, i // 3, i % 3)
            self.buttons[key] = b
        middle = QHBoxLayout()
        middle.addLayout(card_box, 3)
        middle.addLayout(grid, 4)
        # the blacklist on the piles (card clerks only; the service checks again)
        self.blacklist_line = QLabel("", self)
        self.blacklist_line.setWordWrap(True)
        self.blacklist_line.setStyleSheet("font-size: 12pt;")
        self.blacklist_button = QPushButton(self.tr("Blacklist on the piles…"), self)
        self.blacklist_button.clicked.connect(self.open_blacklist)
        bl_row = QHBoxLayout()
        bl_row.addWidget(self.blacklist_line, 1)
        bl_row.addWidget(self.blacklist_button)
        self.may_blacklist = allows(actor, Permission.MANAGE_CARDS)
        self.blacklist_line.setVisible(self.may_blacklist)
        self.blacklist_button.setVisible(self.may_blacklist)
        self.push_status: BlacklistPushStatus | None = None
        self._push_follow = 0
        self._push_timer = QTimer(self)
        self._push_timer.setSingleShot(True)
        self._push_timer.timeout.connect(self.refresh_blacklist)
        # the records
        self.tabs = QTabWidget(self)
        self.ops = make_table(self, [self.tr("Time"), self.tr("Card"), self.tr("Operation"), self.tr("Amount"),
                                     self.tr("Balance after"), self.tr("Paid by"), self.tr("Receipt"),
                                     self.tr("Clerk"), self.tr("State")], single=False)  # fmt: skip
        self.charges = make_table(self, [self.tr("Start"), self.tr("Card"), self.tr("Pile"), self.tr("Port"),
                                         self.tr("Minutes"), self.tr("Energy (kWh)"), self.tr("Paid"),
                                         self.tr("Refund"), self.tr("Stop reason")], single=False)  # fmt: skip
        self.found = make_table(self, [self.tr("Card"), self.tr("Holder"), self.tr("Type"), self.tr("State"),
                                       self.tr("Balance"), self.tr("Deposit")], single=False)  # fmt: skip
        self.tabs.addTab(self.ops, self.tr("Operations"))
        self.tabs.addTab(self.charges, self.tr("Charging records"))
        self.tabs.addTab(self.found, self.tr("Search results"))
        self.totals = QLabel("", self)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(middle, 3)
        lay.addLayout(bl_row)
        lay.addWidget(self.totals)
        lay.addWidget(self.tabs, 2)
        self.search.returnPressed.connect(self._on_search)
        self.found.cellDoubleClicked.connect(self._on_found)
        worker.cardPlaced.connect(lambda _uid: self._on_read())
        worker.cardRemoved.connect(self._on_removed)
        worker.readerStatus.connect(self._on_reader)
        self._selected_card: int | None = None
        self._selected_state: str | None = None
        self._history: dict[str, Any] = {}
        # One history query at a time; asked again meanwhile (a tap, then the operation's reload), one more runs
        # after it with the newest card: two in flight could land out of order and show a stale list.
        self._history_load = LatestLoad(
            lambda card_no, user_id: card_queries.card_history(actor, db, card_no=card_no, user_id=user_id),
            self.show_history, self._failed, parent=self)
        self._refresh_buttons()
        self.make_key = QPushButton(self.tr("Create the card master key (first desk)"), self)
        self.import_key = QPushButton(self.tr("Import the master key from another desk…"), self)
        self.make_key.clicked.connect(self._on_make_key)
        self.import_key.clicked.connect(self._on_import_key)
        keys = QHBoxLayout()
        keys.addWidget(self.make_key)
        keys.addWidget(self.import_key)
        keys.addStretch(1)
        lay.insertLayout(1, keys)
        self._key_buttons()

    def _key_buttons(self) -> None:
        for b in (self.make_key, self.import_key):
            b.setVisible(self.ctx is None)
        if self.ctx is None:
            self.message.setText(self.tr("No card master key in this computer's keyring: create it at the first desk, "
                                         "or import it from a desk that has it."))  # fmt: skip

    def _got_key(self, ctx: CardContext) -> None:
        self.ctx = ctx
        self._key_buttons()
        self.message.setText(self.tr("Card master key ready (kept in the OS keyring only)."))
        self._refresh_buttons()

    def _on_make_key(self) -> None:
        if confirm(self, self.tr("Create a new card master key? Only for the first desk: every desk and pile of "
                                 "this operator must then use the same key.")):  # fmt: skip
            from app.secrets import KeyringSecretStore
            from app.services.card_keys import card_context

            run_background(lambda: card_context(self.db, KeyringSecretStore(), create=True), self._got_key,
                           self._failed, parent=self)  # fmt: skip

    def _on_import_key(self) -> None:
        text, ok = QInputDialog.getText(self, self.tr("Import the master key"), self.tr("Master key (32 hex digits):"),
                                        QLineEdit.EchoMode.Password)  # fmt: skip
        if not ok:
            return
        from app.secrets import KeyringSecretStore
        from app.services.card_keys import card_context, import_master_key

        def work() -> CardContext:
            store = KeyringSecretStore()
            import_master_key(store, text)
            return card_context(self.db, store)

        run_background(work, self._got_key, self._failed, parent=self)

    def showEvent(self, event: QShowEvent) -> None:
        """The reader is looked for only once the desk is on screen (not in every window that has the tab)."""
        super().showEvent(event)
        if not self.worker.started:
            self.worker.start()
        if self.push_status is None:
            self.refresh_blacklist()

    def shutdown(self) -> None:
        if self.worker.started:
            self.worker.stop()


    # -- state ----------------------------------------------------------------------------------------
    def _refresh_buttons(self) -> None:
        v, ok = self.view, self.ctx is not None and not self.busy
        active = v is not None and v.state == "active"
        blank = v is not None and v.state == "blank"
        enable = {"read": ok, "issue": ok and blank, "topup": ok and active and v.kind == "stored",  # type: ignore[union-attr]
                  "monthly": ok and active and v.kind == "monthly", "ungrey": ok and active and v.lock is not None,  # type: ignore[union-attr]
                  "return": ok and active, "loss": not self.busy and self._card_for_loss() is not None,
                  "unloss": not self.busy and self._card_for_unloss() is not None,
                  "replace": ok and blank, "reprint": self.last is not None}  # fmt: skip
        for key, b in self.buttons.items():
            b.setEnabled(bool(enable[key]))

    def _card_for_loss(self) -> int | None:
        if self.view is not None and self.view.state == "active":
            return self.view.card_no
        return self._selected_card if self._selected_state in (None, "active") else None

    def _card_for_unloss(self) -> int | None:
        """A card reported lost and not replaced: the one on the reader, else the one picked in the search."""
        if self.view is not None and self.view.state == "lost":
            return self.view.card_no
        return self._selected_card if self._selected_state == "lost" else None

    def _kind_name(self, kind: str) -> str:
        return {"stored": self.tr("Stored value"), "monthly": self.tr("Monthly"), "free": self.tr("Free"),
                "staff": self.tr("Staff")}.get(kind, kind)  # fmt: skip

    def _state_name(self, state: str) -> str:
        return {"active": self.tr("Active"), "lost": self.tr("Reported lost — refuse"),
                "returned": self.tr("Returned"), "replaced": self.tr("Replaced — refuse"),
                "unregistered": self.tr("Not in this database")}.get(state, state)  # fmt: skip

    def show_card(self, v: CardView) -> None:
        self.view = v
        if v.state == "blank":
            self.card_no.setText(self.tr("Blank card"))
            self.balance.setText("")
            self.holder.setText(self.tr("UID %1 — ready to issue").replace("%1", v.uid))
            self.details.setText("")
        else:
            self.card_no.setText(self.tr("Card %1").replace("%1", str(v.card_no)))
            self.balance.setText(format_money(v.balance_fen))
            who = f"{v.holder}  {v.address}  {v.phone}".strip()
            self.holder.setText(who or self.tr("(not registered here)"))
            labels = (self.tr("Type"), self.tr("State"), self.tr("Deposit"), self.tr("Monthly until"))
            parts = [f"{labels[0]}: {self._kind_name(v.kind)}", f"{labels[1]}: {self._state_name(v.state)}",
                     f"{labels[2]}: {format_money(v.deposit_fen)}"]  # fmt: skip
            if v.monthly_until:
                parts.append(f"{labels[3]}: {local(v.monthly_until, '%Y-%m-%d %H:%M')}")
            if v.lock is not None:
                parts.append(self.tr("GREY-LOCKED by pile %1 port %2 since %3, %4 held")
                             .replace("%1", v.lock.pile_code or "?").replace("%2", str(v.lock.port))
                             .replace("%3", local(v.lock.at, "%m-%d %H:%M"))
                             .replace("%4", format_money(v.lock.held_fen)))
            elif v.lock_damaged:
                parts.append(self.tr("Grey lock record damaged: un-grey by hand"))
            self.details.setText("\n".join(parts))
        self.message.setText("\n".join(n.zh if chinese_ui() else n.en for n in v.notes))
        self._refresh_buttons()
        if v.card_no:
            self._load_history(card_no=v.card_no)

    # -- reader jobs ------------------------------------------------------------------------------------
    def run_card_job(self, fn: Callable[[PN532], Any], done: Callable[[Any], None]) -> None:
        if self.ctx is None:
            return
        self.busy = True
        self._refresh_buttons()

        def ok(result: Any) -> None:
            self.busy = False
            done(result)
            self._refresh_buttons()

        def bad(exc: Exception) -> None:
            self.busy = False
            self.message.setText(say(exc))
            self.message.setStyleSheet("font-size: 12pt; color: #b3261e;")
            self._refresh_buttons()

        self.message.setStyleSheet("font-size: 12pt; color: #0d47a1;")
        self.worker.submit(fn, ok, bad)

    def _on_read(self) -> None:
        ctx = self.ctx
        if ctx is not None:
            self.run_card_job(lambda dev: cards.tap(self.actor, self.db, dev, ctx), self.show_card)

    def _on_removed(self) -> None:
        if not self.busy:
            self.view = None
            self.card_no.setText("—")
            self.balance.setText("")
            self.holder.setText(self.tr("Place a card on the reader"))
            self.details.setText("")
            self._refresh_buttons()

    def _on_reader(self, ok: bool, info: object) -> None:
        text = str(info) if ok else say(info)
        label = self.tr("Card reader: %1") if ok else self.tr("No card reader: %1")
        self.reader_label.setText(label.replace("%1", text))
        self.reader_label.setStyleSheet("" if ok else "color: #b3261e;")

    def _done(self, r: CardResult) -> None:
        self.last = r
        self.show_card(r.view)
        if r.receipt_no and self.ctx is not None:
            self._receipt(card_queries.receipt_of(r, operator_name=self.ctx.operator_name))

    def _receipt(self, data: Any) -> None:
        ReceiptDialog(data, self).exec()

    # -- operations --------------------------------------------------------------------------------------
    def _on_issue(self) -> None:
        dlg = IssueDialog(self.db, self.actor, self)
        if dlg.exec() and dlg.values and self.ctx is not None:
            ctx, v = self.ctx, dlg.values
            self.run_card_job(lambda dev: cards.issue(self.actor, self.db, dev, ctx, **v), self._done)  # type: ignore[arg-type]

    def _on_topup(self) -> None:
        v, ctx = self.view, self.ctx
        if v is None or ctx is None:
            return
        dlg = AmountDialog(self.tr("Top up"), self.tr("Top up card %1 (%2)").replace("%1", str(v.card_no))
                           .replace("%2", v.holder), self)  # fmt: skip
        if dlg.exec():
            fen, method = dlg.amount_fen, str(dlg.method.currentData())
            self.run_card_job(lambda dev: cards.top_up(self.actor, self.db, dev, ctx, card_no=v.card_no,
                                                       amount_fen=fen, method=method), self._done)  # fmt: skip

    def _on_monthly(self) -> None:
        v, ctx = self.view, self.ctx
        if v is None or ctx is None:
            return
        months, ok = QInputDialog.getInt(self, self.tr("Monthly"), self.tr("Months"), 1, 1, 24)
        if not ok:
            return
        dlg = AmountDialog(self.tr("Monthly fee"), self.tr("Monthly card %1 for %2 months").replace("%1", str(
            v.card_no)).replace("%2", str(months)), self)  # fmt: skip
        if dlg.exec():
            import datetime as dt

            start = max(v.monthly_until or dt.datetime.now(dt.UTC), dt.datetime.now(dt.UTC))
            until = start + dt.timedelta(days=30 * months)
            fee, method = dlg.amount_fen, str(dlg.method.currentData())
            self.run_card_job(lambda dev: cards.activate_monthly(self.actor, self.db, dev, ctx, card_no=v.card_no,
                                                                 until=until, fee_fen=fee, method=method), self._done)

    def _on_ungrey(self) -> None:
        v, ctx = self.view, self.ctx
        if v is None or ctx is None or v.lock is None:
            return
        lock = v.lock
        text = self.tr("Pile %1 port %2, %3 held").replace("%1", lock.pile_code or "?").replace(
            "%2", str(lock.port)).replace("%3", format_money(lock.held_fen))  # fmt: skip

        def with_record(rec: Any) -> None:
            rec_text = None if rec is None else self.tr("From the pile's record: charged %1, %2 back").replace(
                "%1", format_money(rec.amount_fen)).replace("%2", format_money(rec.refund_fen))  # fmt: skip
            dlg = UngreyDialog(text, lock.held_fen, rec_text, self)
            if dlg.exec():
                fen, reason = dlg.refund_fen, dlg.reason_text
                self.run_card_job(lambda dev: cards.ungrey(self.actor, self.db, dev, ctx, card_no=v.card_no,
                                                           refund_fen=fen, reason=reason), self._done)  # fmt: skip

        from comm.mifare.layout import GreyLock, pile_number

        key = GreyLock(pile_number(lock.pile_code or ""), lock.port, 0, lock.held_fen, lock.session_id)
        run_background(lambda: cards.pile_record(self.db, v.card_no, key), with_record, self._failed, parent=self)

    def _on_return(self) -> None:
        v, ctx = self.view, self.ctx
        if v is None or ctx is None:
            return
        total = format_money(v.balance_fen + v.deposit_fen)
        if confirm(self, self.tr("Return card %1: pay back %2 (balance %3 + deposit %4) in cash?").replace(
                "%1", str(v.card_no)).replace("%2", total).replace("%3", format_money(v.balance_fen)).replace(
                "%4", format_money(v.deposit_fen))):  # fmt: skip
            self.run_card_job(lambda dev: cards.return_card(self.actor, self.db, dev, ctx, card_no=v.card_no),
                              self._done)  # fmt: skip

    def _on_loss(self) -> None:
        no = self._card_for_loss()
        if no is None:
            return
        reason, ok = QInputDialog.getText(self, self.tr("Report loss"), self.tr("Card %1 is lost. Reason / note:")
                                          .replace("%1", str(no)))  # fmt: skip
        if ok and confirm(self, self.tr("Blacklist card %1 now?").replace("%1", str(no))):
            def done(bl: list[int]) -> None:
                self._card_state(no, "lost")
                self.message.setText(self.tr("Card %1 blacklisted (%2 cards on the blacklist)")
                                     .replace("%1", str(no)).replace("%2", str(len(bl))))  # fmt: skip
                self.refresh_blacklist(follow=True)

            run_background(lambda: cards.report_loss(self.actor, self.db, card_no=no, reason=reason), done,
                           self._failed, parent=self)  # fmt: skip

    def _on_unloss(self) -> None:
        """解挂: a card reported lost turned up before it was replaced; it works again and leaves the blacklist."""
        no = self._card_for_unloss()
        if no is None:
            return
        reason, ok = QInputDialog.getText(self, self.tr("Undo loss report"),
                                          self.tr("Card %1 was found. Reason (required):").replace("%1", str(no)))
        if not ok:
            return
        reason = reason.strip()
        if not reason:
            self.message.setStyleSheet("font-size: 12pt; color: #b3261e;")
            self.message.setText(self.tr("Undoing a loss report needs a reason."))
            return
        if not confirm(self, self.tr("Undo the loss report of card %1 (reason: %2)? The card works again and comes "
                                     "off the piles' blacklist.").replace("%1", str(no)).replace("%2", reason)):
            return

        def done(bl: list[int]) -> None:
            self._card_state(no, "active")
            self.message.setStyleSheet("font-size: 12pt; color: #0d47a1;")
            self.message.setText(self.tr("Loss report of card %1 undone: the card works again (%2 cards left on the "
                                         "blacklist).").replace("%1", str(no)).replace("%2", str(len(bl))))
            self.refresh_blacklist(follow=True)

        run_background(lambda: cards.cancel_loss(self.actor, self.db, card_no=no, reason=reason), done,
                       self._failed, parent=self)  # fmt: skip

    def _card_state(self, card_no: int, state: str) -> None:
        """A loss report or its undoing went through: the card on screen, the search row and the records follow."""
        if self._selected_card == card_no:
            self._selected_state = state
            for i in range(self.found.rowCount()):
                item = self.found.item(i, 0)
                if item is not None and item.data(Qt.ItemDataRole.UserRole)[0] == card_no:
                    item.setData(Qt.ItemDataRole.UserRole + 1, state)
                    self.found.item(i, 3).setText(self._state_name(state))
        if self.view is not None and self.view.card_no == card_no:
            self.show_card(replace(self.view, state=state))  # reloads the card's records
        elif self._history:
            self._load_history(**self._history)
        self._refresh_buttons()

    # -- the blacklist on the piles ----------------------------------------------------------------------
    def refresh_blacklist(self, *, follow: bool = False) -> None:
        """Ask where the blacklist stands on the piles; `follow`: a new version was just made, so look again
        every few seconds while piles are still being pushed."""
        if not self.may_blacklist:
            return
        if follow:
            self._push_follow = PUSH_FOLLOW_MAX
        run_background(lambda: card_blacklist.push_status(self.actor, self.db), self.show_push_status,
                       lambda exc: self.blacklist_line.setText(say(exc)), parent=self)  # fmt: skip

    def show_push_status(self, st: BlacklistPushStatus) -> None:
        self.push_status = st
        text, colour = push_line(st)
        self.blacklist_line.setText(text)
        self.blacklist_line.setStyleSheet(f"font-size: 12pt; color: {colour};")
        if st.count("pending") and self._push_follow > 0 and self.isVisible():
            self._push_follow -= 1
            self._push_timer.start(int(PUSH_FOLLOW_S * 1000))
        else:
            self._push_follow = 0

    def open_blacklist(self) -> BlacklistPushDialog:
        dlg = BlacklistPushDialog(self.db, self.actor, self.engine, self)
        dlg.statusChanged.connect(self.show_push_status)
        dlg.open()
        return dlg

    def _on_replace(self) -> None:
        ctx, old = self.ctx, self._selected_card
        if ctx is None:
            return
        if old is None:
            self.message.setText(self.tr("Find the lost card first (search box), then put a blank card on the reader."))
            return
        if confirm(self, self.tr("Make this blank card the replacement of lost card %1, with its balance?")
                   .replace("%1", str(old))):  # fmt: skip
            self.run_card_job(lambda dev: cards.replace_card(self.actor, self.db, dev, ctx, old_card_no=old),
                              self._done)  # fmt: skip

    def _on_reprint(self) -> None:
        if self.last is not None and self.ctx is not None:
            op_no, name = self.last.op_no, self.ctx.operator_name
            run_background(lambda: card_queries.receipt_data(self.actor, self.db, op_no, operator_name=name),
                           self._receipt, self._failed, parent=self)  # fmt: skip

    def _failed(self, exc: Exception) -> None:
        self.message.setText(say(exc))

    # -- records -------------------------------------------------------------------------------------------
    def _on_search(self) -> None:
        text = self.search.text()
        run_background(lambda: card_queries.find_cards(self.actor, self.db, text), self._show_found, self._failed,
                       parent=self)  # fmt: skip

    def _show_found(self, rows: list[card_queries.CardRow]) -> None:
        self.found.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, text in enumerate((str(r.card_no), r.holder, self._kind_name(r.kind), self._state_name(r.state),
                                      format_money(r.balance_fen),
                                      format_money(r.deposit_fen))):  # fmt: skip
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (r.card_no, r.user_id))
                item.setData(Qt.ItemDataRole.UserRole + 1, r.state)
                self.found.setItem(i, j, item)
        self.tabs.setCurrentWidget(self.found)

    def _on_found(self, row: int, _col: int) -> None:
        item = self.found.item(row, 0)
        if item is not None:
            card_no, user_id = item.data(Qt.ItemDataRole.UserRole)
            self._selected_card = card_no
            self._selected_state = item.data(Qt.ItemDataRole.UserRole + 1)
            self._load_history(user_id=user_id)
            self._refresh_buttons()

    def _load_history(self, *, card_no: int | None = None, user_id: uuid.UUID | None = None) -> None:
        self._history = {"card_no": card_no, "user_id": user_id}
        self._history_load.request(card_no, user_id)

    def show_history(self, h: CardHistory) -> None:
        zh = chinese_ui()
        self.ops.setRowCount(len(h.ops))
        for i, o in enumerate(h.ops):
            method = METHOD_NAMES.get(o.method or "", ("", ""))[0 if zh else 1]
            values = (local(o.at, "%Y-%m-%d %H:%M"), str(o.card_no), o.name_zh if zh else o.name_en,
                      format_money(o.amount_fen),
                      "" if o.balance_after_fen is None else format_money(o.balance_after_fen),
                      method, o.receipt_no or "", o.clerk, STATE_NAMES.get(o.state, (o.state, o.state))[0 if zh else 1])
            for j, text in enumerate(values):
                self.ops.setItem(i, j, QTableWidgetItem(text))
        self.charges.setRowCount(len(h.charges))
        for i, c in enumerate(h.charges):
            values = (local(c.start, "%Y-%m-%d %H:%M"), str(c.card_no), c.pile_code, str(c.port), str(c.minutes_used),
                      f"{c.energy_wh / 1000:.2f}", format_money(c.amount_fen), format_money(c.refund_fen),
                      c.stop_reason)
            for j, text in enumerate(values):
                self.charges.setItem(i, j, QTableWidgetItem(text))
        self.ops.resizeColumnsToContents()
        self.charges.resizeColumnsToContents()
        self.totals.setText(self.tr("Cards %1 · money in %2 · paid back %3 · %4 charging records").replace(
            "%1", ", ".join(map(str, h.card_nos))).replace("%2", format_money(h.money_in_fen)).replace(
            "%3", format_money(h.money_out_fen)).replace("%4", str(len(h.charges))))  # fmt: skip


def make_card_desk(db: Db, actor: Actor, settings: QSettings, parent: QWidget | None = None, *,
                   engine: CommandEngine | None = None) -> CardDeskView:
    """The tab as the window builds it: the reader from the settings (or $CHARGEDESK_READER, or found among
    the serial ports), the master key from the OS keyring; the engine for "push the blacklist now"."""
    import os

    from app.secrets import KeyringSecretStore
    from app.services.card_keys import card_context
    from comm.pn532.device import Reader

    port = str(settings.value("cards/reader_port", "") or os.environ.get("CHARGEDESK_READER", "")) or None
    worker = ReaderWorker(Reader(port))
    try:
        ctx: CardContext | None = card_context(db, KeyringSecretStore())
    except Exception:  # no key yet, or no keyring at all: the view says what to do
        ctx = None
    view = CardDeskView(db, actor, ctx, worker, parent, engine=engine)
    worker.setParent(view)
    return view
