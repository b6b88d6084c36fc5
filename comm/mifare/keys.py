"""Card keys diversified from the card's UID and the operator's master key.

Each sector gets its own Key A and Key B: ``HMAC-SHA256(master, "CDSK-KEY" | uid | sector | "A"/"B")[:6]``,
so a key read out of one card (or sniffed on one sector) opens nothing else. The MACs that bind a card's
data to its UID use a key derived the same way (``"CDSK-MAC"``). The master key itself lives in the OS
keyring (app.services.card_keys); comm/ only ever receives it as bytes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from comm.mifare.classic import TRANSPORT_KEY

MAD_KEY_A = bytes.fromhex("A0A1A2A3A4A5")  # NXP's public MAD key: sector 0 is readable by anyone with it
MASTER_KEY_BYTES = 16


@dataclass(frozen=True)
class CardKeys:
    """The keys of one card (one UID) under one master key."""

    uid: bytes
    master: bytes

    def __post_init__(self) -> None:
        if len(self.master) < MASTER_KEY_BYTES:
            raise ValueError(f"the master key is at least {MASTER_KEY_BYTES} bytes")

    def key(self, sector: int, key_type: str) -> bytes:
        if sector == 0 and key_type == "A":
            return MAD_KEY_A
        msg = b"CDSK-KEY" + self.uid + bytes([sector]) + key_type.encode()
        return hmac.new(self.master, msg, hashlib.sha256).digest()[:6]

    def mac(self, *parts: bytes, size: int = 8) -> bytes:
        mac_key = hmac.new(self.master, b"CDSK-MAC", hashlib.sha256).digest()
        return hmac.new(mac_key, b"|".join((self.uid, *parts)), hashlib.sha256).digest()[:size]


def transport_keys(sector: int, key_type: str) -> bytes:
    return TRANSPORT_KEY
