"""Windows remember where they were, how big, and how their splitters and docks were set.

Stored with :class:`QSettings` under ``windows/<key>/...``. The launcher makes INI the default
format, so settings are one plain file per user on every platform (easy to inspect and to purge
when an expert hands back a laptop). Tests point ``QSettings.setPath`` at a temp folder.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget


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
