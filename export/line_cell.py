"""A table cell of data text that fits on one line, drawn without a Paragraph.

Most cells of the report hold a figure, a letter or a short label. As Paragraphs they cost
most of the report's time (bench/bench_export.py at 60x30: markup parsing, the CJK line
breaker and the per-line drawing took about three quarters of it) for text that never
breaks. :class:`LineCell` measures the text once and, where it fits the column, draws it
straight onto the canvas exactly where the Paragraph would put it (same faces, same first
baseline, same alignment); where it does not fit, or holds a line break, it hands over to
:func:`export.pdf_layout.data_paragraph`, so wrapping, kinsoku and the Latin face inside
Chinese text stay the Paragraph's.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from export.fonts import SONG_FONT_NAME, register_latin_font, text_width
from export.pdf_layout import data_paragraph
from export.text import clean, runs


class LineCell(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """``text`` (data, never markup) in ``style``; see the module docstring."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = clean(text)
        self.style = style
        self._paragraph: Paragraph | None = None
        if style.fontName == SONG_FONT_NAME:
            language = "zh_CN" if style.wordWrap == "CJK" else "en"
            latin = register_latin_font()
            self._pieces = [
                (latin if is_latin else style.fontName, run)
                for is_latin, run in runs(self.text, language)
            ]
        else:
            self._pieces = [(style.fontName, self.text)]
        self._text_width = sum(text_width(run, font, style.fontSize) for font, run in self._pieces)
        if self.text != " ".join(self.text.split()) or not self.text:
            # line breaks, tabs, runs of spaces: the Paragraph's white-space rules apply
            self._paragraph = data_paragraph(text, style)

    @property
    def is_one_line(self) -> bool:
        """Drawn here rather than by a Paragraph (after :meth:`wrap`)."""
        return self._paragraph is None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        s = self.style
        inner = avail_width - s.leftIndent - s.rightIndent
        if self._paragraph is None and self._text_width <= inner:
            self.width, self.height = avail_width, s.leading
            return self.width, self.height
        if self._paragraph is None:
            self._paragraph = data_paragraph(self.text, s)
        self.width, self.height = self._paragraph.wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if self._paragraph is not None:
            return list(self._paragraph.split(avail_width, avail_height))
        return []

    def getSpaceBefore(self) -> float:  # noqa: N802  # reportlab's name
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:  # noqa: N802  # reportlab's name
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        if self._paragraph is not None:
            self._paragraph.drawOn(self.canv, 0, 0)
            return
        s = self.style
        if s.alignment == TA_RIGHT:
            x = self.width - s.rightIndent - self._text_width
        elif s.alignment == TA_CENTER:
            x = s.leftIndent + (self.width - s.leftIndent - s.rightIndent - self._text_width) / 2
        else:
            x = s.leftIndent
        y = self.height - s.fontSize  # where a Paragraph puts its first baseline
        canvas = self.canv
        canvas.setFillColor(s.textColor)
        for font, run in self._pieces:
            canvas.setFont(font, s.fontSize)
            canvas.drawString(x, y, run)
            x += text_width(run, font, s.fontSize)
