"""Servers for bench/ocpp.py, each in its own process so its CPU can be measured alone.

    python -m bench.ocpp_server engine DB_URL PORT   the ChargeDesk engine (central system + state store
                                                     + batch writer + message log) on DB_URL
    python -m bench.ocpp_server bare PORT            a bare `ocpp`-library server: same handlers, no logic

Both print "ready" when listening and run until SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
from datetime import UTC, datetime
from typing import Any

from app.engine.gc_tuning import tune_gc


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def bare(port: int) -> None:
    from ocpp.routing import on
    from ocpp.v16 import ChargePoint, call_result
    from ocpp.v16.enums import Action
    from websockets.asyncio.server import serve
    from websockets.exceptions import ConnectionClosed

    class Bare(ChargePoint):
        @on(Action.boot_notification)
        async def on_boot(self, **kw: Any) -> Any:
            return call_result.BootNotification(current_time=_now(), interval=300, status="Accepted")  # type: ignore[arg-type]

        @on(Action.heartbeat)
        async def on_heartbeat(self) -> Any:
            return call_result.Heartbeat(current_time=_now())

        @on(Action.status_notification)
        async def on_status(self, **kw: Any) -> Any:
            return call_result.StatusNotification()

        @on(Action.authorize)
        async def on_authorize(self, **kw: Any) -> Any:
            return call_result.Authorize(id_tag_info={"status": "Accepted"})

        @on(Action.start_transaction)
        async def on_start(self, **kw: Any) -> Any:
            return call_result.StartTransaction(transaction_id=1, id_tag_info={"status": "Accepted"})

        @on(Action.meter_values)
        async def on_meter_values(self, **kw: Any) -> Any:
            return call_result.MeterValues()

    async def handler(ws: Any) -> None:
        cp = Bare(ws.request.path.rsplit("/", 1)[-1], ws)
        try:
            await cp.start()
        except ConnectionClosed:
            pass

    import logging

    logging.getLogger("ocpp").setLevel(logging.WARNING)
    tune_gc()  # the same collector settings as the engine process
    async with serve(handler, "127.0.0.1", port, subprotocols=["ocpp1.6"]):  # type: ignore[list-item]
        print("ready", flush=True)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()


def engine(url: str, port: int) -> None:
    from app.engine.devices import DeviceSettings
    from app.engine.ocpp_server import OcppSettings
    from app.engine.runtime import Engine, EngineSettings

    eng = Engine(url, settings=EngineSettings(devices=DeviceSettings(ocpp=OcppSettings(
        host="127.0.0.1", port=port, heartbeat_s=300))))
    eng.start()
    tune_gc()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    ocpp = eng.devices.ocpp
    while ocpp is None or not ocpp.port:
        stop.wait(0.05)
    print("ready", flush=True)
    stop.wait()
    eng.stop()


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        asyncio.run(bare(int(sys.argv[2])))
    else:
        engine(sys.argv[2], int(sys.argv[3]))
