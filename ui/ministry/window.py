"""The ministry's desk: the bundles of many meetings verified and imported into one
database, and what they hold. A header (the database, how many meetings and applications)
over five pages: Meetings (the import history), Register (every application, filtered and
sorted), Application (one application's figures, opinions and signed report), Flags (the
checks across meetings and the approved-platform list) and Decisions (MOST's confirmation,
signed by the officer); File › Announcement… writes the signed public notice and the
internal register. Each page is a widget with ``retranslate()`` and ``first_control()``,
read again by :meth:`reload` after every import.

Every read and write goes through the store's protocol on the context's one-worker pool,
off the GUI thread; the composition root (:mod:`ui.launch`) makes the store.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from app.i18n import _, current_language, ngettext
from app.ministry.desk import application_view
from app.ministry.model import ApplicationRow, ImportedBundle
from ui.common.geometry import place_window, save_geometry
from ui.common.i18n import language_actions
from ui.common.tasks import BackgroundTask, Progress
from ui.ministry.announce_dialog import AnnounceDialog
from ui.ministry.context import DeskContext
from ui.ministry.decisions_page import DecisionsPage
from ui.ministry.detail_page import DetailPage
from ui.ministry.flags_page import FlagsPage
from ui.ministry.import_dialog import ImportDialog
from ui.ministry.meetings_page import MeetingsPage
from ui.ministry.models import search_text
from ui.ministry.officer import OfficerIdentity
from ui.ministry.register_page import RegisterPage

WINDOW_KEY = "ministry"
Loaded = tuple[tuple[ImportedBundle, ...], tuple[ApplicationRow, ...], tuple[str, ...]]


class MinistryWindow(QMainWindow):
    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ministryWindow")
        self.ctx = ctx
        self.closed = False
        self.loading: BackgroundTask[Loaded] | None = None
        self.import_dialog: ImportDialog | None = None
        self.announce_dialog: AnnounceDialog | None = None
        self.officer = OfficerIdentity(ctx.dialogs, ctx.now)
        """The officer's identity, asked for once when the first signature needs it."""
        self.history: tuple[ImportedBundle, ...] = ()
        self.rows: tuple[ApplicationRow, ...] = ()

        self.header = QLabel()
        self.header.setObjectName("ministryHeader")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.header.setFont(font)
        self.database_line = QLabel()
        self.database_line.setTextFormat(Qt.TextFormat.PlainText)
        self.database_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.meetings_page = MeetingsPage(self.open_import)
        self.register_page = RegisterPage(self.open_detail)
        self.detail_page = DetailPage(self.back_to_register)
        self.flags_page = FlagsPage(ctx.store, ctx.dialogs, ctx.actor, ctx.now, ctx.pool)
        self.decisions_page = DecisionsPage(ctx.store, self.officer, ctx.dialogs, ctx.now, ctx.pool)
        self.pages: tuple[
            MeetingsPage | RegisterPage | DetailPage | FlagsPage | DecisionsPage, ...
        ] = (
            self.meetings_page,
            self.register_page,
            self.detail_page,
            self.flags_page,
            self.decisions_page,
        )
        self.tabs = QTabWidget()
        for page in self.pages:
            self.tabs.addTab(page, "")
        self.tabs.currentChanged.connect(self._page_shown)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addWidget(self.database_line)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.ctx.changes.changed.connect(self.reload)
        place_window(self, WINDOW_KEY, QSize(1280, 800))
        self.retranslate()
        self.reload()

    # --- menus ---------------------------------------------------------------------------

    def _action(
        self, slot: Callable[[], object], *keys: QKeySequence | QKeySequence.StandardKey
    ) -> QAction:
        action = QAction(self)
        action.triggered.connect(slot)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        self.import_action = self._action(self.open_import, QKeySequence("Ctrl+I"))
        self.announce_action = self._action(self.open_announcement)
        self.reload_action = self._action(self.reload, QKeySequence.StandardKey.Refresh)
        self.close_action = self._action(self.close, QKeySequence.StandardKey.Close)
        self.page_actions = [
            self._action(partial(self.show_page, i), QKeySequence(f"Ctrl+{i + 1}"))
            for i in range(len(self.pages))
        ]
        self.language_actions = language_actions(self)
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.import_action)
        self.file_menu.addAction(self.announce_action)
        self.file_menu.addAction(self.reload_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.close_action)
        self.view_menu = bar.addMenu("")
        self.view_menu.addActions(self.page_actions)
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))

    # --- pages ---------------------------------------------------------------------------

    def show_page(self, index: int, _checked: bool = False) -> None:
        self.tabs.setCurrentIndex(index)
        self._page_shown(index)

    def _page_shown(self, index: int) -> None:
        if 0 <= index < len(self.pages):
            self.pages[index].first_control().setFocus()

    def open_import(self) -> None:
        """File › Import bundles…: one dialog for the session (it keeps its checklist)."""
        if self.import_dialog is None:
            self.import_dialog = ImportDialog(self.ctx, self)
        self.import_dialog.show()
        self.import_dialog.raise_()
        self.import_dialog.activateWindow()

    def open_announcement(self) -> None:
        """File › Announcement…: the signed notice of the confirmed list, and the register."""
        if self.announce_dialog is None:
            ctx = self.ctx
            self.announce_dialog = AnnounceDialog(
                ctx.store, self.officer, ctx.dialogs, ctx.now, ctx.pool, self
            )
        self.announce_dialog.show()
        self.announce_dialog.raise_()
        self.announce_dialog.activateWindow()

    def open_detail(self, row: ApplicationRow) -> None:
        self.detail_page.show_detail(application_view(self.ctx.store, row))
        self.show_page(self.pages.index(self.detail_page))

    def back_to_register(self) -> None:
        self.show_page(self.pages.index(self.register_page))
        self.register_page.table.setFocus()

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the import history and the register off the GUI thread, then show them."""
        if self.closed:
            return
        store = self.ctx.store
        exists = self.ctx.database.exists()

        def work(_progress: Progress) -> Loaded:
            if not exists:  # the first import creates the database
                return (), (), ()
            rows = store.application_rows()
            return store.imported_bundles(), rows, tuple(search_text(r) for r in rows)

        task = BackgroundTask(self, work, dialogs=self.ctx.dialogs).success(self._loaded)
        self.loading = task
        task.signals.finished.connect(self._load_finished)
        task.run(self.ctx.pool)

    def _load_finished(self) -> None:
        self.loading = None

    def _loaded(self, loaded: Loaded) -> None:
        if self.closed:
            return
        self.history, self.rows, texts = loaded
        self.meetings_page.show_history(self.history, self.rows)
        self.register_page.show_rows(self.rows, texts)
        self._header()
        if self.ctx.database.exists():  # the pages read the database only once there is one
            self.flags_page.reload()
            self.decisions_page.reload()

    def _header(self) -> None:
        meetings = len({row.meeting_id for row in self.rows})
        self.header.setText(
            ngettext(
                "Ministry desk — {count} meeting, {applications} applications",
                "Ministry desk — {count} meetings, {applications} applications",
                meetings,
                count=meetings,
                applications=len(self.rows),
            )
        )
        self.database_line.setText(_("Database: {path}", path=str(self.ctx.database)))

    # --- text ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        if self.closed:
            return
        self.setWindowTitle(_("Ministry desk — Expert Review Desk"))
        self.header.setAccessibleName(_("Ministry desk"))
        self.file_menu.setTitle(_("&File"))
        self.view_menu.setTitle(_("&View"))
        self.language_menu.setTitle(_("&Language"))
        self.import_action.setText(_("&Import bundles…"))
        self.announce_action.setText(_("&Announcement…"))
        self.reload_action.setText(_("&Reload"))
        self.close_action.setText(_("&Close"))
        titles = (
            _("&1 Meetings"),
            _("&2 Register"),
            _("&3 Application"),
            _("&4 Flags"),
            _("&5 Decisions"),
        )
        for i, title in enumerate(titles):
            self.tabs.setTabText(i, title)
            self.page_actions[i].setText(title)
        language = current_language()
        for code, action in self.language_actions.items():
            action.setChecked(code == language)
        for page in self.pages:
            page.retranslate()
        if self.import_dialog is not None:
            self.import_dialog.retranslate()
        if self.announce_dialog is not None:
            self.announce_dialog.retranslate()
        self._header()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed = True
        if self.import_dialog is not None:
            self.import_dialog.close()
        if self.announce_dialog is not None:
            self.announce_dialog.close()
        save_geometry(self, WINDOW_KEY)
        super().closeEvent(event)


def open_desk(ctx: DeskContext) -> MinistryWindow:
    """Show the desk on ``ctx`` (a window of its own, deleted when closed)."""
    window = MinistryWindow(ctx)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show()
    return window
