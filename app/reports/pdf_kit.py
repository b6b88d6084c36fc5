"""The shared look of ChargeDesk PDFs: the embedded CJK font, paragraph and table styles, A4 pages with a
header, page numbers ("第 3 / 8 页"), bar charts, and progress/cancel for long reports.

The font is the bundled WenQuanYi Micro Hei, embedded as a TrueType subset, so Chinese prints and reads
the same in every viewer (never the CID font STSong-Light, which viewers without CJK fonts show blank).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.graphics import shapes
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.frames import Frame

from app.domain.errors import ChargeDeskError

FONT = "WQYMicroHei"
FONT_FILE = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"
INK = colors.HexColor("#1f2d3d")
ACCENT = colors.HexColor("#2e6fb7")
LIGHT = colors.HexColor("#eef3f9")
RULE = colors.HexColor("#b8c4d2")
WAY_COLOURS = {"coin": "#e0a030", "card": "#2e6fb7", "qr": "#2e9d4f", "monthly": "#8a5cc2", "free": "#9aa5b1",
               "none": "#cccccc"}  # fmt: skip

Progress = Callable[[int, str], None]  # percent 0–100, what is being done


class Cancelled(ChargeDeskError):
    def __init__(self) -> None:
        super().__init__("报表生成已取消", "report generation cancelled")


def register_font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
        # Charts start each drawing in the graphics state's default font (Helvetica, never embedded): make
        # it ours, so a ChargeDesk PDF references no font it does not carry.
        shapes.STATE_DEFAULTS["fontName"] = FONT
    return FONT


def styles() -> dict[str, ParagraphStyle]:
    register_font()
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=INK, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#5a6878")),
        "h1": ParagraphStyle("h1", parent=base, fontSize=22, leading=30, spaceAfter=6, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13.5, leading=19, spaceBefore=10, spaceAfter=5,
                             textColor=ACCENT),
        "h3": ParagraphStyle("h3", parent=base, fontSize=10.5, leading=15, spaceBefore=6, spaceAfter=3),
        "cover": ParagraphStyle("cover", parent=base, fontSize=12, leading=20, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontSize=26, leading=36, alignment=TA_CENTER, textColor=ACCENT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
    }


def table(rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None, *, header_rows: int = 1,
          right_cols: Sequence[int] = (), total_row: bool = False, font_size: float = 8.5) -> Table:
    """A data table in the report's style: header band, zebra rows, numbers right-aligned, an optional total."""
    register_font()
    t = Table([list(r) for r in rows], colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # every cell, or Chinese falls back to Helvetica (blank)
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), LIGHT),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, ACCENT),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for c in right_cols:
        cmds.append(("ALIGN", (c, 0), (c, -1), "RIGHT"))
    for r in range(header_rows + 1, len(rows), 2):
        cmds.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#f8fafc")))
    if total_row and len(rows) > header_rows:
        cmds += [("LINEABOVE", (0, -1), (-1, -1), 0.8, INK), ("BACKGROUND", (0, -1), (-1, -1), LIGHT)]
    t.setStyle(TableStyle(cmds))
    return t


def bar_chart(values: Sequence[float], labels: Sequence[str], *, width: float, height: float, title: str,
              colour: str = "#2e6fb7", unit: str = "", label_every: int = 1) -> Drawing:
    """Vertical bars (one series) with a title; integer-ish axis labels in the CJK font."""
    register_font()
    d = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 38, 22
    chart.width, chart.height = width - 50, height - 44
    chart.data = [list(values) or [0]]
    chart.categoryAxis.categoryNames = [lab if i % label_every == 0 else "" for i, lab in enumerate(labels)]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max(values) if values else 0
    chart.valueAxis.valueMax = _nice(top)
    chart.valueAxis.valueStep = chart.valueAxis.valueMax / 4
    chart.valueAxis.labelTextFormat = "%d" if chart.valueAxis.valueMax >= 8 else "%.1f"
    chart.bars[0].fillColor = colors.HexColor(colour)
    chart.bars[0].strokeColor = None
    chart.barSpacing = 0.5
    d.add(chart)
    d.add(String(chart.x, height - 14, title + (f"（{unit}）" if unit else ""), fontName=FONT, fontSize=9,
                 fillColor=INK))
    return d


def _nice(top: float) -> float:
    if top <= 0:
        return 1.0
    step = 1.0
    while step * 10 < top:
        step *= 10
    for mult in (1, 2, 2.5, 4, 5, 8, 10):
        if step * mult >= top:
            return step * mult
    return step * 10


def _numbered_canvas(footer_left: str, left: float, right: float) -> type[Canvas]:
    """A canvas that keeps its pages until save(), then writes "第 n / N 页 · Page n of N" on each: one
    layout pass, and the total is still known (reportlab's usual recipe)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = FONT  # not Helvetica: nothing unembedded in the file
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 8)
                self.setFillColor(colors.HexColor("#5a6878"))
                w, _h = A4
                self.drawString(left, 10 * mm, footer_left)
                n = self._pageNumber
                self.drawRightString(w - right, 10 * mm, f"第 {n} / {total} 页 · Page {n} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


class NumberedDoc(BaseDocTemplate):
    """A4 with a running header (title left, station right) from page 2 and page numbers on every page."""

    def __init__(self, path: str | Path | BinaryIO, *, title: str, header_right: str, footer_left: str) -> None:
        super().__init__(path if not isinstance(path, Path) else str(path), pagesize=A4, leftMargin=18 * mm,
                         rightMargin=18 * mm, topMargin=20 * mm, bottomMargin=18 * mm, title=title,
                         author="ChargeDesk", creator="ChargeDesk")  # fmt: skip
        register_font()
        self.header_title, self.header_right, self.footer_left = title, header_right, footer_left
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])

    def _decorate(self, canvas: Any, doc: Any) -> None:
        if doc.page == 1:
            return
        canvas.saveState()
        w, h = A4
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#5a6878"))
        canvas.drawString(self.leftMargin, h - 12 * mm, self.header_title)
        canvas.drawRightString(w - self.rightMargin, h - 12 * mm, self.header_right)
        canvas.setStrokeColor(RULE)
        canvas.line(self.leftMargin, h - 13.5 * mm, w - self.rightMargin, h - 13.5 * mm)
        canvas.restoreState()

    def render(self, story: list[Any]) -> int:
        """Lay the story out and write the file; returns the number of pages."""
        self.build(story, canvasmaker=_numbered_canvas(self.footer_left, self.leftMargin, self.rightMargin))
        return int(self.page)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    from xml.sax.saxutils import escape

    return Paragraph(escape(text).replace("\n", "<br/>"), style)
