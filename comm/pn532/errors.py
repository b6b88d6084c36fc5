"""The reader's errors, each with a Chinese and an English message for the clerk.

comm/ sits below app/, so these do not derive from app.domain.errors.ChargeDeskError; they carry the
same ``zh``/``en`` attributes and ``str()`` = "中文 / English", and app/ shows them the same way.
"""

from __future__ import annotations


class ReaderError(Exception):
    """Base of every error of the reader and the card in its field."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


class FrameError(ReaderError):
    """Bytes on the line that are not a valid PN532 frame. ``skip``: bytes to drop before resyncing."""

    def __init__(self, reason: str, skip: int) -> None:
        super().__init__(f"读卡器数据帧错误：{reason}", f"bad frame from the reader: {reason}")
        self.reason = reason
        self.skip = max(1, skip)


class NoReader(ReaderError):
    def __init__(self, port: str, detail: str = "") -> None:
        extra = f"（{detail}）" if detail else ""
        super().__init__(f"端口 {port} 上没有读卡器{extra}，请检查 USB 连接",
                         f"no card reader on {port}{' (' + detail + ')' if detail else ''}; check the USB cable")
        self.port = port


class ReaderNotAnswering(ReaderError):
    def __init__(self, what: str) -> None:
        super().__init__(f"读卡器无应答（{what}），请重新插拔读卡器",
                         f"the card reader is not answering ({what}); unplug and replug it")


class ReaderFault(ReaderError):
    """The reader answered, but with an error frame or a status the driver has no better name for."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"读卡器报告错误：{detail}", f"the card reader reported an error: {detail}")
        self.detail = detail


class NoCard(ReaderError):
    def __init__(self) -> None:
        super().__init__("读卡器上没有卡，请把卡放在读卡器上", "no card on the reader; place the card on it")


class TwoCards(ReaderError):
    def __init__(self) -> None:
        super().__init__("读卡器上有两张卡，请只放一张", "two cards on the reader; leave only one")


class NotMifareClassic(ReaderError):
    def __init__(self, sak: int) -> None:
        super().__init__(f"不是 MIFARE Classic 1K 卡（SAK {sak:02X}）", f"not a MIFARE Classic 1K card (SAK {sak:02X})")
        self.sak = sak


class AuthFailed(ReaderError):
    def __init__(self, block: int) -> None:
        super().__init__(f"卡片认证失败（块 {block}，密钥不对）",
                         f"card authentication failed (block {block}: wrong key)")  # fmt: skip
        self.block = block


class AccessDenied(ReaderError):
    """The card refused the operation (the access bits forbid it, or a value operation on a non-value block)."""

    def __init__(self, what: str, block: int) -> None:
        super().__init__(f"卡片拒绝了操作：{what}（块 {block}）", f"the card refused: {what} (block {block})")
        self.block = block


class CardRemoved(ReaderError):
    def __init__(self, during: str) -> None:
        super().__init__(f"操作中卡被拿走了（{during}），请把卡放回读卡器",
                         f"the card was removed during an operation ({during}); put it back on the reader")
        self.during = during
