"""Issue 14 items 1 and 11: windows fit a 1280×720 screen (100 %) or 1920×1080 at 150 %, open
inside the available screen, and cut table text can always be read whole in a tooltip."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.expert.flow import ApplicationStatus
from app.formats.text import visible
from tests.ui.sample import sample_meeting
from ui.common.geometry import clamp_to, place_window
from ui.common.i18n import switch_language
from ui.common.table_model import add_list_line
from ui.expert.models import AgendaModel, AgendaRow
from ui.shell.main_window import MainWindow


def test_agenda_names_are_whole_in_the_tooltip() -> None:
    """Item 11: the agenda's name column cut long names and its tooltip held only the unit."""
    meeting = sample_meeting()
    rows = [
        AgendaRow(item, meeting.application(item.application_id), ApplicationStatus.NOT_STARTED)
        for item in meeting.agenda
    ]
    model = AgendaModel()
    model.set_rows(rows)
    for r, row in enumerate(rows):
        for column in range(model.columnCount()):
            index = model.index(r, column)
            shown = model.data(index, Qt.ItemDataRole.DisplayRole)
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            assert isinstance(tip, str) and str(shown) in tip
        name_tip = model.data(model.index(r, 1), Qt.ItemDataRole.ToolTipRole)
        assert visible(row.application.platform_name.en) in str(name_tip)
        assert visible(row.application.applicant_unit.en) in str(name_tip)


def test_list_lines_carry_their_whole_text() -> None:
    widget = QListWidget()
    text = "3. A-003 " + "a very long platform name " * 8
    item = add_list_line(widget, text)
    assert widget.count() == 1 and item.toolTip() == text


LAPTOP_AT_150 = QRect(0, 0, 1280, 690)
"""A 1920×1080 laptop at 150 % in logical pixels, less a 30-pixel panel."""


def test_a_window_too_big_for_the_screen_is_shrunk_onto_it() -> None:
    """Item 1: the expert window opened at 1280×800 logical (1919×1199 at 150 %)."""
    assert clamp_to(QRect(0, 0, 1280, 800), LAPTOP_AT_150) == LAPTOP_AT_150


def test_a_window_remembered_off_the_screen_comes_back() -> None:
    placed = clamp_to(QRect(2500, -40, 900, 600), LAPTOP_AT_150)
    assert placed == QRect(380, 0, 900, 600)
    assert clamp_to(QRect(-300, 500, 900, 600), LAPTOP_AT_150) == QRect(0, 90, 900, 600)


def test_a_window_that_fits_stays_where_it_was() -> None:
    assert clamp_to(QRect(100, 50, 900, 600), LAPTOP_AT_150) == QRect(100, 50, 900, 600)


def test_the_minimum_wins_on_a_tiny_screen_and_the_corner_stays_on_it() -> None:
    placed = clamp_to(QRect(50, 50, 1000, 700), QRect(0, 0, 800, 600), QSize(900, 500))
    assert placed == QRect(0, 0, 900, 600)


@pytest.mark.parametrize("shown", ["at once", "after the event loop turned"])
def test_a_window_is_placed_again_once_its_frame_is_known(qtbot: QtBot, shown: str) -> None:
    """Before it is shown a window's frame is not known, so a window as large as the screen
    fits; once shown (offscreen's frame is 2 px each side) it is placed again, inside the
    screen frame included, whether it was shown at once (the start window: no event filter)
    or only later."""
    available = QApplication.primaryScreen().availableGeometry()
    window = QWidget()
    qtbot.addWidget(window)
    place_window(window, "placed", available.size())
    if shown != "at once":
        QApplication.processEvents()  # the event loop turns before the window is shown
    window.show()
    qtbot.waitUntil(lambda: available.contains(window.frameGeometry()))
    assert window.frameGeometry().size() != window.size()  # the frame was counted


def test_the_main_window_fits_a_small_screen(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    from tests.ui.expert.test_fit import assert_inside_screen, too_big

    window = MainWindow(meeting, rubric)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    problems = []
    for lang in ("en", "zh_CN"):
        switch_language(lang)
        QApplication.processEvents()
        problems += [f"{lang}: {p}" for p in too_big(window)]
    assert problems == []
    assert_inside_screen(qtbot, window)


def test_the_main_window_has_unique_alt_letters(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    from tests.ui.mnemonics import clashes

    window = MainWindow(meeting, rubric)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    problems = []
    for lang in ("en", "zh_CN"):
        switch_language(lang)
        problems += clashes(window, lang)
    assert problems == [], "\n".join(problems)
