"""QR label sheet (M7.1, M12.4): A4 pages of stickers, one per port, each with the port's QR code (segno)
encoding ``port.qr_id`` exactly, the pile and port number in large print, and the station's name.

The QR modules are drawn as vector squares (no bitmap), so the code prints sharp at any printer's
resolution; each sticker keeps the 4-module quiet zone the standard asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import NotFound
from app.reports.pdf_kit import FONT, register_font
from db.models import Pile, Port, Station

COLS, ROWS = 3, 7
MARGIN_X, MARGIN_Y = 10 * mm, 12 * mm
LABEL_W, LABEL_H = (A4[0] - 2 * MARGIN_X) / COLS, (A4[1] - 2 * MARGIN_Y) / ROWS
QUIET = 4  # modules of white around the code


@dataclass(frozen=True, slots=True)
class Label:
    qr_id: str
    pile_code: str
    port: int
    station: str


def labels(s: Session, *, station_code: str | None = None, pile_code: str | None = None) -> list[Label]:
    q = (select(Port.qr_id, Pile.code, Port.number, Station.code, Station.name)
         .join(Pile, Pile.id == Port.pile_id).join(Station, Station.id == Pile.station_id)
         .order_by(Pile.code, Port.number))  # fmt: skip
    if station_code:
        q = q.where(Station.code == station_code)
    if pile_code:
        q = q.where(Pile.code == pile_code)
    out = [Label(qr, pile, n, f"{sc} {sn}") for qr, pile, n, sc, sn in s.execute(q)]
    if not out:
        raise NotFound("端口", "ports", station_code or pile_code or "-")
    return out


def qr_matrix(text: str) -> list[list[bool]]:
    """The code's modules (True = dark), without the quiet zone. Error correction M: survives some dirt."""
    code = segno.make_qr(text, error="m")
    return [[bool(v) for v in row] for row in code.matrix]


def render_labels(items: list[Label], out: str | Path | BinaryIO) -> int:
    """Write the sheet; returns the number of pages."""
    register_font()
    c = Canvas(str(out) if isinstance(out, Path | str) else out, pagesize=A4, initialFontName=FONT)
    c.setTitle("端口二维码标签 Port QR labels")
    c.setAuthor("ChargeDesk")
    per_page = COLS * ROWS
    pages = 0
    for start in range(0, len(items), per_page):
        pages += 1
        for i, item in enumerate(items[start:start + per_page]):
            col, row = i % COLS, i // COLS
            _label(c, item, MARGIN_X + col * LABEL_W, A4[1] - MARGIN_Y - (row + 1) * LABEL_H)
        c.setFont(FONT, 7)
        c.setFillColor(colors.HexColor("#777777"))
        c.drawRightString(A4[0] - MARGIN_X, 6 * mm, f"第 {pages} 页 · Page {pages} — 沿虚线剪开 cut along the lines")
        c.showPage()
    c.save()
    return pages


def _label(c: Canvas, item: Label, x: float, y: float) -> None:
    c.setStrokeColor(colors.HexColor("#bbbbbb"))
    c.setDash(2, 2)
    c.rect(x, y, LABEL_W, LABEL_H, stroke=1, fill=0)
    c.setDash()
    m = qr_matrix(item.qr_id)
    size = LABEL_H - 4 * mm
    module = size / (len(m) + 2 * QUIET)
    qx, qy = x + 2 * mm, y + 2 * mm
    c.setFillColor(colors.black)
    for r, line in enumerate(m):
        for col, dark in enumerate(line):
            if dark:
                c.rect(qx + (QUIET + col) * module, qy + size - (QUIET + r + 1) * module, module, module,
                       stroke=0, fill=1)
    tx = qx + size + 1.5 * mm
    room = x + LABEL_W - tx - 1.5 * mm
    top = y + LABEL_H
    for text, size_pt, dy, colour in ((item.pile_code, 11, 8, "#000000"), (f"{item.port} 号口", 16, 15.5, "#000000"),
                                      (f"Port {item.port}", 8, 20, "#000000"), ("扫码充电", 7, 24, "#333333"),
                                      ("Scan to charge", 6.5, 27, "#333333")):  # fmt: skip
        c.setFillColor(colors.HexColor(colour))
        c.setFont(FONT, _fit(text, size_pt, room))
        c.drawString(tx, top - dy * mm, text)
    c.setFillColor(colors.HexColor("#555555"))
    for text, dy in ((item.station, 4.5), (item.qr_id, 1.8)):
        c.setFont(FONT, _fit(text, 6, room))
        c.drawString(tx, y + dy * mm, text)


def _fit(text: str, size: float, width: float) -> float:
    """The font size (at most ``size``) at which ``text`` fits ``width``."""
    w = pdfmetrics.stringWidth(text, FONT, size)
    return size if w <= width else max(3.5, size * width / w)
