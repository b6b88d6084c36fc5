"""The web side of the map tab: the page, its offline guard and the QWebChannel object JS talks to."""

from __future__ import annotations

import atexit
import logging
import weakref

import shiboken6
from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor
from PySide6.QtWebEngineWidgets import QWebEngineView

log = logging.getLogger(__name__)
LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "blob", "about"})
_views: weakref.WeakSet[QWebEngineView] = weakref.WeakSet()


def delete_at_exit(view: QWebEngineView) -> None:
    _views.add(view)


@atexit.register
def _delete_views() -> None:
    """Web views still alive at exit go before Qt tears down the web profile (else Chromium complains)."""
    for view in list(_views):
        if shiboken6.isValid(view):
            shiboken6.delete(view)


class MapChannel(QObject):
    """The object JS sees as `mapBridge`; its slots relay to Qt signals on the GUI thread."""

    clicked = Signal(str)
    dragged = Signal(str, float, float)
    picked = Signal(float, float)
    stationPicked = Signal(str)
    loaded = Signal()

    @Slot(str)
    def pileClicked(self, pile_id: str) -> None:
        self.clicked.emit(pile_id)

    @Slot(str, float, float)
    def pileDragged(self, pile_id: str, x: float, y: float) -> None:
        self.dragged.emit(pile_id, x, y)

    @Slot(float, float)
    def mapClicked(self, a: float, b: float) -> None:
        self.picked.emit(a, b)

    @Slot(str)
    def stationClicked(self, code: str) -> None:
        self.stationPicked.emit(code)

    @Slot()
    def ready(self) -> None:
        self.loaded.emit()


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not local, except the configured street-tile host."""

    def __init__(self, tile_url: str | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # "https://{s}.tile.example.org/{z}/{x}/{y}.png" → hosts ending in ".tile.example.org"
        host = tile_url.split("//", 1)[-1].split("/", 1)[0].lower() if tile_url else ""
        self.tile_host = host.split("}", 1)[-1] if "}" in host else host
        self.blocked: list[str] = []

    def _tile(self, host: str) -> bool:
        return bool(self.tile_host) and (host == self.tile_host or host.endswith(self.tile_host)
                                         if self.tile_host.startswith(".") else host == self.tile_host)

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() in LOCAL_SCHEMES or self._tile(url.host().lower()):
            return
        self.blocked.append(url.toString())
        info.block(True)


class MapPage(QWebEnginePage):
    """Stays on local files (a stray link cannot take the tab away) and logs the page's console."""

    def acceptNavigationRequest(self, url: QUrl, kind: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        return url.scheme() in LOCAL_SCHEMES

    def javaScriptConsoleMessage(self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str,
                                 line: int, source: str) -> None:
        log.debug("map page %s:%s: %s", source, line, message)
