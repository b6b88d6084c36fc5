"""Qt tests run offscreen; QtWebEngine needs no sandbox when run as root in a container.

Both variables must be set before the first Qt import, so they are set here at import time.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from db.engine import make_engine
from tests.e2e.site import Site, build_site
from widgets.gc_gui import collect_on_gui_thread

# QtWebEngine needs shared OpenGL contexts, set before pytest-qt creates the QApplication.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A small simulated site (pty bus + TCP piles) on a fresh SQLite database, with its engine running."""
    db = make_engine(f"sqlite:///{tmp_path / 'console.db'}")
    s = build_site(db)
    s.start_engine()
    try:
        yield s
    finally:
        s.stop_engine()
        s.sim.close()
        db.dispose()


@pytest.fixture(autouse=True)
def _widgets_die_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the console (widgets/gc_gui.py): cycles are collected on the GUI thread only, and what a test leaves
    behind is collected here, after the pool threads are done, not later in some engine or pool thread."""
    collect_on_gui_thread(qapp)
    yield
    QThreadPool.globalInstance().waitForDone(10_000)
    gc.collect()
