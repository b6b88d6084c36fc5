"""The life of an IC card as the database records it (card.state), and which states each kind of pile refuses."""

from __future__ import annotations

from enum import StrEnum


class CardStatus(StrEnum):
    ISSUING = "issuing"
    ACTIVE = "active"
    LOST = "lost"  # 挂失: reported lost at the desk
    RETURNED = "returned"  # 退卡: wiped and handed back, its balance refunded
    REPLACED = "replaced"  # 补卡: a successor card carries its money
    VOID = "void"  # an issue that never happened


# The e-bike piles' blacklist (a small table in each pile): lost cards, and replaced ones in case the old card
# turns up — their money is on the successor now. A returned card was wiped of its purse, so it pays nothing.
BLACKLISTED = (CardStatus.LOST.value, CardStatus.REPLACED.value)

# A car charge point authorizes an idTag, not a purse: a returned card must not start a car either.
REFUSED_BY_CARS = (CardStatus.LOST.value, CardStatus.RETURNED.value, CardStatus.REPLACED.value)

# pile_blacklist.error of a car charge point that answered NotSupported to its local list: not a failure — it
# asks the console for every card, which refuses the blocked ones.
CAR_NO_LOCAL_LIST = "NotSupported: the charge point keeps no local authorization list"
