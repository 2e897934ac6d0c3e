"""The meeting secretary's console: a header (meeting, date, venue, round, kit state) over
six pages (setup, collect and board, consolidation, panel opinion, room view, outputs).

:func:`open_console` is the way in: choose the workspace folder, the secretary's identity
file and its passphrase; the identity is unlocked off the GUI thread and the console opens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from app.crypto.identity import Identity, load_identity, read_identity_file
from app.errors import UserFacingError
from app.i18n import _
from app.ports import WorkspaceSealer
from app.secretary import setup as sec_setup
from app.secretary.ports import SecretaryStore, SecretaryStores
from app.secretary.publish_gates import Gate, GateProblem
from app.secretary.publish_prepare import Exporters
from app.secretary.unlock import unlock_workspace
from ui.common.busy import BusyState
from ui.common.dialogs import DialogService, default_dialogs
from ui.common.errors import show_error
from ui.common.geometry import place_window, save_geometry
from ui.common.tasks import BackgroundTask, Progress
from ui.secretary.collect_page import CollectPage
from ui.secretary.consolidation_page import ConsolidationPage
from ui.secretary.context import Clock, ConsoleContext
from ui.secretary.opinion_page import OpinionPage
from ui.secretary.outputs_page import OutputsPage
from ui.secretary.room_page import RoomPage
from ui.secretary.setup_page import SetupPage

WINDOW_KEY = "secretary"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SecretaryWindow(QMainWindow):
    def __init__(
        self,
        folder: Path,
        ws: SecretaryStore,
        identity: Identity,
        *,
        stores: SecretaryStores,
        dialogs: DialogService | None = None,
        now: Clock = _utc_now,
        exporters: Callable[[], Exporters] | None = None,
        sealer: WorkspaceSealer | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("secretaryWindow")
        self.ctx = ConsoleContext(
            folder=folder,
            ws=ws,
            stores=stores,
            identity=identity,
            dialogs=dialogs if dialogs is not None else default_dialogs(),
            now=now,
            exporters=exporters,
            sealer=sealer,
        )
        self.header = QLabel()
        self.header.setObjectName("secretaryHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.header.setFont(font)
        self.setup_page = SetupPage(self.ctx)
        self.collect_page = CollectPage(self.ctx)
        self.consolidation_page = ConsolidationPage(self.ctx)
        self.opinion_page = OpinionPage(self.ctx)
        self.room_page = RoomPage(self.ctx)
        self.outputs_page = OutputsPage(self.ctx, self.go_to_problem)
        self.tabs = QTabWidget()
        self.pages = (
            self.setup_page,
            self.collect_page,
            self.consolidation_page,
            self.opinion_page,
            self.room_page,
            self.outputs_page,
        )
        for page in self.pages:
            self.tabs.addTab(page, "")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.closed = False
        self._stale: set[int] = set()
        self.tabs.currentChanged.connect(self._refresh_if_stale)
        self.ctx.changes.changed.connect(self.reload)
        place_window(self, WINDOW_KEY, QSize(1280, 820))
        self.retranslate()
        self.reload()  # a console reopened on a running meeting shows it at once

    def reload(self) -> None:
        """Refresh the visible page now and the others when they are shown.

        Consolidating a 200 x 30 meeting or rebuilding its board takes hundreds of
        milliseconds on the GUI thread; doing it for every page after each change froze the
        window for two seconds (bench/bench_secretary_ui.py).
        """
        if self.closed:
            return
        current = self.tabs.currentIndex()
        self._stale = {i for i in range(len(self.pages)) if i != current}
        if 0 <= current < len(self.pages):
            self.pages[current].reload()
        self._header()

    def go_to_problem(self, problem: GateProblem) -> None:
        """Show the page where a publish gate's ``problem`` is fixed."""
        if problem.gate is Gate.OPINIONS:
            self.tabs.setCurrentWidget(self.opinion_page)
            page = self.opinion_page
            if problem.application_id in page.app_ids:
                page.apps.setCurrentRow(page.app_ids.index(problem.application_id))
            page.opinion.setFocus()
        else:
            self.tabs.setCurrentWidget(self.collect_page)

    def _refresh_if_stale(self, index: int) -> None:
        if index in self._stale and not self.closed:
            self._stale.discard(index)
            self.pages[index].reload()

    def _header(self) -> None:
        setup = self.ctx.ws.setup()
        h = setup.header
        kit = (
            _("kit issued {date}", date=setup.kit.issued_at.strftime("%Y-%m-%d %H:%M"))
            if setup.kit is not None
            else _("kit not issued yet")
        )
        self.header.setText(
            _(
                "{title} — {date}, {venue} · round {round} · {kit}",
                title=str(h.title),
                date=h.date.isoformat(),
                venue=str(h.venue),
                round=setup.current_round,
                kit=kit,
            )
        )

    def retranslate(self) -> None:
        if self.closed:
            return
        self.setWindowTitle(_("Secretary console — Expert Review Desk"))
        self.header.setAccessibleName(_("Meeting"))
        titles = (
            _("&1 Setup"),
            _("&2 Collect && board"),
            _("&3 Consolidation"),
            _("&4 Panel opinion"),
            _("&5 Room"),
            _("&6 Outputs"),
        )
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title)
        for page in self.pages:
            page.retranslate()
        self._header()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed = True
        self.outputs_page.closed = True
        save_geometry(self, WINDOW_KEY)
        self.room_page.close_room()
        self.ctx.ws.close()
        super().closeEvent(event)


