"""The busy state: what a window shows while work the user waits for is running.

A wait cursor, the controls that would start the work again (or change its input) disabled,
and a status line saying what runs. Work off the GUI thread (:mod:`ui.common.tasks`) shows
it from the click to the result; work that must run on the GUI thread (building a window,
writing the database this thread owns) shows it before it starts: the status line is painted
at once, since the event loop cannot paint it until the work is done::

    busy = BusyState(dialog.status, [dialog.form, dialog.unlock_button])
    with busy.blocking(_("Opening your workspace…")):
        open_the_window()
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QLabel, QStatusBar, QWidget
from shiboken6 import isValid


class BusyState:
    """Shows and clears the busy state over ``controls``, with ``status`` as its line (a label
    hidden while idle, or a window's status bar)."""

    def __init__(self, status: QLabel | QStatusBar, controls: Iterable[QWidget] = ()) -> None:
        self.status = status
        self.controls = tuple(controls)
        self._enabled: tuple[bool, ...] = ()
        self._previous = ""
        """A status bar's message before, shown again after."""
        self.text = ""
        if isinstance(status, QLabel) and not status.text():
            status.hide()

    @property
    def active(self) -> bool:
        return bool(self.text)

    def start(self, text: str) -> None:
        """Enter the busy state, or say what runs now if already in it."""
        if not self.active:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
            self._enabled = tuple(w.isEnabled() for w in self.controls)
            if isinstance(self.status, QStatusBar):
                self._previous = self.status.currentMessage()
            for widget in self.controls:
                widget.setEnabled(False)
        self.text = text
        status = self.status
        if isinstance(status, QLabel):
            status.setText(text)
            status.show()
        else:
            status.showMessage(text)
        status.repaint()  # painted now: the GUI thread may be about to block

    def stop(self) -> None:
        """Leave the busy state: the cursor, the controls and a status bar as they were."""
        if not self.active:
            return
        self.text = ""
        QApplication.restoreOverrideCursor()
        for widget, enabled in zip(self.controls, self._enabled, strict=True):
            if isValid(widget):
                widget.setEnabled(enabled)
        status = self.status
        if not isValid(status):
            return
        if isinstance(status, QLabel):
            status.clear()
            status.hide()
        elif self._previous:
            status.showMessage(self._previous)
        else:
            status.clearMessage()

    @contextmanager
    def blocking(self, text: str) -> Iterator[None]:
        """The busy state around work on the GUI thread; one already shown stays on after."""
        started = not self.active
        self.start(text)
        try:
            yield
        finally:
            if started:
                self.stop()


def wait_cursor_shown() -> bool:
    """Whether the application shows the wait cursor (for tests and benchmarks)."""
    cursor = QApplication.overrideCursor()
    return cursor is not None and cursor.shape() is Qt.CursorShape.WaitCursor
