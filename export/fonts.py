"""The fonts every export embeds, registered with reportlab once per process.

Official outputs leave the room and are opened on machines without Chinese fonts, so both
faces are shipped in ``resources/fonts`` and embedded as subsets, TrueType (glyf) outlines
(reportlab cannot embed CFF, so the Noto/Source Han serifs are out):

* the Song (Ming) face of body text, AR PL UMing CN (Arphic Public License), as Chinese
  official documents set their text;
* the heavier Hei face of titles, headings and table heads, WenQuanYi Micro Hei (Apache-2.0),
  also the face of the signature stamps (:func:`font_path`).

Both cover Latin letters, digits and CJK punctuation, so they serve both languages and
reportlab (which has no per-glyph fallback) never draws tofu.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Final

from app.paths import CJK_FONT, FONTS

FONT_NAME: Final = "WenQuanYiMicroHei"
"""The heavy (Hei) face; ``pdffonts`` shows it as ``XXXXXX+WenQuanYiMicroHei``."""
HEADING_FONT_NAME: Final = FONT_NAME
SONG_FONT_NAME: Final = "ARPLUMingCN"
"""The body (Song) face; ``pdffonts`` shows it as ``XXXXXX+ARPLUMingCN``."""
SONG_FONT: Final = FONTS / "ARPLUMingCN.ttf"

_lock = threading.Lock()
_registered: set[str] = set()


def font_path() -> Path:
    """The Hei TrueType file, also used by pyHanko for the Chinese signature stamps."""
    return CJK_FONT


def song_font_path() -> Path:
    """The Song TrueType file of body text."""
    return SONG_FONT


def _register(name: str, path: Path) -> str:
    with _lock:
        if name not in _registered:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(name, str(path)))
            # One face for every style: <b> in a Paragraph must not fall back to Helvetica.
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(name, bold, italic, name)
            _registered.add(name)
    return name


def register_cjk_font() -> str:
    """Register the Hei face (idempotent, thread-safe; ~150 ms) and return its name."""
    return _register(FONT_NAME, CJK_FONT)


def register_heading_font() -> str:
    """The face of titles, headings and table heads (the Hei face)."""
    return register_cjk_font()


def register_song_font() -> str:
    """Register the Song face of body text (idempotent, thread-safe) and return its name."""
    return _register(SONG_FONT_NAME, SONG_FONT)


LATIN_FONT_NAME: Final = "LiberationSerif"
"""The Latin face of body text (Liberation Serif, SIL OFL 1.1, metrics of Times New Roman, as
Chinese official documents set their Latin letters and digits): UMing's own Latin letters
are of one width, like a typewriter's."""
LATIN_FONT: Final = FONTS / "LiberationSerif-Regular.ttf"


def register_latin_font() -> str:
    """Register the Latin serif of body text (idempotent, thread-safe) and return its name."""
    return _register(LATIN_FONT_NAME, LATIN_FONT)


_WIDTHS: dict[tuple[str, str, float], float] = {}
_WIDTHS_LIMIT: Final = 100_000


def text_width(text: str, font: str, size: float) -> float:
    """``reportlab.pdfbase.pdfmetrics.stringWidth(text, font, size)``, remembered: a report
    measures the same figures, labels and characters hundreds of thousands of times (a
    registered font's metrics never change within a process). Any thread may call it."""
    key = (text, font, size)
    width = _WIDTHS.get(key)
    if width is None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if len(_WIDTHS) > _WIDTHS_LIMIT:
            _WIDTHS.clear()
        width = _WIDTHS[key] = float(stringWidth(text, font, size))
    return width
