"""A simulated Ethernet pile: Modbus TCP (MBAP framing by pymodbus) on a real TCP socket."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable

from pymodbus.framer import FramerSocket
from pymodbus.pdu import DecodePDU

from comm.sim.rtu_bus import BusStats
from comm.sim.slave import PileRegisterServer

log = logging.getLogger(__name__)


_WRITES = frozenset({5, 6, 15, 16, 23})


class TcpPileServer:
    """One pile listening on host:port, as an Ethernet pile does."""

    def __init__(
        self,
        server: PileRegisterServer,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        is_powered: Callable[[], bool] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.server = server
        self.host = host
        self.port = port
        self.is_powered = is_powered or (lambda: True)
        self.rng = rng or random.Random(0)
        self.silent = False
        self.slow_s = 0.0
        self.noise_rate = 0.0
        # Writes carried out but left unanswered: a reply lost on the way back, so the console cannot tell whether
        # its command took effect.
        self.mute_writes = False
        self.stats = BusStats()
        self._srv: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._stalled: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self._srv = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._srv.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._srv is not None:
            self._srv.close()
        self.drop_connections()
        if self._srv is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._srv.wait_closed(), 2)
            self._srv = None

    def stall_connections(self) -> None:
        """The open connections go dead without a word (a router or converter lost them, the console is not told):
        what arrives on them is never answered. New connections are served as usual."""
        self._stalled |= self._writers

    def drop_connections(self) -> None:
        """What a power cut or a cable pull does to the console's connection."""
        for w in list(self._writers):
            w.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.is_powered():
            writer.transport.abort()
            return
        self._writers.add(writer)
        framer = FramerSocket(DecodePDU(is_server=True))
        buf = b""
        try:
            while data := await reader.read(4096):
                buf += data
                while buf:
                    try:
                        used, pdu = framer.handleFrame(buf, 0, 0)
                    except Exception:
                        self.stats.garbage_bytes += len(buf)
                        buf = b""
                        break
                    if pdu is None:
                        if used:
                            buf = buf[used:]
                            continue
                        break
                    buf = buf[used:]
                    self.stats.requests += 1
                    if not self.is_powered():
                        writer.transport.abort()
                        return
                    if self.silent or writer in self._stalled:
                        self.stats.unanswered += 1
                        continue
                    answer = self.server.handle(pdu)
                    if self.mute_writes and pdu.function_code in _WRITES:
                        self.stats.unanswered += 1
                        continue
                    reply = framer.buildFrame(answer)
                    if self.noise_rate and self.rng.random() < self.noise_rate:
                        # TCP has its own checksum: noise shows as a garbled PDU, not a CRC error.
                        reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
                        self.stats.corrupted += 1
                    if self.slow_s:
                        await asyncio.sleep(self.slow_s)
                    writer.write(reply)
                    self.stats.replies += 1
                    await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            self._stalled.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()
