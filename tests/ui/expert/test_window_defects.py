"""Defects of issue 14 found in the expert window, each pinned by a test that failed before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.expert.flow import Page
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.ui.conftest import REPO, RecordingDialogs
from tests.ui.expert.conftest import Clock
from tests.ui.expert.helpers import (
    PASSPHRASE,
    click,
    click_row,
    sign_in_window,
    type_text,
    unlock_dialog,
)
from ui.common.dialogs import set_default_dialogs
from ui.expert.window import ExpertWindow


class CountingDialogs(RecordingDialogs):
    """Counts the file pickers opened, besides answering them."""

    def __init__(self) -> None:
        super().__init__()
        self.pickers: list[str] = []

    def open_file(
        self, parent: object, title: str, name_filter: str = "", directory: str = ""
    ) -> Path | None:
        self.pickers.append(title)
        return super().open_file(parent, title, name_filter, directory)  # type: ignore[arg-type]


@pytest.mark.parametrize(("passphrase", "unlocks"), [(PASSPHRASE, True), ("not it", False)])
def test_enter_in_the_passphrase_field_unlocks_and_opens_no_file_chooser(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, passphrase: str, unlocks: bool
) -> None:
    """Issue 14 item 2: Enter after choosing the file with Browse… re-opened the chooser
    (over the new window after a right passphrase, beside the error after a wrong one)."""
    dialogs = CountingDialogs()
    dialogs.chosen_paths.append(pki.expert_p12)
    opened: list[ExpertWindow] = []
    dialog = unlock_dialog(workspace, dialogs, None, Clock(), opened)
    click(qtbot, dialog.browse_button)
    assert dialogs.pickers == ["Choose your identity file"]
    type_text(qtbot, dialog.passphrase_edit, passphrase)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(opened) or bool(dialogs.errors))
    assert bool(opened) is unlocks
    assert bool(dialogs.errors) is not unlocks
    assert dialogs.pickers == ["Choose your identity file"]  # Enter chose no file again
    if not unlocks:
        assert dialog.isVisible() and dialog.focusWidget() is dialog.passphrase_edit
        dialog.close()


def test_export_with_nothing_signed_warns_and_lets_the_expert_go_back(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    secretary_pem: Path,
    dialogs: RecordingDialogs,
    tmp_path: Path,
) -> None:
    """Issue 14 item 3: exporting with nothing signed said "0 signed sheet version(s) …
    hand this file to the secretary" as plain information."""
    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    usb = tmp_path / "usb"
    usb.mkdir()
    dialogs.chosen_paths += [secretary_pem, usb]
    dialogs.confirm_answer = False  # "No": go back
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)

    title, text = dialogs.messages[-1]
    assert title == "Nothing is signed yet"
    for application in window.desk.applications():
        assert application.platform_name.en in text
    assert dialogs.chosen_paths == [usb]  # went back before choosing a folder
    assert window.exporter.task is None and window.exporter.written is None
    assert list(usb.iterdir()) == []

    dialogs.confirm_answer = True  # export anyway: the file says what is unfinished
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.exporter.written is not None)
    title, text = dialogs.messages[-1]
    assert title == "Sheets exported"
    assert "no signed sheet" in text and "0 signed" not in text
    assert "Not signed yet" in text


