"""Stopping the engine's tasks for sure.

Python 3.11's ``asyncio.wait_for`` returns the awaited result when the task is cancelled in the same loop round
in which that result arrives, and the cancellation is lost (gh-86296, fixed in 3.12). pymodbus waits for every
reply with ``wait_for``, so a line poller stopped while a reply is on its way went on polling for ever: the
engine's thread outlived ``Engine.stop`` and kept the serial port (a second engine on the same adapter could not
open it). The loops check ``raise_if_cancelled`` once per round, and ``finish`` cancels again what is still
running after a grace period.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

GRACE_S = 5.0  # long enough for a graceful close (websockets' closing handshake), short enough for a stop


def raise_if_cancelled() -> None:
    """In a task's loop: end it if it was asked to stop and an inner ``wait_for`` swallowed that."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def finish(tasks: Iterable[asyncio.Future[Any]], *, grace_s: float = GRACE_S) -> None:
    """Cancel the tasks and wait until each has ended, cancelling again those that outlive ``grace_s``."""
    pending = set(tasks)
    for t in pending:
        t.cancel()
    while pending:
        _done, pending = await asyncio.wait(pending, timeout=grace_s)
        for t in pending:
            t.cancel()
    for t in tasks:  # collect their outcomes (a failure was logged where it happened)
        if not t.cancelled():
            t.exception()
