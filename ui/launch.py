"""Start the window: ``run(language=..., demo=..., workspace=...)`` returns the exit code.

The window's composition root: the one ``ui`` module that imports ``storage``. It makes the
stores (:class:`storage.stores.SqliteStores`) and hands them, with the expert sign-in and the
secretary console, to the main window; windows and widgets see storage only through the
protocols of :mod:`app.ports` and :mod:`app.secretary.ports`.

Start-up stays light — Qt, the font, the catalog and the window; pyHanko, reportlab and
openpyxl are imported by the features that need them, so the window appears in about the
time of a bare Qt window.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from app import __version__
from app.errors import UserFacingError
from app.i18n import detect_language
from app.paths import RESOURCES
from app.unlocking import decrypt_in_child_processes
from storage.stores import SqliteStores  # loads SQLite only with the first workspace
from ui.common.collector import install_gui_thread_collector
from ui.common.dialogs import DialogService, default_dialogs
from ui.common.fonts import FontZoom, apply_app_font, load_cjk_font
from ui.common.gil import favour_the_gui_thread
from ui.common.i18n import switch_language
from ui.common.input_method import prepare_input_method
from ui.common.pyside_fixes import keep_none_alive
from ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from app.domain.meeting import Meeting
    from app.domain.rubric import Rubric
    from app.results import BundleDocumentChecks
    from app.secretary.publish_prepare import Exporters
    from ui.ministry.window import MinistryWindow

APP_NAME = "ExpertReviewDesk"
ORGANISATION = "ExpertReviewDesk"


def load_demo(stores: SqliteStores) -> tuple[Meeting, Rubric]:
    """The demo meeting from its workspace, created on first use."""
    from app.workspaces import default_demo_dir, ensure_demo_workspace, read_meeting

    path, _created = ensure_demo_workspace(stores, default_demo_dir())
    return read_meeting(stores, path)


def load_workspace(stores: SqliteStores, path: Path) -> tuple[Meeting, Rubric]:
    from app.workspaces import read_meeting

    return read_meeting(stores, path)


def prepare_application(language: str | None) -> tuple[QApplication, FontZoom]:
    """The QApplication with our names, settings format, font, text size and language."""
    keep_none_alive()  # PySide6 6.12 drops a reference to None per invalid QVariant
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        plugins = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
        prepare_input_method(os.environ, Path(plugins))  # before Qt reads QT_IM_MODULE(S)
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("review-desk")  # the .deb's desktop entry: Wayland's window icon
    app.setWindowIcon(program_icon())
    install_gui_thread_collector(app)  # workers never run Python's collector over Qt objects
    favour_the_gui_thread()  # a busy worker must not make every call from Qt wait 5 ms
    decrypt_in_child_processes()  # an identity's unlock in a worker must not stop the window
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    apply_app_font(load_cjk_font())
    zoom = FontZoom()
    zoom.restore()
    switch_language(language or detect_language())
    return app, zoom


def program_icon() -> QIcon:
    """The program's icon (resources/icons), at each size rendered for the installers."""
    icon = QIcon()
    for path in sorted((RESOURCES / "icons" / "hicolor").glob("*/apps/review-desk.png")):
        icon.addFile(str(path))
    return icon


def expert_sign_in(stores: SqliteStores, main: MainWindow) -> object:
    """File > "Sign in as expert…" on the main window's workspace, or the demo's; the expert
    UI (and QtPdf) loads on first use."""
    from app.i18n import _
    from app.workspaces import default_demo_dir, workspace_file
    from ui.expert.sign_in import sign_in

    workspace = main.workspace_path
    if workspace is None and main.meeting is not None and main.meeting.is_demo:
        workspace = workspace_file(default_demo_dir())
    if workspace is None:
        main.dialogs.information(
            main,
            _("Sign in as expert"),
            _("Open the meeting's workspace first (File > Open workspace…)."),
        )
        return None
    return sign_in(
        main, workspace, main.dialogs, stores=stores, zoom=main.zoom, exporters=publish_exporters
    )


def publish_exporters() -> Exporters:
    """The report, signature and workbook exporters (``export``: reportlab, pyHanko,
    openpyxl) the console's Outputs page and the chair's File › "Sign the meeting report…"
    need; the same wiring as the CLI's, loaded only when a publish step runs."""
    from app.cli import publish_exporters as wired

    return wired()


def secretary_console(stores: SqliteStores, main: MainWindow) -> object:
    """File > "Open secretary console…"; the console loads only when asked."""
    from ui.secretary.window import open_console

    return open_console(
        main,
        main.dialogs,
        stores=stores,
        opened=main.secretary_consoles.append,
        exporters=publish_exporters,
    )


def kit_import(stores: SqliteStores, main: MainWindow) -> object:
    """File > "Import meeting kit…": the dialog (``ui.expert``) loads only when asked; the
    imported workspace opens in the main window."""
    from ui.expert.kit_import_dialog import import_kit_from

    return import_kit_from(
        main,
        main.dialogs,
        stores,
        lambda done: main.open_workspace(done.path, str(done.message)),
    )


def ministry_document_checks() -> BundleDocumentChecks:
    """The report and workbook checks of a bundle (``export.bundle_checks``: pyHanko,
    reportlab, openpyxl), the CLI's wiring, loaded when the desk's first import runs."""
    from app.cli.results import document_checks

    checks: BundleDocumentChecks = document_checks()
    return checks


