"""Commands the GUI, CLI and services hand to the engine, and what comes back.

A command is only reported done when the pile's read-back confirms it; anything else is a
failure with a message a person can act on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from comm.pile.messages import PileConfig


@dataclass(frozen=True, slots=True)
class StartPort:
    pile_id: uuid.UUID
    port: int
    minutes: int = 0  # 0 = let the pile derive the time from amount_fen and the power tier
    amount_fen: int = 0
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class StopPort:
    pile_id: uuid.UUID
    port: int
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class SyncClock:
    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class RebootPile:
    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ClearFault:
    pile_id: uuid.UUID
    port: int = 0  # 0 = the pile's own fault
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class ReadConfig:
    pile_id: uuid.UUID
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class WriteConfig:
    pile_id: uuid.UUID
    config: PileConfig
    issued_by: str | None = None


@dataclass(frozen=True, slots=True)
class PushBlacklist:
    """Write the card blacklist ``version`` (card numbers, at most the pile's table) and read it back."""

    pile_id: uuid.UUID
    version: int
    cards: tuple[int, ...]
    issued_by: str | None = None


PileCommand = StartPort | StopPort | SyncClock | RebootPile | ClearFault | ReadConfig | WriteConfig | PushBlacklist


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    ok: bool
    detail: str  # plain words: what happened, and for a failure what to do
    finished_at: datetime
    config: PileConfig | None = None  # ReadConfig / WriteConfig: what the pile holds now
    extra: dict[str, int] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # OCPP answers (configuration keys, schedules …)


def command_name(cmd: PileCommand) -> str:
    return type(cmd).__name__


def command_port(cmd: PileCommand) -> int | None:
    port = getattr(cmd, "port", None)
    return port or None
