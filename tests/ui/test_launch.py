"""``ui.launch``: the application is prepared with our font, language and Qt translation."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import step_aside, unlocking
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.i18n import current_language
from app.workspaces import ensure_demo_workspace
from storage.stores import SqliteStores
from tests.ui.conftest import REPO, RecordingDialogs
from tests.ui.sample import sample_meeting, sample_rubric
from ui import launch
from ui.common.gil import SWITCH_INTERVAL_S


def test_prepare_loads_the_cjk_font_and_the_language(qapp: QApplication) -> None:
    sys.setswitchinterval(0.005)  # Python's default (tests/ui/conftest.py sets the program's)
    step_aside.share_with(None)
    app, zoom = launch.prepare_application("zh_CN")
    assert app is qapp
    family = QApplication.font().family()
    assert family in QFontDatabase.families()
    assert "WenQuanYi" in family
    assert QApplication.font().pointSize() == zoom.default
    assert current_language() == "zh_CN"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QSettings.defaultFormat() == QSettings.Format.IniFormat
    # identity files are decrypted in a child process, so an unlock never stops the window
    assert unlocking.in_child_processes()
    # a busy worker gives the GIL back to the window within 0.5 ms, not Python's 5 ms
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_S) and SWITCH_INTERVAL_S < 0.005
    # and workers' long loops step aside for this thread (app/step_aside.py)
    assert step_aside._shared_with == threading.main_thread().ident
    unlocking.decrypt_in_child_processes(False)  # the other tests unlock in their process


def test_demo_mode_opens_the_demo_meeting(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo is opened (built, the first time) off the GUI thread: the window is there at
    once with a progress dialog instead of nothing for half a minute (issue 14 item 8)."""
    threads: list[threading.Thread] = []

    def load(_stores: object) -> tuple[Meeting, Rubric]:
        threads.append(threading.current_thread())
        return sample_meeting(), sample_rubric()

    monkeypatch.setattr(launch, "load_demo", load)
    window = launch.build_main_window(demo=True, workspace=None)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.meeting is not None)
    assert threads and threads[0] is not threading.main_thread()
    assert window.meeting is not None and window.meeting.is_demo
    assert window.pages.currentWidget() is window.meeting_page


def test_the_window_is_handed_the_expert_sign_in_and_the_secretary_console(
    qtbot: QtBot, dialogs: RecordingDialogs
) -> None:
    window = launch.build_main_window(demo=False, workspace=None, dialogs=dialogs)
    qtbot.addWidget(window)
    actions = window.file_menu.actions()
    assert window.expert_sign_in_action in actions and window.secretary_action in actions
    window.secretary_action.trigger()  # the console asks for its folder; none chosen
    window.expert_sign_in_action.trigger()  # no meeting shown: disabled, nothing opens
    assert window.secretary_consoles == [] and dialogs.errors == []


def test_expert_sign_in_asks_for_the_meeting_workspace_first(
    qtbot: QtBot, dialogs: RecordingDialogs
) -> None:
    window = launch.build_main_window(demo=False, workspace=None, dialogs=dialogs)
    qtbot.addWidget(window)
    window.set_meeting(sample_meeting(is_demo=False), sample_rubric())
    window.expert_sign_in_action.trigger()
    assert dialogs.messages[-1][0] == "Sign in as expert"
    assert "Open the meeting's workspace first" in dialogs.messages[-1][1]


def test_without_a_workspace_the_window_invites_to_the_demo(qtbot: QtBot) -> None:
    window = launch.build_main_window(demo=False, workspace=None)
    qtbot.addWidget(window)
    assert window.pages.currentWidget() is window.empty_state
    assert window.empty_state.open_demo_button.isVisibleTo(window)


def test_a_missing_workspace_is_refused_politely(
    qtbot: QtBot, dialogs: RecordingDialogs, tmp_path: Path
) -> None:
    missing = tmp_path / "meeting.sqlite"
    window = launch.build_main_window(demo=False, workspace=str(missing), dialogs=dialogs)
    qtbot.addWidget(window)
    assert str(missing) in dialogs.errors[0]["message"]
    assert dialogs.errors[0]["recommendation"]
    assert "Traceback" not in dialogs.errors[0]["message"]
    assert window.pages.currentWidget() is window.empty_state
    assert not missing.exists()


def test_demo_mode_creates_and_opens_the_demo_workspace(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    window = launch.build_main_window(demo=True, workspace=None)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.meeting is not None)
    assert (tmp_path / "review-desk" / "demo" / "workspace.sqlite").exists()
    assert window.meeting is not None and window.meeting.is_demo
    assert window.agenda_model.rowCount() == 6
    assert window.roster_model.rowCount() == 7


