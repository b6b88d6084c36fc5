"""The card desk tab against the virtual reader on a pty: a tap shows the card without blocking the window,
operations run on the reader's thread, the records fill in; screenshots in both languages."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

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
    # CHARGEDESK_SHOTS=1: refresh the docs' shot of a card on the reader (a test run leaves the tree clean)
    shots = Path(__file__).parents[2] / "docs" / "screenshots" if os.environ.get("CHARGEDESK_SHOTS") else None
    if shots is not None:
        view.grab().save(str(shots / "card_desk_tap-en.png"))
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
        if shots is not None:
            zh.grab().save(str(shots / "card_desk_tap-zh_CN.png"))
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


# -- loss report, undoing it (解挂), and the blacklist on the piles ------------------------------------------


def _piles(desk: Desk) -> dict[str, uuid.UUID]:
    """Three e-bike piles on a bus (never polled here: no engine runs in these tests)."""
    from app.services.provisioning import BusPlan, PilePlan, StationPlan, provision
    from db.models import Pile

    plan = StationPlan(code="T01", name="测试小区", charging_limit_w=60_000, buses=(BusPlan("bus-1", "/dev/null"),),
                       piles=tuple(PilePlan(f"T01-P0{i}", f"{i} 号桩", ("ebike",) * 10, bus="bus-1", unit_id=i)
                                   for i in range(1, 4)))  # fmt: skip
    with desk.db() as s, s.begin():
        provision(s, operator_code="TEST", operator_name="测试", stations=[plan])
    with desk.db() as s:
        return {p.code: p.id for p in s.scalars(select(Pile))}


def _on_piles(desk: Desk, ids: dict[str, uuid.UUID], states: dict[str, tuple[bool, int, str | None]]) -> None:
    """What the engine would have recorded: per pile (online, version it holds, last push error)."""
    from db.models import Pile
    from db.models_cards import PileBlacklist
    from db.types import utcnow

    now = utcnow()
    with desk.db() as s, s.begin():
        for code, (online, version, error) in states.items():
            s.get(Pile, ids[code]).online = online  # type: ignore[union-attr]
            row = s.get(PileBlacklist, ids[code])
            if row is None:
                row = PileBlacklist(pile_id=ids[code])
                s.add(row)
            row.list_version, row.entries, row.seen_at = version, 1 if version else None, now
            row.pushed_at, row.error, row.failed_at = (now if version else None), error, (now if error else None)


@pytest.fixture
def counter(desk: Desk, qtbot, monkeypatch) -> Iterator[CardDeskView]:  # type: ignore[no-untyped-def]
    """A desk with no reader attached (loss reports need none); dialogs answered by the test."""
    from app.domain.permissions import Role
    from widgets import card_desk_view

    answers: dict[str, object] = {"reason": ("在物业前台找到", True), "confirm": True}
    monkeypatch.setattr(card_desk_view.QInputDialog, "getText", lambda *a, **k: answers["reason"])

    def confirm(_parent: object, text: str) -> bool:
        answers["asked"] = text
        return bool(answers["confirm"])

    monkeypatch.setattr(card_desk_view, "confirm", confirm)
    view = CardDeskView(desk.db, desk.by_role[Role.CARD_ADMIN], CTX, ReaderWorker(Reader(None, ports=lambda: [])))
    view.answers = answers  # type: ignore[attr-defined]
    qtbot.addWidget(view)
    view.resize(1280, 800)
    view.show()
    yield view
    view.shutdown()


def _find(view: CardDeskView, qtbot, card_no: int) -> None:  # type: ignore[no-untyped-def]
    view.search.setText(str(card_no))
    view._on_search()
    qtbot.waitUntil(lambda: view.found.rowCount() == 1, timeout=5000)
    view._on_found(0, 0)


def test_loss_report_undone_from_the_desk_with_the_push_state(counter: CardDeskView, desk: Desk,
                                                               qtbot) -> None:  # type: ignore[no-untyped-def]
    from tests.app.services.card_bench import CardDesk

    view = counter
    ids = _piles(desk)
    cd = CardDesk(desk)
    _, no = cd.issued(2000, user=desk.user("赵六"))
    qtbot.waitUntil(lambda: "no card is reported lost" in view.blacklist_line.text(), timeout=5000)
    assert view.blacklist_button.isVisible() and view.buttons["unloss"].text().endswith("Shift+F7")
    _find(view, qtbot, no)
    assert view.buttons["loss"].isEnabled() and not view.buttons["unloss"].isEnabled()
    view.answers["reason"] = ("丢在电梯里", True)  # type: ignore[attr-defined]
    view.buttons["loss"].click()
    qtbot.waitUntil(lambda: view.found.item(0, 3).text() == "Reported lost — refuse", timeout=5000)
    assert cards.blacklist(view.actor, view.db) == [no]
    qtbot.waitUntil(lambda: "version 1 is on 0 of 3 piles" in view.blacklist_line.text(), timeout=5000)
    assert "3 offline" in view.blacklist_line.text()  # nothing polled them yet
    assert view.buttons["unloss"].isEnabled() and not view.buttons["loss"].isEnabled()

    # the engine got the list to two piles; one is offline
    _on_piles(desk, ids, {"T01-P01": (True, 1, None), "T01-P02": (True, 1, None), "T01-P03": (False, 0, None)})
    view.refresh_blacklist()
    qtbot.waitUntil(lambda: view.blacklist_line.text() == "Blacklist version 1 is on 2 of 3 piles; 1 offline will "
                    "get it when they return", timeout=5000)  # fmt: skip

    # 解挂 needs a reason: an empty one is refused before anything is written
    before = desk.snapshot()
    view.answers["reason"] = ("  ", True)  # type: ignore[attr-defined]
    view.buttons["unloss"].click()
    assert "needs a reason" in view.message.text() and desk.snapshot() == before
    view.answers["reason"] = ("在物业前台找到", True)  # type: ignore[attr-defined]
    view.buttons["unloss"].click()
    asked = view.answers["asked"]  # type: ignore[attr-defined]
    assert f"card {no}" in asked and "在物业前台找到" in asked  # the reason is read back before it is written
    qtbot.waitUntil(lambda: "undone" in view.message.text(), timeout=5000)
    assert cards.blacklist(view.actor, view.db) == []
    assert view.found.item(0, 3).text() == "Active" and view.buttons["loss"].isEnabled()
    qtbot.waitUntil(lambda: "version 2 is on 0 of 3 piles" in view.blacklist_line.text(), timeout=5000)
    qtbot.waitUntil(lambda: view.ops.rowCount() == 3, timeout=5000)  # issue, loss report, undone
    names = {view.ops.item(i, 2).text() for i in range(view.ops.rowCount())}
    assert {"loss report", "loss report undone"} <= names


def test_a_lost_card_on_the_reader_is_restored_and_the_records_say_so_in_chinese(desk: Desk, qtbot,
                                                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from app.domain.permissions import Role
    from tests.app.services.card_bench import CardDesk
    from widgets import card_desk_view, i18n

    cd = CardDesk(desk)
    io, no = cd.issued(1500)
    cards.report_loss(cd.clerk, desk.db, card_no=no, reason="丢了")
    monkeypatch.setattr(card_desk_view.QInputDialog, "getText", lambda *a, **k: ("找到了", True))
    monkeypatch.setattr(card_desk_view, "confirm", lambda *_: True)
    assert i18n.install(QApplication.instance(), "zh_CN")
    try:
        view = CardDeskView(desk.db, desk.by_role[Role.CARD_ADMIN], CTX, ReaderWorker(Reader(None, ports=lambda: [])))
        qtbot.addWidget(view)
        view.show_card(cards.tap(cd.clerk, desk.db, io, CTX))  # as a tap on the reader shows it
        assert view.buttons["unloss"].text() == "解挂\nShift+F7" and view.buttons["unloss"].isEnabled()
        view.buttons["unloss"].click()
        qtbot.waitUntil(lambda: view.view is not None and view.view.state == "active", timeout=5000)
        assert "已解挂" in view.message.text()
        qtbot.waitUntil(lambda: view.ops.rowCount() == 3, timeout=5000)
        assert {view.ops.item(i, 2).text() for i in range(3)} == {"发卡", "挂失", "解挂"}
        view.shutdown()
    finally:
        i18n.install(QApplication.instance(), "en")


class _Engine:
    """The engine's command door, answered by the test: push_now goes through the real service (role check,
    the list and version from the database, audit) and only the pile's answer is played here."""

    def __init__(self) -> None:
        import concurrent.futures

        self.sent: list[object] = []
        self.futures: list[concurrent.futures.Future[object]] = []

    def submit(self, cmd: object):  # type: ignore[no-untyped-def]
        import concurrent.futures

        self.sent.append(cmd)
        fut: concurrent.futures.Future[object] = concurrent.futures.Future()
        self.futures.append(fut)
        return fut


