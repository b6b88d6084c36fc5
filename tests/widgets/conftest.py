"""Qt tests run offscreen; QtWebEngine needs no sandbox when run as root in a container.

Both variables must be set before the first Qt import, so they are set here at import time.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QCoreApplication, Qt

# QtWebEngine needs shared OpenGL contexts, set before pytest-qt creates the QApplication.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
