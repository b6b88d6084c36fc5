"""Garbage-collector settings for a long-running engine process (`chargedesk engine`).

With a thousand charge points connected the heap holds millions of objects; CPython's default
thresholds then run a full collection every few seconds that stops the event loop for hundreds of
milliseconds (bench/ocpp: p99 response time ~1 s). Freezing what exists after start-up (modules,
mappers, topology) and collecting young objects less often keeps the pauses to milliseconds. Cycles
are still collected; memory stays bounded (the engine creates few reference cycles).
"""

from __future__ import annotations

import gc


def tune_gc(young: int = 50_000) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(young, 20, 100)
