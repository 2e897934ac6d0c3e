"""Every edit is saved at once, and the window says "Saved" only after the commit returned.

:class:`SaveStatus` runs one use case (one transaction) and reports "Saving…" then
"Saved 10:42:07" — or the error, through the one error presenter, with nothing stored.
:class:`TextAutosave` debounces typing (~400 ms) and flushes on focus-out, on switching
application and on closing the window, so a killed program loses at most the last
fraction of a second of typing, and never an acknowledged edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from app.errors import UserFacingError
from app.i18n import _
from ui.common.dialogs import DialogService
from ui.common.errors import show_error

T = TypeVar("T")
DEBOUNCE_MS = 400


class SaveStatus(QObject):
    """Runs edits on the GUI thread (the database's thread) and tracks the status text."""

    changed = Signal(str)
    saved = Signal()
    refused = Signal(object)

    def __init__(self, parent: QWidget, dialogs: DialogService) -> None:
        super().__init__(parent)
        self._window = parent
        self._dialogs = dialogs
        self.text = ""
        self.last_saved: dt.datetime | None = None
        self._autosaves: list[TextAutosave] = []
        self.last_error: UserFacingError | None = None

    def run(
        self, edit: Callable[[], T], *, inline: tuple[type[BaseException], ...] = ()
    ) -> T | None:
        """Run ``edit``; None when it was refused. The refusal is kept in :attr:`last_error`
        and shown by the error presenter, unless its type is one the caller shows
        ``inline`` next to the field."""
        self._set(_("Saving…"))
        self.last_error = None
        try:
            result = edit()
        except UserFacingError as exc:
            self._set(_("Not saved"))
            self.last_error = exc
            self.refused.emit(exc)
            if not isinstance(exc, inline):
                show_error(self._window, exc, self._dialogs)
            return None
        self.last_saved = dt.datetime.now()
        self.retranslate()
        self.saved.emit()
        return result

    def retranslate(self) -> None:
        if self.last_saved is not None:
            self._set(_("Saved {time}", time=self.last_saved.strftime("%H:%M:%S")))
        elif self.last_error is None:
            self._set(_("Nothing changed yet"))

    def _set(self, text: str) -> None:
        self.text = text
        self.changed.emit(text)

    def register(self, autosave: TextAutosave) -> None:
        self._autosaves.append(autosave)

    def flush_all(self) -> None:
        for autosave in list(self._autosaves):
            autosave.flush()


class TextAutosave(QObject):
    """Commits a text field's content ``DEBOUNCE_MS`` after the last keystroke, or at once
    when the field loses focus or :meth:`flush` is called."""

    def __init__(
        self,
        field: QLineEdit | QPlainTextEdit,
        commit: Callable[[str], object],
        status: SaveStatus,
        delay_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(field)
        self.field = field
        self._commit = commit
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        field.textChanged.connect(self._typed)
        field.installEventFilter(self)
        status.register(self)

    def text(self) -> str:
        if isinstance(self.field, QPlainTextEdit):
            return self.field.toPlainText()
        return self.field.text()

    def load(self, text: str) -> None:
        """Show stored text without treating it as an edit."""
        self._timer.stop()
        self._dirty = False
        if text == self.text():
            return
        self.field.blockSignals(True)
        if isinstance(self.field, QPlainTextEdit):
            self.field.setPlainText(text)
        else:
            self.field.setText(text)
        self.field.blockSignals(False)

    @property
    def pending(self) -> bool:
        return self._dirty

    def _typed(self, *_args: object) -> None:
        if self.field.isReadOnly():
            return
        self._dirty = True
        self._timer.start()

    def flush(self) -> None:
        self._timer.stop()
        if self._dirty:
            self._dirty = False
            self._commit(self.text())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return False
