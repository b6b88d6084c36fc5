"""Users, accounts and audit in the window, as the roles that use them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app.domain.residents import UserDraft
from app.engine.commands import StartPort
from app.services import audit, ledger_queries, users
from app.services.audit import AuditFilter
from db.engine import session_factory
from tests.e2e.site import BUS_PILES, Site
from tests.widgets.staff import PW, staff, window
from widgets.main_window import MainWindow
from widgets.user_dialogs import TopUpDialog


def tab_titles(w: MainWindow) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def test_each_role_sees_the_tabs_it_may_use(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "clerk", "watch")
    assert {"Users", "Accounts", "Audit"} <= set(tab_titles(window(site, people["boss"], qtbot, tmp_path)))
    clerk = window(site, people["clerk"], qtbot, tmp_path)
    assert "Users" in tab_titles(clerk) and "Accounts" not in tab_titles(clerk) and "Audit" not in tab_titles(clerk)
    assert clerk.users.buttons["topup"].isVisibleTo(clerk.users)
    assert not clerk.monitor.pile_view.buttons["start"].isVisibleTo(clerk.monitor.pile_view)
    watch = window(site, people["watch"], qtbot, tmp_path)
    assert watch.monitor.pile_view.buttons["start"].isVisibleTo(watch.monitor.pile_view)
    assert not watch.monitor.pile_view.buttons["config"].isVisibleTo(watch.monitor.pile_view)


def test_a_clerk_tops_up_a_wallet_once_even_when_confirm_is_pressed_twice(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "clerk", "watch")
    db = session_factory(site.db)
    user = users.register_user(people["boss"], db, UserDraft(name="王芳", building="3", unit="2", room="501",
                                                               vehicle_class="ebike"))
    w = window(site, people["clerk"], qtbot, tmp_path)
    qtbot.waitUntil(lambda: any(r.user_id == user.user_id for r in w.users.rows), timeout=5000)
    dlg = TopUpDialog(db, people["clerk"], user, 0, w)
    qtbot.addWidget(dlg)
    dlg.amount.setText("50.5")
    assert "¥50.50" in dlg.preview.toPlainText() and "(assigned on confirm)" in dlg.preview.toPlainText()
    dlg._post()
    dlg._post()  # a double click: the same idempotency key
    qtbot.waitUntil(lambda: dlg.posting is not None, timeout=5000)
    qtbot.wait(300)
    assert ledger_queries.get_wallet(people["clerk"], db, user.user_id).balance_fen == 5050
    assert dlg.posting is not None and dlg.posting.receipt_no and dlg.posting.receipt_no in dlg.preview.toPlainText()
    dlg.amount.setText("1.234")  # read-only after posting: the receipt stays what was posted
    assert dlg.posting.amount_fen == 5050


def test_a_refused_remote_command_says_why_and_sends_nothing(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "clerk", "watch")
    w = window(site, people["clerk"], qtbot, tmp_path)
    code = BUS_PILES[0]
    before = site.runtime.buses["bus-1"].server.stats.requests
    w._command(StartPort(site.pile_ids[code], 2, minutes=30))
    assert "not allowed" in w.monitor.pile_view.status.text()
    db = session_factory(site.db)
    assert not audit.query_audit(people["boss"], db, AuditFilter(action="pile."))
    assert site.runtime.buses["bus-1"].server.stats.requests - before < 10  # only the normal polling


def test_the_idle_lock_needs_the_same_accounts_password(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "clerk", "watch")
    w = window(site, people["clerk"], qtbot, tmp_path)
    w.idle_lock.lock()
    dlg = w.idle_lock.dialog
    assert not w.isEnabled() and dlg.login.text() == "clerk" and dlg.login.isReadOnly()
    dlg.password.setText("wrong-password")
    dlg.submit()
    qtbot.waitUntil(lambda: "password" in dlg.error.text().lower() or "密码" in dlg.error.text(), timeout=5000)
    assert not w.isEnabled()
    dlg.password.setText(PW)
    dlg.submit()
    qtbot.waitUntil(lambda: w.isEnabled(), timeout=5000)


def test_the_database_password_goes_to_the_keyring_never_to_the_settings_file(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.secrets import MemorySecretStore, database_url
    from widgets.settings_view import DB_URL_KEY, SettingsView

    ini = tmp_path / "s.ini"
    settings = QSettings(str(ini), QSettings.Format.IniFormat)
    store = MemorySecretStore()
    view = SettingsView(settings, "local", None, secrets=store)  # no actor: only the database part is built here
    qtbot.addWidget(view)
    qtbot.addWidget(view._database_box())
    view.db_url.setText("postgresql+psycopg://desk@10.0.0.2:5432/chargedesk")
    view.db_password.setText("s3cret-Pa55")
    view.save_database()
    settings.sync()
    assert "s3cret" not in ini.read_text(encoding="utf-8")
    saved = str(settings.value(DB_URL_KEY))
    assert "desk@10.0.0.2" in saved and database_url(saved, store).password == "s3cret-Pa55"
