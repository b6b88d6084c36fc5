"""Dialogs that build pile commands: start a port, and edit a pile's configuration with a diff."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from comm.pile.messages import PileConfig, PowerTier
from widgets.ops import LatestLoad


def parse_yuan(text: str) -> int:
    """'2' / '2.5' / '2.50' yuan → fen. Refuses more than two decimals, negatives and garbage."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(text) from None
    fen = value * 100
    if value <= 0 or fen != fen.to_integral_value():
        raise ValueError(text)
    return int(fen)


# A resident found by the start dialog's search: (user id, "name  building-unit-room  phone").
Resident = tuple[uuid.UUID, str]


class StartPortDialog(QDialog):
    """Start a port for N minutes or for an amount (the pile converts money by its power tier) — free of charge,
    or, when ``find_residents`` is given, for an amount paid from a resident's wallet (a resident who phones the
    office, or whose app start did not get through: app.services.orders.start_for_user)."""

    def __init__(self, pile_code: str, port: int, parent: QWidget | None = None, *,
                 find_residents: Callable[[str], list[Resident]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Start port %1 of %2").replace("%1", str(port)).replace("%2", pile_code))
        self.by_minutes = QRadioButton(self.tr("For a time"), self)
        self.by_amount = QRadioButton(self.tr("For an amount"), self)
        self.by_minutes.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_minutes)
        group.addButton(self.by_amount)
        self.for_resident = QRadioButton(self.tr("For an amount from a resident's wallet"), self)
        group.addButton(self.for_resident)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("name, phone, room or card number"))
        self.residents = QListWidget(self)
        self.residents.setMinimumHeight(120)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, 1440)
        self.minutes.setValue(120)
        self.minutes.setSuffix(self.tr(" min"))
        self.amount = QLineEdit("2.00", self)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color:#d9343a")
        form = QFormLayout()
        form.addRow(self.by_minutes, self.minutes)
        if find_residents is None:
            form.addRow(self.by_amount, self.amount)
        else:  # two ways to pay an amount: the field below serves both
            form.addRow(self.by_amount)
            form.addRow(self.for_resident)
            form.addRow(self.search)
            form.addRow(self.residents)
            form.addRow(self.tr("Amount (¥)"), self.amount)
            self.setMinimumWidth(440)
        self._find: LatestLoad | None = None
        if find_residents is not None:  # search as the operator types: the newest text wins
            self._find = LatestLoad(find_residents, self._show_residents,
                                    lambda exc: self.error.setText(str(exc)), parent=self)
            self.search.textChanged.connect(lambda text: self._find.request(text))  # type: ignore[union-attr]
            self.search.textEdited.connect(lambda _t: self.for_resident.setChecked(True))
            self.residents.itemClicked.connect(lambda _i: self.for_resident.setChecked(True))
        for w in (self.for_resident, self.search, self.residents):
            w.setVisible(find_residents is not None)
        for b in (self.by_minutes, self.by_amount, self.for_resident):
            b.toggled.connect(self._modes)
        self._modes()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.result_minutes = 0
        self.result_fen = 0
        self.result_user: Resident | None = None
        if self._find is not None:
            self._find.request("")

    def _modes(self) -> None:
        self.minutes.setEnabled(self.by_minutes.isChecked())
        self.amount.setEnabled(not self.by_minutes.isChecked())

    def _show_residents(self, found: list[Resident]) -> None:
        self.residents.clear()
        for user_id, label in found:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, user_id)
            self.residents.addItem(item)

    def _accept(self) -> None:
        self.result_user = None
        if self.by_minutes.isChecked():
            self.result_minutes, self.result_fen = self.minutes.value(), 0
        elif self.for_resident.isChecked():
            item = self.residents.currentItem()
            if item is None:
                self.error.setText(self.tr("Choose the resident who pays."))
                return
            try:
                self.result_minutes, self.result_fen = 0, parse_yuan(self.amount.text())
            except ValueError:
                self.error.setText(self.tr("Enter an amount in yuan, e.g. 2 or 2.50"))
                return
            self.result_user = (item.data(Qt.ItemDataRole.UserRole), item.text())
        else:
            try:
                self.result_minutes, self.result_fen = 0, parse_yuan(self.amount.text())
            except ValueError:
                self.error.setText(self.tr("Enter an amount in yuan, e.g. 2 or 2.50"))
                return
        self.accept()


