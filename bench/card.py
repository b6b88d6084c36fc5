"""Card desk: a top-up's wall time through the virtual PN532 reader at 115200 baud vs its frames' wire time.

The desk's real path: PN532 frames over a pseudo-terminal to the virtual reader (which keeps to the baud
rate: a reply is not written before it could have crossed the wire, 10 bits a byte), the card read and
checked, the pending operation written, the card changed tear-safely, read back, the posting committed
(SQLite). The wire time is what the frames of that top-up need on a 115200-baud line; the ratio says how
much of the clerk's wait is the line and how much is everything else.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from app.domain import passwords
from app.domain.permissions import Role
from app.domain.residents import UserDraft
from app.services import accounts, cards, users
from app.services.card_keys import CardContext
from comm.mifare.classic import MifareClassic1K
from comm.pn532.device import PN532
from comm.sim.reader import VirtualReaderServer
from db.engine import make_engine, session_factory
from db.migrate import upgrade

BAUD = 115200
CTX = CardContext(bytes(range(16)), "BENCH", "bench")


def run(*, quick: bool = False) -> list[str]:
    n = 10 if quick else 40
    with tempfile.TemporaryDirectory() as tmp, VirtualReaderServer(baudrate=BAUD) as srv:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        db = session_factory(engine)
        passwords.configure(time_cost=1, memory_cost=8)  # set-up only
        accounts.create_base_account(db, login="boss", display_name="bench", password="bench password")
        boss = accounts.login(db, "boss", "bench password")
        accounts.create_account(boss, db, login="desk1", display_name="desk", password="bench password",
                                roles=[Role.CARD_ADMIN, Role.FACILITY_ADMIN])  # fmt: skip
        clerk = accounts.login(db, "desk1", "bench password")
        user = users.register_user(clerk, db, UserDraft(name="张三")).user_id
        dev = PN532.open(srv.device)
        srv.reader.place(MifareClassic1K(bytes.fromhex("B0B0B0B0")))
        no = cards.issue(clerk, db, dev, CTX, user_id=user, initial_fen=100).card_no
        walls, wires, cmds, nbytes = [], [], [], []
        for _ in range(n):
            stats = srv.reader.stats
            w0, b0, c0, t0 = stats.wire_s, stats.wire_bytes, stats.card_commands + stats.commands, time.perf_counter()
            cards.top_up(clerk, db, dev, CTX, card_no=no, amount_fen=100)
            walls.append(time.perf_counter() - t0)
            wires.append(stats.wire_s - w0)
            nbytes.append(stats.wire_bytes - b0)
            cmds.append(stats.card_commands + stats.commands - c0)
        t0 = time.perf_counter()
        taps = 10
        for _ in range(taps):
            cards.tap(clerk, db, dev, CTX)
        tap_s = (time.perf_counter() - t0) / taps
        dev.close()
        engine.dispose()
        passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)
    wall, wire = statistics.median(walls), statistics.median(wires)
    return [
        f"{n} top-ups of one card through the virtual PN532 at {BAUD} baud (pty), SQLite",
        f"per top-up: {int(statistics.median(cmds))} reader exchanges, {int(statistics.median(nbytes))} bytes "
        f"on the wire (commands + ACKs + replies)",
        f"wall time median {wall * 1000:.1f} ms (p90 {sorted(walls)[int(0.9 * n) - 1] * 1000:.1f} ms); "
        f"wire time {wire * 1000:.1f} ms → wall / wire = {wall / wire:.2f}",
        f"a tap alone (read, check, nothing to settle): {tap_s * 1000:.1f} ms",
    ]
