"""A checkable tree of communities and their piles, for actions on a group of piles (configuration push,
firmware upgrade). Checking a community checks all its piles."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from app.services.stations import StationInfo

ID_ROLE = Qt.ItemDataRole.UserRole + 1
MODBUS = ("modbus-rtu", "modbus-tcp")


class PileChooser(QTreeWidget):
    def __init__(self, stations: list[StationInfo], parent: QWidget | None = None, *,
                 checked: Iterable[uuid.UUID] = (), models: set[str] | None = None,
                 protocols: tuple[str, ...] = MODBUS) -> None:
        super().__init__(parent)
        self.setHeaderLabels([self.tr("Pile"), self.tr("Model"), self.tr("Firmware")])
        want = set(checked)
        self.codes: dict[uuid.UUID, str] = {}
        for st in stations:
            top = QTreeWidgetItem(self, [f"{st.code} {st.name}", "", ""])
            top.setFlags(top.flags() | Qt.ItemFlag.ItemIsAutoTristate | Qt.ItemFlag.ItemIsUserCheckable)
            for p in st.piles:
                if (models is not None and p.model.upper() not in models) or p.protocol not in protocols:
                    continue  # car piles (OCPP) have their own configuration and firmware path
                item = QTreeWidgetItem(top, [f"{p.code} {p.name}", p.model, p.firmware or "?"])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked if p.pile_id in want else Qt.CheckState.Unchecked)
                item.setData(0, ID_ROLE, p.pile_id)
                self.codes[p.pile_id] = p.code
            top.setExpanded(any(p.pile_id in want for p in st.piles) or len(stations) == 1)
            if top.childCount() == 0:
                self.takeTopLevelItem(self.indexOfTopLevelItem(top))
        self.resizeColumnToContents(0)

    def checked(self) -> list[uuid.UUID]:
        out = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            for j in range(top.childCount()):
                item = top.child(j)
                if item.checkState(0) == Qt.CheckState.Checked:
                    out.append(item.data(0, ID_ROLE))
        return out

    def set_checked(self, pile_ids: Iterable[uuid.UUID]) -> None:
        want = set(pile_ids)
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            for j in range(top.childCount()):
                item = top.child(j)
                item.setCheckState(0, Qt.CheckState.Checked if item.data(0, ID_ROLE) in want
                                   else Qt.CheckState.Unchecked)