# Labels are marked with QT_TRANSLATE_NOOP and translated in ConfigDialog (same context) where shown.
# (field, label, kind): kind "int" = plain integer, "yuan" = fen shown in yuan, "tier" = W / min per yuan,
# "flag" = a ModeFlags field
_FIELDS: list[tuple[str, str, str]] = [
    ("coin_fee_fen", QT_TRANSLATE_NOOP("ConfigDialog", "Coin value (yuan)"), "yuan"),
    ("swipe_fee_fen", QT_TRANSLATE_NOOP("ConfigDialog", "Card swipe buys (yuan)"), "yuan"),
    ("max_port_power_w", QT_TRANSLATE_NOOP("ConfigDialog", "Port overload limit (W)"), "int"),
    ("max_pile_power_w", QT_TRANSLATE_NOOP("ConfigDialog", "Pile power limit (W)"), "int"),
    ("tier1", QT_TRANSLATE_NOOP("ConfigDialog", "Power tier 1: up to W / minutes per yuan"), "tier"),
    ("tier2", QT_TRANSLATE_NOOP("ConfigDialog", "Power tier 2: up to W / minutes per yuan"), "tier"),
    ("tier3", QT_TRANSLATE_NOOP("ConfigDialog", "Power tier 3: up to W / minutes per yuan"), "tier"),
    ("tier4", QT_TRANSLATE_NOOP("ConfigDialog", "Power tier 4: up to W / minutes per yuan"), "tier"),
    ("tier5", QT_TRANSLATE_NOOP("ConfigDialog", "Power tier 5: up to W / minutes per yuan"), "tier"),
    ("full_stop_power_w", QT_TRANSLATE_NOOP("ConfigDialog", "Full when power ≤ (W)"), "int"),
    ("full_stop_min", QT_TRANSLATE_NOOP("ConfigDialog", "… for (minutes)"), "int"),
    ("unplug_power_w", QT_TRANSLATE_NOOP("ConfigDialog", "Unplugged when power ≤ (W)"), "int"),
    ("max_session_min", QT_TRANSLATE_NOOP("ConfigDialog", "Longest session (minutes)"), "int"),
    ("free_min", QT_TRANSLATE_NOOP("ConfigDialog", "Free start grants (minutes)"), "int"),
    ("over_temp_dc", QT_TRANSLATE_NOOP("ConfigDialog", "Over-temperature (0.1 °C)"), "int"),
    ("smoke_threshold", QT_TRANSLATE_NOOP("ConfigDialog", "Smoke alarm threshold"), "int"),
    ("night_start_min", QT_TRANSLATE_NOOP("ConfigDialog", "Night cut-off from (min after 0:00)"), "int"),
    ("night_end_min", QT_TRANSLATE_NOOP("ConfigDialog", "Night cut-off until (min after 0:00)"), "int"),
    ("mode.free_mode", QT_TRANSLATE_NOOP("ConfigDialog", "Free-charging mode"), "flag"),
    ("mode.monthly_card", QT_TRANSLATE_NOOP("ConfigDialog", "Accept monthly cards"), "flag"),
    ("mode.refund_on_swipe", QT_TRANSLATE_NOOP("ConfigDialog", "Refund unused time on a second swipe"), "flag"),
    ("mode.night_cutoff", QT_TRANSLATE_NOOP("ConfigDialog", "Night cut-off enabled"), "flag"),
    ("mode.smoke_detector", QT_TRANSLATE_NOOP("ConfigDialog", "Smoke detector fitted"), "flag"),
    ("mode.power_memory", QT_TRANSLATE_NOOP("ConfigDialog", "Resume after power failure"), "flag"),
]


