"""The one error presenter, and the hook that routes uncaught exceptions to it.

Cancelled -> nothing; a :class:`~app.errors.UserFacingError` -> its message plus what to do
next; anything else -> a short generic message with "Copy details" (the traceback lives only
in the copied details). Uncaught exceptions from any thread are handed to the GUI thread by a
queued signal, because widgets may only be touched there.
"""

from __future__ import annotations

import queue
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from app.errors import UserCancelled, UserFacingError
from app.i18n import _
from ui.common.dialogs import DialogService, default_dialogs


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


_PRESENT = QEvent.Type(QEvent.registerEventType())

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class _Router(QObject):
    """Lives on the GUI thread and presents exceptions raised on any thread.

    The exception travels in a Python queue and a posted event (thread-safe from any
    thread, including Python threads Qt never adopted) wakes the GUI thread.
    """

    def __init__(self, dialogs: DialogService | None) -> None:
        super().__init__()
        self._dialogs = dialogs
        self._queue: queue.SimpleQueue[BaseException] = queue.SimpleQueue()

    def raise_later(self, exc: BaseException) -> None:
        """Safe from any thread, including Python threads Qt does not know."""
        self._queue.put(exc)
        QCoreApplication.postEvent(self, QEvent(_PRESENT))

    def event(self, event: QEvent) -> bool:
        if event.type() == _PRESENT:
            self._present()
            return True
        return super().event(event)

    def _present(self) -> None:
        while True:
            try:
                exc = self._queue.get_nowait()
            except queue.Empty:
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
