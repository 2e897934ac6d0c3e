"""``ui.launch``: the application is prepared with our font, language and Qt translation."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.i18n import current_language
from tests.ui.conftest import REPO, RecordingDialogs
from tests.ui.sample import sample_meeting, sample_rubric
from ui import launch


def test_prepare_loads_the_cjk_font_and_the_language(qapp: QApplication) -> None:
    app, zoom = launch.prepare_application("zh_CN")
    assert app is qapp
    family = QApplication.font().family()
    assert family in QFontDatabase.families()
    assert "WenQuanYi" in family
    assert QApplication.font().pointSize() == zoom.default
    assert current_language() == "zh_CN"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QSettings.defaultFormat() == QSettings.Format.IniFormat


def test_demo_mode_opens_the_demo_meeting(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(launch, "load_demo", lambda: (sample_meeting(), sample_rubric()))
    window = launch.build_main_window(demo=True, workspace=None)
    qtbot.addWidget(window)
    assert window.meeting is not None and window.meeting.is_demo
    assert window.pages.currentWidget() is window.meeting_page


def test_without_a_workspace_the_window_invites_to_the_demo(qtbot: QtBot) -> None:
    window = launch.build_main_window(demo=False, workspace=None)
    qtbot.addWidget(window)
    assert window.pages.currentWidget() is window.empty_state
    assert window.empty_state.open_demo_button.isVisibleTo(window)


def test_a_workspace_is_refused_politely(qtbot: QtBot, dialogs: RecordingDialogs) -> None:
    window = launch.build_main_window(demo=False, workspace="/tmp/meeting", dialogs=dialogs)
    qtbot.addWidget(window)
    assert "/tmp/meeting" in dialogs.errors[0]["message"]
    assert dialogs.errors[0]["recommendation"]


def test_start_up_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys, ui.launch; "
        "heavy = [m for m in ('pyhanko', 'reportlab', 'openpyxl', 'sqlite_utils') "
        "if m in sys.modules]; print(heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr
