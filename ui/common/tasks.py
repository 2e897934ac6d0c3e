"""The one background-task helper, in the style of Anki's ``QueryOp``.

Long work (opening, verifying, exporting, importing) runs off the GUI thread so the window
never freezes; results and failures come back on the GUI thread::

    BackgroundTask(window, lambda progress: verify(path, progress)) \\
        .with_progress(_("Verifying the package…")) \\
        .success(window.show_report) \\
        .run()

The function receives a :class:`Progress`: ``report(done, total, text)`` moves the progress
dialog, ``check_cancelled()`` raises :class:`~app.errors.UserCancelled` once the user pressed
Cancel. A cancelled task calls neither ``success`` nor ``failure``, and neither does a task
whose parent widget was deleted while it ran (the window that asked is gone; its progress
dialog went with it). Failures go to the error presenter unless a ``failure`` callback is
given. Work that touches the database will pass the
single-worker pool that owns the connection as ``pool``, so it stays serialised.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QMetaObject, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from app.errors import UserCancelled
from app.i18n import _
from ui.common.dialogs import DialogService
from ui.common.errors import show_error

T = TypeVar("T")

PROGRESS_DELAY_MS = 600
"""Quick tasks finish before this and never flash a dialog."""
_REPORT_INTERVAL_S = 0.05
"""At most ~20 progress updates a second cross threads; the GUI queue never floods."""


class Progress:
    """Handed to the background function; safe to call from its thread."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancelled = threading.Event()
        self._last = 0.0

    def report(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= _REPORT_INTERVAL_S:
            self._last = now
            self._emit(done, total, text)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check_cancelled(self) -> None:
        if self._cancelled.is_set():
            raise UserCancelled


class _Signals(QObject):
    """Created on the GUI thread, so signals emitted by the worker arrive there (queued)."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], object], progress: Progress, signals: _Signals):
        super().__init__()
        self._fn = fn
        self._progress = progress
        self._signals = signals

    def run(self) -> None:
        try:
            result = self._fn(self._progress)
        except UserCancelled:
            self._signals.cancelled.emit()
        except BaseException as exc:  # every failure is reported, none lost
            self._signals.failed.emit(exc)
        else:
            if self._progress.cancelled:
                self._signals.cancelled.emit()
            else:
                self._signals.succeeded.emit(result)
        self._signals.finished.emit()


_running: set[BackgroundTask[Any]] = set()
"""Tasks in flight stay referenced until they finish, even if the caller drops its handle."""


class BackgroundTask(Generic[T]):
    def __init__(
        self,
        parent: QWidget | None,
        fn: Callable[[Progress], T],
        *,
        dialogs: DialogService | None = None,
    ) -> None:
        self._parent = parent
        self._fn = fn
        self._dialogs = dialogs
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[BaseException], object] | None = None
        self._on_progress: Callable[[int, int, str], object] | None = None
        self._label: str | None = None
        self._delay_ms = PROGRESS_DELAY_MS
        self.signals = _Signals()
        self.progress = Progress(self.signals.progressed.emit)
        self.dialog: QProgressDialog | None = None
        self._links: tuple[QMetaObject.Connection, ...] = ()
        self._runnable: _Runnable | None = None

    # -- building -------------------------------------------------------------------------
    def success(self, callback: Callable[[T], object]) -> BackgroundTask[T]:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], object]) -> BackgroundTask[T]:
        self._on_failure = callback
        return self

    def on_progress(self, callback: Callable[[int, int, str], object]) -> BackgroundTask[T]:
        self._on_progress = callback
        return self

    def with_progress(self, label: str, delay_ms: int = PROGRESS_DELAY_MS) -> BackgroundTask[T]:
        """Show a progress dialog with Cancel if the work takes longer than ``delay_ms``."""
        self._label = label
        self._delay_ms = delay_ms
        return self

    # -- running --------------------------------------------------------------------------
    def run(self, pool: QThreadPool | None = None) -> BackgroundTask[T]:
        s = self.signals
        s.progressed.connect(self._progressed, Qt.ConnectionType.QueuedConnection)
        s.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        s.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        s.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        if self._label is not None:
            self._make_dialog(self._label)
        _running.add(self)
        self._runnable = _Runnable(self._fn, self.progress, s)
        (pool or QThreadPool.globalInstance()).start(self._runnable)
        return self

    def cancel(self) -> None:
        self.progress.cancel()

    def _make_dialog(self, label: str) -> None:
        dialog = QProgressDialog(label, _("Cancel"), 0, 0, self._parent)
        dialog.setWindowTitle(_("Please wait"))
        dialog.setAccessibleName(label)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        dialog.setMinimumDuration(1_000_000)  # shown by our own timer, not Qt's estimate
        # Connection handles and a timer owned by the dialog: PySide6 6.12 frees a bound
        # method given to QTimer.singleShot too early, and disconnect(bound_method) breaks
        # reference counts (both crashed under load).
        self._links = (
            dialog.canceled.connect(self.progress.cancel),
            dialog.destroyed.connect(self._dialog_destroyed),
        )
        timer = QTimer(dialog)
        timer.setSingleShot(True)
        timer.timeout.connect(self._show_dialog)
        timer.start(self._delay_ms)
        self.dialog = dialog

    def _dialog_destroyed(self) -> None:
        self.dialog = None

    def _parent_gone(self) -> bool:
        return self._parent is not None and not isValid(self._parent)

    def _show_dialog(self) -> None:
        if self.dialog is not None and self in _running:
            self.dialog.show()

    def _progressed(self, done: int, total: int, text: str) -> None:
        if self._parent_gone():
            return
        if self.dialog is not None:
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total))
            if text:
                self.dialog.setLabelText(text)
        if self._on_progress is not None:
            self._on_progress(done, total, text)

    def _succeeded(self, result: T) -> None:
        self._close_dialog()
        if self._on_success is not None and not self._parent_gone():
            self._on_success(result)

    def _failed(self, exc: BaseException) -> None:
        self._close_dialog()
        if self._parent_gone():
            return
        if self._on_failure is not None:
            self._on_failure(exc)
        else:
            show_error(self._parent, exc, self._dialogs)

    def _finished(self) -> None:
        self._close_dialog()
        _running.discard(self)

    def _close_dialog(self) -> None:
        if self.dialog is not None and isValid(self.dialog):
            for link in self._links:
                QObject.disconnect(link)
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
        self.dialog = None


def run_step(
    parent: QWidget,
    work: Callable[[Progress], T],
    done: Callable[[T], object],
    *,
    busy: Callable[[BackgroundTask[T] | None], object],
    dialogs: DialogService | None = None,
    pool: QThreadPool | None = None,
    failed: Callable[[BaseException], object] | None = None,
) -> BackgroundTask[T]:
    """Run one step of a page off the GUI thread, the page busy while it runs.

    ``busy(task)`` is called before the work starts (the page keeps the task and disables
    what must wait), ``busy(None)`` when it has ended, before ``done(result)`` or
    ``failed(exc)`` (by default the error presenter). So a page writes its busy state once,
    not once per way a step can end.
    """
    task: BackgroundTask[T] = BackgroundTask(parent, work, dialogs=dialogs)

    def succeeded(result: T) -> None:
        busy(None)
        done(result)

    def failure(exc: BaseException) -> None:
        busy(None)
        if failed is not None:
            failed(exc)
        else:
            show_error(parent, exc, dialogs)

    task.success(succeeded).failure(failure)
    busy(task)
    return task.run(pool)
