"""Reopening the console on a meeting that already ran: every page shows the meeting as it
is, without the secretary having to touch anything first."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.cli import main
from app.crypto.identity import load_identity
from app.secretary import setup as sec_setup
from storage.stores import SqliteStores
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.secretary.window import SecretaryWindow


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo-finished")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["--lang", "en", "demo", "--no-gui", "--dir", str(directory), "--complete"])
    assert code == 0, out.getvalue()
    return directory


def test_a_reopened_console_shows_the_board_and_the_room(
    finished: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    folder = finished / "complete-meeting" / "secretary"
    identity = load_identity(
        (finished / "identities" / "secretary.p12").read_bytes(), b"demo-secretary"
    )
    stores = SqliteStores()
    window = SecretaryWindow(
        folder,
        sec_setup.open_workspace(stores, folder),
        identity,
        stores=stores,
        dialogs=console_dialogs,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    tab_bar = window.tabs.tabBar()
    collect = window.pages.index(window.collect_page)
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(collect).center())
    page = window.collect_page
    assert window.tabs.currentWidget() is page
    assert page.import_button.isEnabled()
    assert not page.not_issued.isVisible()
    board = page.board_model
    qtbot.waitUntil(lambda: board.board is not None)  # read off the GUI thread
    assert board.rowCount() == 7 and board.columnCount() == 6
    texts = {board.data(board.index(r, c)) for r in range(7) for c in range(6)}
    assert "Submitted" in texts and "Missing" not in texts

    opinion = window.pages.index(window.opinion_page)
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(opinion).center())
    shown = window.opinion_page.shown_comments
    qtbot.waitUntil(lambda: len(shown()) == 6)  # e04 is recused from a01
    first = shown()[0]
    assert "Logic of the concept:" in first and "concept_logic" not in first, first
    apps = window.opinion_page.apps  # the next application: no recusal, all seven experts
    apps.setFocus()
    qtbot.keyClick(apps, Qt.Key.Key_Down)
    assert len(shown()) == 7
    qtbot.keyClick(apps, Qt.Key.Key_Up)  # back: the recused expert's box is gone again
    assert len(shown()) == 6 and shown()[0] == first

    room = window.pages.index(window.room_page)
    qtbot.mouseClick(tab_bar, Qt.MouseButton.LeftButton, pos=tab_bar.tabRect(room).center())
    qtbot.mouseClick(window.room_page.show_button, Qt.MouseButton.LeftButton)
    shown = window.room_page.room.applicant.text()
    assert "Medical Imaging" in shown, shown
    window.room_page.close_room()


def test_the_console_opens_only_with_the_secretarys_identity(
    finished: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    """The console unlocks the sealed workspace (secretary-workspace-v1) with the identity
    chosen; an expert's identity is refused with its reason and opens nothing, and the file
    is left as it was."""
    from app.demo.build import expert_passphrase
    from ui.secretary.window import open_console

    folder = finished / "complete-meeting" / "secretary"
    identities = finished / "identities"
    with sec_setup.open_workspace(SqliteStores(), folder) as ws:
        before = ws.dump()  # type: ignore[attr-defined]
    opened: list[SecretaryWindow] = []
    console_dialogs.chosen_paths = [folder, identities / "expert-e01.p12"]
    console_dialogs.passphrases = [expert_passphrase("e01").encode()]
    task = open_console(None, console_dialogs, stores=SqliteStores(), opened=opened.append)
    assert task is not None
    qtbot.waitUntil(lambda: bool(console_dialogs.errors))
    assert opened == []
    assert "is not this meeting's secretary" in console_dialogs.errors[0]["message"]
    with sec_setup.open_workspace(SqliteStores(), folder) as ws:
        assert ws.dump() == before  # type: ignore[attr-defined]

    console_dialogs.chosen_paths = [folder, identities / "secretary.p12"]
    console_dialogs.passphrases = [b"demo-secretary"]
    open_console(None, console_dialogs, stores=SqliteStores(), opened=opened.append)
    qtbot.waitUntil(lambda: bool(opened))
    window = opened[0]
    qtbot.addWidget(window)
    assert window.ctx.ws.unlocked and window.ctx.sealer is not None
    assert len(window.ctx.ws.signed_sheets()) > 0
    assert len(console_dialogs.errors) == 1
