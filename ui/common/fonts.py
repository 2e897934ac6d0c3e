"""The shipped CJK font and the app-wide text size (Ctrl++ / Ctrl+- / Ctrl+0).

Expert laptops are often bare installs with no Chinese font, where every Chinese character
would be an empty box; the WenQuanYi Micro Hei TTF we ship covers Latin and CJK, so it is the
application font everywhere and layouts measure the same on every machine. In English a
Latin face comes first when the machine has one: the CJK face draws quotes and the ellipsis
full-width (“…” read as Chinese punctuation in English text), and stays the fallback for any
Chinese in English text. The text size is
one ladder of point sizes applied through ``QApplication.setFont``, so every widget that does
not set its own font follows; it is remembered between sessions (projectors want it large).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

from app.i18n import current_language, normalize
from app.paths import CJK_FONT

DEFAULT_POINT_SIZE = 11
SIZES = (8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 24, 28)
_SETTING = "view/font_point_size"

LATIN_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Noto Sans", "Segoe UI", "Arial", "Helvetica")
"""Faces with narrow Western punctuation, the first one present leads in English."""

_cjk_family: list[str] = []
"""The shipped CJK face once registered (one entry), for the language switch."""


def load_cjk_font(path: Path = CJK_FONT) -> str | None:
    """Register the shipped font with Qt; its family name, or None if the file is unusable."""
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    return families[0] if families else None


def apply_app_font(family: str | None, point_size: int = DEFAULT_POINT_SIZE) -> None:
    _cjk_family[:] = [family] if family else []
    font = QFont(QApplication.font())
    families = families_for(current_language())
    if families:
        font.setFamilies(families)
    QApplication.setFont(font)
    set_app_font_size(point_size)


def families_for(language: str) -> list[str]:
    """The application font's faces for ``language``: the CJK face alone in Chinese; in
    English a Latin face first (when the machine has one), the CJK face after it."""
    if normalize(language) == "zh_CN":
        return list(_cjk_family)
    present = set(QFontDatabase.families())
    latin = next((f for f in LATIN_FAMILIES if f in present), None)
    return [latin, *_cjk_family] if latin else list(_cjk_family)


def apply_language_font(language: str) -> None:
    """Follow a language switch (nothing changes before the shipped face is applied)."""
    if not _cjk_family or QApplication.instance() is None:
        return
    families = families_for(language)
    font = QFont(QApplication.font())
    if font.families() == families:
        return
    font.setFamilies(families)
    QApplication.setFont(font)
    set_app_font_size(font.pointSize())


def set_app_font_size(point_size: int) -> None:
    font = QFont(QApplication.font())
    font.setPointSize(point_size)
    QApplication.setFont(font)
    # A widget with a style sheet keeps the font it was polished with and ignores later
    # application font changes; setting its sheet again re-polishes it with the new font.
    for widget in QApplication.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)
        if widget.property(_HEADING_SCALE) is not None:
            _apply_heading(widget)


class FontZoom:
    """Steps the application font along :data:`SIZES`; windows wire their View actions here."""

    def __init__(self, default: int = DEFAULT_POINT_SIZE) -> None:
        self.default = default

    @property
    def point_size(self) -> int:
        return QApplication.font().pointSize()

    def larger(self) -> int:
        return self._set(next((s for s in SIZES if s > self.point_size), SIZES[-1]))

    def smaller(self) -> int:
        return self._set(next((s for s in reversed(SIZES) if s < self.point_size), SIZES[0]))

    def reset(self) -> int:
        return self._set(self.default)

    def restore(self) -> int:
        """Apply the size remembered from the last session (or the default)."""
        value = QSettings().value(_SETTING, self.default)
        try:
            size = int(str(value))
        except ValueError:
            size = self.default
        return self._set(min(max(size, SIZES[0]), SIZES[-1]), remember=False)

    def _set(self, size: int, *, remember: bool = True) -> int:
        set_app_font_size(size)
        if remember:
            QSettings().setValue(_SETTING, size)
        return size


_HEADING_SCALE = "headingScale"
_HEADING_DELTA = "headingDelta"


def heading_font(label: QWidget, *, scale: float = 1.0, delta: float = 0.0) -> None:
    """Make ``label`` a heading: bold, ``scale`` × the application font plus ``delta``
    points, kept so by :func:`set_app_font_size` (Ctrl++ / Ctrl+−), which a font set on a
    widget would otherwise not follow."""
    label.setProperty(_HEADING_SCALE, scale)
    label.setProperty(_HEADING_DELTA, delta)
    _apply_heading(label)


def _apply_heading(label: QWidget) -> None:
    font = QFont(QApplication.font())
    scale = float(label.property(_HEADING_SCALE))
    delta = float(label.property(_HEADING_DELTA))
    font.setPointSizeF(font.pointSizeF() * scale + delta)
    font.setBold(True)
    label.setFont(font)
