"""The text summary: counts per station, CJK-aware columns, line health, alarms."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import UTC, datetime

from app.engine.events import AlarmKey, AlarmRaised, LineHealth, PileUpdate, PortUpdate
from app.engine.hub import Snapshot
from app.services.stations import PileInfo, PortInfo, StationInfo
from app.summary import render_summary
from comm.pile.messages import Payment, PileFault, PileFlags, PileStatus, PortFault, PortLive, PortState, StopReason

T = datetime(2026, 11, 25, 12, tzinfo=UTC)


def live(state: PortState) -> PortLive:
    return PortLive(state, 2200, 0, 0, 0, 0, 0, PortFault.NONE, StopReason.NONE, Payment.NONE, 0)


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def test_summary_counts_and_aligns() -> None:
    ports = [PortInfo(uuid.uuid4(), n, "ebike", f"Q{n}") for n in range(1, 4)]
    pile_a = PileInfo(uuid.uuid4(), "A-P01", "a", "ACX10A", "modbus-tcp", "h:1", None, None, True, None, None,
                      tuple(ports))
    pile_b = PileInfo(uuid.uuid4(), "A-P02", "b", "ACX10A", "modbus-tcp", "h:2", None, None, False, None, None, ())
    st = StationInfo(uuid.uuid4(), "A", "莲城花园", "", None, None, 60_000, (pile_a, pile_b))
    status = PileStatus(PileFlags(), 250, 0, 0, 1234, 2200, 0, PileFault.NONE, 1, 0, 0, 0, 0)
    snap = Snapshot(
        ports={p.port_id: PortUpdate(pile_a.pile_id, p.port_id, p.number, live(s), T)
               for p, s in zip(ports, (PortState.CHARGING, PortState.STARTING, PortState.FAULT), strict=True)},
        piles={pile_a.pile_id: PileUpdate(pile_a.pile_id, True, status, T),
               pile_b.pile_id: PileUpdate(pile_b.pile_id, False, None, T)},
        lines={"A-P01": LineHealth("A-P01", "tcp", True, 1.0, 0.0, 1, 1, T),
               "A-P02": LineHealth("A-P02", "tcp", False, 0.0, 1.0, 0, 1, T)},
        alarms={AlarmKey(pile_b.pile_id, None, "pile.offline"):
                AlarmRaised(AlarmKey(pile_b.pile_id, None, "pile.offline"), "major", "no reply", T)},
    )
    text = render_summary([st], snap, T)
    row = next(line for line in text.splitlines() if line.startswith("A 莲城花园"))
    assert row.split()[2:] == ["1/2", "1", "1", "1", "1.2", "kW", "60.0", "kW", "1"]
    header = next(line for line in text.splitlines() if line.startswith("station"))
    # right-aligned columns end at the same terminal column as their headings, despite the CJK name
    charging_end = len(row) - len(row[row.index("1/2") + 3 :].lstrip(" ").lstrip("1"))
    assert width(row[:charging_end]) == width(header[: header.index("charging") + 8])
    assert "A Ethernet" in text and "1 DOWN" in text and " 1/2  piles" in text
    assert "pile.offline" in text and "A-P02" in text
