"""Saving where the expert is: application, page, PDF page and zoom, hearing clock.

:class:`ViewStateKeeper` stores the window's view state through
:class:`app.expert.view_state.ExpertPlaces`, one transaction per save: at once on a
navigation, a page change or a clock action; :data:`DEBOUNCE_MS` after the last of a run of
PDF page turns or zoom steps (scrolling through a document turns many pages a second).
Saving is skipped while the window restores a state, and stops when the window closes.

Where the expert is matters less than what they typed: a save that fails is reported in the
status bar (:attr:`ViewStateKeeper.failed`), never in a dialog, and is tried again at the
next change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer, Signal

from app.errors import UserFacingError
from app.expert.view_state import ExpertPlaces, ExpertViewState

DEBOUNCE_MS = 400


class ViewStateKeeper(QObject):
    saved = Signal()
    """The state shown now is committed."""
    failed = Signal(object)
    """A save was refused (carries the :class:`UserFacingError`)."""

    def __init__(
        self,
        places: ExpertPlaces,
        snapshot: Callable[[], ExpertViewState | None],
        parent: QObject | None = None,
        delay_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.places = places
        self._snapshot = snapshot
        self._last: ExpertViewState | None = None
        self._held = 0
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.save_now)

    @property
    def last_saved(self) -> ExpertViewState | None:
        """The state most recently committed by this keeper."""
        return self._last

    @property
    def pending(self) -> bool:
        """A debounced save is waiting."""
        return self._timer.isActive()

    def save_soon(self) -> None:
        """Save :data:`DEBOUNCE_MS` after the last call (PDF page turns, zoom steps)."""
        if not self._stopped:
            self._timer.start()

    def save_now(self) -> None:
        """Save the state shown now (one transaction), unless it is what was last saved."""
        self._timer.stop()
        if self._stopped or self._held:
            return
        state = self._snapshot()
        if state is None or state == self._last:
            return
        try:
            self.places.save(state)
        except UserFacingError as exc:
            self.failed.emit(exc)
            return
        self._last = state
        self.saved.emit()

    def flush(self) -> None:
        if self.pending:
            self.save_now()

    @contextmanager
    def held(self) -> Iterator[None]:
        """No saves inside the block (the window is half-way through restoring a state);
        what it shows at the end is saved then."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            self.save_now()

    def stop(self) -> None:
        """Save the state shown now and never save again (the workspace is closing)."""
        self.save_now()
        self._stopped = True
        self._timer.stop()
