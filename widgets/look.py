"""Shared look: the bundled CJK font, state colours, and value formatting for the views."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication

from comm.pile.messages import PortState

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
FONT_FILE = RESOURCES / "fonts" / "wqy-microhei.ttc"

# Colours by port state, chosen to read well on a white table and as map markers.
STATE_COLOURS: dict[str, str] = {
    PortState.IDLE.value: "#9aa5b1",
    PortState.STARTING.value: "#f0ad4e",
    PortState.CHARGING.value: "#2e9d4f",
    PortState.FAULT.value: "#d9343a",
    PortState.DISABLED.value: "#6c4fa3",
    "OFFLINE": "#4a4a4a",
}
SEVERITY_COLOURS = {"critical": "#d9343a", "major": "#e8743b", "minor": "#f0ad4e", "warning": "#d6b600",
                    "info": "#5b8def"}


def state_colour(state: str) -> QColor:
    return QColor(STATE_COLOURS.get(state, "#9aa5b1"))


_dots: dict[str, QIcon] = {}


def state_dot(state: str) -> QIcon:
    """A small filled circle in the state's colour (cached: trees repaint often)."""
    icon = _dots.get(state)
    if icon is None:
        pix = QPixmap(14, 14)
        pix.fill(Qt.GlobalColor.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(state_colour(state))
        p.setPen(state_colour(state).darker(140))
        p.drawEllipse(1, 1, 12, 12)
        p.end()
        icon = _dots[state] = QIcon(pix)
    return icon


def install_font(app: QApplication) -> str:
    """Register the bundled WenQuanYi Micro Hei and make it the UI font, so every PC looks alike."""
    family = ""
    if FONT_FILE.is_file():
        fid = QFontDatabase.addApplicationFont(str(FONT_FILE))
        families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
        family = families[0] if families else ""
    if family:
        font = QFont(family, app.font().pointSize())
        app.setFont(font)
    return family


# Timestamps are stored in UTC and shown in the community's time (DESIGN §2): China Standard Time unless
# CHARGEDESK_TZ names another zone.
DISPLAY_TZ = ZoneInfo(os.environ.get("CHARGEDESK_TZ", "Asia/Shanghai"))


def local(dt: datetime, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return dt.astimezone(DISPLAY_TZ).strftime(fmt)


def utc_offset_s() -> int:
    """Seconds *behind* UTC, as pyqtgraph's DateAxisItem(utcOffset=…) wants (like time.timezone)."""
    offset = datetime.now(DISPLAY_TZ).utcoffset()
    return -int(offset.total_seconds()) if offset else 0


def volts(dv: int) -> str:
    return f"{dv / 10:.1f}"


def amps(ca: int) -> str:
    return f"{ca / 100:.2f}"


def kwh(wh: int) -> str:
    return f"{wh / 1000:.3f}"
