"""An engine stopped at any moment ends: its thread is gone and its serial port is free for the next one.

Stopping while a pile's reply is on its way used to lose the cancellation (Python 3.11's wait_for inside
pymodbus): the old engine went on polling the bus for ever, held the serial port, and a new engine on the
same adapter never saw its piles."""

from __future__ import annotations

import time

from tests.e2e.site import BUS_PILES, Site, wait_for


def test_an_engine_stopped_right_after_it_started_ends_and_the_next_one_polls_the_bus(site: Site) -> None:
    for delay in (0.0, 0.05, 0.1, 0.2, 0.3):
        engine = site.start_engine()
        time.sleep(delay)  # the first requests are on the wire
        engine.stop(timeout=10)
        assert not engine.running, f"the engine thread outlived stop() (stopped {delay} s after its start)"
        site.engine = None
    engine = site.start_engine()
    pid = site.pile_ids[BUS_PILES[0]]
    wait_for(lambda: (p := engine.snapshot().piles.get(pid)) is not None and p.online, timeout=10)
