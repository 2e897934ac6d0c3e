"""Page geometry, paragraph styles and the page decorations shared by our PDFs.

Kept in one place because :mod:`export.pades` must put the signature fields exactly in the
boxes the signature page leaves empty for them.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from export import cjk_wrap
from export.fonts import (
    SONG_FONT_NAME,
    register_cjk_font,
    register_heading_font,
    register_latin_font,
    register_song_font,
)
from export.text import clean, markup, mixed_markup, runs

PAGE_WIDTH, PAGE_HEIGHT = A4
cjk_wrap.install()
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
    """Body text in the Song face, titles, headings and table heads in the heavier Hei face
    (as Chinese official documents are set); Chinese text wraps between any two characters
    by the rules of :mod:`export.cjk_wrap`. Headings keep with what follows them, so none is
    left alone at the foot of a page."""
    song = register_song_font()
    hei = register_heading_font()
    wrap = "CJK" if language == "zh_CN" else None

    def style(name: str, font: str, size: float, leading: float, **kw: object) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, wordWrap=wrap, **kw
        )

    return Styles(
        title=style("title", hei, 20, 28, alignment=TA_CENTER, spaceAfter=6 * mm, keepWithNext=1),
        subtitle=style(
            "subtitle", song, 13, 18, alignment=TA_CENTER, spaceAfter=2 * mm, keepWithNext=1
        ),
        h1=style("h1", hei, 15, 21, spaceBefore=2 * mm, spaceAfter=3 * mm, keepWithNext=1),
        h2=style("h2", hei, 11.5, 16, spaceBefore=3 * mm, spaceAfter=1.5 * mm, keepWithNext=1),
        body=style("body", song, 10, 15, spaceAfter=1.5 * mm),
        small=style(
            "small", song, 8.5, 12, textColor=colors.HexColor("#444444"), spaceBefore=1 * mm
        ),
        cell=style("cell", song, 8.5, 11),
        cell_bold=style("cell_bold", hei, 8, 11, textColor=colors.HexColor("#1a1a1a")),
        banner=style(
            "banner",
            hei,
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


def number_style(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` right-aligned, for the figures of a table column (made once per style
    object: a report asks for it in every cell of a figure)."""
    number = _number_styles.get(style)
    if number is None:
        number = ParagraphStyle(f"{style.name}_number", parent=style, alignment=TA_RIGHT)
        _number_styles[style] = number
    return number


_number_styles: weakref.WeakKeyDictionary[ParagraphStyle, ParagraphStyle] = (
    weakref.WeakKeyDictionary()
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
    language: str = "zh_CN"
    """The document's language: which punctuation the footer sets in the Latin face."""


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
            # Each page's state, without the list itself (a state holding the list that
            # holds it would be a cycle: only a cyclic collection would free the pages).
            self._saved.append({k: v for k, v in vars(self).items() if k != "_saved"})
            self._startPage()

        def drawText(self, text: object) -> None:  # noqa: N802 - reportlab's name
            super().drawText(text)
            # A paragraph's text object holds a method bound to itself (reportlab's
            # ``tx._do_line``), so it and everything it drew (lines, fragments: 58,000
            # objects in a 200x30 report) could only be freed by a cyclic collection, which
            # the window runs on its GUI thread: a 100 ms pause at the end of each report.
            # The paragraph is done with it once drawn; without the method, reference
            # counting frees it at once, in the thread that renders.
            vars(text).pop("_do_line", None)

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            self._saved.clear()
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
            draw_mixed(self, MARGIN, FOOTER_Y, decor.footer_left, 6.5, decor.language)
            draw_mixed(
                self,
                PAGE_WIDTH - MARGIN,
                FOOTER_Y,
                decor.page_text(number, total),
                9,
                decor.language,
                right=True,
            )
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


def data_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of *data* text (escaped, never markup) in ``style``.

    In the Song face, Latin letters and digits are set in the Latin serif
    (:func:`export.text.mixed_markup`); the language is the style's (Chinese styles wrap as
    CJK).
    """
    if style.fontName == SONG_FONT_NAME:
        language = "zh_CN" if style.wordWrap == "CJK" else "en"
        pieces = runs(clean(text), language)
        if all(latin for latin, _ in pieces):  # most English text: one face, one fragment
            return Paragraph(markup(text), _latin_style(style))
        return Paragraph(mixed_markup(text, register_latin_font(), language), style)
    return Paragraph(markup(text), style)


_latin_styles: weakref.WeakKeyDictionary[ParagraphStyle, ParagraphStyle] = (
    weakref.WeakKeyDictionary()
)


def _latin_style(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` in the Latin serif (made once per style object)."""
    latin = _latin_styles.get(style)
    if latin is None:
        latin = ParagraphStyle(f"{style.name}_latin", parent=style)
        latin.fontName = register_latin_font()
        _latin_styles[style] = latin
    return latin


def draw_mixed(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    language: str,
    *,
    right: bool = False,
) -> None:
    """Draw one line of ``text`` in the Song face with its Latin runs in the Latin serif,
    starting at ``x`` (or ending there when ``right``)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    song, latin = register_song_font(), register_latin_font()
    pieces = [(latin if is_latin else song, run) for is_latin, run in runs(text, language)]
    if right:
        x -= sum(stringWidth(run, font, size) for font, run in pieces)
    for font, run in pieces:
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += stringWidth(run, font, size)