def test_the_push_dialog_lists_every_pile_and_pushes_a_failed_one_now(counter: CardDeskView, desk: Desk,
                                                                      qtbot) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    import threading

    from app.engine.commands import CommandOutcome, PushBlacklist
    from tests.app.services.card_bench import CardDesk
    from widgets.card_dialogs import BlacklistPushDialog

    view = counter
    ids = _piles(desk)
    cd = CardDesk(desk)
    _, no = cd.issued(1000)
    cards.report_loss(cd.clerk, desk.db, card_no=no, reason="丢了")
    _on_piles(desk, ids, {"T01-P01": (True, 1, None), "T01-P02": (True, 0, "no reply from unit 2"),
                          "T01-P03": (False, 0, None)})  # fmt: skip
    engine = _Engine()
    view.engine = engine  # type: ignore[assignment]
    dlg = view.open_blacklist()
    qtbot.addWidget(dlg)
    assert isinstance(dlg, BlacklistPushDialog) and dlg.isVisible()
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 3, timeout=5000)
    rows = {dlg.table.item(i, 1).text(): i for i in range(3)}
    assert [dlg.table.item(rows[c], 2).text() for c in ("T01-P01", "T01-P02", "T01-P03")] == [
        "Current", "Push failed", "Offline: gets it when back"]  # fmt: skip
    assert dlg.table.item(rows["T01-P01"], 2).background().color().name() == "#e8f5e9"
    assert dlg.table.item(rows["T01-P02"], 2).foreground().color().name() == "#b3261e"
    assert f"{no}" in dlg.cards.text() and "1 failed" in dlg.summary.text()
    assert dlg.table.cellWidget(rows["T01-P01"], 8) is None and dlg.table.cellWidget(rows["T01-P03"], 8) is None
    qtbot.waitUntil(lambda: "1 failed" in view.blacklist_line.text(), timeout=5000)  # the desk's line follows

    push = dlg.table.cellWidget(rows["T01-P02"], 8).findChild(type(view.buttons["read"]))
    assert push.text() == "Push now" and push.isEnabled()
    push.click()
    qtbot.waitUntil(lambda: len(engine.sent) == 1, timeout=5000)
    cmd = engine.sent[0]
    assert isinstance(cmd, PushBlacklist) and (cmd.pile_id, cmd.version, tuple(cmd.cards)) == (ids["T01-P02"], 1,
                                                                                               (no,))  # fmt: skip
    assert "pushing" in dlg.message.text()  # the window goes on: the pile has not answered yet
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 3 and not dlg.table.cellWidget(
        rows["T01-P02"], 8).findChild(type(push)).isEnabled(), timeout=5000)  # fmt: skip

    def pile_answers() -> None:  # on another thread, as the engine would
        _on_piles(desk, ids, {"T01-P02": (True, 1, None)})
        engine.futures[0].set_result(CommandOutcome(True, "blacklist version 1 written, 1 card read back",
                                                    dt.datetime.now(dt.UTC)))  # fmt: skip

    threading.Thread(target=pile_answers).start()
    qtbot.waitUntil(lambda: "T01-P02: done" in dlg.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: dlg.table.item(rows["T01-P02"], 2).text() == "Current", timeout=5000)
    assert dlg.table.cellWidget(rows["T01-P02"], 8) is None
    qtbot.waitUntil(lambda: "is on 2 of 3 piles" in view.blacklist_line.text(), timeout=5000)


