"""The dialog shape shared by sign-in, account and user forms: fields, an error line, OK/Cancel,
and the save run off the GUI thread with the service's error shown in the operator's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from widgets.messages import error_text
from widgets.ops import run_background


class FormDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None, *, intro: str = "",
                 ok: QDialogButtonBox.StandardButton = QDialogButtonBox.StandardButton.Save) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.error = QLabel("", self)
        self.error.setStyleSheet("color:#d9343a")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        if intro:
            self.intro = QLabel(intro, self)
            self.intro.setWordWrap(True)
            lay.addWidget(self.intro)
        lay.addLayout(self.form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def field(self, label: str, *, secret: bool = False, text: str = "") -> QLineEdit:
        edit = QLineEdit(text, self)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(label, edit)
        return edit

    def submit(self) -> None:
        raise NotImplementedError

    def run(self, work: Callable[[], Any], done: Callable[[Any], None], *, busy_text: str = "") -> None:
        """Run `work` off the GUI thread; `done(result)` then closes the dialog, or the error is shown."""
        self.buttons.setEnabled(False)
        if busy_text:
            self.error.setText(busy_text)

        def ok(result: Any) -> None:
            done(result)
            self.accept()

        def failed(exc: Exception) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(error_text(exc))

        run_background(work, ok, failed, parent=self)
