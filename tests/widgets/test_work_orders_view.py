"""The Work orders tab in the window, as the roles that use it, on the live simulated site."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.domain.work_orders import RepairResult, WoAction, WoState
from app.services import wo_queries, work_orders
from app.services.work_orders import OrderDraft
from db.engine import session_factory
from tests.e2e.site import BUS_PILES, Site
from tests.widgets.staff import staff, window
from widgets.main_window import MainWindow
from widgets.wo_dialogs import AssignDialog, NoteDialog, RaiseOrderDialog, RepairDialog


def titles(w: MainWindow) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def test_who_sees_work_orders_and_the_raise_buttons(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "clerk", "watch", "tech", display="{login} 师傅")
    clerk = window(site, people["clerk"], qtbot, tmp_path)
    assert "Work orders" not in titles(clerk) and not clerk.alarms.order.isVisibleTo(clerk.alarms)
    watch = window(site, people["watch"], qtbot, tmp_path)
    assert "Work orders" in titles(watch) and watch.alarms.order.isVisibleTo(watch.alarms)
    assert watch.monitor.pile_view.buttons["order"].isVisibleTo(watch.monitor.pile_view)
    assert not watch.work_orders.f_mine.isVisibleTo(watch.work_orders)  # type: ignore[attr-defined]
    tech = window(site, people["tech"], qtbot, tmp_path)
    assert tech.work_orders.f_mine.isChecked()  # type: ignore[attr-defined]


def test_raise_assign_work_and_verify_in_the_tab(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "clerk", "watch", "tech", display="{login} 师傅")
    db = session_factory(site.db)
    pile_id = site.pile_ids[BUS_PILES[0]]
    watch = window(site, people["watch"], qtbot, tmp_path)
    view = watch.work_orders  # type: ignore[attr-defined]
    dlg = RaiseOrderDialog(db, people["watch"], watch.backend.stations, watch, pile_id=pile_id, port=6)
    qtbot.addWidget(dlg)
    assert dlg.pile.currentData() == pile_id and dlg.port.value() == 6
    dlg.description.setPlainText("6号口不出电")
    dlg.submit()
    qtbot.waitUntil(lambda: dlg.saved is not None, timeout=5000)
    order = dlg.saved
    assert order is not None and order.port_number == 6 and order.title.startswith(BUS_PILES[0])
    view.select_order(order.order_id)
    qtbot.waitUntil(lambda: view.panel.detail is not None and view.panel.detail.order.order_id == order.order_id,
                    timeout=5000)
    assert view.panel.buttons["assign"].isEnabled() and not view.panel.buttons["start"].isEnabled()
    assign = AssignDialog(db, people["watch"], order, watch)
    qtbot.addWidget(assign)
    qtbot.waitUntil(lambda: assign.who.count() == 1, timeout=5000)
    assert "tech" in assign.who.currentText()
    assign.submit()
    qtbot.waitUntil(lambda: assign.saved is not None, timeout=5000)
    # the technician: "my orders" lists it; Start is a button, the repair log and the resolution are dialogs
    tech_w = window(site, people["tech"], qtbot, tmp_path)
    tview = tech_w.work_orders  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: [o.order_id for o in tview.rows] == [order.order_id], timeout=5000)
    qtbot.waitUntil(lambda: tview.panel.detail is not None, timeout=5000)
    assert tview.panel.buttons["start"].isEnabled()
    qtbot.mouseClick(tview.panel.buttons["start"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tview.panel.detail is not None and tview.panel.detail.order.state is WoState.IN_PROGRESS,
                    timeout=5000)
    rep = RepairDialog(db, people["tech"], tview.panel.detail.order, tech_w)
    qtbot.addWidget(rep)
    rep.cause.setPlainText("继电器触点烧蚀")
    rep.parts.setPlainText("继电器 ×1")
    rep.minutes.setValue(45)
    rep.result.setCurrentIndex(rep.result.findData(RepairResult.FIXED.value))
    rep.submit()
    qtbot.waitUntil(lambda: rep.saved is not None, timeout=5000)
    cur = tview.panel.detail.order
    note = NoteDialog("resolve", "what", lambda text: work_orders.transition(
        people["tech"], db, cur.order_id, WoAction.RESOLVE, expected_version=cur.version, note=text), tech_w)
    qtbot.addWidget(note)
    note.text.setPlainText("更换继电器")
    note.submit()
    qtbot.waitUntil(lambda: note.saved is not None, timeout=5000)
    # back at the desk: Verify then Close, by buttons
    view.refresh()
    qtbot.waitUntil(lambda: view.panel.detail is not None and view.panel.detail.order.state is WoState.RESOLVED,
                    timeout=5000)
    qtbot.mouseClick(view.panel.buttons["verify"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.panel.detail.order.state is WoState.VERIFIED, timeout=5000)
    qtbot.mouseClick(view.panel.buttons["close"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.panel.detail.order.state is WoState.CLOSED, timeout=5000)
    assert [s.actor_login for s in view.panel.detail.steps if s.to_state] == [
        "watch", "watch", "tech", "tech", "watch", "watch"]
    assert view.panel.repairs.item(0, 2).text() == "继电器触点烧蚀"


def test_overdue_rows_are_red_and_an_alarm_raises_an_order(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "clerk", "watch", "tech", display="{login} 师傅")
    db = session_factory(site.db)
    late = work_orders.raise_order(people["watch"], db, OrderDraft(pile_id=site.pile_ids[BUS_PILES[2]],
                                                                     severity="critical"),
                                   now=datetime.now(UTC) - timedelta(hours=5))
    w = window(site, people["watch"], qtbot, tmp_path)
    view = w.work_orders  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: any(o.order_id == late.order_id for o in view.rows), timeout=5000)
    row = next(i for i, o in enumerate(view.rows) if o.order_id == late.order_id)
    assert view.table.item(row, 0).foreground().color() == QColor("#d9343a")
    assert "overdue" in view.table.item(row, 8).text()
    # an alarm in the Alarms tab → "Raise work order…" → the order, selected in the Work orders tab
    code = BUS_PILES[1]
    site.on_sim(site.pile(code).inject_short, 2, site.now())
    qtbot.waitUntil(lambda: any(a.code == "port.short_circuit" for a in w.alarms._rows), timeout=10000)
    w.alarms.live.selectRow(next(i for i, a in enumerate(w.alarms._rows) if a.code == "port.short_circuit"))
    qtbot.mouseClick(w.alarms.order, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.panel.detail is not None and view.panel.detail.order.alarm_code
                    == "port.short_circuit", timeout=5000)
    assert w.tabs.currentWidget() is view and view.panel.detail.order.pile_code == code
    orders = wo_queries.list_orders(people["boss"], db)
    assert sorted(o.source for o in orders) == ["alarm", "pile"]
