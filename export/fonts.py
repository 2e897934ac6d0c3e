"""The one CJK font every export embeds, registered with reportlab once per process.

Official outputs leave the room and are opened on machines without Chinese fonts, so the
shipped WenQuanYi Micro Hei TrueType (``app.paths.CJK_FONT``, glyf outlines) is embedded as a
subset. It covers Latin letters, digits and CJK punctuation too, so one font serves both
languages and reportlab (which has no per-glyph fallback) never draws tofu.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Final

from app.paths import CJK_FONT

FONT_NAME: Final = "WenQuanYiMicroHei"
"""The reportlab font name; ``pdffonts`` shows it as ``XXXXXX+WenQuanYiMicroHei``."""

_lock = threading.Lock()
_registered = False


def font_path() -> Path:
    """The TrueType file, also used by pyHanko for the Chinese signature stamps."""
    return CJK_FONT


def register_cjk_font() -> str:
    """Register the font (idempotent, thread-safe; loading takes ~150 ms) and return its name."""
    global _registered
    with _lock:
        if not _registered:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont(FONT_NAME, str(CJK_FONT)))
            # One face for every style: <b> in a Paragraph must not fall back to Helvetica.
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT_NAME, bold, italic, FONT_NAME)
            _registered = True
    return FONT_NAME