def test_the_cannot_sign_yet_message_goes_when_it_no_longer_holds(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    """Issue 14 item 4: "cannot be signed yet" stayed on the review page after moving to
    another application."""
    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    click_row(qtbot, window.agenda.view, 0)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    review = window.review_page
    click(qtbot, review.sign_button)
    assert review.message.text().startswith("The sheet cannot be signed yet")
    problems = window.desk.violations(window.desk.meeting.applications_in_order()[0].id)
    assert f"{len(problems)} item{'' if len(problems) == 1 else 's'} above" in review.message.text()

    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.application == window.desk.meeting.applications_in_order()[1]
    assert review.message.text() == ""

    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert review.message.text() == ""  # asked again only when Sign is pressed again


def _in_page(window: ExpertWindow, page: Page) -> bool:
    focused = window.focusWidget()
    return focused is not None and window.pages[page].isAncestorOf(focused)


def test_pages_take_the_focus_from_the_agenda_filter(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    """Issue 14 item 5: after Ctrl+1…7 and after declaring no conflict the cursor stayed
    in the agenda filter, where a stray Space emptied the list without a word; Esc did not
    clear the filter and Ctrl+E did nothing there."""
    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    agenda = window.agenda
    shown = agenda.proxy.rowCount()
    ctrl = Qt.KeyboardModifier.ControlModifier

    # Declaring no conflict lands on the materials page, with the focus there.
    qtbot.keyClick(window, Qt.Key.Key_L, ctrl)
    assert window.focusWidget() is agenda.search
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    assert window.current_page() is Page.MATERIALS
    assert _in_page(window, Page.MATERIALS)

    # Ctrl+1…7 from the filter: each page puts the focus on its first control.
    for page in (Page.HEARING, Page.CRITERIA, Page.SCORING, Page.OPINION, Page.REVIEW):
        qtbot.keyClick(window, Qt.Key.Key_L, ctrl)
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{page.value + 1}"), ctrl)
        assert window.current_page() is page
        assert _in_page(window, page), (page, window.focusWidget())
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Space)
    assert agenda.search.text() == "" and agenda.proxy.rowCount() == shown

    # A filter that matches nothing says so; Esc clears it.
    qtbot.keyClick(window, Qt.Key.Key_L, ctrl)
    qtbot.keyClicks(agenda.search, "zzzz")
    assert agenda.proxy.rowCount() == 0
    assert agenda.no_match.isVisibleTo(window)
    assert agenda.no_match.text() == "No application matches the filter. Esc clears it."
    qtbot.keyClick(agenda.search, Qt.Key.Key_Escape)
    assert agenda.search.text() == "" and agenda.proxy.rowCount() == shown
    assert not agenda.no_match.isVisibleTo(window)

    # Ctrl+E in the filter exports (here: asks for the secretary's certificate first).
    qtbot.keyClick(agenda.search, Qt.Key.Key_E, ctrl)
    assert dialogs.messages and dialogs.messages[-1][0] == "Secretary's certificate"


CTRL_E_SCRIPT = """
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from ui.expert.agenda import AgendaPanel

app = QApplication([])


def taken(edit):
    event = QKeyEvent(
        QEvent.Type.ShortcutOverride, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier
    )
    event.ignore()
    QApplication.sendEvent(edit, event)
    return event.isAccepted()


panel = AgendaPanel()
print(taken(QLineEdit()), taken(panel.search))
"""


@pytest.mark.tool("xvfb-run")
def test_ctrl_e_in_the_agenda_filter_is_left_to_the_window_under_x11() -> None:
    """On X11 a line edit takes Ctrl+E as "end of line" (the offscreen platform has no such
    binding, so this runs under Xvfb): the agenda filter must leave it to Export."""
    result = subprocess.run(
        ["xvfb-run", "-a", sys.executable, "-c", CTRL_E_SCRIPT],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "xcb", "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.stdout.split() == ["True", "False"], result.stderr


class StartFolders(RecordingDialogs):
    """Records where each file or folder chooser was asked to start."""

    def __init__(self) -> None:
        super().__init__()
        self.started: list[tuple[str, str]] = []

    def open_file(
        self, parent: object, title: str, name_filter: str = "", directory: str = ""
    ) -> Path | None:
        self.started.append((title, directory))
        return super().open_file(parent, title, name_filter, directory)  # type: ignore[arg-type]

    def open_directory(self, parent: object, title: str, directory: str = "") -> Path | None:
        self.started.append((title, directory))
        return super().open_directory(parent, title, directory)  # type: ignore[arg-type]


def test_file_choosers_start_in_the_workspace_or_demo_folder(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    secretary_pem: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14 item 8: every chooser started in the directory the program was run from."""
    from ui.launch import build_main_window

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    identities = tmp_path / "data" / "review-desk" / "demo" / "identities"
    identities.mkdir(parents=True)
    dialogs = StartFolders()
    previous = set_default_dialogs(dialogs)
    try:
        main = build_main_window(demo=False, workspace=str(workspace), dialogs=dialogs)
        qtbot.addWidget(main)
        main.open_workspace_action.trigger()
        assert dialogs.started[-1] == ("Open workspace", str(workspace.parent))

        # Sign-in to the demo meeting: the demo's identity files.
        opened: list[ExpertWindow] = []
        dialog = unlock_dialog(workspace, dialogs, None, Clock(), opened)
        click(qtbot, dialog.browse_button)
        assert dialogs.started[-1] == ("Choose your identity file", str(identities))
        dialog.close()

        # In the expert window: the secretary's certificate and the sheet-file folder.
        window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
        qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert ("Choose the secretary's certificate", str(workspace.parent)) in dialogs.started
    finally:
        set_default_dialogs(previous)
