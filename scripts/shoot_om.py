"""Screenshots of the remote O&M dialogs on the simulated community, in zh_CN and en (offscreen):
configuration push after its comparison, firmware upgrade in progress, a remote diagnosis.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/shoot_om.py [out_dir]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import keyring

from app.demo import start_demo
from app.services import diagnosis
from app.services import notifications as notify
from comm.pile.firmware import FirmwareImage
from comm.pile.messages import PortFault
from db.engine import session_factory
from widgets import i18n
from widgets.app import make_app, make_backend
from widgets.config_push_dialog import ConfigPushDialog
from widgets.diagnosis_dialog import DiagnosisDialog
from widgets.firmware_dialog import FirmwareDialog
from widgets.notify_views import NotifySettingsDialog, OutboxDialog


def pump(app, seconds: float, until=None) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (until and until()):
        app.processEvents()
        time.sleep(0.02)


def notify_store():  # type: ignore[no-untyped-def]
    from app.secrets import KeyringSecretStore

    return KeyringSecretStore()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1] / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="chargedesk-om-"))
    from tests.support.http_sink import HttpSink
    from tests.support.memory_keyring import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())  # no OS keyring in a container: the secrets go to memory
    gateway = HttpSink(fail_next=3).start()
    fire = HttpSink().start()
    app = make_app()
    run = start_demo(db_url=f"sqlite:///{tmp / 'om.db'}")
    try:
        pump(app, 5)
        db = session_factory(run.engine.sql)
        backend = make_backend(run.engine, run.actor)
        stations = backend.stations
        xc01 = [p.pile_id for p in stations[0].piles if p.protocol.startswith("modbus")][:4]
        image = tmp / "acx10a-1.3.0.cdfw"
        image.write_bytes(FirmwareImage("ACX10A", (1, 3, 0), random.Random(1).randbytes(24_000)).pack())
        sick = [p for p in stations[0].piles if p.protocol.startswith("modbus")][5]
        sim_pile = run.site.community.pile(sick.code)
        idle = next(n for n in range(10, 0, -1) if run.sim.call(sim_pile.session, n) is None)
        run.sim.call(sim_pile.inject_latent_fault, idle, PortFault.RELAY_STUCK)
        d = diagnosis.diagnose(run.actor, db, run.engine, sick.pile_id, self_test_port=idle)
        notify.save_settings(run.actor, db, notify.NotifySettings(
            sms_url=gateway.url, duty_phones=("13800138000", "13912345678"), fire_url=fire.url,
            fire_site_id="XUCHANG-0001"), store=notify_store(), sms_token="demo-token", fire_key="demo-key")
        smoky = [p for p in stations[1].piles if p.protocol.startswith("modbus")][2]
        run.sim.call(run.site.community.pile(smoky.code).set_smoke, 480, run.site.clock.now())
        pump(app, 8)
        for lang in ("zh_CN", "en"):
            i18n.install(app, lang)
            push = ConfigPushDialog(db, run.actor, run.engine, stations, None, checked=xc01)
            push.set_value("coin_fee_fen", 150)
            push.set_value("mode.night_cutoff", True)
            push.set_value("night_start_min", 30)
            push.show()
            push._compare()
            pump(app, 30, lambda: push.plan is not None)  # noqa: B023
            pump(app, 1)
            push.grab().save(str(out / f"config_push-{lang}.png"))
            push.close()
            fw = FirmwareDialog(db, run.actor, run.engine, stations, None, checked=xc01[2:4])
            fw.show()
            fw.load_image(str(image))
            pump(app, 5, lambda: fw.image is not None)  # noqa: B023
            fw.start_upgrade(fw.piles.checked())
            pump(app, 14)
            fw.grab().save(str(out / f"firmware-{lang}.png"))
            if fw.job is not None:
                fw.job.cancel()
                fw.job.wait(60)
            pump(app, 1)
            fw.hide()
            dd = DiagnosisDialog(d, None, recorded_in="WO20261126-0007")
            dd.show()
            pump(app, 1)
            dd.grab().save(str(out / f"diagnosis-{lang}.png"))
            dd.close()
            with db() as s:
                current = notify.get_settings(s)
            ns = NotifySettingsDialog(db, run.actor, current, None)
            ns.show()
            pump(app, 1)
            ns.grab().save(str(out / f"notify_settings-{lang}.png"))
            ns.close()
            ob = OutboxDialog(db, run.actor, None)
            ob.show()
            pump(app, 3, lambda: bool(ob.rows))  # noqa: B023
            pump(app, 1)
            ob.grab().save(str(out / f"outbox-{lang}.png"))
            ob.close()
            for name in ("config_push", "firmware", "diagnosis", "notify_settings", "outbox"):
                print(out / f"{name}-{lang}.png")
    finally:
        run.stop()
        gateway.stop()
        fire.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