def _show(cfg: PileConfig, key: str, kind: str) -> str:
    if kind == "tier":
        t = cfg.tiers[int(key[4:]) - 1]
        return f"{t.max_w} / {t.min_per_yuan}"
    if kind == "flag":
        return "✓" if getattr(cfg.mode, key.split(".", 1)[1]) else "—"
    value = getattr(cfg, key)
    return f"{value / 100:.2f}" if kind == "yuan" else str(value)


def _parse(cfg: PileConfig, key: str, kind: str, text: str) -> PileConfig:
    text = text.strip()
    if kind == "tier":
        i = int(key[4:]) - 1
        w, m = (int(x) for x in text.replace(" ", "").split("/"))
        tiers = list(cfg.tiers)
        tiers[i] = PowerTier(w, m)
        return replace(cfg, tiers=tuple(tiers))
    if kind == "flag":
        return replace(cfg, mode=replace(cfg.mode, **{key.split(".", 1)[1]: text in ("✓", "1", "y", "yes", "是")}))
    return replace(cfg, **{key: parse_yuan(text) if kind == "yuan" else int(text)})


class ConfigDialog(QDialog):
    """What the pile reports, what you want, and which rows change; the write is confirmed by read-back."""

    def __init__(self, pile_code: str, current: PileConfig, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Configuration of %1").replace("%1", pile_code))
        self.current = current
        self.table = QTableWidget(len(_FIELDS), 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Setting"), self.tr("Pile reports"), self.tr("New value")])
        for row, (key, label, kind) in enumerate(_FIELDS):
            name = QTableWidgetItem(self.tr(label))
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            now = QTableWidgetItem(_show(current, key, kind))
            now.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, now)
            if kind == "flag":
                box = QCheckBox(self.table)
                box.setChecked(getattr(current.mode, key.split(".", 1)[1]))
                box.toggled.connect(self._diff)
                self.table.setCellWidget(row, 2, box)
            else:
                self.table.setItem(row, 2, QTableWidgetItem(_show(current, key, kind)))
        self.table.resizeColumnsToContents()
        self.table.itemChanged.connect(self._diff)
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.write = self.buttons.addButton(self.tr("Write to pile"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(self.summary)
        lay.addWidget(self.buttons)
        self.resize(620, 720)
        self.wanted: PileConfig | None = current
        self._diff()

    def _read(self) -> tuple[PileConfig | None, list[str]]:
        cfg, bad = self.current, []
        for row, (key, label, kind) in enumerate(_FIELDS):
            if kind == "flag":
                box = self.table.cellWidget(row, 2)
                text = "✓" if isinstance(box, QCheckBox) and box.isChecked() else "—"
            else:
                item = self.table.item(row, 2)
                text = item.text() if item else ""
            try:
                cfg = _parse(cfg, key, kind, text)
            except (ValueError, TypeError):
                bad.append(self.tr(label))
        return (None if bad else cfg), bad

    def _diff(self, *_: object) -> None:
        cfg, bad = self._read()
        changed = 0
        self.table.blockSignals(True)
        for row, (key, _label, kind) in enumerate(_FIELDS):
            differs = cfg is not None and _show(cfg, key, kind) != _show(self.current, key, kind)
            changed += differs
            for col in (0, 1):
                item = self.table.item(row, col)
                if item:
                    item.setBackground(QColor("#fff3cd") if differs else QColor("white"))
        self.table.blockSignals(False)
        self.wanted = cfg
        if bad:
            self.summary.setText(self.tr("Not a valid value: %1").replace("%1", ", ".join(bad)))
        else:
            self.summary.setText(self.tr("%1 settings will change.").replace("%1", str(changed)))
        self.write.setEnabled(cfg is not None and changed > 0)

    def _accept(self) -> None:
        if self.wanted is not None:
            self.accept()
