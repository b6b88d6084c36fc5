"""Settings tab: language; the database (its password kept in the OS keyring, never in a file);
security settings (idle lock, lockout) for system administrators."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.permissions import Actor, Permission, allows
from app.secrets import KeyringSecretStore, SecretStore, store_database_url
from app.services import settings as security
from app.services.unit import Db
from widgets.i18n import LANGUAGES, chosen_language
from widgets.messages import error_text
from widgets.ops import run_background

DB_URL_KEY = "db/url"


class SettingsView(QWidget):
    def __init__(self, settings: QSettings, db_label: str, parent: QWidget | None = None, *,
                 actor: Actor | None = None, db: Db | None = None, secrets: SecretStore | None = None) -> None:
        super().__init__(parent)
        self.settings, self.actor, self.db = settings, actor, db
        self.secrets = secrets or KeyringSecretStore()
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
        form.addRow(self.tr("Database in use"), QLabel(db_label, self))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.note)
        admin = actor is not None and allows(actor, Permission.MANAGE_SETTINGS)
        if admin:
            lay.addWidget(self._database_box())
            lay.addWidget(self._security_box())
        lay.addStretch(1)
        self.language.currentIndexChanged.connect(self._on_language)

    def _on_language(self, _i: int) -> None:
        code = self.language.currentData()
        self.settings.setValue("ui/language", code)
        lang = code or chosen_language(self.settings)
        self.note.setText(self.tr("The console will use %1 from the next start. / 重启后生效。")
                          .replace("%1", LANGUAGES.get(lang, lang)))

    # -- database -----------------------------------------------------------------------------
    def _database_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Shared database (several desks)"), self)
        self.db_url = QLineEdit(str(self.settings.value(DB_URL_KEY, "") or ""), box)
        self.db_url.setPlaceholderText("postgresql+psycopg://desk@10.0.0.2/chargedesk")
        self.db_password = QLineEdit(box)
        self.db_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.db_password.setPlaceholderText(self.tr("kept in the system keyring"))
        self.db_save = QPushButton(self.tr("Save (applies at the next start)"), box)
        self.db_note = QLabel("", box)
        self.db_note.setWordWrap(True)
        form = QFormLayout(box)
        form.addRow(self.tr("Database URL"), self.db_url)
        form.addRow(self.tr("Password"), self.db_password)
        form.addRow(self.db_save)
        form.addRow(self.db_note)
        self.db_save.clicked.connect(self.save_database)
        return box

    def save_database(self) -> None:
        url, pw = self.db_url.text().strip(), self.db_password.text()
        if not url:
            self.settings.remove(DB_URL_KEY)
            self.db_note.setText(self.tr("The local database file will be used from the next start."))
            return
        try:
            from sqlalchemy.engine import make_url

            parsed = make_url(url)
            if pw:
                parsed = parsed.set(password=pw)
            saved = store_database_url(parsed, self.secrets)  # the password goes to the keyring only
        except Exception as exc:
            self.db_note.setText(f"<span style='color:#d9343a'>{error_text(exc)}</span>")
            return
        self.settings.setValue(DB_URL_KEY, saved)
        self.db_password.clear()
        self.db_note.setText(self.tr("Saved. The password is in the system keyring, not in any file."))

    # -- security ------------------------------------------------------------------------------
    def _security_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Security"), self)
        self.idle = QSpinBox(box)
        self.idle.setRange(0, 240)
        self.idle.setSuffix(self.tr(" min (0 = never)"))
        self.threshold = QSpinBox(box)
        self.threshold.setRange(1, 20)
        self.lockout = QSpinBox(box)
        self.lockout.setRange(1, 1440)
        self.lockout.setSuffix(self.tr(" min"))
        self.sec_save = QPushButton(self.tr("Save"), box)
        self.sec_note = QLabel("", box)
        form = QFormLayout(box)
        form.addRow(self.tr("Lock the console after"), self.idle)
        form.addRow(self.tr("Failed sign-ins before lockout"), self.threshold)
        form.addRow(self.tr("Lockout lasts"), self.lockout)
        form.addRow(self.sec_save)
        form.addRow(self.sec_note)
        assert self.db is not None
        db = self.db
        run_background(lambda: security.get_security_settings(db), self._show_security, parent=self)
        self.sec_save.clicked.connect(self.save_security)
        return box

    def _show_security(self, s: security.SecuritySettings) -> None:
        self.idle.setValue(s.idle_lock_minutes)
        self.threshold.setValue(s.lockout_threshold)
        self.lockout.setValue(s.lockout_minutes)

    def save_security(self) -> None:
        actor, db = self.actor, self.db
        assert actor is not None and db is not None
        idle, threshold, lockout = self.idle.value(), self.threshold.value(), self.lockout.value()
        run_background(
            lambda: security.update_security_settings(actor, db, idle_lock_minutes=idle, lockout_threshold=threshold,
                                                      lockout_minutes=lockout),
            lambda s: (self._show_security(s), self.sec_note.setText(self.tr("Saved."))),
            lambda exc: self.sec_note.setText(error_text(exc)), parent=self)
