"""Start the window: ``run(language=..., demo=..., workspace=...)`` returns the exit code.

Start-up stays light — Qt, the font, the catalog and the window; pyHanko, reportlab and
openpyxl are imported by the features that need them, so the window appears in about the
time of a bare Qt window.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app import __version__
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.errors import UserFacingError
from app.i18n import Msg, detect_language
from ui.common.dialogs import DialogService, default_dialogs
from ui.common.errors import ExceptionHook, show_error
from ui.common.fonts import FontZoom, apply_app_font, load_cjk_font
from ui.common.i18n import switch_language
from ui.shell.main_window import MainWindow

APP_NAME = "ExpertReviewDesk"
ORGANISATION = "ExpertReviewDesk"


def load_demo() -> tuple[Meeting, Rubric]:
    from app.demo import load_demo as load  # imported when the demo is asked for

    return load()


def prepare_application(language: str | None) -> tuple[QApplication, FontZoom]:
    """The QApplication with our names, settings format, font, text size and language."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    apply_app_font(load_cjk_font())
    zoom = FontZoom()
    zoom.restore()
    switch_language(language or detect_language())
    return app, zoom


def build_main_window(
    *,
    demo: bool,
    workspace: str | None,
    zoom: FontZoom | None = None,
    dialogs: DialogService | None = None,
) -> MainWindow:
    """The main window: on the demo meeting, or the empty state."""
    meeting: Meeting | None = None
    rubric: Rubric | None = None
    if demo:
        meeting, rubric = load_demo()
    window = MainWindow(meeting, rubric, dialogs=dialogs, zoom=zoom, demo_loader=load_demo)
    if workspace is not None and not demo:
        show_error(
            window,
            UserFacingError(
                Msg.of("This version cannot open workspaces yet: {path}", path=workspace),
                Msg.of("Open the demo meeting from the File menu instead."),
            ),
            dialogs,
        )
    return window


def run(language: str | None, demo: bool, workspace: str | None) -> int:
    app, zoom = prepare_application(language)
    hook = ExceptionHook(default_dialogs()).install()
    try:
        window = build_main_window(demo=demo, workspace=workspace, zoom=zoom)
        window.show()
        return app.exec()
    finally:
        hook.uninstall()
