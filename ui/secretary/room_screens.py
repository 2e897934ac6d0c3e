"""Which screen the room view goes to: a pure choice over the screens as plain values, so it
is tested with made-up screens (a laptop, a projector, a small side monitor) and no Qt.

With a second screen (a projector) the view fills a screen other than the console's
(:func:`room_screen` picks it; the secretary may pick another in "Show on"); with one screen
it is a window on the console's screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

AUTOMATIC = ""
"""The "Show on" choice that lets :func:`room_screen` decide."""


@dataclass(frozen=True)
class ScreenArea:
    """A screen as the choice needs it: its name and its geometry on the virtual desktop."""

    name: str
    x: int
    y: int
    width: int
    height: int

    @property
    def area(self) -> int:
        return self.width * self.height


def room_screen(
    screens: Sequence[ScreenArea], console: int | None, chosen: str = AUTOMATIC
) -> int | None:
    """The index of the screen the room view fills, or ``None`` for a window on the console's.

    ``console`` is the index of the screen the console is on (``None``: unknown, taken as the
    first, the primary). A ``chosen`` screen name is honoured while that screen exists; the
    console's own screen means "a window here". Otherwise the largest other screen wins
    (a projector is usually the biggest picture), the first listed on a tie.
    """
    if not screens:
        return None
    own = console if console is not None and 0 <= console < len(screens) else 0
    if chosen != AUTOMATIC:
        for index, screen in enumerate(screens):
            if screen.name == chosen:
                return None if index == own else index
    others = [i for i in range(len(screens)) if i != own]
    if not others:
        return None
    return max(others, key=lambda i: (screens[i].area, -i))
