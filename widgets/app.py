"""Start the console: QApplication, font, language, the engine bridge and the main window."""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import datetime
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.engine import make_url

from app.domain.permissions import Actor
from app.engine.runtime import Engine
from app.secrets import KeyringSecretStore, database_url
from app.services import alarms as alarm_service
from app.services import history as history_service
from app.services.alarms import AlarmInfo
from app.services.history import Series
from app.services.om_workers import start_workers
from app.services.settlement_worker import SettlementWorker
from app.services.station_load import LoadPoint, MeterInfo, load_history, station_meters
from app.services.stations import list_stations, move_pile
from db.engine import default_url, session_factory, session_scope
from widgets import i18n
from widgets.bridge import EngineBridge
from widgets.gc_gui import collect_on_gui_thread
from widgets.login_dialog import sign_in
from widgets.look import install_font
from widgets.main_window import Backend, MainWindow
from widgets.settings_view import DB_URL_KEY


def make_app(argv: list[str] | None = None) -> QApplication:
    # Qt WebEngine (the map) wants shared OpenGL contexts set before the application exists.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName("ChargeDesk")
    app.setApplicationName("ChargeDesk")
    install_font(app)
    collect_on_gui_thread(app)
    i18n.install(app, i18n.chosen_language(QSettings("ChargeDesk", "ChargeDesk")))
    return app


def make_backend(engine: Engine, actor: Actor | None = None) -> Backend:
    """Database work for the window, each call one short session of its own (called off the GUI thread)."""
    factory = session_factory(engine.sql)
    user = actor.login if actor else "operator"
    with factory() as s:
        stations = list_stations(s)
        from db.models import Operator

        op = s.query(Operator).first()
        operator_name = op.name if op else "ChargeDesk"

    def open_alarms() -> list[AlarmInfo]:
        with factory() as s:
            return alarm_service.open_alarms(s)

    def alarm_history(since: datetime, until: datetime, severity: str | None, pile: str | None) -> list[AlarmInfo]:
        with factory() as s:
            return alarm_service.alarm_history(s, since=since, until=until, severity=severity, pile_code=pile)

    def ack(alarm_id: uuid.UUID, comment: str) -> AlarmInfo:
        with session_scope(factory) as s:
            return alarm_service.ack_alarm(s, alarm_id, by=user, comment=comment)

    def port_history(port_id: uuid.UUID, since: datetime, until: datetime) -> Series:
        with factory() as s:
            return history_service.port_series(s, port_id, since, until)

    def station_history(station_id: uuid.UUID, since: datetime, until: datetime) -> list[tuple[float, int]]:
        with factory() as s:
            return history_service.station_power(s, station_id, since, until)

    def station_load_history(station_id: uuid.UUID, since: datetime, until: datetime) -> list[LoadPoint]:
        with factory() as s:
            return load_history(s, station_id, since, until)

    def meters(station_id: uuid.UUID) -> list[MeterInfo]:
        with factory() as s:
            return station_meters(s, station_id)

    def save_position(pile_id: uuid.UUID, x: float, y: float) -> None:
        with session_scope(factory) as s:
            move_pile(s, pile_id, x, y)

    url = make_url(str(engine.sql.url))
    label = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)
    map_dir = Path(platformdirs.user_cache_dir("ChargeDesk", appauthor=False)) / "map"
    return Backend(operator_name, stations, open_alarms, alarm_history, ack, port_history, station_history,
                   save_position, str(label), map_dir=map_dir, user=user, actor=actor, db=factory,
                   station_load_history=station_load_history, station_meters=meters)


def show_window(engine: Engine, actor: Actor | None) -> tuple[MainWindow, EngineBridge]:
    bridge = EngineBridge(engine)
    window = MainWindow(bridge, make_backend(engine, actor))
    window.show()
    return window, bridge


def configured_url() -> str:
    """The database chosen in Settings (its password from the keyring), else the local default."""
    saved = str(QSettings("ChargeDesk", "ChargeDesk").value(DB_URL_KEY, "") or "")
    if not saved:
        return default_url()
    return database_url(saved, KeyringSecretStore()).render_as_string(hide_password=False)


def run_console(db_url: str | None) -> int:
    app = make_app()
    try:
        url = db_url or configured_url()
    except Exception as exc:  # e.g. no keyring on this PC: say so instead of failing silently
        QMessageBox.critical(None, "ChargeDesk", f"{exc}")
        return 1
    engine = Engine(url)
    try:
        engine.start()
    except Exception as exc:
        QMessageBox.critical(None, "ChargeDesk", f"The engine could not start / 引擎无法启动:\n{exc}")
        return 1
    try:
        actor = sign_in(session_factory(engine.sql))
        if actor is None:
            return 0
        # Records are settled into the ledger as they arrive, off the engine's and the GUI's threads.
        worker = SettlementWorker(session_factory(engine.sql)).attach(engine).start()
        om = start_workers(engine)  # faults → work orders, notifications
        try:
            _window, _bridge = show_window(engine, actor)  # kept referenced until exec() returns
            return app.exec()
        finally:
            om.stop()
            worker.stop()
    finally:
        engine.stop()


def run_demo_console(args: argparse.Namespace) -> int:
    from app.demo import start_demo

    app = make_app()
    run = start_demo(config=args.config, speed=args.speed, db_url=args.db, keep=args.keep)
    try:
        window, _bridge = show_window(run.engine, run.actor)
        window.mark_demo()
        return app.exec()
    finally:
        run.stop()
