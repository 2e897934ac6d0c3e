"""The one error presenter, and the hook that routes uncaught exceptions to it.

Cancelled -> nothing; a :class:`~app.errors.UserFacingError` -> its message plus what to do
next; anything else -> a short generic message with "Copy details" (the traceback lives only
in the copied details). Uncaught exceptions from any thread are handed to the GUI thread by a
queued signal, because widgets may only be touched there.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.errors import UserCancelled, UserFacingError
from app.i18n import _
from ui.common.dialogs import DialogService, default_dialogs

if TYPE_CHECKING:
    # built by PySide6 on first use, with its enum of 180 event types: not at start-up
    from PySide6.QtCore import QEvent


def show_error(
    parent: QWidget | None, exc: BaseException, dialogs: DialogService | None = None
) -> None:
    """Tell the user about ``exc`` in words fit for them; never show a traceback."""
    if isinstance(exc, UserCancelled):
        return
    service = dialogs if dialogs is not None else default_dialogs()
    if isinstance(exc, UserFacingError):
        service.error(parent, _("Expert Review Desk"), exc.message, exc.recommendation)
        return
    service.error(
        parent,
        _("Expert Review Desk"),
        _("Something went wrong inside the program."),
        _(
            "Your saved work is safe. Try again; if it happens again, copy the details and "
            "pass them to whoever supports this program."
        ),
        details=technical_details(exc),
    )


def technical_details(exc: BaseException) -> str:
    """The text behind "Copy details": the program version and the traceback."""
    from app import __version__

    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    return f"Expert Review Desk {__version__}\n" + "".join(lines)


_wake: list[QEvent.Type] = []
"""The event type that wakes the router (one entry), registered with Qt on first use."""
_wake_lock = threading.Lock()


def _wake_type() -> QEvent.Type:
    """The router's event type; the first exception registers it, from whichever thread."""
    with _wake_lock:
        if not _wake:
            from PySide6.QtCore import QEvent

            _wake.append(QEvent.Type(QEvent.registerEventType()))
        return _wake[0]


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class _Router(QObject):
    """Lives on the GUI thread and presents exceptions raised on any thread.

    The exception travels in a deque (whose ``append`` and ``popleft`` are atomic, so
    thread-safe without a lock; :mod:`queue` is not imported at start-up for it) and a
    posted event (thread-safe from any thread, including Python threads Qt never adopted)
    wakes the GUI thread.
    """

    def __init__(self, dialogs: DialogService | None) -> None:
        super().__init__()
        self._dialogs = dialogs
        self._pending: deque[BaseException] = deque()

    def raise_later(self, exc: BaseException) -> None:
        """Safe from any thread, including Python threads Qt does not know."""
        from PySide6.QtCore import QEvent

        self._pending.append(exc)
        QCoreApplication.postEvent(self, QEvent(_wake_type()))

    def event(self, event: QEvent) -> bool:
        if _wake and event.type() == _wake[0]:
            self._present()
            return True
        return super().event(event)

    def _present(self) -> None:
        while True:
            try:
                exc = self._pending.popleft()
            except IndexError:
                return
            show_error(QApplication.activeWindow(), exc, self._dialogs)


class ExceptionHook:
    """Installs itself as ``sys.excepthook`` and ``threading.excepthook``; ``uninstall`` undoes it.

    The previous hook still runs first, so the traceback also reaches the terminal or log.
    """

    def __init__(self, dialogs: DialogService | None = None) -> None:
        self._router = _Router(dialogs)
        self._previous_sys: ExceptHook = sys.excepthook
        self._previous_threading = threading.excepthook

    def install(self) -> ExceptionHook:
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous_sys
        if threading.excepthook == self._handle_thread:
            threading.excepthook = self._previous_threading

    def handle(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self._previous_sys(kind, exc, tb)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            return
        self._router.raise_later(exc)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)
