"""The console after a second round: the board shows a reported draft in its own state,
colour and tooltip, each cell's version history, and any earlier round through a round
selector; the consolidation page shows round 1's figures read-only, as they were."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from pytestqt.qtbot import QtBot

from app.secretary.board import CellState
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast
from tests.app.secretary.rounds_world import MINUTE, Meet, build_meet, round_one, round_two
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.secretary.models import STATE_COLOURS, local_time
from ui.secretary.window import SecretaryWindow

ROUND_TWO_AT = NOW + 2 * MINUTE
E04, E05, A02 = 3, 4, 0  # rows and the round-2 board's only column


def wait_idle(qtbot: QtBot) -> None:
    from ui.common.tasks import _running

    qtbot.waitUntil(lambda: not _running)
    QApplication.processEvents()


def choose_with_mouse(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Open the combo's list with a click and click the item showing ``text``.

    A popup ignores a release for a double-click interval after it opens (so that press,
    drag, release works); with the interval at 0 that timer fires as soon as the event loop
    runs, so the test waits on the popup, never on a sleep."""
    interval = QApplication.doubleClickInterval()
    QApplication.setDoubleClickInterval(0)
    try:
        qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
        view = combo.view()
        qtbot.waitUntil(view.isVisible)
        QApplication.processEvents()
        row = combo.findText(text)
        assert row >= 0, text
        rect = view.visualRect(combo.model().index(row, 0))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: combo.currentText() == text)
    finally:
        QApplication.setDoubleClickInterval(interval)


def press_mnemonic(qtbot: QtBot, window: QWidget, key: Qt.Key, expected: QWidget) -> None:
    """Alt+key, as a keyboard user reaches a labelled field."""
    window.activateWindow()
    qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(expected.hasFocus)


@pytest.fixture
def meet(tmp_path: Path, cast: Cast) -> Iterator[Meet]:
    world = build_meet(tmp_path, cast)
    round_one(world)
    round_two(world, ROUND_TWO_AT)
    world.repo.close()
    yield world


@pytest.fixture
def window(meet: Meet, qtbot: QtBot, console_dialogs: ConsoleDialogs) -> SecretaryWindow:
    win = SecretaryWindow(
        meet.ws.path.parent,
        meet.ws,
        meet.cast.secretary,
        stores=SqliteStores(),
        dialogs=console_dialogs,
        now=lambda: NOW,
    )
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_the_board_shows_a_reported_draft_and_each_pairs_versions(
    window: SecretaryWindow, qtbot: QtBot
) -> None:
    window.tabs.setCurrentWidget(window.collect_page)
    page = window.collect_page
    model = page.board_model
    assert page.round_combo.currentText() == "Round 2 (current)"
    qtbot.waitUntil(lambda: model.board is not None)  # read off the GUI thread
    assert model.columnCount() == 1 and model.rowCount() == 5
    draft = model.index(E05, A02)
    assert model.data(draft) == "Draft reported"
    colour = model.data(draft, Qt.ItemDataRole.BackgroundRole).color()
    assert colour == STATE_COLOURS[CellState.DRAFT_REPORTED]
    assert colour not in (STATE_COLOURS[CellState.MISSING], STATE_COLOURS[CellState.SUBMITTED])
    tip = model.data(draft, Qt.ItemDataRole.ToolTipRole)
    assert "Draft last edited " + local_time(ROUND_TWO_AT) in tip
    assert "Draft reported 1" in page.footer.text() and "Submitted 4" in page.footer.text()

    # the detail pane follows the board's current cell: mouse, then keyboard
    view = page.board_view
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(draft).center()
    )
    assert "Draft last edited" in page.detail.toPlainText()
    qtbot.keyClick(view, Qt.Key.Key_Up)
    detail = page.detail.toPlainText()
    assert "e04" in detail and "Version history:" in detail
    assert "Round 1, version 1: Submitted" in detail and "Round 2, version 1: Submitted" in detail
    tip = model.data(model.index(E04, A02), Qt.ItemDataRole.ToolTipRole)
    assert "Round 2, version 1: Submitted, submitted " + local_time(ROUND_TWO_AT) in tip

    # round 1 with the keyboard: Alt+R reaches the selector, Up chooses the earlier round
    press_mnemonic(qtbot, window, Qt.Key.Key_R, page.round_combo)
    qtbot.keyClick(page.round_combo, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: model.board is not None and model.board.round == 1)
    board = model.board
    assert board is not None and board.round == 1 and not board.is_current
    assert model.columnCount() == 3 and "earlier round" in page.board_title.text()
    assert "Submitted 15" in page.footer.text() and "Draft reported 0" in page.footer.text()
    assert model.data(model.index(E05, 1)) == "Submitted"
    tip = model.data(model.index(E04, 1), Qt.ItemDataRole.ToolTipRole)
    assert "Round 1, version 1" in tip and "Round 2" not in tip

    # the choice survives a refresh; back to the current round with the mouse
    page.reload()
    assert page.shown_round() == 1
    choose_with_mouse(qtbot, page.round_combo, "Round 2 (current)")
    qtbot.waitUntil(lambda: model.board is not None and model.board.round == 2)
    assert model.columnCount() == 1


def test_consolidation_shows_an_earlier_rounds_figures_read_only(
    window: SecretaryWindow, qtbot: QtBot
) -> None:
    window.tabs.setCurrentWidget(window.consolidation_page)
    page = window.consolidation_page
    wait_idle(qtbot)
    assert page.result is not None and page.result.round == 2
    assert page.round_combo.currentText() == "Round 2 (current)"
    assert page.round_button.isEnabled()
    assert [a.application_id for a in page.result.applications] == ["a02"]
    selected = page.selected()
    assert selected is not None and selected.total is not None
    round2_total = selected.total.presented
    assert not selected.flags

    # round 1 with the mouse: its own figures, flags and explanations, read-only
    choose_with_mouse(qtbot, page.round_combo, "Round 1")
    wait_idle(qtbot)
    assert page.result is not None and page.result.round == 1
    assert [page.app_combo.itemData(i) for i in range(page.app_combo.count())] == [
        "a01",
        "a02",
        "a03",
    ]
    page.app_combo.setCurrentIndex(page.app_combo.findData("a02"))
    selected = page.selected()
    assert selected is not None and selected.total is not None and selected.flags
    assert selected.total.presented != round2_total
    assert "⚑" in page.app_combo.currentText()
    assert "earlier round" in page.status.text() and "1 application flagged" in page.status.text()
    assert not page.round_button.isEnabled()
    assert "Inputs:" in page.explanation.toPlainText()
    flagged_rows = [r for r in page.figures_model.rows() if r.figure.flagged]
    assert flagged_rows
    # the shared result stays the current round's (the opinion page relies on it)
    assert window.ctx.result is not None and window.ctx.result.round == 2

    # back to the current round with the keyboard
    press_mnemonic(qtbot, window, Qt.Key.Key_R, page.round_combo)
    qtbot.keyClick(page.round_combo, Qt.Key.Key_Down)
    wait_idle(qtbot)
    assert page.result is not None and page.result.round == 2
    assert page.round_button.isEnabled()
    current = page.selected()
    assert current is not None and current.total is not None
    assert current.total.presented == round2_total
