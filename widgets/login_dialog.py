"""Sign-in at start, the first-run base account, changing one's password, and the idle lock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QObject, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QWidget,
)

from app.domain.permissions import Actor
from app.services import accounts
from app.services.unit import Db
from widgets.forms import FormDialog


class LoginDialog(FormDialog):
    """Sign in; `actor` holds the result. Wrong passwords count towards the lockout (service-side)."""

    def __init__(self, db: Db, *, login: str = "", locked_to: str | None = None, parent: QWidget | None = None) -> None:
        title = self.tr("ChargeDesk — sign in") if locked_to is None else self.tr("ChargeDesk — locked")
        intro = (self.tr("Sign in with your ChargeDesk account.") if locked_to is None else
                 self.tr("The console was locked after a time without use. Enter your password to continue."))
        super().__init__(title, parent, intro=intro, ok=QDialogButtonBox.StandardButton.Ok)
        self.db = db
        self.actor: Actor | None = None
        self.login = self.field(self.tr("Account"), text=locked_to or login)
        self.login.setReadOnly(locked_to is not None)
        self.password = self.field(self.tr("Password"), secret=True)
        (self.password if (locked_to or login) else self.login).setFocus()

    def submit(self) -> None:
        name, pw = self.login.text(), self.password.text()
        self.run(lambda: accounts.login(self.db, name, pw), lambda actor: setattr(self, "actor", actor),
                 busy_text=self.tr("Checking…"))


class FirstRunDialog(FormDialog):
    """The very first start: create the operator's base account (it holds every permission)."""

    def __init__(self, db: Db, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("ChargeDesk — first start"), parent, ok=QDialogButtonBox.StandardButton.Ok,
                         intro=self.tr("No account exists yet. Create the operator's base account: it can do "
                                       "everything and creates the other accounts with their roles."))
        self.db = db
        self.login = self.field(self.tr("Account"), text="admin")
        self.name = self.field(self.tr("Name"))
        self.password = self.field(self.tr("Password"), secret=True)
        self.again = self.field(self.tr("Password again"), secret=True)

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        login, name, pw = self.login.text(), self.name.text() or self.login.text(), self.password.text()
        self.run(lambda: accounts.create_base_account(self.db, login=login, display_name=name, password=pw),
                 lambda _info: None, busy_text=self.tr("Checking…"))


class ChangePasswordDialog(FormDialog):
    def __init__(self, db: Db, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Change password"), parent, ok=QDialogButtonBox.StandardButton.Ok,
                         intro=self.tr("Account %1").replace("%1", actor.login))
        self.db, self.actor = db, actor
        self.old = self.field(self.tr("Current password"), secret=True)
        self.new = self.field(self.tr("New password"), secret=True)
        self.again = self.field(self.tr("New password again"), secret=True)

    def submit(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        old, new = self.old.text(), self.new.text()
        self.run(lambda: accounts.change_password(self.actor, self.db, old_password=old, new_password=new),
                 lambda _r: None, busy_text=self.tr("Checking…"))


def sign_in(db: Db, parent: QWidget | None = None) -> Actor | None:
    """First run (base account) if needed, then the sign-in dialog. None when the user cancels."""
    if accounts.needs_first_run(db):
        first = FirstRunDialog(db, parent)
        if not first.exec():
            return None
        login = first.login.text()
    else:
        login = ""
    dlg = LoginDialog(db, login=login, parent=parent)
    return dlg.actor if dlg.exec() else None


class _InputSeen(QAbstractNativeEventFilter):
    """Notes that the platform delivered input. A native filter, not a QObject event filter: an
    application-wide Python QObject filter must wrap every object an event touches (QtWebEngine's
    internals included), which crashed PySide here; a native filter sees raw platform events only."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def nativeEventFilter(self, event_type: object, message: object) -> tuple[bool, int]:
        self.seen = True
        return False, 0


class IdleLock(QObject):
    """Locks the console after `minutes` without keyboard or mouse input; only the same account's
    password unlocks it (the engine keeps running meanwhile)."""

    def __init__(self, db: Db, actor: Actor, minutes: Callable[[], int], parent: QWidget) -> None:
        super().__init__(parent)
        self.db, self.actor, self.minutes, self.window = db, actor, minutes, parent
        self.idle_ms = 0
        self.locked = False
        self._cursor = QCursor.pos()
        self._native = _InputSeen()
        app = QApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self._native)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.timer.start(5000)

    def _active(self) -> bool:
        pos = QCursor.pos()
        moved, self._cursor = pos != self._cursor, pos
        seen, self._native.seen = self._native.seen, False
        return moved or seen

    def _tick(self) -> None:
        if self._active():
            self.idle_ms = 0
            return
        limit = self._limit()
        if self.locked or limit <= 0:
            return
        self.idle_ms += self.timer.interval()
        if self.idle_ms >= limit * 60_000:
            self.lock()

    def _limit(self) -> int:
        if not hasattr(self, "_minutes_cache"):
            try:  # read once: it is a database read, and this runs on the GUI thread
                self._minutes_cache = int(self.minutes())
            except Exception:
                self._minutes_cache = 0
        return self._minutes_cache

    def lock(self) -> None:
        self.locked = True
        self.window.setEnabled(False)
        dlg = LoginDialog(self.db, locked_to=self.actor.login, parent=None)
        dlg.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
        dlg.rejected.connect(dlg.show)  # Escape does not get past the lock
        dlg.accepted.connect(self._unlock)
        dlg.show()
        self.dialog = dlg

    def _unlock(self) -> None:
        self.locked = False
        self.idle_ms = 0
        self.window.setEnabled(True)
