"""The office's accounts and a console window signed in as one of them, on the live test site."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app.domain.permissions import Actor, Role
from app.services import accounts
from db.engine import session_factory
from tests.e2e.site import Site
from widgets.app import make_backend
from widgets.bridge import EngineBridge
from widgets.main_window import MainWindow

PW = "test-pass-123"
ROLES = {"sys": Role.SYSTEM_ADMIN, "fac": Role.FACILITY_ADMIN, "clerk": Role.CARD_ADMIN,
         "watch": Role.MONITORING_ADMIN, "fin": Role.FINANCE_ADMIN, "tech": Role.MAINTENANCE}


def staff(site: Site, *logins: str, display: str = "{login}") -> dict[str, Actor]:
    """The base account "boss" and one account per login, holding the role ROLES gives that login."""
    db = session_factory(site.db)
    accounts.create_base_account(db, login="boss", display_name="Boss", password=PW)
    base = accounts.login(db, "boss", PW)
    for login in logins:
        accounts.create_account(base, db, login=login, display_name=display.format(login=login), password=PW,
                                roles=[ROLES[login]])
    return {name: accounts.login(db, name, PW) for name in ("boss", *logins)}


def window(site: Site, actor: Actor, qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    assert site.engine is not None
    w = MainWindow(EngineBridge(site.engine), make_backend(site.engine, actor),
                   QSettings(str(tmp_path / f"{actor.login}.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    return w
