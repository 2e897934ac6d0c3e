"""Help › User guide (F1): the user guide shipped with the program, read inside the window.

The meeting room has no network, so the guide is not a web page: ``docs/user-guide.md`` is
rendered as Markdown in a read-only browser, with its commands and paths selectable.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.errors import StorageError
from app.i18n import Msg, _
from app.paths import USER_GUIDE
from ui.common.geometry import place_window, save_geometry

WINDOW_KEY = "user_guide"


def read_guide(path: Path = USER_GUIDE) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StorageError(
            Msg.of("The user guide {path} cannot be read.", path=str(path)),
            Msg.of("Reinstall the program; the guide is part of it."),
        ) from exc


class UserGuide(QDialog):
    """A non-modal window beside the main window."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuide")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # nothing leaves the program
        self.browser.setMarkdown(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.setWindowTitle(_("User guide — Expert Review Desk"))
        self.browser.setAccessibleName(_("User guide"))
        place_window(self, WINDOW_KEY, QSize(860, 640))

    def done(self, result: int) -> None:
        save_geometry(self, WINDOW_KEY)
        super().done(result)
