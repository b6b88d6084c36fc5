"""What a card's contents can be wrong with, for the clerk (zh + en, like the reader's errors)."""

from __future__ import annotations

from comm.pn532.errors import ReaderError


class CardDataError(ReaderError):
    """The card answered, but what is on it is not a usable ChargeDesk card of this operator."""


class BlankCard(CardDataError):
    def __init__(self, uid: bytes) -> None:
        u = uid.hex().upper()
        super().__init__(f"空白卡（UID {u}），尚未发卡", f"blank card (UID {u}), not issued yet")
        self.uid = uid


class ForeignCard(CardDataError):
    def __init__(self, issuer_name: str) -> None:
        who = issuer_name or "其他系统 / another system"
        super().__init__(f"这张卡属于其他运营商（{who}），本站不能受理，请到发卡单位办理",
                         f"this card belongs to another operator ({who}); we can't serve it here — "
                         "please ask the issuer")  # fmt: skip
        self.issuer_name = issuer_name


class CardTampered(CardDataError):
    def __init__(self, what: str) -> None:
        super().__init__(f"卡内数据校验失败（{what}），此卡已被拒绝，请联系管理员",
                         f"the card's data failed its check ({what}); the card is refused — call an administrator")
        self.what = what


class CardLocked(CardDataError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"卡片处于灰锁状态（{detail}），请先解灰",
                         f"the card is grey-locked ({detail}); un-grey it first")  # fmt: skip
