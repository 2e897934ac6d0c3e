"""Feedback while the expert waits (issue 14 item 9): signing in (the unlock off the GUI
thread, then the window built on it) and the conflict declaration (recorded, then the
materials opened, on the GUI thread) show the busy state: the wait cursor, the controls
disabled and a status line; all of it gone once the work is done. The probes look at the
window while the slow work runs; nothing is timed."""

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
from ui.common.busy import wait_cursor_shown
from ui.expert import sign_in as sign_in_module
from ui.expert.unlock_dialog import UnlockDialog
from ui.expert.window import ExpertWindow


@pytest.fixture(scope="module")
def demo(demo_material: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(demo_material, tmp_path_factory.mktemp("demo"))


def _dialog_busy(dialog: UnlockDialog) -> tuple[bool, bool, str]:
    """(wait cursor, every control disabled, the status line shown)."""
    controls = (
        dialog.file_edit,
        dialog.passphrase_edit,
        dialog.browse_button,
        dialog.unlock_button,
        dialog.cancel_button,
    )
    return (
        wait_cursor_shown(),
        not any(w.isEnabled() for w in controls),
        dialog.status.text() if dialog.status.isVisible() else "",
    )


def test_signing_in_and_declaring_show_the_busy_state_until_done(
    qtbot: QtBot, demo: Path, dialogs: RecordingDialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = demo_summary(demo)
    opened: list[ExpertWindow] = []
    seen: list[tuple[bool, bool, str]] = []
    dialog = unlock_dialog(summary.workspace, dialogs, None, Clock(dt.datetime.now(dt.UTC)), opened)
    real_open = sign_in_module.open_expert_window

    def open_window(*args: object, **kwargs: object) -> ExpertWindow:
        seen.append(_dialog_busy(dialog))  # the window is about to be built on this thread
        return real_open(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sign_in_module, "open_expert_window", open_window)
    type_unlock(qtbot, dialog, summary.identities["e02"], expert_passphrase("e02"))
    if dialog.task is not None:  # unlocking on the worker: the result needs the event loop
        assert _dialog_busy(dialog) == (True, True, "Unlocking your identity…")
    qtbot.waitUntil(lambda: bool(opened) or bool(dialogs.errors))
    assert not dialogs.errors
    assert seen == [(True, True, "Opening your workspace…")]
    assert not wait_cursor_shown() and not dialog.busy.active and not dialog.isVisible()

    window = opened[0]
    qtbot.waitExposed(window)
    click_row(qtbot, window.agenda.view, 0)
    page = window.conflict_page
    real_declare = window.desk.declare
    during: list[tuple[bool, bool, str]] = []

    def declare(*args: object, **kwargs: object) -> object:
        during.append((wait_cursor_shown(), page.form.isEnabled(), page.busy_line.text()))
        return real_declare(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(window.desk, "declare", declare)
    click(qtbot, page.no_conflict)
    click(qtbot, page.confirm)
    assert during == [(True, False, "Recording your declaration and opening the materials…")]
    assert window.current_page() is Page.MATERIALS
    assert not wait_cursor_shown() and page.form.isEnabled() and page.busy_line.isHidden()
    window.close()


def test_a_refused_passphrase_ends_the_busy_state(
    qtbot: QtBot, demo: Path, dialogs: RecordingDialogs
) -> None:
    summary = demo_summary(demo)
    opened: list[ExpertWindow] = []
    dialog = unlock_dialog(summary.workspace, dialogs, None, Clock(dt.datetime.now(dt.UTC)), opened)
    type_unlock(qtbot, dialog, summary.identities["e02"], "not the passphrase")
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    assert not opened
    assert _dialog_busy(dialog) == (False, False, "")
    assert dialog.unlock_button.isEnabled() and dialog.passphrase_edit.isEnabled()
    dialog.reject()
