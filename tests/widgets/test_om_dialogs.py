"""The remote O&M dialogs on the live simulated site: configuration push with its comparison and per-pile
results, the firmware upgrade with progress per pile, and a diagnosis run from a work order."""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressBar

from app.domain.work_orders import WoState
from app.services import wo_queries, work_orders
from app.services.firmware import Outcome
from app.services.work_orders import OrderDraft
from comm.pile.firmware import FirmwareImage
from comm.pile.messages import PortFault
from db.engine import session_factory
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, wait_for
from tests.widgets.staff import staff, window
from widgets.config_push_dialog import ConfigPushDialog
from widgets.firmware_dialog import FirmwareDialog
from widgets.main_window import MainWindow


def menus(w: MainWindow) -> list[str]:
    return [a.text() for a in w.menuBar().actions()]


def online(site: Site) -> None:
    assert site.engine is not None
    for pid in site.pile_ids.values():
        wait_for(lambda: site.engine.snapshot().piles.get(pid) and site.engine.snapshot().piles[pid].online)  # type: ignore[union-attr]  # noqa: B023


def test_push_compares_then_writes_and_reports_per_pile(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "fac", "tech", "watch", "clerk")
    online(site)
    w = window(site, people["fac"], qtbot, tmp_path)
    assert "Maintenance" in menus(w)
    assert "Maintenance" not in menus(window(site, people["clerk"], qtbot, tmp_path))
    ids = [site.pile_ids[c] for c in BUS_PILES]
    dlg = ConfigPushDialog(session_factory(site.db), people["fac"], site.engine, w.backend.stations, w,
                           checked=ids)
    qtbot.addWidget(dlg)
    assert sorted(dlg.piles.checked()) == sorted(ids)
    dlg.set_value("coin_fee_fen", 200)
    dlg.set_value("night_start_min", 23 * 60)
    assert dlg.changes() == {"coin_fee_fen": 200, "night_start_min": 1380}
    dlg._compare()
    qtbot.waitUntil(lambda: dlg.plan is not None, timeout=15000)
    assert dlg.result.rowCount() == 6 and dlg.push.isEnabled()
    assert dlg.result.item(0, 2).text() == "¥1.00" and dlg.result.item(0, 3).text() == "¥2.00"
    assert dlg.result.item(1, 3).text() == "23:00"
    dlg.push_now()
    qtbot.waitUntil(lambda: dlg.results is not None, timeout=15000)
    assert [r.status for r in dlg.results or []] == ["written"] * 3
    assert all(site.pile(c).config.coin_fee_fen == 200 for c in BUS_PILES)


def test_firmware_dialog_shows_progress_and_results(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "fac", "tech", "watch", "clerk")
    online(site)
    code = TCP_PILES[0]
    site.on_sim(setattr, site.pile(code), "boot_s", 0.5)
    w = window(site, people["tech"], qtbot, tmp_path)
    dlg = FirmwareDialog(session_factory(site.db), people["tech"], site.engine, w.backend.stations, w)
    qtbot.addWidget(dlg)
    path = tmp_path / "acx10a-1.4.0.cdfw"
    path.write_bytes(FirmwareImage("ACX10A", (1, 4, 0), random.Random(2).randbytes(5000)).pack())
    dlg.load_image(str(path))
    qtbot.waitUntil(lambda: dlg.image is not None, timeout=5000)
    assert "1.4.0" in dlg.info.text() and dlg.start.isEnabled()
    dlg.piles.set_checked([site.pile_ids[code]])
    dlg.start_upgrade(dlg.piles.checked())
    qtbot.waitUntil(lambda: dlg.results.get(site.pile_ids[code]) is not None, timeout=30000)
    assert dlg.results[site.pile_ids[code]] is Outcome.UPGRADED
    bar = dlg.table.cellWidget(0, 1)
    assert isinstance(bar, QProgressBar) and bar.value() == bar.maximum()
    assert "upgraded" in dlg.table.item(0, 3).text() and not dlg.running
    assert site.pile(code).identity().firmware == "1.4.0"


def test_diagnose_from_an_order_records_the_self_test(site: Site, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    people = staff(site, "fac", "tech", "watch", "clerk")
    online(site)
    db = session_factory(site.db)
    code, pid = BUS_PILES[1], site.pile_ids[BUS_PILES[1]]
    site.on_sim(site.pile(code).inject_latent_fault, 3, PortFault.RELAY_STUCK)
    order = work_orders.raise_order(people["watch"], db, OrderDraft(pile_id=pid, port_number=3,
                                                                     assignee_id=people["tech"].account_id))
    w = window(site, people["tech"], qtbot, tmp_path)
    view = w.work_orders  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: view.panel.detail is not None, timeout=5000)
    assert view.panel.detail.order.state is WoState.ASSIGNED
    assert view.panel.buttons["diagnose"].isEnabled()
    shown: list[str] = []

    def close_the_dialog() -> None:
        box = QApplication.activeModalWidget()
        if box is not None:
            shown.append(box.windowTitle())
            box.close()
        else:
            QTimer.singleShot(100, close_the_dialog)

    QTimer.singleShot(100, close_the_dialog)
    qtbot.mouseClick(view.panel.buttons["diagnose"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert code in shown[0]
    steps = wo_queries.get_order(people["tech"], db, order.order_id).steps
    assert steps[-1].action == "diagnosis" and "RELAY_STUCK" in steps[-1].note
