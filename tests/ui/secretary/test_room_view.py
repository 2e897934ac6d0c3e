"""The room view on its own: on the one screen of the offscreen platform a window that Esc
takes out of full screen, that keeps its clock across reloads and languages, and whose text
grows with it yet still fits long names."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.i18n import LocalizedText
from tests.ui.secretary.conftest import frameless
from ui.common.i18n import switch_language
from ui.secretary.room_view import Placement, RoomView, Slot


@pytest.fixture
def room(qtbot: QtBot, room_slots: list[Slot]) -> RoomView:
    room = RoomView()
    qtbot.addWidget(room)
    room.set_slots(room_slots, LocalizedText("Review meeting", "评审会"))
    return room


def test_esc_on_the_second_screen_leaves_a_framed_window(room: RoomView, qtbot: QtBot) -> None:
    room.show_full_screen_on(QGuiApplication.primaryScreen())
    qtbot.keyClick(room, Qt.Key.Key_Escape)
    assert room.placement is Placement.WINDOW and room.isVisible()
    assert not room.isFullScreen() and not frameless(room)


def test_reloading_the_same_agenda_or_switching_language_keeps_the_clock(
    room: RoomView,
) -> None:
    room.timer.toggle()
    room.timer.set_elapsed(90)
    room.set_slots(list(room.slots), room.meeting_title)  # the console re-reads after a change
    assert room.timer.running and room.timer.elapsed_ms() >= 90_000
    switch_language("zh_CN")
    assert room.windowTitle() == "会场显示"
    assert "评审会" in room.title.text()
    assert room.timer.running and room.timer.elapsed_ms() >= 90_000
    switch_language("en")


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1280, 720), (1024, 768)])
def test_text_grows_with_the_view_and_long_names_still_fit(
    room: RoomView, width: int, height: int
) -> None:
    room.show_as_window(QGuiApplication.primaryScreen())
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
