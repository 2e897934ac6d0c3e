"""Issue 14 item 10: the expert window had no language switch; View › Language is there now,
as on the main window, and switches the window live."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.i18n import current_language
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock, FakeMaterials
from tests.ui.expert.helpers import sign_in_window


def test_view_language_switches_the_expert_window(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    dialogs: RecordingDialogs,
    materials: FakeMaterials,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    view = window.view_menu
    assert window.language_menu.menuAction() in view.actions()
    assert window.language_menu.title() == "&Language"
    assert window.language_actions["en"].isChecked()
    window.language_actions["zh_CN"].trigger()
    assert current_language() == "zh_CN"
    assert window.file_menu.title() == "文件(&F)"
    assert window.language_actions["zh_CN"].isChecked()
    assert not window.language_actions["en"].isChecked()
    window.language_actions["en"].trigger()
    assert window.file_menu.title() == "&File"
