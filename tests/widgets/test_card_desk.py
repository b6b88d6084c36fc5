"""The card desk tab against the virtual reader on a pty: a tap shows the card without blocking the window,
operations run on the reader's thread, the records fill in; screenshots in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.services import cards
from comm.mifare.classic import MifareClassic1K
from comm.pn532.device import Reader
from comm.sim.reader import VirtualReaderServer
from db.engine import make_engine
from db.migrate import upgrade
from tests.app.services.card_bench import CTX
from tests.app.services.conftest import Desk, make_desk
from widgets.card_desk_view import CardDeskView
from widgets.card_reader_worker import ReaderWorker


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    from app.domain import passwords

    passwords.configure(time_cost=1, memory_cost=8)
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'cards.db'}")
    upgrade(engine)
    yield make_desk(engine)
    passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)
    engine.dispose()


@pytest.fixture
def bench(desk: Desk, qtbot) -> Iterator[tuple[CardDeskView, VirtualReaderServer]]:  # type: ignore[no-untyped-def]
    from app.domain.permissions import Role

    with VirtualReaderServer() as srv:
        worker = ReaderWorker(Reader(srv.device, ports=lambda: []), poll_s=0.1)
        view = CardDeskView(desk.db, desk.by_role[Role.CARD_ADMIN], CTX, worker)
        view.receipts = []  # type: ignore[attr-defined]
        view._receipt = view.receipts.append  # type: ignore[attr-defined,method-assign]  # no modal dialog in tests
        qtbot.addWidget(view)
        view.resize(1280, 800)
        view.show()  # the reader thread starts when the desk is on screen
        yield view, srv
        view.shutdown()


def test_tap_issue_top_up_and_records(bench, desk: Desk, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view, srv = bench
    qtbot.waitUntil(lambda: "PN532" in view.reader_label.text(), timeout=5000)
    card = MifareClassic1K(bytes.fromhex("C0FFEE02"))
    srv.reader.place(card)
    qtbot.waitUntil(lambda: view.view is not None and view.view.state == "blank", timeout=5000)
    assert view.buttons["issue"].isEnabled() and not view.buttons["topup"].isEnabled()
    user = desk.user("王五", building="3", unit="2", room="501")
    view.run_card_job(lambda dev: cards.issue(view.actor, view.db, dev, CTX, user_id=user, deposit_fen=1000,
                                              initial_fen=3000), view._done)  # fmt: skip
    assert not view.buttons["read"].isEnabled()  # busy: the window goes on, the reader thread works
    qtbot.waitUntil(lambda: view.view is not None and view.view.state == "active", timeout=5000)
    assert view.balance.text() == "¥30.00" and "王五" in view.holder.text()
    view.run_card_job(lambda dev: cards.top_up(view.actor, view.db, dev, CTX, card_no=view.view.card_no,
                                               amount_fen=1500, method="wechat"), view._done)  # fmt: skip
    qtbot.waitUntil(lambda: view.balance.text() == "¥45.00", timeout=5000)
    qtbot.waitUntil(lambda: view.ops.rowCount() == 2, timeout=5000)
    assert len(view.receipts) == 2 and view.receipts[-1].amount_fen == 1500  # type: ignore[attr-defined]
    assert view.buttons["reprint"].isEnabled() and view.buttons["topup"].isEnabled()
    shots = Path(__file__).parents[2] / "docs" / "screenshots"
    if shots.is_dir():
        view.grab().save(str(shots / "card_desk-en.png"))
    # the same card at a desk in Chinese: the tap alone brings card, holder and records back
    view.shutdown()
    from PySide6.QtWidgets import QApplication

    from widgets import i18n

    assert i18n.install(QApplication.instance(), "zh_CN")
    try:
        zh = CardDeskView(desk.db, view.actor, CTX, ReaderWorker(Reader(srv.device, ports=lambda: []), poll_s=0.1))
        qtbot.addWidget(zh)
        zh.resize(1280, 800)
        zh.show()
        qtbot.waitUntil(lambda: zh.balance.text() == "¥45.00" and zh.ops.rowCount() == 2, timeout=5000)
        assert zh.buttons["topup"].text().startswith("充值") and "王五" in zh.holder.text()
        if shots.is_dir():
            zh.grab().save(str(shots / "card_desk-zh_CN.png"))
        srv.reader.remove()
        qtbot.waitUntil(lambda: zh.view is None, timeout=5000)
        zh.shutdown()
    finally:
        i18n.install(QApplication.instance(), "en")


def test_card_pulled_mid_top_up_is_settled_on_the_next_tap(bench, desk: Desk, qtbot) -> None:  # type: ignore[no-untyped-def]
    view, srv = bench
    card = MifareClassic1K(bytes.fromhex("C0FFEE03"))
    srv.reader.place(card)
    qtbot.waitUntil(lambda: view.view is not None and view.view.state == "blank", timeout=5000)
    user = desk.user("李四")
    view.run_card_job(lambda dev: cards.issue(view.actor, view.db, dev, CTX, user_id=user, initial_fen=500),
                      view._done)  # fmt: skip
    qtbot.waitUntil(lambda: view.balance.text() == "¥5.00", timeout=5000)
    view.worker.polling = False
    srv.reader.tear_after(24)  # inside the top-up's writes
    no = view.view.card_no
    view.run_card_job(lambda dev: cards.top_up(view.actor, view.db, dev, CTX, card_no=no, amount_fen=700),
                      view._done)  # fmt: skip
    qtbot.waitUntil(lambda: "removed" in view.message.text() or "拿走" in view.message.text(), timeout=5000)
    srv.reader.place(card)
    view.worker.polling = True
    view._on_read()
    qtbot.waitUntil(lambda: not view.busy and view.view is not None and bool(view.view.notes), timeout=5000)
    assert view.balance.text() in ("¥5.00", "¥12.00") and "interrupted" in view.message.text()


def test_a_desk_without_a_master_key_makes_one_in_the_keyring(desk: Desk, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import keyring

    from app.domain.permissions import Role
    from app.services.card_keys import MASTER_KEY_ENTRY
    from widgets import card_desk_view

    view = CardDeskView(desk.db, desk.by_role[Role.CARD_ADMIN], None, ReaderWorker(Reader(None, ports=lambda: [])))
    qtbot.addWidget(view)
    assert view.make_key.isVisibleTo(view) and not view.buttons["read"].isEnabled()
    monkeypatch.setattr(card_desk_view, "confirm", lambda *_: True)
    view.make_key.click()
    qtbot.waitUntil(lambda: view.ctx is not None, timeout=5000)
    assert len(bytes.fromhex(keyring.get_password("ChargeDesk", MASTER_KEY_ENTRY) or "")) == 16
    assert not view.make_key.isVisibleTo(view) and view.buttons["read"].isEnabled()
