"""Which screen the room view goes to: a pure choice, tested with made-up screens."""

from __future__ import annotations

import pytest

from ui.secretary.room_screens import AUTOMATIC, ScreenArea, room_screen

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
