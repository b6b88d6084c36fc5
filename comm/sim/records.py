"""The pile's ring of offline transaction records, with its read pointer (non-volatile memory).

Records are numbered in the order they are written, i.e. when sessions *stop* (ten ports stop in
any order). That keeps the read pointer a plain counter: the window is always the records right
after `acked`, and ACK_RECORDS(seq) moves `acked` to seq. The session id a port shows while it
runs is a separate counter, carried in the record as `session_id`. Both counters live in NV memory
and never repeat. When the ring is full, writing overwrites the oldest record; if it was not yet
acknowledged it is counted in `lost` and the read pointer moves past it.
"""

from __future__ import annotations

import tomllib
from collections import deque
from dataclasses import replace
from pathlib import Path

from comm.pile.messages import CommandResult, RecordsHeader, TransactionRecord

_MAP = Path(__file__).resolve().parent.parent / "pile" / "maps" / "acx10a.toml"


def _map_model() -> dict[str, object]:
    with _MAP.open("rb") as f:
        return dict(tomllib.load(f)["model"])


_MODEL = _map_model()
RECORD_CAPACITY = int(str(_MODEL["record_capacity"]))
RECORD_WINDOW = int(str(_MODEL["record_window"]))
MAP_VERSION = int(str(_MODEL["map_version"]))
MODEL_NAME = str(_MODEL["name"])


class RecordRing:
    def __init__(self, capacity: int = RECORD_CAPACITY) -> None:
        self.capacity = capacity
        self.newest = 0  # seq of the last record written (0 = none yet)
        self.acked = 0
        self.lost = 0
        self.next_session_id = 1
        self._ring: deque[TransactionRecord] = deque()  # write order = seq order, oldest first

    def new_session_id(self) -> int:
        sid = self.next_session_id
        self.next_session_id += 1
        return sid

    def write(self, rec: TransactionRecord) -> TransactionRecord:
        """Store a finished session; its seq is assigned here. Returns the record as stored."""
        rec = replace(rec, seq=self.newest + 1)
        self.newest = rec.seq
        if len(self._ring) >= self.capacity:
            old = self._ring.popleft()
            if old.seq > self.acked:
                self.lost += 1
                self.acked = old.seq
        self._ring.append(rec)
        return rec

    def ack(self, seq: int) -> CommandResult:
        if seq > self.newest:
            return CommandResult.BAD_ARGUMENT
        if seq > self.acked:  # a repeated or older ACK (after a console restart) is harmless
            self.acked = seq
        return CommandResult.OK

    def header(self) -> RecordsHeader:
        return RecordsHeader(
            oldest=(self._ring[0].seq if self._ring else 0) & 0xFFFFFFFF,
            newest=self.newest & 0xFFFFFFFF,
            acked=self.acked & 0xFFFFFFFF,
            capacity=self.capacity,
            lost=self.lost & 0xFFFF,
        )

    def window(self, count: int = RECORD_WINDOW) -> list[TransactionRecord]:
        """Records acked+1 … acked+count that exist."""
        return [r for r in self._ring if self.acked < r.seq <= self.acked + max(count, 0)]

    def records(self) -> list[TransactionRecord]:
        """Everything still in the ring (acknowledged or not), in write order."""
        return list(self._ring)

    def get(self, seq: int) -> TransactionRecord | None:
        return next((r for r in self._ring if r.seq == seq), None)

    def by_session(self, session_id: int) -> TransactionRecord | None:
        return next((r for r in self._ring if r.session_id == session_id), None)