def ministry_window(database: Path | None, dialogs: DialogService) -> MinistryWindow:
    """The ministry's desk on ``database`` (the default one if ``None``): the store
    (:class:`storage.ministry.database.MinistryDatabase`) is made here, and only here."""
    from app.ministry.desk import default_database
    from app.ministry.platforms import login_name
    from storage.ministry.database import MinistryDatabase
    from storage.ministry.refusals import RefusalJournalFile
    from ui.ministry.context import DeskContext
    from ui.ministry.window import open_desk

    path = database if database is not None else default_database()
    ctx = DeskContext(
        store=MinistryDatabase(path),
        database=path,
        dialogs=dialogs,
        documents=ministry_document_checks,
        journal=RefusalJournalFile.beside(path),
        actor=login_name(),
    )
    return open_desk(ctx)


def ministry_desk(main: MainWindow) -> object:
    """File > "Open ministry desk…": the desk (``ui.ministry``) on the default ministry
    database loads only when asked; the main window keeps it referenced."""
    window = ministry_window(None, main.dialogs)
    main.secretary_consoles.append(window)
    return window


def open_in_window(stores: SqliteStores, main: MainWindow, path: Path) -> QWidget | None:
    """``review-desk open FILE`` (a double-click in the file manager): a meeting kit goes
    into the expert's kit import, a result bundle into the ministry desk's import; for the
    other kinds the start window says where the file is used. Returns the dialog or desk
    opened, if any."""
    from app.file_kinds import FileKind, kind_of, where_opened

    kind = kind_of(path)
    if kind is FileKind.KIT:
        from ui.expert.kit_import_dialog import KitImportDialog

        dialog = KitImportDialog(path, main.dialogs, stores, parent=main)
        dialog.imported.connect(lambda done: main.open_workspace(done.path, str(done.message)))
        dialog.open()
        return dialog
    if kind is FileKind.BUNDLE:
        desk = ministry_window(None, main.dialogs)
        main.secretary_consoles.append(desk)
        desk.open_import()
        if desk.import_dialog is not None:
            desk.import_dialog.add_bundles([path])
        return desk
    if kind is not None:
        main.dialogs.information(main, path.name, str(where_opened(kind)))
    return None


def build_main_window(
    *,
    demo: bool,
    workspace: str | None,
    zoom: FontZoom | None = None,
    dialogs: DialogService | None = None,
    file: Path | None = None,
) -> MainWindow:
    """The main window on ``workspace`` (or the demo), or the empty state; with ``file``,
    that file is opened in it once the event loop runs (:func:`open_in_window`)."""
    stores = SqliteStores()
    window = MainWindow(
        None,
        None,
        dialogs=dialogs,
        zoom=zoom,
        demo_loader=partial(load_demo, stores),
        workspace_loader=partial(load_workspace, stores),
        expert_sign_in=partial(expert_sign_in, stores),
        secretary_console=partial(secretary_console, stores),
        kit_import=partial(kit_import, stores),
        ministry_desk=ministry_desk,
    )
    try:
        if workspace is not None:
            window.set_meeting(*load_workspace(stores, Path(workspace)))
            window.workspace_path = Path(workspace)
        elif demo:
            window.open_demo()  # off the GUI thread: the window shows progress at once
    except UserFacingError as exc:
        from ui.common.errors import show_error  # the presenter loads with the first error

        show_error(window, exc, dialogs)
    if file is not None:
        QTimer.singleShot(0, window, partial(open_in_window, stores, window, file))
    return window


SMOKE_SHOT = "REVIEW_DESK_SMOKE_SHOT"
"""Set to a PNG file name: the window saves what it first draws there and quits (the start-up
check of a packaged build, installers/test-onefolder.sh, which has no Python to drive it)."""


def _smoke_exit(window: MainWindow, shot: Path) -> None:
    """Once the event loop runs with the window shown: save its picture and quit (exit code
    1 when the picture cannot be written)."""
    QApplication.exit(0 if window.grab().save(str(shot), "PNG") else 1)


def run(
    language: str | None, demo: bool, workspace: str | None, open_file: str | None = None
) -> int:
    """Show the window until it closes; the process then ends with the window's exit code.

    Everything is saved by then (every edit commits when made, settings are synced), so the
    process leaves without Python's final garbage collection: PySide6 6.12 can abort while
    tearing down its own types at that point, which would turn a clean exit into a crash.
    """
    from ui.common.errors import ExceptionHook

    app, zoom = prepare_application(language)
    hook = ExceptionHook(default_dialogs()).install()
    try:
        file = None if open_file is None else Path(open_file)
        window = build_main_window(demo=demo, workspace=workspace, zoom=zoom, file=file)
        window.show()
        shot = os.environ.get(SMOKE_SHOT)
        if shot:
            QTimer.singleShot(0, partial(_smoke_exit, window, Path(shot)))
        code = app.exec()
        window.close()
        QSettings().sync()
    finally:
        hook.uninstall()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_ministry_desk(language: str | None, database: str | None) -> int:
    """``review-desk ministry`` (no action): the desk alone, until it closes (as :func:`run`)."""
    from ui.common.errors import ExceptionHook

    app, _zoom = prepare_application(language)
    hook = ExceptionHook(default_dialogs()).install()
    try:
        window = ministry_window(None if database is None else Path(database), default_dialogs())
        from PySide6.QtCore import Qt  # not at start-up: see ui/shell/empty_state._centred

        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        code = app.exec()
        QSettings().sync()
    finally:
        hook.uninstall()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
