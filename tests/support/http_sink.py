"""A real HTTP server on loopback that records what is posted to it: the stand-in for an SMS gateway
or the fire-safety platform. It can fail (HTTP 503, or a given status for some requests) and recover,
and it can be stopped and started again on the same port (a gateway that is offline for a while)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpSink:
    fail_next: int = 0  # answer the next N requests with 503
    status_for: Callable[[Received], int] | None = None  # or decide per request
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.status == 200]

    def start(self) -> HttpSink:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                rec = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, 200)
                with sink._lock:
                    if sink.fail_next > 0:
                        sink.fail_next -= 1
                        rec.status = 503
                    elif sink.status_for is not None:
                        rec.status = sink.status_for(rec)
                    sink.received.append(rec)
                self.send_response(rec.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if rec.status == 200 else b'{"ok": false}')

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="http-sink", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
