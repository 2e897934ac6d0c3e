"""The main window for one meeting: header band, Agenda / Roster / Rubric tabs, menus.

The window only shows what the core hands it (a :class:`Meeting` and its :class:`Rubric`);
it holds no rules. Every text is set in :meth:`MainWindow.retranslate`, which the language
switch calls, so menus, tabs, headers and data all change language live.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from app.errors import UserFacingError
from app.i18n import _, current_language
from ui.common.dialogs import DialogService, default_dialogs
from ui.common.fonts import FontZoom
from ui.common.geometry import place_window, restore_splitter, save_geometry, save_splitter
from ui.common.i18n import language_actions
from ui.shell.empty_state import EmptyState

if TYPE_CHECKING:
    # built by PySide6 on first use, with their enums: not before the meeting page or a
    # dialog needs them (the start window shows neither)
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QDialog, QTabWidget

    from app.domain.meeting import Meeting
    from app.domain.rubric import Rubric
    from ui.shell.header import MeetingHeader
    from ui.shell.models import AgendaModel, RosterModel
    from ui.shell.next_steps import NextSteps
    from ui.shell.rubric_page import RubricPage
    from ui.shell.table_view import ReadOnlyTableView

DemoLoader = Callable[[], "tuple[Meeting, Rubric]"]
WorkspaceLoader = Callable[[Path], "tuple[Meeting, Rubric]"]
ExpertSignIn = Callable[["MainWindow"], object]
SecretaryConsole = Callable[["MainWindow"], object]
KitImporter = Callable[["MainWindow"], object]
MinistryDesk = Callable[["MainWindow"], object]
"""File › Import meeting kit… (``ui.expert``, wired by ``ui.launch`` with the stores); returns
the dialog it opened, or ``None``."""

WINDOW_KEY = "main"
_MEETING_PAGE = frozenset(
    {
        "header",
        "agenda_model",
        "agenda_view",
        "roster_model",
        "roster_view",
        "rubric_page",
        "tabs",
        "tab_pages",
        "next_steps",
        "meeting_page",
    }
)
"""The meeting page's parts: built when a meeting is first shown (or one of them is asked
for), so the start window (the empty state) does not wait for them."""


class MainWindow(QMainWindow):
    header: MeetingHeader
    agenda_model: AgendaModel
    agenda_view: ReadOnlyTableView
    roster_model: RosterModel
    roster_view: ReadOnlyTableView
    rubric_page: RubricPage
    tabs: QTabWidget
    tab_pages: list[QWidget]
    next_steps: NextSteps
    meeting_page: QWidget

    def __init__(
        self,
        meeting: Meeting | None = None,
        rubric: Rubric | None = None,
        *,
        dialogs: DialogService | None = None,
        zoom: FontZoom | None = None,
        demo_loader: DemoLoader | None = None,
        workspace_loader: WorkspaceLoader | None = None,
        expert_sign_in: ExpertSignIn | None = None,
        secretary_console: SecretaryConsole | None = None,
        kit_import: KitImporter | None = None,
        ministry_desk: MinistryDesk | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.dialogs = dialogs if dialogs is not None else default_dialogs()
        self.zoom = zoom if zoom is not None else FontZoom()
        self._demo_loader = demo_loader
        self._workspace_loader = workspace_loader
        self._expert_sign_in = expert_sign_in
        self._secretary_console = secretary_console
        self._kit_import = kit_import
        self._ministry_desk = ministry_desk
        self.secretary_consoles: list[object] = []
        """The consoles opened from here, referenced until the main window goes."""
        self._workspace_path: Path | None = None
        self.meeting: Meeting | None = None
        self.rubric: Rubric | None = None
        self.kit_import_dialog: QDialog | None = None
        """The open File › Import meeting kit… dialog, if any."""
        self.user_guide: QDialog | None = None
        self._meeting_page_built = False

        self._build_actions()
        self._build_menus()
        self._build_pages()
        self.summary = QLabel()
        self.statusBar().addPermanentWidget(self.summary)

        place_window(self, WINDOW_KEY, QSize(1180, 740))
        self.set_meeting(meeting, rubric)

    def __getattr__(self, name: str) -> Any:
        """A part of the meeting page, built on first use (see ``_MEETING_PAGE``)."""
        if name in _MEETING_PAGE and not self.__dict__.get("_meeting_page_built", True):
            self._build_meeting_page()
            return self.__dict__[name]
        raise AttributeError(name)

    # -- construction ---------------------------------------------------------------------
    def _action(
        self, slot: Callable[[], object], *shortcuts: QKeySequence | QKeySequence.StandardKey
    ) -> QAction:
        action = QAction(self)
        action.triggered.connect(slot)
        if shortcuts:
            # QKeySequence(a QKeySequence) would try the Qt.Key overloads and load PySide6's
            # whole Qt namespace (~20 ms at start-up; see ui/shell/empty_state._centred)
            action.setShortcuts(
                [s if isinstance(s, QKeySequence) else QKeySequence(s) for s in shortcuts]
            )
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        self.import_kit_action = self._action(self.import_meeting_kit)
        self.import_kit_action.setVisible(
            self._workspace_loader is not None and self._kit_import is not None
        )
        self.open_demo_action = self._action(self.open_demo)
        self.open_demo_action.setVisible(self._demo_loader is not None)
        self.open_workspace_action = self._action(
            self.choose_workspace, QKeySequence.StandardKey.Open
        )
        self.open_workspace_action.setVisible(self._workspace_loader is not None)
        self.expert_sign_in_action = self._action(self.sign_in_as_expert)
        self.expert_sign_in_action.setVisible(self._expert_sign_in is not None)
        self.secretary_action = self._action(self.open_secretary_console)
        self.secretary_action.setVisible(self._secretary_console is not None)
        self.ministry_action = self._action(self.open_ministry_desk)
        self.ministry_action.setVisible(self._ministry_desk is not None)
        self.quit_action = self._action(self.close, QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.language_actions = language_actions(self)

        self.larger_text_action = self._action(
            self.zoom.larger, QKeySequence.StandardKey.ZoomIn, QKeySequence("Ctrl+=")
        )
        self.smaller_text_action = self._action(self.zoom.smaller, QKeySequence.StandardKey.ZoomOut)
        self.reset_text_action = self._action(self.zoom.reset, QKeySequence("Ctrl+0"))
        self.tab_actions = [
            self._action(partial(self._show_tab, i), QKeySequence(f"Ctrl+{i + 1}"))
            for i in range(3)
        ]
        self.user_guide_action = self._action(self.show_user_guide, QKeySequence("F1"))
        self.about_action = self._action(self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt_action = self._action(lambda: self.dialogs.about_qt(self))
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.import_kit_action)
        self.file_menu.addAction(self.open_workspace_action)
        self.file_menu.addAction(self.open_demo_action)
        self.file_menu.addSeparator()
        if self._expert_sign_in is not None:
            self.file_menu.addAction(self.expert_sign_in_action)
            self.file_menu.addSeparator()
        if self._secretary_console is not None:
            self.file_menu.addAction(self.secretary_action)
        if self._ministry_desk is not None:
            self.file_menu.addAction(self.ministry_action)
        if self._secretary_console is not None or self._ministry_desk is not None:
            self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

        self.view_menu = bar.addMenu("")
        self.view_menu.addActions(self.tab_actions)
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.larger_text_action)
        self.view_menu.addAction(self.smaller_text_action)
        self.view_menu.addAction(self.reset_text_action)

        self.help_menu = bar.addMenu("")
        self.help_menu.addAction(self.user_guide_action)
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.about_action)
        self.help_menu.addAction(self.about_qt_action)

    def _build_pages(self) -> None:
        with_workspaces = self._workspace_loader is not None
        self.empty_state = EmptyState(
            self.open_demo_action if self._demo_loader is not None else None,
            import_kit=self.import_kit_action if with_workspaces else None,
            open_workspace=self.open_workspace_action if with_workspaces else None,
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_state)
        self.setCentralWidget(self.pages)

    def _build_meeting_page(self) -> None:
        """The header band, the next steps and the Agenda / Roster / Rubric tabs."""
        from ui.shell.header import MeetingHeader
        from ui.shell.models import AgendaModel, RosterModel
        from ui.shell.next_steps import NextSteps
        from ui.shell.rubric_page import RubricPage
        from ui.shell.table_view import ReadOnlyTableView

        self._meeting_page_built = True
        self.header = MeetingHeader()
        self.agenda_model = AgendaModel()
        self.agenda_view = ReadOnlyTableView(self.agenda_model, stretch=(2, 3, 4))
        self.roster_model = RosterModel()
        self.roster_view = ReadOnlyTableView(self.roster_model, stretch=(3,))
        self.rubric_page = RubricPage()

        from PySide6.QtWidgets import QTabWidget

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_pages = []
        for page in (self.agenda_view, self.roster_view, self.rubric_page):
            holder = QWidget()
            self.tab_pages.append(holder)
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 12, 0, 12)
            layout.addWidget(page)
            self.tabs.addTab(holder, "")

        self.next_steps = NextSteps(
            self.expert_sign_in_action if self._expert_sign_in is not None else None,
            self.secretary_action,
        )
        self.meeting_page = QWidget()
        layout = QVBoxLayout(self.meeting_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.next_steps)
        body = QVBoxLayout()
        body.setContentsMargins(16, 10, 16, 0)  # tabs line up with the header and the tables
        body.addWidget(self.tabs)
        layout.addLayout(body, 1)
        self.pages.addWidget(self.meeting_page)
        restore_splitter(self.rubric_page.splitter, WINDOW_KEY, "rubric")
        self._show_meeting_page_content()
        self._retranslate_meeting_page()

    # -- content --------------------------------------------------------------------------
    @property
    def workspace_path(self) -> Path | None:
        """The workspace file shown, when known (the expert window records into it)."""
        return self._workspace_path

    @workspace_path.setter
    def workspace_path(self, path: Path | None) -> None:
        self._workspace_path = path
        if self._meeting_page_built:
            self.next_steps.set_meeting(self.meeting, self._demo_folder(self.meeting))

    def set_meeting(self, meeting: Meeting | None, rubric: Rubric | None) -> None:
        """Show ``meeting`` (or the empty state for None) with its ``rubric``."""
        self.meeting, self.rubric = meeting, rubric
        if meeting is not None and not self._meeting_page_built:
            self._build_meeting_page()  # shows this meeting
        elif self._meeting_page_built:
            self._show_meeting_page_content()
        self.pages.setCurrentWidget(self.meeting_page if meeting else self.empty_state)
        for action in self.tab_actions:
            action.setEnabled(meeting is not None)
        self.expert_sign_in_action.setEnabled(meeting is not None)
        self.retranslate()

    def _show_meeting_page_content(self) -> None:
        from ui.shell.models import agenda_rows

        meeting = self.meeting
        self.header.set_meeting(meeting)
        self.next_steps.set_meeting(meeting, self._demo_folder(meeting))
        self.agenda_model.set_rows(agenda_rows(meeting) if meeting else [])
        self.roster_model.set_rows(meeting.experts if meeting else [])
        self.rubric_page.set_rubric(self.rubric)

    def _demo_folder(self, meeting: Meeting | None) -> Path | None:
        """Where a demo meeting's material is: beside its workspace, or the default demo."""
        if meeting is None or not meeting.is_demo:
            return None
        if self.workspace_path is not None:
            return self.workspace_path.parent
        from app.workspaces import default_demo_dir

        return default_demo_dir()

    def open_demo(self) -> None:
        """Load the demo meeting off the GUI thread and show it."""
        loader = self._demo_loader
        if loader is None:
            return
        from ui.common.tasks import BackgroundTask

        BackgroundTask(self, lambda _progress: loader(), dialogs=self.dialogs).with_progress(
            _("Opening the demo meeting… The first time, the demo material is built first.")
        ).success(self._demo_opened).run()

    def _demo_opened(self, loaded: tuple[Meeting, Rubric]) -> None:
        self._workspace_path = None  # the demo's own workspace, not one opened before
        self.set_meeting(*loaded)

    def choose_workspace(self) -> None:
        """Ask for a workspace file and open it."""
        from app.workspaces import default_data_dir, default_demo_dir
        from ui.shell.folders import start_folder

        start = start_folder(self.workspace_path, default_demo_dir(), default_data_dir())
        chosen = self.dialogs.open_file(
            self, _("Open workspace"), _("Workspaces (*.sqlite);;All files (*)"), start
        )
        if chosen:
            self.open_workspace(Path(chosen))

    def open_workspace(self, path: Path, note: str = "") -> None:
        """Read the meeting of the workspace at ``path`` off the GUI thread and show it
        (with ``note`` in the status bar once it is shown)."""
        loader = self._workspace_loader
        if loader is None:
            return
        from ui.common.tasks import BackgroundTask

        BackgroundTask(self, lambda _progress: loader(path), dialogs=self.dialogs).with_progress(
            _("Opening the workspace…")
        ).success(lambda loaded: self._workspace_opened(path, loaded, note)).run()

    def _workspace_opened(self, path: Path, loaded: tuple[Meeting, Rubric], note: str) -> None:
        self.workspace_path = path
        self.set_meeting(*loaded)
        if note:
            self.statusBar().showMessage(note, 20_000)

    def import_meeting_kit(self) -> None:
        """Choose a meeting kit, verify and import it (``ui.expert``), then open its workspace."""
        if self._kit_import is not None:
            from PySide6.QtWidgets import QDialog

            dialog = self._kit_import(self)
            self.kit_import_dialog = dialog if isinstance(dialog, QDialog) else None

    def sign_in_as_expert(self) -> None:
        """Hand over to the expert sign-in (``ui.expert``), which needs the meeting shown."""
        if self._expert_sign_in is not None and self.meeting is not None:
            self._expert_sign_in(self)

    def open_secretary_console(self) -> None:
        """Hand over to the secretary's console (``ui.secretary``, wired by ``ui.launch``)."""
        if self._secretary_console is not None:
            self._secretary_console(self)

    def open_ministry_desk(self) -> None:
        """Hand over to the ministry's desk (``ui.ministry``, wired by ``ui.launch``)."""
        if self._ministry_desk is not None:
            self._ministry_desk(self)

    def _show_tab(self, index: int, _checked: bool = False) -> None:
        self.tabs.setCurrentIndex(index)

    def show_user_guide(self) -> None:
        """Help › User guide: the guide in a window of its own (F1)."""
        from ui.shell.user_guide import UserGuide, read_guide

        try:
            text = read_guide()
        except UserFacingError as exc:
            from ui.common.errors import show_error  # the presenter loads with the first error

            show_error(self, exc, self.dialogs)
            return
        if self.user_guide is None:
            self.user_guide = UserGuide(text, self)
        self.user_guide.show()
        self.user_guide.raise_()

    def show_about(self) -> None:
        from ui.shell.about import about_text

        self.dialogs.about(self, _("About Expert Review Desk"), about_text())

    # -- language -------------------------------------------------------------------------
    def retranslate(self) -> None:
        language = current_language()
        meeting = self.meeting
        self.setWindowTitle(
            _("{meeting} — Expert Review Desk", meeting=meeting.title.get(language))
            if meeting
            else _("Expert Review Desk")
        )
        self.file_menu.setTitle(_("&File"))
        self.view_menu.setTitle(_("&View"))
        self.language_menu.setTitle(_("&Language"))
        self.help_menu.setTitle(_("&Help"))
        self.import_kit_action.setText(_("&Import meeting kit…"))
        self.open_demo_action.setText(_("Open the &demo meeting"))
        self.open_workspace_action.setText(_("&Open workspace…"))
        self.expert_sign_in_action.setText(_("Sign in as &expert…"))
        self.secretary_action.setText(_("Open &secretary console…"))
        self.ministry_action.setText(_("Open &ministry desk…"))
        self.quit_action.setText(_("&Quit"))
        for code, action in self.language_actions.items():
            action.setChecked(code == language)
        self.larger_text_action.setText(_("Lar&ger text"))
        self.smaller_text_action.setText(_("&Smaller text"))
        self.reset_text_action.setText(_("&Reset text size"))
        self.user_guide_action.setText(_("&User guide"))
        self.about_action.setText(_("&About Expert Review Desk"))
        self.about_qt_action.setText(_("About &Qt"))
        for action, title in zip(
            self.tab_actions, (_("&Agenda"), _("&Roster"), _("R&ubric")), strict=True
        ):
            action.setText(title)
        if self._meeting_page_built:
            self._retranslate_meeting_page()
        self.empty_state.retranslate()
        self._update_summary()

    def _retranslate_meeting_page(self) -> None:
        titles = (_("&Agenda"), _("&Roster"), _("R&ubric"))
        names = (_("Agenda"), _("Expert roster"), _("Rubric"))
        for i, (title, name) in enumerate(zip(titles, names, strict=True)):
            self.tabs.setTabText(i, title)
            self.tab_pages[i].setAccessibleName(name)
        self.tabs.setAccessibleName(_("Meeting views"))
        self.agenda_view.setAccessibleName(_("Agenda"))
        self.agenda_view.setAccessibleDescription(_("Applications in hearing order"))
        self.roster_view.setAccessibleName(_("Expert roster"))
        self.header.retranslate()
        self.next_steps.retranslate()
        self.agenda_model.retranslate()
        self.roster_model.retranslate()
        self.rubric_page.retranslate()

    def _update_summary(self) -> None:
        if self.meeting is None:
            self.summary.setText("")
            self.statusBar().showMessage(_("Ready"))
            return
        self.statusBar().clearMessage()
        chair = self.meeting.chair
        parts = [
            _("Applications: {count}", count=len(self.meeting.applications)),
            _("Experts: {count}", count=len(self.meeting.experts)),
        ]
        if chair is not None:
            parts.append(_("Chair: {name}", name=chair.name.get(current_language())))
        self.summary.setText("   ·   ".join(parts))

    # -- lifecycle ------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        save_geometry(self, WINDOW_KEY)
        if self._meeting_page_built:
            save_splitter(self.rubric_page.splitter, WINDOW_KEY, "rubric")
        super().closeEvent(event)
