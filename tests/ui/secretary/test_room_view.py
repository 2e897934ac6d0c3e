"""The room view: which screen it goes to (a pure choice, tested with made-up screens), and
on the one screen of the offscreen platform a resizable window that F11 / Esc put in and out
of full screen, that comes back as a window when its screen goes away, and that the console
and a presenter's remote drive."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.demo.meeting import load_demo
from app.i18n import LocalizedText
from ui.common.i18n import switch_language
from ui.expert.timer_widget import Phase
from ui.secretary.context import ConsoleContext
from ui.secretary.room_view import (
    AUTOMATIC,
    Placement,
    RoomPage,
    ScreenArea,
    Slot,
    room_screen,
)

LAPTOP = ScreenArea("eDP-1", 0, 0, 1366, 768)
PROJECTOR = ScreenArea("HDMI-1", 1366, 0, 1920, 1080)
SMALL = ScreenArea("DP-2", -1280, 0, 1280, 720)


@pytest.mark.parametrize(
    ("screens", "console", "chosen", "expected"),
    [
        ([], None, AUTOMATIC, None),
        ([LAPTOP], 0, AUTOMATIC, None),  # one screen: a window on it
        ([LAPTOP, PROJECTOR], 0, AUTOMATIC, 1),
        ([PROJECTOR, LAPTOP], 1, AUTOMATIC, 0),  # the console is not always the first
        ([LAPTOP, PROJECTOR], None, AUTOMATIC, 1),  # unknown console: the primary's
        ([LAPTOP, SMALL, PROJECTOR], 0, AUTOMATIC, 2),  # the biggest other screen
        ([LAPTOP, SMALL, SMALL], 0, AUTOMATIC, 1),  # a tie: the first listed
        ([PROJECTOR, LAPTOP, SMALL], 1, AUTOMATIC, 0),
        ([LAPTOP, SMALL, PROJECTOR], 0, "DP-2", 1),  # the secretary's choice
        ([LAPTOP, PROJECTOR], 0, "eDP-1", None),  # the console's own screen: a window
        ([LAPTOP, PROJECTOR], 0, "gone", 1),  # a chosen screen unplugged: automatic
        ([LAPTOP, PROJECTOR], 7, AUTOMATIC, 1),  # an index out of range counts as unknown
    ],
)
def test_the_room_screen_is_another_than_the_consoles(
    screens: list[ScreenArea], console: int | None, chosen: str, expected: int | None
) -> None:
    assert room_screen(screens, console, chosen) == expected


def _slots() -> list[Slot]:
    meeting, _rubric = load_demo()
    apps = {a.id: a for a in meeting.applications}
    return [(i, apps[i.application_id]) for i in sorted(meeting.agenda, key=lambda i: i.position)]


@pytest.fixture
def page(qtbot: QtBot) -> RoomPage:
    page = RoomPage(cast(ConsoleContext, SimpleNamespace()))
    qtbot.addWidget(page)
    qtbot.addWidget(page.room)
    page.room.set_slots(_slots(), LocalizedText("Review meeting", "评审会"))
    page._mirror()
    page.show()
    qtbot.waitExposed(page)
    return page


def _frameless(widget: QWidget) -> bool:
    return bool(widget.windowFlags() & Qt.WindowType.FramelessWindowHint)


def test_with_one_screen_the_view_is_a_resizable_window_on_the_consoles_screen(
    page: RoomPage, qtbot: QtBot
) -> None:
    assert len(QGuiApplication.screens()) == 1  # the offscreen platform
    room = page.room
    assert not page.full_button.isEnabled() and "closed" in page.where.text()
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitExposed(room)
    assert room.placement is Placement.WINDOW
    assert room.isVisible() and not room.isFullScreen() and not _frameless(room)
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
    assert room.isFullScreen() and _frameless(room)
    assert "fills" in page.where.text()
    page._screen_removed(screen)  # unplugged: the view must not vanish
    assert room.isVisible() and room.placement is Placement.WINDOW
    assert not room.isFullScreen() and not _frameless(room)
    assert "is a window" in page.where.text()


def test_esc_on_the_second_screen_leaves_a_framed_window(page: RoomPage, qtbot: QtBot) -> None:
    room = page.room
    room.show_full_screen_on(QGuiApplication.primaryScreen())
    qtbot.keyClick(room, Qt.Key.Key_Escape)
    assert room.placement is Placement.WINDOW and room.isVisible()
    assert not room.isFullScreen() and not _frameless(room)


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


def test_reloading_the_same_agenda_or_switching_language_keeps_the_clock(
    page: RoomPage,
) -> None:
    room = page.room
    room.timer.toggle()
    room.timer.set_elapsed(90)
    room.set_slots(list(room.slots), room.meeting_title)  # the console re-reads after a change
    assert room.timer.running and room.timer.elapsed_ms() >= 90_000
    switch_language("zh_CN")
    assert room.windowTitle() == "会场显示"
    assert "评审会" in room.title.text()
    assert room.timer.running and room.timer.elapsed_ms() >= 90_000
    switch_language("en")


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


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720), (1024, 768)])
def test_text_grows_with_the_view_and_long_names_still_fit(
    page: RoomPage, width: int, height: int
) -> None:
    room = page.room
    page.show_room()
    room.resize(width, height)
    small = room.applicant.font().pixelSize()
    assert small >= height // 18  # large enough to read across the room
    long = LocalizedText(
        "North China Joint Institute of Intelligent Manufacturing " * 8, "联合体" * 80
    )
    item, app = room.slots[0]
    room.set_slots([(item, dataclasses.replace(app, applicant_unit=long))])
    layout = room.layout()
    assert layout is not None
    assert layout.totalHeightForWidth(room.width()) <= room.height()
    assert room.applicant.font().pixelSize() < small  # shrunk to fit
