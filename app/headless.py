"""`chargedesk engine`: the engine without a screen, on an office box or a server."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import UTC, datetime

from app.engine.events import AlarmCleared, AlarmRaised, Event, PileOffline, PileOnline, SessionEnded
from app.engine.runtime import Engine
from app.services.om_workers import start_workers
from app.services.settlement_worker import SettlementWorker
from app.services.stations import list_stations
from app.summary import render_summary
from db.engine import session_factory

log = logging.getLogger("chargedesk.engine")


def _log_events(batch: list[Event]) -> None:
    for ev in batch:
        if isinstance(ev, AlarmRaised):
            log.warning("alarm %s (%s) pile %s port %s: %s", ev.key.code, ev.severity, ev.key.pile_id,
                        ev.key.port_number or "-", ev.detail)
        elif isinstance(ev, AlarmCleared):
            log.info("alarm cleared %s pile %s port %s", ev.key.code, ev.key.pile_id, ev.key.port_number or "-")
        elif isinstance(ev, PileOffline):
            log.warning("pile %s offline: %s", ev.pile_id, ev.reason)
        elif isinstance(ev, PileOnline):
            log.info("pile %s online", ev.pile_id)
        elif isinstance(ev, SessionEnded):
            log.info("session %s on pile %s port %d ended: %d Wh, %s", ev.pile_session_id, ev.pile_id, ev.number,
                     ev.energy_wh, ev.stop_reason)


def run_engine(db_url: str, *, summary_s: float = 30.0, ocpp_port: int | None = 9000,
               ocpp_file_dir: str | None = None) -> int:
    from app.engine.devices import DeviceSettings
    from app.engine.runtime import EngineSettings

    engine = Engine(db_url, settings=EngineSettings(devices=DeviceSettings(ocpp_auto_port=ocpp_port,
                                                                          ocpp_file_dir=ocpp_file_dir)))
    engine.start()
    from app.engine.gc_tuning import tune_gc

    tune_gc()  # a server process: short collector pauses for a thousand charge points (bench/ocpp)
    if not engine.lines:
        log.warning("no Modbus piles in %s — provision some (e.g. `chargedesk sim --provision URL`)", db_url)
    engine.subscribe(_log_events)
    # Records are settled into the ledger as they arrive (off the engine's thread; see settlement_worker).
    worker = SettlementWorker(session_factory(engine.sql)).attach(engine).start()
    om = start_workers(engine)  # faults → work orders and fire-platform messages; the notification outbox
    with session_factory(engine.sql)() as s:
        stations = list_stations(s)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(summary_s if summary_s > 0 else 3600):
            if summary_s > 0:
                log.info("\n%s", render_summary(stations, engine.snapshot(), datetime.now(UTC)))
    except KeyboardInterrupt:
        pass
    finally:
        om.stop()
        worker.stop()
        engine.stop()
    return 0
