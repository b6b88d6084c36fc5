"""Settings tab: interface language (applies at the next start), database in use."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from widgets.i18n import LANGUAGES, chosen_language


class SettingsView(QWidget):
    def __init__(self, settings: QSettings, db_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.language = QComboBox(self)
        self.language.addItem(self.tr("Follow the system"), "")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        current = str(settings.value("ui/language", "") or "")
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Language / 语言"), self.language)
        form.addRow(self.tr("Database"), QLabel(db_label, self))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.note)
        lay.addStretch(1)
        self.language.currentIndexChanged.connect(self._on_language)

    def _on_language(self, _i: int) -> None:
        code = self.language.currentData()
        self.settings.setValue("ui/language", code)
        lang = code or chosen_language(self.settings)
        self.note.setText(self.tr("The console will use %1 from the next start. / 重启后生效。")
                          .replace("%1", LANGUAGES.get(lang, lang)))
