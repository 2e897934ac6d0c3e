"""What the console tells the secretary, on the publish tests' own meeting (every opinion
approved by the chair).

The panel-opinion page on an approved opinion (issue 14 item 7): the page says who approved
it and when, says when the text on screen differs, and saving a change asks first, since it
removes the chair's approval; No keeps the approval and the stored text.

Opening the console (issue 14 item 9): while the identity unlocks and while the console is
built, the start window shows the busy state (wait cursor, menus and contents disabled, its
status bar saying what runs), gone once the console is open."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.secretary import opinions
from app.secretary import setup as sec_setup
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.app.secretary.publish_world import World, publish_world
from tests.ui.secretary.conftest import ConsoleDialogs
from ui import launch
from ui.common.busy import wait_cursor_shown
from ui.secretary import window as window_module
from ui.secretary.window import SecretaryWindow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pkiset: PkiFixture) -> World:
    return publish_world(tmp_path_factory, pkiset)


def _click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled(), widget.toolTip()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _opinion_page(
    folder: Path, world: World, qtbot: QtBot, dialogs: ConsoleDialogs
) -> SecretaryWindow:
    stores = SqliteStores()
    window = SecretaryWindow(
        folder,
        sec_setup.open_workspace(stores, folder),
        world.identity(world.secretary_p12),
        stores=stores,
        dialogs=dialogs,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bar = window.tabs.tabBar()
    index = window.pages.index(window.opinion_page)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    page = window.opinion_page
    assert window.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.current_id() == "a01" and "approved" in page.state.text())
    return window


def _approved(folder: Path, world: World) -> bool:
    with world.open(folder) as ws:
        view = opinions.panel_opinion(ws, "a01")
        return view is not None and view.approved


def test_saving_an_approved_opinion_asks_first_and_no_keeps_the_approval(
    world: World, tmp_path: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    folder = world.copy(world.ready, tmp_path)
    window = _opinion_page(folder, world, qtbot, console_dialogs)
    page = window.opinion_page
    state = page.state.text()
    assert "approved by the chair 周明远 on 20" in state, state
    assert not page.approve_button.isEnabled()
    stored = page.opinion.toPlainText()

    page.opinion.setFocus()
    page.opinion.moveCursor(page.opinion.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.opinion, " Revised.")
    assert "saving it removes the approval" in page.state.text()

    console_dialogs.confirm_answer = False
    _click(qtbot, page.save_button)
    title, text = console_dialogs.messages[-1]
    assert title == "Remove the chair's approval?"
    assert "The chair 周明远 approved this opinion on" in text
    assert "Saving your changes removes that approval" in text
    assert _approved(folder, world)
    assert page.opinion.toPlainText() == stored + " Revised."  # the edit stays on screen
    with world.open(folder) as ws:
        view = opinions.panel_opinion(ws, "a01")
        assert view is not None and view.opinion.opinion == stored

    console_dialogs.confirm_answer = True
    _click(qtbot, page.save_button)
    assert not _approved(folder, world)
    assert page.state.text() == "Round 1: saved, waiting for the chair's approval."
    assert page.approve_button.isEnabled()
    asked = len(console_dialogs.messages)

    qtbot.keyClicks(page.opinion, " Again.")  # no approval left to lose: saved at once
    _click(qtbot, page.save_button)
    assert len(console_dialogs.messages) == asked
    assert console_dialogs.errors == []


def test_opening_the_console_shows_the_busy_state_on_the_start_window(
    world: World,
    tmp_path: Path,
    qtbot: QtBot,
    console_dialogs: ConsoleDialogs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = world.copy(world.ready, tmp_path)
    main = launch.build_main_window(demo=False, workspace=None, dialogs=console_dialogs)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    controls = (main.menuWidget(), main.centralWidget())
    before = main.statusBar().currentMessage()

    def busy() -> tuple[bool, bool, str]:
        return (
            wait_cursor_shown(),
            not any(w is not None and w.isEnabled() for w in controls),
            main.statusBar().currentMessage(),
        )

    seen: list[tuple[bool, bool, str]] = []
    real_window = window_module.SecretaryWindow

    def console(*args: object, **kwargs: object) -> SecretaryWindow:
        seen.append(busy())  # about to be built on the GUI thread
        return real_window(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(window_module, "SecretaryWindow", console)
    console_dialogs.chosen_paths = [folder, world.secretary_p12]
    console_dialogs.passphrases = [world.passphrase.read_bytes()]
    main.secretary_action.trigger()
    assert busy() == (True, True, "Unlocking the secretary's identity…")
    qtbot.waitUntil(lambda: bool(main.secretary_consoles) or bool(console_dialogs.errors))
    assert console_dialogs.errors == []
    assert seen == [(True, True, "Opening the secretary console…")]
    qtbot.waitUntil(lambda: not wait_cursor_shown())
    assert busy() == (False, False, before)
    main.secretary_consoles[0].close()  # deletes itself on close


def test_a_refused_console_identity_ends_the_busy_state(
    world: World, qtbot: QtBot, console_dialogs: ConsoleDialogs, tmp_path: Path
) -> None:
    folder = world.copy(world.ready, tmp_path)
    main = launch.build_main_window(demo=False, workspace=None, dialogs=console_dialogs)
    qtbot.addWidget(main)
    before = main.statusBar().currentMessage()
    console_dialogs.chosen_paths = [folder, world.secretary_p12]
    console_dialogs.passphrases = [world.wrong_passphrase.read_bytes()]
    main.secretary_action.trigger()
    qtbot.waitUntil(lambda: bool(console_dialogs.errors))
    qtbot.waitUntil(lambda: not wait_cursor_shown())
    assert main.centralWidget().isEnabled() and main.statusBar().currentMessage() == before
    assert main.secretary_consoles == []


def test_the_console_title_names_the_product_in_chinese(
    world: World, tmp_path: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    """Issue 14 item 13: the zh title read 专家评审台, not the product's name."""
    from app.i18n import Msg
    from ui.common.i18n import switch_language

    folder = world.copy(world.ready, tmp_path)
    window = _opinion_page(folder, world, qtbot, console_dialogs)
    switch_language("zh_CN")
    product = Msg.of("Expert Review Desk").in_language("zh_CN")
    assert product == "专家评审工作台"
    assert window.windowTitle() == f"秘书控制台 — {product}"


def test_imported_files_lists_the_files_the_board_counts_after_reopening(
    world: World, tmp_path: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    """Issue 14 item 13: "Imported files" listed only this session's imports, so a console
    reopened on a collected meeting showed an empty list beside a full board."""
    folder = world.copy(world.ready, tmp_path)
    window = _opinion_page(folder, world, qtbot, console_dialogs)
    bar = window.tabs.tabBar()
    index = window.pages.index(window.collect_page)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    results = window.collect_page.results
    lines = [results.item(i).text() for i in range(results.count())]
    assert lines[0] == "Counted on the board: 4 sheet files"
    assert sorted(line.split(" ")[0] for line in lines[1:]) == ["e01", "e02", "e03", "e04"]
    assert all(" · round 1 · written " in line and "SHA-256 " in line for line in lines[1:])
