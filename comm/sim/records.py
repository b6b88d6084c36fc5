"""The pile's ring of offline transaction records, with its read pointer (non-volatile memory).

A record's seq is the session_id the port showed while the session ran, so it is allocated when
the session *starts*; records are written when sessions *stop*, which with ten ports is not in seq
order. The read pointer stays sound anyway:

* the window lists finished, unacknowledged records in seq order (sessions still running leave a
  gap that is skipped, not waited for);
* ACK_RECORDS(seq) acknowledges every finished record ≤ seq; `acked` ("every record up to here is
  acknowledged") then moves over the acknowledged and the lost, and stops below a running session.
  That session's record, written later, appears in the window then: nothing is lost or read twice.
"""

from __future__ import annotations

import tomllib
from collections import deque
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

_OPEN, _UNACKED, _ACKED, _LOST = "open", "unacked", "acked", "lost"


class RecordRing:
    def __init__(self, capacity: int = RECORD_CAPACITY) -> None:
        self.capacity = capacity
        self.next_seq = 1  # seqs start at 1 and never repeat (this counter is in NV memory)
        self.newest = 0
        self.acked = 0
        self.lost = 0
        self._ring: deque[TransactionRecord] = deque()  # write order, oldest first
        self._state: dict[int, str] = {}  # status of every seq above the read pointer

    def allocate(self) -> int:
        seq = self.next_seq
        self.next_seq += 1
        self._state[seq] = _OPEN
        return seq

    def write(self, rec: TransactionRecord) -> None:
        if self._state.get(rec.seq) != _OPEN:
            raise ValueError(f"record {rec.seq} was not allocated or is already written")
        if len(self._ring) >= self.capacity:
            old = self._ring.popleft()
            if self._state.get(old.seq) == _UNACKED:
                self.lost += 1
                self._state[old.seq] = _LOST
        self._ring.append(rec)
        self._state[rec.seq] = _UNACKED
        self.newest = max(self.newest, rec.seq)
        self._advance()

    def ack(self, seq: int) -> CommandResult:
        if seq > self.newest:
            return CommandResult.BAD_ARGUMENT
        if seq <= self.acked:
            return CommandResult.OK  # idempotent: a repeated ACK after a console restart is harmless
        for s, st in self._state.items():
            if s <= seq and st == _UNACKED:
                self._state[s] = _ACKED
        self._advance()
        return CommandResult.OK

    def _advance(self) -> None:
        while self._state.get(self.acked + 1) in (_ACKED, _LOST):
            del self._state[self.acked + 1]
            self.acked += 1

    def header(self) -> RecordsHeader:
        oldest = min((r.seq for r in self._ring), default=0)
        return RecordsHeader(
            oldest=oldest & 0xFFFFFFFF,
            newest=self.newest & 0xFFFFFFFF,
            acked=self.acked & 0xFFFFFFFF,
            capacity=self.capacity,
            lost=self.lost & 0xFFFF,
        )

    def window(self, count: int = RECORD_WINDOW) -> list[TransactionRecord]:
        """The first `count` finished, unacknowledged records after the read pointer, by seq."""
        pending = sorted((r for r in self._ring if self._state.get(r.seq) == _UNACKED), key=lambda r: r.seq)
        return pending[: max(count, 0)]

    def records(self) -> list[TransactionRecord]:
        """Everything still in the ring (acknowledged or not), in write order."""
        return list(self._ring)

    def get(self, seq: int) -> TransactionRecord | None:
        return next((r for r in self._ring if r.seq == seq), None)

    @property
    def open_seqs(self) -> list[int]:
        return sorted(s for s, st in self._state.items() if st == _OPEN)
