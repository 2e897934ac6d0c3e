"""End of meeting: "Return materials" removes this meeting's packages from the machine on
request, lists what it removed, keeps the workspace (the record), and the window no longer
shows an attachment from them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.demo.build import demo_summary, expert_passphrase
from app.expert.flow import Page
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock, demo_copy
from tests.ui.expert.helpers import click, click_row, type_unlock, unlock_dialog
from ui.expert.window import ExpertWindow


@pytest.fixture
def demo(demo_material: Path, tmp_path: Path) -> Path:
    return demo_copy(demo_material, tmp_path)


def _signed_in(qtbot: QtBot, demo: Path, dialogs: RecordingDialogs) -> ExpertWindow:
    summary = demo_summary(demo)
    opened: list[ExpertWindow] = []
    clock = Clock(dt.datetime.now(dt.UTC))  # demo certificates are issued at build time
    dialog = unlock_dialog(summary.workspace, dialogs, None, clock, opened)
    type_unlock(qtbot, dialog, summary.identities["e03"], expert_passphrase("e03"))
    qtbot.waitUntil(lambda: bool(opened) or bool(dialogs.errors))
    assert not dialogs.errors, dialogs.errors
    return opened[0]


def test_returning_materials_removes_the_packages_and_says_so(
    qtbot: QtBot, demo: Path, dialogs: RecordingDialogs
) -> None:
    packages = demo / "packages"
    workspace = demo_summary(demo).workspace
    assert sorted(p.name for p in packages.iterdir())[0] == "a01.oipkg"
    window = _signed_in(qtbot, demo, dialogs)
    click_row(qtbot, window.agenda.view, 0)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    assert window.current_page() is Page.MATERIALS
    assert window.materials_page.attachments.model().rowCount() >= 1

    dialogs.confirm_answer = False  # asked first; "no" changes nothing
    window.return_action.trigger()
    assert packages.is_dir() and dialogs.messages[-1][0] == "Return materials"
    assert str(packages) in dialogs.messages[-1][1]

    dialogs.confirm_answer = True
    window.return_action.trigger()
    assert not packages.exists()
    assert workspace.exists()  # the record of what was declared and scored stays
    title, text = dialogs.messages[-1]
    assert title == "Materials returned" and str(packages) in text
    assert not dialogs.errors

    window.return_action.trigger()  # again: nothing left to remove, and it says so
    assert dialogs.messages[-1] == (
        "Materials returned",
        "There was nothing to remove from this computer.",
    )
    window.close()