def open_console(
    parent: QWidget | None,
    dialogs: DialogService | None = None,
    *,
    stores: SecretaryStores,
    now: Clock = _utc_now,
    opened: Callable[[SecretaryWindow], object] | None = None,
    exporters: Callable[[], Exporters] | None = None,
) -> BackgroundTask[Identity] | None:
    """Ask for the workspace folder, the secretary's identity and passphrase; open the console."""
    service = dialogs if dialogs is not None else default_dialogs()
    folder = service.open_directory(parent, _("Choose the secretary workspace folder"))
    if folder is None:
        return None
    p12 = service.open_file(
        parent, _("Choose the secretary's identity file"), _("Identity files (*.p12 *.pfx)")
    )
    if p12 is None:
        return None
    secret = service.passphrase(
        parent, _("Unlock the secretary's identity"), _("Passphrase of {file}:", file=p12.name)
    )
    if secret is None:
        return None

    def work(_progress: Progress) -> Identity:
        return load_identity(read_identity_file(p12), secret)

    busy = busy_over(parent)
    busy.start(_("Unlocking the secretary's identity…"))

    def unlocked(identity: Identity) -> None:
        # The workspace and the window open on the GUI thread (which owns the database).
        with busy.blocking(_("Opening the secretary console…")):
            window = console_window(identity)
            if window is not None:
                window.show()
        if window is not None and opened is not None:
            opened(window)

    def console_window(identity: Identity) -> SecretaryWindow | None:
        try:
            ws = sec_setup.open_workspace(stores, folder)
        except UserFacingError as exc:
            busy.stop()
            show_error(parent, exc, service)
            return None
        try:
            # The secretary's identity unwraps the workspace key (secretary-workspace-v1);
            # plaintext left by an older version is sealed here, once.
            sealer = unlock_workspace(ws, identity, actor="secretary", now=now())
        except UserFacingError as exc:
            ws.close()  # a refused identity leaves no open database behind
            busy.stop()
            show_error(parent, exc, service)
            return None
        window = SecretaryWindow(
            folder,
            ws,
            identity,
            stores=stores,
            dialogs=service,
            now=now,
            exporters=exporters,
            sealer=sealer,
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        return window

    def refused(exc: BaseException) -> None:
        busy.stop()
        show_error(parent, exc, service)

    task = BackgroundTask(parent, work, dialogs=service).success(unlocked).failure(refused)
    task.signals.finished.connect(busy.stop, Qt.ConnectionType.QueuedConnection)
    return task.run()


def busy_over(parent: QWidget | None) -> BusyState:
    """The busy state of the window that opens the console: its menus and contents disabled,
    its status bar saying what runs (a console opened without a main window: a status line
    of its own is not shown, the wait cursor is)."""
    if isinstance(parent, QMainWindow):
        controls = [w for w in (parent.menuWidget(), parent.centralWidget()) if w is not None]
        return BusyState(parent.statusBar(), controls)
    return BusyState(QLabel())
