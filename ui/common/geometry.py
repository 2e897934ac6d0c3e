"""Windows remember where they were, how big, and how their splitters and docks were set.

Stored with :class:`QSettings` under ``windows/<key>/...``. The launcher makes INI the default
format, so settings are one plain file per user on every platform (easy to inspect and to purge
when an expert hands back a laptop). Tests point ``QSettings.setPath`` at a temp folder.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QRect, QSettings, QSize, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QWidget

if TYPE_CHECKING:
    # built by PySide6 on first use, with their enums: the first screen needs neither (a
    # QEvent handed to Python builds QEvent and every one of its subclasses, ~8 ms)
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QSplitter

SMALLEST_SCREEN = QSize(1280, 720)
"""Every window fits this many logical pixels: a 1280×720 screen at 100 %, or a 1920×1080
laptop at 150 %. Tests hold every window's minimum size to it."""


def _key(window_key: str, part: str) -> str:
    return f"windows/{window_key}/{part}"


def restore_geometry(widget: QWidget, window_key: str) -> bool:
    """Put ``widget`` back where it was; False when nothing was remembered (use a default)."""
    settings = QSettings()
    geometry = settings.value(_key(window_key, "geometry"))
    restored = isinstance(geometry, QByteArray) and widget.restoreGeometry(geometry)
    if isinstance(widget, QMainWindow):
        state = settings.value(_key(window_key, "state"))
        if isinstance(state, QByteArray):
            widget.restoreState(state)
    return restored


def clamp_to(rect: QRect, available: QRect, minimum: QSize = QSize(0, 0)) -> QRect:  # noqa: B008
    """``rect`` moved and shrunk to lie inside ``available`` (never below ``minimum``, which
    wins on a screen smaller than the window can be: then its top-left corner is kept on it)."""
    width = max(min(rect.width(), available.width()), minimum.width())
    height = max(min(rect.height(), available.height()), minimum.height())
    x = min(max(rect.x(), available.x()), available.x() + available.width() - width)
    y = min(max(rect.y(), available.y()), available.y() + available.height() - height)
    return QRect(max(x, available.x()), max(y, available.y()), width, height)


def place_window(widget: QWidget, window_key: str, default: QSize) -> None:
    """Restore the window where it was, or give it ``default``; either way inside the available
    area of its screen (a window remembered on a larger or a lost screen, or a default
    larger than a 150 % laptop, is brought back onto the screen and shrunk to it)."""
    if not restore_geometry(widget, window_key):
        widget.resize(default)
    keep_on_screen(widget)
    QTimer.singleShot(0, widget, partial(_place_once_shown, widget))


def _place_once_shown(widget: QWidget) -> None:
    """On the first turn of the event loop after :func:`place_window`: a window shown by then
    (the usual case: made and shown in one go) is placed again now that its frame is known;
    one not shown yet is placed again when it is (:class:`_OnFirstShow`). No event filter
    for the usual case: the start window's first frame does not wait for PySide6 to build
    its event classes."""
    if widget.isVisible():
        _place_again(widget)
    else:
        widget.installEventFilter(_OnFirstShow(widget))


def _place_again(widget: QWidget) -> None:
    if not widget.isMaximized() and not widget.isFullScreen():
        keep_on_screen(widget)


def keep_on_screen(widget: QWidget) -> None:
    """Move and shrink ``widget`` into its screen's available area, frame included."""
    frame = widget.frameGeometry()
    screen = QGuiApplication.screenAt(frame.center()) or widget.screen()
    if screen is None:
        return
    # The frame (title bar and borders) lies outside geometry(); it is known once shown.
    extra_w = frame.width() - widget.width()
    extra_h = frame.height() - widget.height()
    available = screen.availableGeometry()
    inner = QRect(
        available.x(),
        available.y(),
        available.width() - extra_w,
        available.height() - extra_h,
    )
    wanted = QRect(widget.pos(), widget.size())
    least = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    placed = clamp_to(wanted, inner, least)
    if placed.size() != widget.size():
        widget.resize(placed.size())
    if placed.topLeft() != widget.pos():
        widget.move(placed.topLeft())


class _OnFirstShow(QObject):
    """Places the window again once it is shown, when its frame's size is known."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            watched.removeEventFilter(self)
            QTimer.singleShot(0, watched, partial(_place_again, watched))
        return False


def save_geometry(widget: QWidget, window_key: str) -> None:
    settings = QSettings()
    settings.setValue(_key(window_key, "geometry"), widget.saveGeometry())
    if isinstance(widget, QMainWindow):
        settings.setValue(_key(window_key, "state"), widget.saveState())


def restore_splitter(splitter: QSplitter, window_key: str, name: str) -> None:
    state = QSettings().value(_key(window_key, f"splitter_{name}"))
    if isinstance(state, QByteArray):
        splitter.restoreState(state)


def save_splitter(splitter: QSplitter, window_key: str, name: str) -> None:
    QSettings().setValue(_key(window_key, f"splitter_{name}"), splitter.saveState())
