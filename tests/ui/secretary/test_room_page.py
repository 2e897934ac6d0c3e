"""The console's room page: on the one screen of the offscreen platform it shows the room
view as a resizable window that F11 / Esc and the console put in and out of full screen,
brings it back as a window when its screen goes away, and drives it with the console's
buttons and a presenter's remote."""

from __future__ import annotations

from types import SimpleNamespace
from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.i18n import LocalizedText
from tests.ui.secretary.conftest import frameless
from ui.expert.timer_widget import Phase
from ui.secretary.context import ConsoleContext
from ui.secretary.room_page import RoomPage
from ui.secretary.room_screens import AUTOMATIC
from ui.secretary.room_view import Placement, Slot


@pytest.fixture
def page(qtbot: QtBot, room_slots: list[Slot]) -> RoomPage:
    page = RoomPage(cast(ConsoleContext, SimpleNamespace()))
    qtbot.addWidget(page)
    qtbot.addWidget(page.room)
    page.room.set_slots(room_slots, LocalizedText("Review meeting", "评审会"))
    page._mirror()
    page.show()
    qtbot.waitExposed(page)
    return page


def test_with_one_screen_the_view_is_a_resizable_window_on_the_consoles_screen(
    page: RoomPage, qtbot: QtBot
) -> None:
    assert len(QGuiApplication.screens()) == 1  # the offscreen platform
    room = page.room
    assert not page.full_button.isEnabled() and "closed" in page.where.text()
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitExposed(room)
    assert room.placement is Placement.WINDOW
    assert room.isVisible() and not room.isFullScreen() and not frameless(room)
    assert room.screen() is page.screen()
    assert room.maximumWidth() > 10_000 and room.maximumHeight() > 10_000  # resizable
    assert page.full_button.isEnabled() and "is a window" in page.where.text()
    assert room.keys.isVisibleTo(room) and "F11" in room.keys.text()
    assert "1 of 6" in room.position.text() and room.applicant.text()


def test_f11_and_esc_toggle_full_screen_and_so_does_the_console(
    page: RoomPage, qtbot: QtBot
) -> None:
    room = page.room
    page.show_room()
    qtbot.keyClick(room, Qt.Key.Key_F11)
    assert room.isFullScreen() and room.placement is Placement.WINDOW
    assert page.full_button.text() == "Leave &full screen"
    assert not room.keys.isVisibleTo(room)  # the room would see the hint
    qtbot.keyClick(room, Qt.Key.Key_Escape)
    assert not room.isFullScreen() and room.isVisible()
    assert page.full_button.text() == "&Full screen"
    qtbot.keyClick(room, Qt.Key.Key_Escape)  # Esc in a window does nothing
    assert room.isVisible() and room.placement is Placement.WINDOW
    qtbot.mouseClick(page.full_button, Qt.MouseButton.LeftButton)
    assert room.isFullScreen() and "Esc" in page.where.text()
    qtbot.mouseClick(page.full_button, Qt.MouseButton.LeftButton)
    assert not room.isFullScreen()


def test_on_a_second_screen_it_is_frameless_and_comes_back_when_that_screen_goes(
    page: RoomPage, qtbot: QtBot
) -> None:
    room = page.room
    screen = QGuiApplication.primaryScreen()
    room.show_full_screen_on(screen)  # as if it were the projector
    qtbot.waitExposed(room)
    assert room.placement is Placement.SECOND_SCREEN
    assert room.isFullScreen() and frameless(room)
    assert "fills" in page.where.text()
    page._screen_removed(screen)  # unplugged: the view must not vanish
    assert room.isVisible() and room.placement is Placement.WINDOW
    assert not room.isFullScreen() and not frameless(room)
    assert "is a window" in page.where.text()


def test_a_new_screen_takes_the_view_in_automatic_mode(
    page: RoomPage, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = page.room
    page.show_room()
    assert room.placement is Placement.WINDOW
    screen = QGuiApplication.primaryScreen()
    monkeypatch.setattr(page, "target_screen", lambda: screen)  # "a projector appeared"
    page._screen_added(screen)
    assert room.placement is Placement.SECOND_SCREEN and room.isFullScreen()
    # the console's screen chosen explicitly: a window stays a window
    page.room.hide_view()
    page.screen_combo.setCurrentIndex(1)
    assert page.chosen_screen() == screen.name()
    monkeypatch.undo()
    page.show_room()
    assert room.placement is Placement.WINDOW
    page._screen_added(screen)
    assert room.placement is Placement.WINDOW


def test_the_screen_list_offers_automatic_and_each_screen(page: RoomPage) -> None:
    combo = page.screen_combo
    assert combo.count() == 1 + len(QGuiApplication.screens())
    assert combo.itemData(0) == AUTOMATIC
    assert "console" in combo.itemText(1)
    assert combo.accessibleName() and page.screen_label.buddy() is combo


def test_the_console_and_a_remote_drive_the_view(page: RoomPage, qtbot: QtBot) -> None:
    room = page.room
    page.show_room()
    qtbot.keyClick(room, Qt.Key.Key_PageDown)
    assert room.index == 1 and "2 of 6" in page.current.text()
    assert room.applicant.text() in page.current.text()
    qtbot.keyClick(room, Qt.Key.Key_PageUp)
    assert room.index == 0
    qtbot.keyClick(room, Qt.Key.Key_PageUp)  # nothing before the first
    assert room.index == 0
    qtbot.keyClick(room, Qt.Key.Key_Space)
    assert room.timer.running and page.start_button.text() == "&Pause clock"
    qtbot.mouseClick(page.phase_button, Qt.MouseButton.LeftButton)
    assert room.timer.phase is Phase.QA and room.timer.running
    assert page.phase_button.text() == "Back to the &report"
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert room.index == 1 and not room.timer.running and room.timer.phase is Phase.REPORT
    assert page.start_button.text() == "&Start clock"
    assert page.phase_button.text() == "Go to &Q&&A"


def test_closing_only_hides_and_the_window_keeps_its_size(page: RoomPage, qtbot: QtBot) -> None:
    room = page.room
    page.show_room()
    room.resize(700, 480)
    room.timer.toggle()
    qtbot.mouseClick(page.hide_button, Qt.MouseButton.LeftButton)
    assert not room.isVisible() and room.placement is Placement.HIDDEN
    assert room.timer.running  # hiding the view does not stop the hearing
    assert not page.hide_button.isEnabled() and "closed" in page.where.text()
    page.show_room()
    assert (room.width(), room.height()) == (700, 480)
    page.close_room()  # the console closes
    assert not room.isVisible() and not room.timer.running


def test_every_control_is_reachable_by_keyboard(page: RoomPage) -> None:
    buttons = page.findChildren(QPushButton)
    shown = [b for b in buttons if b.isVisibleTo(page)]
    assert len(shown) == 7
    keys = []
    for button in shown:
        text = button.text().replace("&&", "")
        assert "&" in text, text
        keys.append(text[text.index("&") + 1].lower())
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    keys.append("o")  # "Show &on:" for the screen list
    assert len(keys) == len(set(keys)), keys
    assert page.full_button.accessibleName() and page.where.accessibleName()
