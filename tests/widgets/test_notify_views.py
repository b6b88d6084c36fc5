"""Notification settings (secrets into the keyring), the outbox and the in-app inbox in the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app.secrets import KeyringSecretStore
from app.services import notifications as notify
from app.services import work_orders
from app.services.work_orders import OrderDraft
from db.engine import session_factory
from tests.e2e.site import BUS_PILES, Site
from tests.widgets.staff import staff
from widgets.app import make_backend
from widgets.bridge import EngineBridge
from widgets.main_window import MainWindow
from widgets.notify_views import NotifySettingsDialog, OutboxDialog


def test_settings_outbox_and_inbox(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "sys", "tech", "watch")
    db = session_factory(site.db)
    dlg = NotifySettingsDialog(db, people["sys"], notify.NotifySettings())
    qtbot.addWidget(dlg)
    dlg.sms_url.setText("http://127.0.0.1:9/sms")
    dlg.sms_token.setText("s3cret-token")
    dlg.phones.setText("13800138000, 13900139000")
    dlg.submit()
    qtbot.waitUntil(lambda: dlg.saved is not None, timeout=5000)
    assert dlg.saved is not None and dlg.saved.duty_phones == ("13800138000", "13900139000")
    assert KeyringSecretStore().get(notify.SMS_SECRET) == "s3cret-token"  # the OS keyring (memory in tests)
    out = OutboxDialog(db, people["sys"])
    qtbot.addWidget(out)
    assert out.retry.isVisibleTo(out)
    out._test()
    qtbot.waitUntil(lambda: len(out.rows) == 2, timeout=5000)
    assert {m.recipient for m in out.rows} == {"13800138000", "13900139000"} and "2 waiting" in out.status.text()
    watch_box = OutboxDialog(db, people["watch"])
    qtbot.addWidget(watch_box)
    assert not watch_box.retry.isVisibleTo(watch_box)  # the person on duty sees, the admin acts
    # an order assigned to the technician shows in their inbox
    assert site.engine is not None
    w = MainWindow(EngineBridge(site.engine), make_backend(site.engine, people["tech"]),
                   QSettings(str(tmp_path / "tech.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    inbox = w.inbox  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: inbox.text() == "✉ messages", timeout=5000)
    work_orders.raise_order(people["watch"], db, OrderDraft(pile_id=site.pile_ids[BUS_PILES[0]],
                                                             assignee_id=people["tech"].account_id))
    inbox.refresh()
    qtbot.waitUntil(lambda: inbox.text() == "✉ 1 new", timeout=5000)
