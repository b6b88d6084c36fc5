"""Errors in the operator's language: services raise ChargeDeskError with a Chinese and an English text."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from app.domain.errors import ChargeDeskError


def chinese_ui() -> bool:
    """True when the installed translation is Chinese (the catalogue translates this marker)."""
    return QCoreApplication.translate("Language", "en") == "zh_CN" or QLocale().language() == QLocale.Language.Chinese


def error_text(exc: BaseException) -> str:
    if isinstance(exc, ChargeDeskError):
        return exc.zh if chinese_ui() else exc.en
    return str(exc) or type(exc).__name__
