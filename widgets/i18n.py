"""Translations: English source strings, Chinese (zh_CN) shipped as a compiled .qm.

The .ts sources live in resources/i18n/ (updated with `python -m widgets.i18n update`, which runs
pyside6-lupdate over widgets/), and `python -m widgets.i18n release` compiles them. The UI follows
the system locale unless Settings chose a language. Qt's own words (the OK / Cancel / Close of dialog button
boxes, QMessageBox's standard buttons, the file dialog) come from Qt's catalogue ``qtbase_<language>.qm``,
loaded from Qt's translations folder (PySide6 wheels ship it in PySide6/Qt/translations) when it is there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from widgets.look import RESOURCES

I18N = RESOURCES / "i18n"
LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}
_installed: list[QTranslator] = []


def chosen_language(settings: QSettings) -> str:
    lang = str(settings.value("ui/language", "") or "")
    if lang in LANGUAGES:
        return lang
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def qt_catalogue(language: str) -> Path:
    """Qt's own catalogue for `language` (it may be missing: e.g. a Qt built without translations)."""
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) / f"qtbase_{language}.qm"


def install(app: QCoreApplication, language: str) -> bool:
    """Install the translators for `language` (English needs none): ours, and Qt's own for its standard
    buttons and dialogs when Qt has one (skipped silently otherwise). True when our catalogue loaded."""
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    if language == "en":
        return True
    translator = QTranslator(app)
    if not translator.load(str(I18N / f"chargedesk_{language}.qm")):
        return False
    qt = QTranslator(app)
    if qt.load(str(qt_catalogue(language))):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(translator)  # installed last, so asked first: our words win over Qt's
    _installed.append(translator)
    return True


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def main(argv: list[str]) -> int:
    ts = I18N / "chargedesk_zh_CN.ts"
    if argv[:1] == ["update"]:
        sources = sorted(str(p) for p in (Path(__file__).parent).rglob("*.py"))
        return subprocess.call([_tool("pyside6-lupdate"), *sources, "-ts", str(ts), "-no-obsolete"])
    if argv[:1] == ["release"]:
        return subprocess.call([_tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))])
    print("usage: python -m widgets.i18n update|release")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
