"""The background workers of operation and maintenance, started beside the engine wherever one runs
(the console, the demo, ``chargedesk engine``): faults → work orders and fire-platform messages
(fault_watch), and delivery of the notification outbox (notify_worker). Neither runs on the engine's
loop; both only read the engine's events and write the database."""

from __future__ import annotations

from dataclasses import dataclass

from app.engine.runtime import Engine
from app.secrets import KeyringSecretStore, SecretStore
from app.services.fault_watch import FaultOrderWatcher
from app.services.notify_worker import NotificationWorker
from db.engine import session_factory


@dataclass
class MaintenanceWorkers:
    watcher: FaultOrderWatcher
    notifier: NotificationWorker

    def stop(self) -> None:
        self.watcher.stop()
        self.notifier.stop()


def start_workers(engine: Engine, store: SecretStore | None = None) -> MaintenanceWorkers:
    db = session_factory(engine.sql)
    watcher = FaultOrderWatcher(db)
    watcher.attach(engine)
    watcher.start()
    notifier = NotificationWorker(db, store or KeyringSecretStore())
    notifier.start()
    return MaintenanceWorkers(watcher, notifier)
