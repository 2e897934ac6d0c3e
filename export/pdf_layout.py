"""Page geometry, paragraph styles and the page decorations shared by our PDFs.

Kept in one place because :mod:`export.pades` must put the signature fields exactly in the
boxes the signature page leaves empty for them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from export.fonts import register_cjk_font

PAGE_WIDTH, PAGE_HEIGHT = A4
_CHINESE_CANNOT_START: Final = "，。、；：！？）》」』】〕〉”’%·…—"


def _chinese_line_breaking() -> None:
    """Teach reportlab's CJK wrap that Chinese punctuation never starts a line.

    reportlab's list is Japanese (it lacks "，" U+FF0C among others), so a line could start
    with a comma (tech-spikes 4). The list is a module global read at wrap time; extending it
    is idempotent and only forbids more break points.
    """
    from reportlab.platypus import paragraph

    extra = "".join(c for c in _CHINESE_CANNOT_START if c not in paragraph.ALL_CANNOT_START)
    paragraph.ALL_CANNOT_START += extra


_chinese_line_breaking()
MARGIN: Final = 18 * mm
FOOTER_Y: Final = 10 * mm
SIGNATURE_AREA_TOP: Final = 62 * mm
"""On the signature page the text frame stops here; below are the electronic-signature boxes."""
_BOX_W: Final = (PAGE_WIDTH - 2 * MARGIN - 10 * mm) / 2
_BOX_Y0: Final = 18 * mm
_BOX_Y1: Final = 50 * mm
SIGNATURE_BOXES: Final[dict[str, tuple[float, float, float, float]]] = {
    "ChairSig": (MARGIN, _BOX_Y0, MARGIN + _BOX_W, _BOX_Y1),
    "SecretarySig": (PAGE_WIDTH - MARGIN - _BOX_W, _BOX_Y0, PAGE_WIDTH - MARGIN, _BOX_Y1),
}
"""Field name -> (x1, y1, x2, y2) in points on the last page, chair left, secretary right."""


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    banner: ParagraphStyle


def styles(language: str) -> Styles:
    """Styles in the embedded CJK font; Chinese text wraps between any two characters."""
    font = register_cjk_font()
    wrap = "CJK" if language == "zh_CN" else None

    def style(name: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap=wrap, **kw
        )

    return Styles(
        title=style("title", 20, 28, alignment=TA_CENTER, spaceAfter=6 * mm),
        subtitle=style("subtitle", 12, 18, alignment=TA_CENTER, spaceAfter=2 * mm),
        h1=style("h1", 15, 21, spaceBefore=2 * mm, spaceAfter=3 * mm),
        h2=style("h2", 11.5, 16, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        body=style("body", 9.5, 14.5, spaceAfter=1.5 * mm),
        small=style("small", 8, 11, textColor=colors.HexColor("#444444")),
        cell=style("cell", 8, 10.5),
        cell_bold=style("cell_bold", 8, 10.5, textColor=colors.HexColor("#1a1a1a")),
        banner=style(
            "banner",
            12,
            18,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#9a3412"),
            backColor=colors.HexColor("#ffedd5"),
            borderPadding=(2 * mm, 2 * mm, 2 * mm, 2 * mm),
            spaceBefore=2 * mm,
            spaceAfter=6 * mm,
        ),
    )


TABLE_HEADER_FILL: Final = colors.HexColor("#e5e7eb")
GRID: Final = colors.HexColor("#9ca3af")


@dataclass(frozen=True)
class PageDecor:
    """What every page shows besides the flowing text."""

    footer_left: str
    page_text: Callable[[int, int], str]
    """(page, pages) -> "Page 3 of 12"."""
    watermark: str | None
    created: dt.datetime


def canvas_class(decor: PageDecor) -> type[Canvas]:
    """A canvas that writes "page X of Y", the footer and the watermark once Y is known.

    It also fixes the PDF's dates and ID (``invariant``) so equal input gives equal bytes.
    """

    class DecoratedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no stubs
        def __init__(self, *args: object, **kwargs: object) -> None:
            kwargs["invariant"] = 1
            # reportlab otherwise selects Helvetica on every page: an unembedded font.
            kwargs["initialFontName"] = register_cjk_font()
            super().__init__(*args, **kwargs)
            _fix_timestamp(self, decor.created)
            self._saved: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            font = register_cjk_font()
            self.saveState()
            if decor.watermark:
                self.setFillColor(colors.Color(0.85, 0.2, 0.1, alpha=0.12))
                self.setFont(font, 64)
                self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
                self.rotate(35)
                self.drawCentredString(0, 0, decor.watermark)
                self.rotate(-35)
                self.translate(-PAGE_WIDTH / 2, -PAGE_HEIGHT / 2)
            self.setFillColor(colors.HexColor("#555555"))
            self.setStrokeColor(GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN, FOOTER_Y + 9, PAGE_WIDTH - MARGIN, FOOTER_Y + 9)
            self.setFont(font, 6.5)
            self.drawString(MARGIN, FOOTER_Y, decor.footer_left)
            self.setFont(font, 8)
            self.drawRightString(PAGE_WIDTH - MARGIN, FOOTER_Y, decor.page_text(number, total))
            self.restoreState()

    return DecoratedCanvas


def _fix_timestamp(canvas: Canvas, when: dt.datetime) -> None:
    """Make the PDF's CreationDate/ModDate ``when`` (reportlab's invariant mode says 2000)."""
    stamp = canvas._doc._timeStamp
    utc = when.astimezone(dt.UTC)
    stamp.t = utc.timestamp()
    stamp.lt = utc.timetuple()
    stamp.YMDhms = tuple(utc.timetuple())[:6]
    stamp.dhh = 0
    stamp.dmm = 0
    stamp.tzname = "UTC"
