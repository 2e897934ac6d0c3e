"""What every page of the secretary console shares: the workspace, the secretary's identity,
the dialog service, the clock, and the helpers that run long work off the GUI thread.

SQLite connections stay on the thread that opened them, so background work opens its own
:class:`SecretaryStore` on the same folder through ``stores`` (WAL lets both connections
work) and closes it before returning; the GUI connection then simply re-reads. The
workspace key the console unlocked (``sealer``, secretary-workspace-v1) goes to those
connections too, in memory only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from app.consolidation import MeetingResult
from app.crypto.identity import Identity
from app.ports import WorkspaceSealer
from app.secretary import setup as sec_setup
from app.secretary.ports import PublicationRecords, SecretaryStore, SecretaryStores
from app.secretary.publish_prepare import Exporters
from app.secretary.unlock import unlock_workspace
from ui.common.dialogs import DialogService
from ui.common.fonts import heading_font
from ui.common.tasks import BackgroundTask, Progress

T = TypeVar("T")
Clock = Callable[[], dt.datetime]


class Changes(QObject):
    """Emitted after every change to the workspace, so each page re-reads what it shows."""

    changed = Signal()


@dataclass
class ConsoleContext:
    folder: Path
    ws: SecretaryStore
    stores: SecretaryStores
    """Opens the second connection background work runs on."""
    identity: Identity
    dialogs: DialogService
    now: Clock
    actor: str = "secretary"
    changes: Changes = field(default_factory=Changes)
    result: MeetingResult | None = None
    """The last consolidation of the current round, shared by the pages until a change."""
    records: PublicationRecords | None = None
    """What publishing keeps between its steps (``publish/`` in the secretary folder)."""
    exporters: Callable[[], Exporters] | None = None
    """The report, signature and workbook exporters, from the composition root
    (``ui.launch``); loaded only when the Outputs page needs them."""
    sealer: WorkspaceSealer | None = None
    """The workspace key, unlocked with ``identity`` (:func:`open_console` does it; a console
    given a locked workspace unlocks it here)."""

    _keeping_result: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.sealer is None or not self.ws.unlocked:
            self.sealer = unlock_workspace(self.ws, self.identity, actor=self.actor, now=self.now())
        self.changes.changed.connect(self._forget_result)
        if self.records is None:
            from app.secretary.publish_log import PUBLISH_FOLDER, FolderPublicationLog

            self.records = FolderPublicationLog(self.folder / PUBLISH_FOLDER)

    def _forget_result(self) -> None:
        if not self._keeping_result:
            self.result = None

    def announce(self, *, figures_changed: bool = True) -> None:
        """Tell every page that the workspace changed. A change that cannot move a figure
        (a panel opinion, the chair's approval) keeps the shared consolidation: at 200x30
        consolidating again takes seconds, for the same result."""
        self._keeping_result = not figures_changed
        try:
            self.changes.changed.emit()
        finally:
            self._keeping_result = False

    def read_on_workspace(
        self,
        parent: QWidget,
        fn: Callable[[SecretaryStore, Progress], T],
        label: str,
        done: Callable[[T], object],
    ) -> BackgroundTask[T]:
        """Like :meth:`run_on_workspace` for reading only: no change is announced after it."""
        folder, stores, sealer = self.folder, self.stores, self.sealer

        def work(progress: Progress) -> T:
            ws = sec_setup.open_workspace(stores, folder, sealer=sealer)
            try:
                return fn(ws, progress)
            finally:
                ws.close()

        return (
            BackgroundTask(parent, work, dialogs=self.dialogs)
            .with_progress(label)
            .success(done)
            .run()
        )

    def run_on_workspace(
        self,
        parent: QWidget,
        fn: Callable[[SecretaryStore, Progress], T],
        label: str,
        done: Callable[[T], object],
        *,
        figures_changed: bool = True,
    ) -> BackgroundTask[T]:
        """Run ``fn`` on a second connection in a worker thread; ``done`` on the GUI thread.
        A change is announced after it, success or failure (:meth:`announce`: pass
        ``figures_changed=False`` for work that cannot move a figure)."""
        folder, stores, sealer = self.folder, self.stores, self.sealer

        def work(progress: Progress) -> T:
            ws = sec_setup.open_workspace(stores, folder, sealer=sealer)
            try:
                return fn(ws, progress)
            finally:
                ws.close()

        def finished(result: T) -> None:
            self.announce(figures_changed=figures_changed)
            done(result)

        def failed(exc: BaseException) -> None:
            self.announce(figures_changed=figures_changed)  # a refusal may have been recorded
            from ui.common.errors import show_error

            show_error(parent, exc, self.dialogs)

        return (
            BackgroundTask(parent, work, dialogs=self.dialogs)
            .with_progress(label)
            .success(finished)
            .failure(failed)
            .run()
        )


def choose_files(
    dialogs: DialogService, parent: QWidget | None, title: str, name_filter: str
) -> list[Path]:
    """Several files at once; a dialog service offering ``open_files`` (tests) answers first."""
    picker = getattr(dialogs, "open_files", None)
    if callable(picker):
        chosen = picker(parent, title, name_filter)
        return [Path(p) for p in chosen] if chosen else []
    names, _selected = QFileDialog.getOpenFileNames(parent, title, "", name_filter)
    return [Path(n) for n in names]


def heading(text: str = "") -> QLabel:
    label = QLabel(text)
    heading_font(label, scale=1.15)  # follows Ctrl++ / Ctrl+−
    return label


def cancel_check(progress: Progress) -> Callable[[], bool]:
    """The core's ``cancel`` callback, backed by the progress dialog's Cancel."""
    return lambda: progress.cancelled
