"""One pile at a glance: ten port tiles, the pile's own readings, and its remote controls."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.engine.events import Event, PileUpdate, PortUpdate
from app.services.stations import PileInfo
from comm.pile.messages import PileStatus, PortLive
from widgets.look import amps, kwh, state_colour, volts


class PortTile(QFrame):
    """A port as a coloured tile: number and state on top, live values below."""

    clicked = Signal(int)

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.live: PortLive | None = None
        self.online = False
        self.selected = False
        self.setMinimumSize(118, 112)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._faults = {"OVERLOAD": self.tr("Overload"), "SHORT_CIRCUIT": self.tr("Short circuit"),
                        "RELAY_STUCK": self.tr("Relay stuck"), "LINE_FAULT": self.tr("Faulty line"),
                        "METER_ERROR": self.tr("Metering error")}
        self._state_names = {"IDLE": self.tr("Idle"), "STARTING": self.tr("Waiting for load"),
                             "CHARGING": self.tr("Charging"), "FAULT": self.tr("Fault"),
                             "DISABLED": self.tr("Disabled"), "OFFLINE": self.tr("Offline")}

    def state(self) -> str:
        if not self.online:
            return "OFFLINE"
        return self.live.state.value if self.live else "IDLE"

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.number)
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        colour = state_colour(self.state())
        p.setPen(QPen(QColor("#1f4e8c") if self.selected else colour.darker(130), 3 if self.selected else 1))
        p.setBrush(QColor("white"))
        p.drawRoundedRect(r, 6, 6)
        head = QRectF(r.left(), r.top(), r.width(), 26)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(head, 6, 6)
        p.drawRect(QRectF(head.left(), head.bottom() - 6, head.width(), 6))
        p.setPen(QColor("white"))
        f = QFont(self.font())
        f.setBold(True)
        p.setFont(f)
        p.drawText(head.adjusted(8, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   f"{self.number}")
        p.setFont(self.font())
        p.drawText(head.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                   self._state_names[self.state()])
        p.setPen(QColor("#222"))
        body = r.adjusted(8, 30, -8, -4)
        live = self.live
        if live is not None and self.online and (live.state.active or live.fault.value != "NONE"):
            lines = [f"{volts(live.voltage_dv)} V   {amps(live.current_ca)} A",
                     f"{live.power_w} W   {kwh(live.energy_wh)} kWh",
                     self.tr("%1 min left").replace("%1", str(live.remaining_min)) if live.state.active else "",
                     "" if live.fault.value == "NONE" else "⚠ " + self._faults.get(live.fault.value, live.fault.value)]
            p.drawText(body, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "\n".join(x for x in lines if x))
        p.end()


class PileView(QWidget):
    """Tiles + pile readings + command buttons for the selected pile."""

    portSelected = Signal(object, int)  # pile_id, port number
    startRequested = Signal(object, int)
    stopRequested = Signal(object, int)
    configRequested = Signal(object)
    syncRequested = Signal(object)
    clearFaultRequested = Signal(object, int)
    rebootRequested = Signal(object)
    ocppRequested = Signal(object)  # pile_id of a car pile
    orderRequested = Signal(object, int)  # pile id, port: raise a work order
    historyRequested = Signal(object)  # pile id: its maintenance history

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pile: PileInfo | None = None
        self.current_port = 1
        self.title = QLabel(self.tr("Select a pile in the tree or on the map"), self)
        f = self.title.font()
        f.setPointSize(f.pointSize() + 2)
        f.setBold(True)
        self.title.setFont(f)
        self.readings = QLabel("", self)
        self.readings.setTextFormat(Qt.TextFormat.RichText)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.tiles = [PortTile(n, self) for n in range(1, 11)]
        for i, t in enumerate(self.tiles):
            grid.addWidget(t, i // 5, i % 5)
            t.clicked.connect(self._on_tile)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text in (("start", self.tr("Start port…")), ("stop", self.tr("Stop port")),
                          ("clear", self.tr("Clear fault")), ("config", self.tr("Configuration…")),
                          ("sync", self.tr("Sync clock")), ("reboot", self.tr("Reboot")),
                          ("ocpp", self.tr("OCPP…")), ("order", self.tr("Work order…")),
                          ("history", self.tr("Maintenance history"))):
            b = QPushButton(text, self)
            b.setEnabled(False)
            self.buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.readings)
        lay.addLayout(grid, 1)
        lay.addLayout(row)
        lay.addWidget(self.status)
        b = self.buttons
        b["start"].clicked.connect(lambda: self.pile and self.startRequested.emit(self.pile.pile_id, self.current_port))
        b["stop"].clicked.connect(lambda: self.pile and self.stopRequested.emit(self.pile.pile_id, self.current_port))
        b["clear"].clicked.connect(
            lambda: self.pile and self.clearFaultRequested.emit(self.pile.pile_id, self.current_port))
        b["config"].clicked.connect(lambda: self.pile and self.configRequested.emit(self.pile.pile_id))
        b["sync"].clicked.connect(lambda: self.pile and self.syncRequested.emit(self.pile.pile_id))
        b["reboot"].clicked.connect(lambda: self.pile and self.rebootRequested.emit(self.pile.pile_id))
        b["ocpp"].clicked.connect(lambda: self.pile and self.ocppRequested.emit(self.pile.pile_id))
        b["ocpp"].setVisible(False)  # car piles only (show_pile)
        b["order"].clicked.connect(lambda: self.pile and self.orderRequested.emit(self.pile.pile_id, self.current_port))
        b["history"].clicked.connect(lambda: self.pile and self.historyRequested.emit(self.pile.pile_id))
        for key in ("order", "history"):  # shown by widgets/maintenance.py for the roles that may use them
            b[key].setVisible(False)

    def show_pile(self, pile: PileInfo, ports: dict[int, PortLive], online: bool, status: PileStatus | None) -> None:
        self.pile = pile
        self.title.setText(f"{pile.code}  {pile.name}   ·   {pile.model}   ·   {pile.address}")
        for t in self.tiles:
            t.setVisible(t.number <= len(pile.ports))
            t.live, t.online = ports.get(t.number), online
            t.update()
        for b in self.buttons.values():
            b.setEnabled(True)
        car = pile.protocol == "ocpp16"  # an OCPP charge point: its own console; no pile config/clock/fault reset
        self.buttons["ocpp"].setVisible(car)
        for key in ("clear", "config", "sync"):
            self.buttons[key].setEnabled(not car)
        self._show_status(status, online)
        self.select_port(self.current_port if self.current_port <= len(pile.ports) else 1)

    def select_port(self, number: int) -> None:
        self.current_port = number
        for t in self.tiles:
            t.selected = t.number == number
            t.update()

    def _on_tile(self, number: int) -> None:
        self.select_port(number)
        if self.pile:
            self.portSelected.emit(self.pile.pile_id, number)

    def apply(self, events: list[Event]) -> None:
        if self.pile is None:
            return
        ports = {p.port_id: p.number for p in self.pile.ports}
        for ev in events:
            if isinstance(ev, PortUpdate) and ev.port_id in ports:
                tile = self.tiles[ports[ev.port_id] - 1]
                tile.live, tile.online = ev.live, True
                tile.update()
            elif isinstance(ev, PileUpdate) and ev.pile_id == self.pile.pile_id:
                for t in self.tiles:
                    if t.online != ev.online:
                        t.online = ev.online
                        t.update()
                self._show_status(ev.status, ev.online)

    def _show_status(self, st: PileStatus | None, online: bool) -> None:
        if not online:
            offline = self.tr("Offline — not answering")
            self.readings.setText(f"<b style='color:#d9343a'>{offline}</b>")
            return
        if st is None:
            self.readings.setText("")
            return
        flags = [name for on, name in ((st.flags.smoke_alarm, self.tr("SMOKE")),
                                       (st.flags.over_temp, self.tr("OVER-TEMP")),
                                       (st.flags.door_open, self.tr("door open")),
                                       (st.flags.night_cutoff, self.tr("night cut-off")),
                                       (st.flags.free_mode, self.tr("free mode"))) if on]
        temp, smoke, meter = self.tr("Temperature"), self.tr("Smoke"), self.tr("Meter")
        mains, power = self.tr("Mains"), self.tr("Power")
        self.readings.setText(
            f"{temp} <b>{st.temperature_dc / 10:.1f} °C</b> &nbsp; {smoke} <b>{st.smoke_level}</b> &nbsp; "
            f"{meter} <b>{kwh(st.meter_wh)} kWh</b> &nbsp; {mains} <b>{volts(st.mains_voltage_dv)} V</b> &nbsp; "
            f"{power} <b>{st.total_power_w} W</b>"
            + (f" &nbsp; <b style='color:#d9343a'>{' · '.join(flags)}</b>" if flags else ""))

    def set_busy(self, text: str) -> None:
        self.status.setText(text)

    @property
    def pile_id(self) -> uuid.UUID | None:
        return self.pile.pile_id if self.pile else None