def test_car_piles_are_in_the_push_dialog_and_a_failed_one_is_sent_its_local_list(
        counter: CardDeskView, desk: Desk, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.domain.card_states import CAR_NO_LOCAL_LIST
    from app.engine.ocpp_commands import SendLocalList
    from app.services.provision_devices import CarPilePlan
    from app.services.provisioning import StationPlan, provision
    from db.models import Pile
    from tests.app.services.card_bench import CardDesk

    ids = _piles(desk)
    plan = StationPlan(code="T02", name="汽车小区", charging_limit_w=60_000, car_piles=tuple(
        CarPilePlan(f"T02-C0{i}", f"汽车桩 {i}", f"T02-C0{i}", None) for i in (1, 2, 3)))
    with desk.db() as s, s.begin():
        provision(s, operator_code="TEST", operator_name="测试", stations=[plan])
    with desk.db() as s:
        ids |= {p.code: p.id for p in s.scalars(select(Pile).where(Pile.code.like("T02-%")))}
    cd = CardDesk(desk)
    _, no = cd.issued(1000)
    cards.report_loss(cd.clerk, desk.db, card_no=no, reason="丢了")
    _on_piles(desk, ids, {"T01-P01": (True, 1, None), "T01-P02": (True, 1, None), "T01-P03": (True, 1, None),
                          "T02-C01": (True, 1, None), "T02-C02": (True, 0, CAR_NO_LOCAL_LIST),
                          "T02-C03": (True, 0, "the charge point answered with an error: InternalError")})
    engine = _Engine()
    counter.engine = engine  # type: ignore[assignment]
    dlg = counter.open_blacklist()
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.table.rowCount() == 6, timeout=5000)
    rows = {dlg.table.item(i, 1).text(): i for i in range(6)}
    assert [dlg.table.item(rows[f"T02-C0{i} (car)"], 2).text() for i in (1, 2, 3)] == [
        "Current", "No local list: checks each card online", "Push failed"]
    assert dlg.table.item(rows["T02-C02 (car)"], 8).text() == ""  # not an error
    assert "is on 4 of 5 piles" in dlg.summary.text() and "1 car piles without a local list" in dlg.summary.text()
    if shots := os.environ.get("CHARGEDESK_SHOTS_ZH"):  # a look at the Chinese dialog, for the developer
        from PySide6.QtWidgets import QApplication

        from widgets import i18n

        i18n.install(QApplication.instance(), "zh_CN")  # type: ignore[arg-type]
        zh = counter.open_blacklist()
        qtbot.addWidget(zh)
        qtbot.waitUntil(lambda: zh.table.rowCount() == 6, timeout=5000)
        zh.resize(1180, 420)
        qtbot.wait(100)
        zh.grab().save(str(Path(shots) / "blacklist_dialog_cars-zh_CN.png"))
        i18n.install(QApplication.instance(), "en")  # type: ignore[arg-type]
    push = dlg.table.cellWidget(rows["T02-C03 (car)"], 8).findChild(type(counter.buttons["read"]))
    push.click()
    qtbot.waitUntil(lambda: len(engine.sent) == 1, timeout=5000)
    assert isinstance(engine.sent[0], SendLocalList) and engine.sent[0].full
    assert engine.sent[0].pile_id == ids["T02-C03"]


def test_the_blacklist_is_only_for_card_clerks(desk: Desk, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.domain.permissions import Role

    view = CardDeskView(desk.db, desk.by_role[Role.MONITORING_ADMIN], CTX,
                        ReaderWorker(Reader(None, ports=lambda: [])))  # fmt: skip
    qtbot.addWidget(view)
    view.show()
    assert not view.blacklist_line.isVisible() and not view.blacklist_button.isVisible()
    view.shutdown()
