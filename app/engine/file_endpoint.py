"""A tiny HTTP file endpoint for charge points: firmware to download (GET /firmware/<name>) and
diagnostics to upload (PUT or POST /diagnostics/<charge point>/<name>). Runs on the engine loop.

Only what UpdateFirmware and GetDiagnostics need: one request per connection, no directory
listings, names restricted to one path segment, uploads capped in size.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
MAX_UPLOAD = 64 * 2**20


class FileEndpoint:
    def __init__(self, root: Path, *, host: str = "0.0.0.0", port: int = 0,
                 on_upload: Callable[[str, str, int], None] | None = None) -> None:
        self.root = root
        self.host = host
        self.port = port
        self.on_upload = on_upload  # (charge point, file name, bytes)
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        (self.root / "firmware").mkdir(parents=True, exist_ok=True)
        (self.root / "diagnostics").mkdir(parents=True, exist_ok=True)
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, body = await asyncio.wait_for(self._handle(reader), 60)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, ValueError) as exc:
            status, body = "400 Bad Request", f"{exc}\n".encode()
        try:
            writer.write(f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
                         "Content-Type: application/octet-stream\r\n\r\n".encode() + body)
            await writer.drain()
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader) -> tuple[str, bytes]:
        request = (await reader.readline()).decode("latin-1").split()
        headers: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
            key, _, value = line.decode("latin-1").partition(":")
            headers[key.strip().lower()] = value.strip()
        if len(request) != 3:
            raise ValueError("malformed request line")
        method, path = request[0], request[1].split("?", 1)[0]
        parts = [p for p in path.split("/") if p]
        if method == "GET" and len(parts) == 2 and parts[0] == "firmware" and _NAME.match(parts[1]):
            file = self.root / "firmware" / parts[1]
            if not file.is_file():
                return "404 Not Found", b"no such firmware\n"
            return "200 OK", await asyncio.to_thread(file.read_bytes)
        if method in ("PUT", "POST") and len(parts) == 3 and parts[0] == "diagnostics" and all(
                _NAME.match(p) for p in parts[1:]):
            length = int(headers.get("content-length", "-1"))
            if not 0 <= length <= MAX_UPLOAD:
                return "411 Length Required", b"a Content-Length up to 64 MiB is required\n"
            data = await reader.readexactly(length)
            folder = self.root / "diagnostics" / parts[1]
            folder.mkdir(parents=True, exist_ok=True)
            await asyncio.to_thread(_store, folder / parts[2], data)
            if self.on_upload is not None:
                self.on_upload(parts[1], parts[2], len(data))
            return "201 Created", b"stored\n"
        return "404 Not Found", b"not found\n"


def _store(path: Path, data: bytes) -> None:
    """Whole or not at all: staff opening the folder (or a test) never see a half-written upload under its
    final name."""
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(data)
    os.replace(part, path)
