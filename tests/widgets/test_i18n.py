"""Chinese is complete: every string the code shows has a zh_CN translation, and the shipped .qm is current."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from widgets.i18n import I18N

TS = I18N / "chargedesk_zh_CN.ts"
TOOLS = Path(sys.executable).parent


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for m in ctx.iter("message"):
            out[(name, m.findtext("source") or "")] = m.find("translation")  # type: ignore[assignment]
    return out


def test_every_shipped_message_is_translated() -> None:
    def empty(tr: ET.Element) -> bool:
        forms = tr.findall("numerusform")
        texts = [f.text for f in forms] if forms else [tr.text]
        return not all((t or "").strip() for t in texts)

    untranslated = [k for k, tr in messages(TS).items() if tr.get("type") == "unfinished" or empty(tr)]
    assert untranslated == []


def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (Path(__file__).parents[2] / "widgets").rglob("*.py"))
    subprocess.run([str(TOOLS / "pyside6-lupdate"), *sources, "-ts", str(fresh)], check=True, capture_output=True)
    missing = sorted(set(messages(fresh)) - set(messages(TS)))
    assert missing == [], "run: python -m widgets.i18n update, translate, then release"


def test_the_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    shutil.copy(TS, tmp_path / "c.ts")
    subprocess.run([str(TOOLS / "pyside6-lrelease"), str(tmp_path / "c.ts"), "-qm", str(tmp_path / "c.qm")],
                   check=True, capture_output=True)
    assert (tmp_path / "c.qm").read_bytes() == TS.with_suffix(".qm").read_bytes()


def test_the_catalogue_loads_and_translates(qapp) -> None:  # type: ignore[no-untyped-def]
    t = QTranslator()
    assert t.load(str(TS.with_suffix(".qm")))
    QCoreApplication.installTranslator(t)
    try:
        assert QCoreApplication.translate("MainWindow", "Alarms") == "告警"
        assert QCoreApplication.translate("ConfigDialog", "Coin value (yuan)") == "每枚投币金额（元）"
    finally:
        QCoreApplication.removeTranslator(t)


def test_qt_own_buttons_are_chinese_in_zh_cn(qapp) -> None:  # type: ignore[no-untyped-def]
    """OK / Cancel of a QDialogButtonBox (and QMessageBox, QFileDialog) come from Qt's qtbase catalogue."""
    from PySide6.QtWidgets import QDialogButtonBox

    from widgets import i18n

    qm = i18n.qt_catalogue("zh_CN")
    if not qm.is_file():
        pytest.skip(f"this Qt ships no {qm.name} in {qm.parent}: its standard buttons stay English")
    assert i18n.install(qapp, "zh_CN")
    try:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok, cancel = (box.button(b).text().replace("&", "") for b in (QDialogButtonBox.StandardButton.Ok,
                                                                      QDialogButtonBox.StandardButton.Cancel))
        assert (ok, cancel) == ("确定", "取消")
        assert QCoreApplication.translate("MainWindow", "Alarms") == "告警"  # ours still there, and first
    finally:
        i18n.install(qapp, "en")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text().replace("&", "") == "OK"
