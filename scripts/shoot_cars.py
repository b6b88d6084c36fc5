"""Screenshots of the community load panel (Monitor tab) and a car pile's OCPP console, zh_CN and en.

    QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 .venv/bin/python scripts/shoot_cars.py [out_dir]

Writes station_load-<lang>.png, ocpp_commands-<lang>.png and ocpp_log-<lang>.png (default docs/screenshots/).
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
from app.engine import ocpp_commands as oc
from widgets import i18n
from widgets.app import make_app, make_backend
from widgets.bridge import EngineBridge
from widgets.main_window import MainWindow
from widgets.ocpp_dialog import OcppDialog


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
    try:
        cars = run.site.cars
        assert cars is not None
        for identity in ("XC01-C01", "XC01-C02"):  # two cars charging at the first community
            cp = cars.cps[identity]
            if cp.connectors[1].car is None:
                run.sim.call(cars.arrive, identity, run.site._rng)
        pump(app, 25)  # meters read, loads computed, a few MeterValues in
        for lang in ("zh_CN", "en"):
            i18n.install(app, lang)
            settings = QSettings(str(tmp / f"ui-{lang}.ini"), QSettings.Format.IniFormat)
            bridge = EngineBridge(run.engine)
            w = MainWindow(bridge, make_backend(run.engine, run.actor), settings)
            w.mark_demo()
            w.resize(1600, 980)
            w.show()
            station = next(s for s in w.stations.values() if s.code == "XC01")
            w.tabs.setCurrentWidget(w.monitor)
            w.tree.select(station.station_id)
            pump(app, 6)
            w.grab().save(str(out / f"station_load-{lang}.png"))
            pile_id = next(pid for pid, (_s, p) in w.piles.items() if p.code == "XC01-C01")
            w.tree.select(pile_id)
            pump(app, 2)
            w.monitor.pile_view.buttons["ocpp"].click()
            pump(app, 2)
            dlg = w.findChildren(OcppDialog)[0]
            dlg._send(oc.GetCompositeSchedule(pile_id, 1, 900))
            pump(app, 3)
            dlg.grab().save(str(out / f"ocpp_commands-{lang}.png"))
            dlg.findChildren(type(dlg.layout().itemAt(0).widget()))[0].setCurrentIndex(1)
            pump(app, 3)
            dlg.grab().save(str(out / f"ocpp_log-{lang}.png"))
            for name in ("station_load", "ocpp_commands", "ocpp_log"):
                print(out / f"{name}-{lang}.png")
            dlg.close()
            w.close()
            bridge.close()
    finally:
        run.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