def test_open_workspace_from_the_file_menu(
    qtbot: QtBot, dialogs: RecordingDialogs, tmp_path: Path
) -> None:
    path, _created = ensure_demo_workspace(SqliteStores(), tmp_path / "ws")
    dialogs.open_file = lambda *_args, **_kw: path  # type: ignore[method-assign]
    window = launch.build_main_window(demo=False, workspace=None, dialogs=dialogs)
    qtbot.addWidget(window)
    assert window.pages.currentWidget() is window.empty_state
    window.open_workspace_action.trigger()
    qtbot.waitUntil(lambda: window.meeting is not None)
    assert window.pages.currentWidget() is window.meeting_page
    assert window.agenda_model.rowCount() == 6


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


def test_the_smoke_shot_saves_the_first_picture_and_quits(tmp_path: Path) -> None:
    # The start-up check of a packaged build (installers/test-onefolder.sh) has no Python to
    # drive the window: REVIEW_DESK_SMOKE_SHOT makes the real start-up save and quit.
    import os

    from PySide6.QtGui import QImage

    shot = tmp_path / "window.png"
    env = dict(
        os.environ,
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        QT_QPA_PLATFORM="offscreen",
        **{launch.SMOKE_SHOT: str(shot)},
    )
    result = subprocess.run(
        [sys.executable, "-m", "app", "--lang", "zh_CN"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(shot))
    assert not image.isNull() and image.width() > 200 and image.height() > 200
    unwritable = subprocess.run(
        [sys.executable, "-m", "app"],
        cwd=REPO,
        env={**env, launch.SMOKE_SHOT: str(tmp_path / "missing" / "window.png")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert unwritable.returncode == 1


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_first_screen_leaves_the_qt_namespace_unloaded(language: str, tmp_path: Path) -> None:
    """PySide6 creates every enum of the ``Qt`` namespace on its first use (about 20 ms of a
    window's start); the first screen (the empty state) uses none, so start-up does not pay
    for them. The same check with a ``Qt.`` enum used on that screen fails."""
    probe = "import PySide6.QtCore as core; print('Qt' in vars(core), w.isVisible()); "
    assert _first_screen(language, tmp_path, probe) == ["False", "True"]


def _first_screen(language: str, tmp_path: Path, probe: str) -> list[str]:
    """What ``probe`` prints in a fresh process that has just shown the first screen (``w``)."""
    code = (
        "import sys; from ui import launch; "
        f"app, zoom = launch.prepare_application({language!r}); "
        "w = launch.build_main_window(demo=False, workspace=None, zoom=zoom); "
        "w.show(); app.processEvents(); " + probe + "import os; sys.stdout.flush(); os._exit(0)"
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


_FIRST_SCREEN_COSTS = (
    "import sys; import PySide6.QtCore as core; "
    "costs = ['QEvent' in vars(core)] + [m in sys.modules for m in ('ctypes', 'queue')]; "
)


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_first_screen_hands_no_event_to_python(language: str, tmp_path: Path) -> None:
    """The first event a Python handler or filter receives makes PySide6 build ``QEvent``
    (an enum of 180 types) and every one of its ~50 subclasses, about 8 ms of a window's
    start; the first screen overrides no event handler and installs no filter, and imports
    neither :mod:`ctypes` (ui/common/pyside_fixes) nor :mod:`queue` (ui/common/errors)."""
    probe = _FIRST_SCREEN_COSTS + "print(*costs, w.isVisible()); "
    assert _first_screen(language, tmp_path, probe) == ["False", "False", "False", "True"]


def test_the_first_screen_costs_check_sees_an_event_handler() -> None:
    """The check above can fail: one event handed to a Python filter builds ``QEvent``."""
    code = (
        "from PySide6.QtCore import QObject; from PySide6.QtWidgets import QApplication, QWidget; "
        "app = QApplication([]); w = QWidget(); "
        "Filter = type('Filter', (QObject,), {'eventFilter': lambda self, o, e: False}); "
        "f = Filter(); w.installEventFilter(f); w.show(); app.processEvents(); "
        + _FIRST_SCREEN_COSTS
        + "print(*costs); import os; sys.stdout.flush(); os._exit(0)"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60, env=env
    )
    assert result.stdout.split() == ["True", "False", "False"], result.stderr


def test_the_qt_namespace_check_sees_a_use(tmp_path: Path) -> None:
    """The check above can fail: one ``Qt.`` enum loads the namespace."""
    code = (
        "import PySide6.QtCore as core; before = 'Qt' in vars(core); "
        "core.Qt.AlignmentFlag.AlignCenter; print(before, 'Qt' in vars(core))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["False", "True"], result.stderr
