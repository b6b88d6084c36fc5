"""Settling a pile's session record, pure: payment ways, the ledger legs, and what counts as a disagreement.

Money of a session, as the pile recorded it: ``amount`` paid in (coins, card, app), ``refund`` of unused
time given back (to the card by the pile itself, or owed back to the app wallet), ``net`` = amount −
refund is the operator's revenue. Where the money sits before it becomes revenue depends on the way:

* qr (REMOTE)  — the user's wallet with us: the wallet pays ``net`` when the session is settled, so the
                 unused part never leaves the wallet (a QR start checks the balance, it does not hold it);
* coin         — the pile's coin box: cash the operator still has to collect (asset ``coinbox``);
* card         — the IC card's own purse: the card desk's card float settles against ``clearing:card``;
* free/monthly — nothing moves: a zero-amount settlement (the monthly fee is paid at the card desk).

A record whose live view (what the console saw while the session ran) disagrees with it is settled by the
record — the pile is where the money changed hands — and flagged for a person to look at; the live row is
never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.journal import REVENUE, AccountKind, Leg, SystemAccount, check_balanced
from app.domain.money import format_money

COINBOX = SystemAccount("coinbox", AccountKind.ASSET, "投币箱现金", "cash in coin boxes")
CARD_CLEARING = SystemAccount("clearing:card", AccountKind.ASSET, "IC 卡消费清算", "IC-card spending clearing")
SETTLEMENT_ACCOUNTS = (COINBOX, CARD_CLEARING)

# The pile's Payment values → the payment ways shown everywhere (M12.5: scan / card / coin / free / monthly).
WAYS: dict[str, str] = {"COIN": "coin", "CARD": "card", "REMOTE": "qr", "FREE": "free", "MONTHLY": "monthly",
                        "NONE": "none"}  # fmt: skip
WAY_NAMES: dict[str, tuple[str, str]] = {
    "coin": ("投币", "coin"), "card": ("刷卡", "card"), "qr": ("扫码", "QR / app"), "free": ("免费", "free"),
    "monthly": ("包月", "monthly"), "none": ("无", "none"),
}  # fmt: skip
ZERO_WAYS = frozenset({"free", "monthly", "none"})

# Live view vs the pile's record: the poller reads a charging port about once a second and an idle one
# every few seconds, so the live energy may miss the last few Wh and the start a poll or two. End times are
# not compared: the console notices an end only when it next polls (after a power cut or while it was off,
# much later), so a late live end says nothing about the record.
ENERGY_TOLERANCE_WH = 20
ENERGY_TOLERANCE_SHARE = 0.05
TIME_TOLERANCE_S = 180


class Status:
    SETTLED = "settled"
    FLAGGED = "flagged"
    UNPAID = "unpaid"  # the wallet could not pay: flagged, nothing posted


@dataclass(frozen=True, slots=True)
class Flag:
    code: str  # payment | energy | start | refund | payer | funds | tariff | port
    zh: str
    en: str
    live: str = ""
    record: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en, "live": self.live, "record": self.record}


@dataclass(frozen=True, slots=True)
class RecordSide:
    payment: str  # the pile's Payment value
    energy_wh: int
    start: datetime
    end: datetime
    amount_fen: int
    refund_fen: int


@dataclass(frozen=True, slots=True)
class LiveSide:
    payment: str
    energy_wh: int
    started_at: datetime
    ended_at: datetime | None  # None: the console has not seen it end (yet)


def way_of(payment: str) -> str:
    return WAYS.get(payment, "none")


def disagreements(record: RecordSide, live: LiveSide | None) -> list[Flag]:
    """What the live view and the record disagree about (empty: nothing to look at)."""
    flags: list[Flag] = []
    if record.refund_fen > record.amount_fen:
        flags.append(Flag("refund", "退款大于实收金额", "refund larger than the amount paid",
                          record=f"{format_money(record.amount_fen)} / {format_money(record.refund_fen)}"))
    if live is None:
        return flags
    if live.payment != record.payment:
        flags.append(Flag("payment", "支付方式不一致", "payment way differs", live.payment, record.payment))
    if live.ended_at is not None:
        tolerance = max(ENERGY_TOLERANCE_WH, round(record.energy_wh * ENERGY_TOLERANCE_SHARE))
        if abs(live.energy_wh - record.energy_wh) > tolerance:
            flags.append(Flag("energy", "电量不一致", "energy differs", f"{live.energy_wh} Wh",
                              f"{record.energy_wh} Wh"))
    if abs((live.started_at - record.start).total_seconds()) > TIME_TOLERANCE_S:
        flags.append(Flag("start", "开始时间不一致", "start time differs",
                          live.started_at.isoformat(timespec="seconds"), record.start.isoformat(timespec="seconds")))
    return flags


def tariff_flag(expected_min: int, recorded_min: int, tariff_code: str) -> Flag | None:
    """The pile granted other minutes than our tariff says: it holds another configuration than ours."""
    if expected_min == recorded_min:
        return None
    return Flag("tariff", f"桩上资费与资费方案 {tariff_code} 不一致", f"the pile's tariff differs from {tariff_code}",
                live=f"{expected_min} min", record=f"{recorded_min} min")


def legs_for_session(way: str, net_fen: int, wallet: str | None) -> list[Leg]:
    """The ledger legs of a session's revenue (none for zero-amount ways or nothing kept)."""
    if way in ZERO_WAYS or net_fen <= 0:
        return []
    if way == "qr":
        if wallet is None:
            raise ValueError("a QR session needs the payer's wallet")
        source = wallet
    elif way == "coin":
        source = COINBOX.code
    elif way == "card":
        source = CARD_CLEARING.code
    else:  # pragma: no cover - WAYS is exhaustive
        raise ValueError(way)
    legs = [Leg(source, net_fen), Leg(REVENUE.code, -net_fen)]
    check_balanced(legs)
    return legs
