"""Screenshots of every console tab in zh_CN and en, on the simulated community (offscreen).

    QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 .venv/bin/python scripts/screenshots.py [out_dir]

Writes <tab>-<lang>.png (default into docs/screenshots/). Look at them after every UI change.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QSettings

from app.demo import start_demo
from app.services.settlement import settle_pending
from db.engine import session_factory
from widgets import i18n
from widgets.app import make_app, make_backend
from widgets.bridge import EngineBridge
from widgets.main_window import MainWindow


def pump(app, seconds: float) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1] / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="chargedesk-shots-"))
    app = make_app()
    run = start_demo(db_url=f"sqlite:///{tmp / 'shots.db'}")
    wallbox = None
    try:
        settle_pending(session_factory(run.engine.sql))  # the demo's month of history, before Transactions is shot
        pump(app, 4)
        community = run.site.community
        code = "XC01-P03"
        pile = community.pile(code)
        run.sim.call(pile.inject_short, 9, run.site.clock.now())  # an alarm to show
        wallbox = unknown_wallbox(run)  # a charge point waiting for approval, for the Charge points tab
        # the Ordered charging tab needs a control step of the community (its first may wait for fresh readings)
        end = time.monotonic() + 120
        while not run.engine.snapshot().ordered and time.monotonic() < end:
            pump(app, 1)
        print("ordered charging:", "running" if run.engine.snapshot().ordered else "no step yet (tab shot empty)")
        for lang in ("zh_CN", "en"):
            i18n.install(app, lang)
            settings = QSettings(str(tmp / f"ui-{lang}.ini"), QSettings.Format.IniFormat)
            bridge = EngineBridge(run.engine)
            w = MainWindow(bridge, make_backend(run.engine, run.actor), settings)
            w.mark_demo()
            w.resize(1600, 980)
            w.show()
            pile_id = next(pid for pid, (_s, p) in w.piles.items() if p.code == code)
            w.tree.select(pile_id)
            pump(app, 3)
            for i in range(w.tabs.count()):
                w.tabs.setCurrentIndex(i)
                if w.tabs.widget(i) is w.monitor:
                    w.monitor.pile_view.select_port(1)
                    w.monitor._trend_for(w.piles[pile_id][1], 1)
                pump(app, 4 if i == 0 else 2)
                names = {id(getattr(w, a, None)): a for a in ("map", "monitor", "alarms", "users", "accounts", "audit",
                                                                     "work_orders", "card_desk")}
                names |= {id(getattr(w, a, None)): a for a in ("transactions", "statistics", "reports", "tariffs")}
                names |= {id(getattr(w, "ordered_view", None)): "ordered_view",
                          id(getattr(w, "charge_points", None)): "charge_points"}
                name = names.get(id(w.tabs.widget(i)), "settings")
                if name == "transactions":
                    w.transactions.table.selectRow(0)
                    pump(app, 2)
                if name == "reports":
                    w.reports.cash.setText("120.00")
                    w.reports.preview()
                    pump(app, 2)
                if name == "work_orders":
                    w.work_orders.table.selectRow(min(3, w.work_orders.table.rowCount() - 1))
                    pump(app, 2)
                    w.grab().save(str(out / f"work_orders-{lang}.png"))
                    w.work_orders.tabs.setCurrentIndex(1)
                    pump(app, 2)
                    name = "work_orders_summary"
                if name == "charge_points":
                    pump(app, 2)
                    w.charge_points.select(wallbox.identity)
                    pump(app, 1)
                if name == "users":
                    w.users.table.selectRow(3)
                    pump(app, 2)
                w.grab().save(str(out / f"{name}-{lang}.png"))
                print(out / f"{name}-{lang}.png")
                if name == "card_desk":  # the card blacklist on every pile, as "Blacklist on the piles…" opens it
                    dlg = w.card_desk.open_blacklist()
                    pump(app, 2)
                    dlg.grab().save(str(out / f"card_blacklist-{lang}.png"))
                    print(out / f"card_blacklist-{lang}.png")
                    dlg.close()
            w.close()
            bridge.close()
    finally:
        if wallbox is not None:
            run.sim.run(wallbox.stop())
        run.stop()
    return 0


def unknown_wallbox(run):  # type: ignore[no-untyped-def]
    """A wallbox the console does not know yet: it connects to the demo's central system and is held."""
    from comm.sim.charge_point import SimChargePoint

    ocpp = run.engine.devices.ocpp
    cp = SimChargePoint("XC01-C09", f"ws://127.0.0.1:{ocpp.port}/ocpp/XC01-C09", vendor="Wallbox",
                        model="Pulsar Plus 7.4", firmware="5.17.0", reconnect_s=2.0)
    run.sim.run(cp.start())
    return cp


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # The pictures are written. Skip the interpreter's final garbage collection: it destroys the windows' Qt
    # objects after the QApplication, in no set order, and PySide6 can abort there ("none_dealloc").
    os._exit(code)
