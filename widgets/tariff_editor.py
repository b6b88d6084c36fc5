"""The form of one tariff policy: the kind, and the fields that kind needs (a page per kind).

``policy()`` returns the Policy the form describes or raises ValidationError (zh/en) naming the field;
``changed`` fires on every edit so the tariff view can re-price its sample sessions as one types.
"""

from __future__ import annotations

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.money import format_money, parse_money
from app.domain.tariffs import (
    DEFAULT_BANDS,
    DEFAULT_TOU,
    PILE_BANDS,
    Policy,
    PolicyKind,
    PowerBand,
    TouPeriod,
    validate,
)


def _yuan(fen: int) -> str:
    return format_money(fen).lstrip("¥").replace(",", "")


class PolicyEditor(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox(self)
        self.kind_names = {
            PolicyKind.POWER_TIERED: self.tr("Power-tiered time (the pile's bands)"),
            PolicyKind.PER_TIME: self.tr("Per hour"),
            PolicyKind.PER_ENERGY: self.tr("Per kWh"),
            PolicyKind.TOU: self.tr("Time-of-use price + service fee"),
            PolicyKind.FREE: self.tr("Free"),
            PolicyKind.MONTHLY: self.tr("Monthly card"),
        }
        for kind, name in self.kind_names.items():
            self.kind.addItem(name, kind.value)
        self.pages = QStackedWidget(self)
        self.page_of: dict[PolicyKind, int] = {}
        self._tiered_page()
        self._money_page(PolicyKind.PER_TIME, [("fen_per_hour", self.tr("Price per hour (yuan)"))])
        self._money_page(PolicyKind.PER_ENERGY, [("fen_per_kwh", self.tr("Price per kWh (yuan)")),
                                                 ("service_fen_per_kwh", self.tr("Service fee per kWh (yuan)"))])
        self._tou_page()
        for kind, text in ((PolicyKind.FREE, self.tr("Sessions cost nothing. Piles get free mode with the free time "
                                                     "below.")),
                           (PolicyKind.MONTHLY, self.tr("Sessions cost nothing; the monthly fee is paid at the card "
                                                        "desk."))):
            label = QLabel(text, self)
            label.setWordWrap(True)
            self.page_of[kind] = self.pages.addWidget(label)
        common = QFormLayout()
        self.minimum = self._money_edit()
        self.coin = self._money_edit()
        self.swipe = self._money_edit()
        self.cap = QSpinBox(self)
        self.cap.setRange(1, 1440)
        self.cap.setSuffix(self.tr(" min"))
        self.free_min = QSpinBox(self)
        self.free_min.setRange(1, 1440)
        self.free_min.setSuffix(self.tr(" min"))
        common.addRow(self.tr("Minimum charge (yuan)"), self.minimum)
        common.addRow(self.tr("Coin value (yuan)"), self.coin)
        common.addRow(self.tr("Card swipe value (yuan)"), self.swipe)
        common.addRow(self.tr("Longest session"), self.cap)
        common.addRow(self.tr("Free time per press"), self.free_min)
        lay = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow(self.tr("Kind"), self.kind)
        lay.addLayout(top)
        lay.addWidget(self.pages, 1)
        lay.addLayout(common)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for spin in (self.cap, self.free_min):
            spin.valueChanged.connect(lambda *_: self.changed.emit())
        self.set_policy(Policy(PolicyKind.POWER_TIERED, bands=DEFAULT_BANDS, tou=DEFAULT_TOU))

    # -- pages -----------------------------------------------------------------------------------
    def _money_edit(self) -> QLineEdit:
        e = QLineEdit(self)
        e.setMaximumWidth(120)
        e.textChanged.connect(lambda *_: self.changed.emit())
        return e

    def _money_page(self, kind: PolicyKind, fields: list[tuple[str, str]]) -> None:
        page = QWidget(self)
        form = QFormLayout(page)
        for name, label in fields:
            edit = self._money_edit()
            setattr(self, f"edit_{name}", edit)
            form.addRow(label, edit)
        self.page_of[kind] = self.pages.addWidget(page)

    def _tiered_page(self) -> None:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        hint = QLabel(self.tr("The pile measures the load and picks the first band it fits: one yuan buys that "
                              "band's minutes. Loads above the last band are refused."), page)
        hint.setWordWrap(True)
        self.bands = QTableWidget(PILE_BANDS, 2, page)
        self.bands.setHorizontalHeaderLabels([self.tr("Up to (W)"), self.tr("Minutes per yuan")])
        self.bands.setVerticalHeaderLabels([self.tr("Band %1").replace("%1", str(i)) for i in range(1, 6)])
        self.bands.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.bands.itemChanged.connect(lambda *_: self.changed.emit())
        lay.addWidget(hint)
        lay.addWidget(self.bands)
        self.page_of[PolicyKind.POWER_TIERED] = self.pages.addWidget(page)

    def _tou_page(self) -> None:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        self.tou = QTableWidget(0, 3, page)
        self.tou.setHorizontalHeaderLabels([self.tr("From"), self.tr("Price per kWh (yuan)"), self.tr("Name")])
        self.tou.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tou.itemChanged.connect(lambda *_: self.changed.emit())
        buttons = QHBoxLayout()
        add, remove = QPushButton(self.tr("Add period"), page), QPushButton(self.tr("Remove period"), page)
        add.clicked.connect(lambda: self._add_period(TouPeriod(12 * 60, 62, "")))
        remove.clicked.connect(self._remove_period)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        form = QFormLayout()
        self.edit_tou_service = self._money_edit()
        form.addRow(self.tr("Service fee per kWh (yuan)"), self.edit_tou_service)
        lay.addWidget(self.tou)
        lay.addLayout(buttons)
        lay.addLayout(form)
        self.page_of[PolicyKind.TOU] = self.pages.addWidget(page)

    def _add_period(self, p: TouPeriod) -> None:
        row = self.tou.rowCount()
        self.tou.insertRow(row)
        start = QTimeEdit(QTime(p.start_min // 60, p.start_min % 60), self.tou)
        start.setDisplayFormat("HH:mm")
        start.timeChanged.connect(lambda *_: self.changed.emit())
        self.tou.setCellWidget(row, 0, start)
        self.tou.setItem(row, 1, QTableWidgetItem(_yuan(p.fen_per_kwh)))
        self.tou.setItem(row, 2, QTableWidgetItem(p.name))
        self.changed.emit()

    def _remove_period(self) -> None:
        row = self.tou.currentRow()
        if row > 0:  # the first period (from 00:00) stays
            self.tou.removeRow(row)
            self.changed.emit()

    def _kind_changed(self) -> None:
        kind = PolicyKind(self.kind.currentData())
        self.pages.setCurrentIndex(self.page_of[kind])
        self.changed.emit()

    # -- values ----------------------------------------------------------------------------------
    def set_policy(self, p: Policy) -> None:
        self.blockSignals(True)
        try:
            self.kind.setCurrentIndex(self.kind.findData(p.kind.value))
            self.pages.setCurrentIndex(self.page_of[p.kind])
            bands = p.bands or DEFAULT_BANDS
            for i, b in enumerate(bands[:PILE_BANDS]):
                self.bands.setItem(i, 0, QTableWidgetItem(str(b.max_w)))
                self.bands.setItem(i, 1, QTableWidgetItem(str(b.min_per_yuan)))
            self.tou.setRowCount(0)
            for period in p.tou or DEFAULT_TOU:
                self._add_period(period)
            self.edit_fen_per_hour.setText(_yuan(p.fen_per_hour))  # type: ignore[attr-defined]
            self.edit_fen_per_kwh.setText(_yuan(p.fen_per_kwh))  # type: ignore[attr-defined]
            self.edit_service_fen_per_kwh.setText(_yuan(p.service_fen_per_kwh))  # type: ignore[attr-defined]
            self.edit_tou_service.setText(_yuan(p.service_fen_per_kwh))
            self.minimum.setText(_yuan(p.minimum_fen))
            self.coin.setText(_yuan(p.coin_fee_fen))
            self.swipe.setText(_yuan(p.swipe_fee_fen))
            self.cap.setValue(p.max_session_min)
            self.free_min.setValue(p.free_min)
        finally:
            self.blockSignals(False)
        self.changed.emit()

    def _fen(self, edit: QLineEdit, label: str) -> int:
        try:
            return parse_money(edit.text() or "0", allow_zero=True)
        except ValidationError as exc:
            raise ValidationError(f"{label}：{exc.zh}", f"{label}: {exc.en}", field=label) from exc

    def _int(self, table: QTableWidget, row: int, col: int) -> int:
        item = table.item(row, col)
        try:
            return int((item.text() if item else "").strip())
        except ValueError as exc:
            raise ValidationError(f"第 {row + 1} 行须为整数", f"row {row + 1} needs a whole number",
                                  field="bands") from exc  # fmt: skip

    def policy(self) -> Policy:
        kind = PolicyKind(self.kind.currentData())
        bands = tuple(PowerBand(self._int(self.bands, i, 0), self._int(self.bands, i, 1)) for i in range(PILE_BANDS))
        periods = []
        for row in range(self.tou.rowCount()):
            start = self.tou.cellWidget(row, 0)
            assert isinstance(start, QTimeEdit)
            t = start.time()
            price = self.tou.item(row, 1)
            name = self.tou.item(row, 2)
            periods.append(TouPeriod(t.hour() * 60 + t.minute(),
                                     self._fen(QLineEdit(price.text() if price else ""), self.tr("Price per kWh")),
                                     name.text().strip() if name else ""))  # fmt: skip
        periods.sort(key=lambda p: p.start_min)
        service = self.edit_tou_service if kind is PolicyKind.TOU else self.edit_service_fen_per_kwh  # type: ignore[attr-defined]
        return validate(Policy(
            kind=kind,
            fen_per_hour=self._fen(self.edit_fen_per_hour, self.tr("Price per hour")),  # type: ignore[attr-defined]
            fen_per_kwh=self._fen(self.edit_fen_per_kwh, self.tr("Price per kWh")),  # type: ignore[attr-defined]
            service_fen_per_kwh=self._fen(service, self.tr("Service fee")),
            bands=bands if kind is PolicyKind.POWER_TIERED else (),
            tou=tuple(periods) if kind is PolicyKind.TOU else (),
            minimum_fen=self._fen(self.minimum, self.tr("Minimum charge")),
            coin_fee_fen=self._fen(self.coin, self.tr("Coin value")),
            swipe_fee_fen=self._fen(self.swipe, self.tr("Card swipe value")),
            max_session_min=self.cap.value(), free_min=self.free_min.value(),
        ))  # fmt: skip
