"""Ordered-charging settings of one community (facility administrators): on/off, the limit, the safety margin,
the budget while the transformer meter is silent, the household load assumed without a meter, the control
period and which payment ways have priority. Saved through app.services.ordered (checked and audited)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from app.domain.permissions import Actor
from app.services import ordered
from app.services.unit import Db
from widgets.ops import run_background

PAYMENTS = ("MONTHLY", "CARD", "REMOTE", "COIN")


class OrderedSettingsDialog(QDialog):
    def __init__(self, current: ordered.OrderedSettings, actor: Actor, db: Db, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ordered charging settings"))
        self.current, self.actor, self.db = current, actor, db
        form = QFormLayout(self)
        self.enabled = QCheckBox(self.tr("Ordered charging on"), self)
        self.enabled.setChecked(current.enabled)
        form.addRow(self.enabled)

        def kw_box(value_w: int, maximum_kw: int = 100_000) -> QSpinBox:
            box = QSpinBox(self)
            box.setRange(0, maximum_kw)
            box.setSuffix(" kW")
            box.setValue(value_w // 1000)
            return box

        self.limit = kw_box(current.limit_w)
        self.margin = kw_box(current.margin_w)
        self.fallback = kw_box(current.fallback_w)
        self.household = kw_box(current.household_w)
        self.period = QSpinBox(self)
        self.period.setRange(5, 3600)
        self.period.setSuffix(" s")
        self.period.setValue(current.period_s)
        form.addRow(self.tr("Limit (transformer, all loads)"), self.limit)
        form.addRow(self.tr("Safety margin"), self.margin)
        form.addRow(self.tr("Budget while the meter is silent"), self.fallback)
        form.addRow(self.tr("Household load without a meter"), self.household)
        form.addRow(self.tr("Control period"), self.period)
        labels = {"MONTHLY": self.tr("Monthly card"), "CARD": self.tr("IC card"), "REMOTE": self.tr("QR / remote"),
                  "COIN": self.tr("Coin")}
        self.priority: dict[str, QCheckBox] = {}
        for p in PAYMENTS:
            box = QCheckBox(labels[p], self)
            box.setChecked(p in current.high_payments)
            self.priority[p] = box
            form.addRow(self.tr("Priority for") if p == PAYMENTS[0] else "", box)
        form.addRow(QLabel(self.tr("Changes are recorded in the audit log."), self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _save(self) -> None:
        cur, actor, db = self.current, self.actor, self.db
        values = dict(enabled=self.enabled.isChecked(), limit_w=self.limit.value() * 1000,
                      margin_w=self.margin.value() * 1000, fallback_w=self.fallback.value() * 1000,
                      household_w=self.household.value() * 1000, period_s=self.period.value(),
                      high_payments=tuple(p for p, b in self.priority.items() if b.isChecked()))
        run_background(lambda: ordered.update_settings(actor, db, cur.station_id, **values),  # type: ignore[arg-type]
                       lambda _r: self.accept(),
                       lambda exc: QMessageBox.warning(self, self.windowTitle(), str(getattr(exc, "en", exc))),
                       parent=self)
