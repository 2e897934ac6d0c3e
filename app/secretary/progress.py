"""Progress and cancellation for long secretary operations (the console runs them off the
GUI thread and shows ``progress(done, total, text)``; ``cancel()`` is polled between steps)."""

from __future__ import annotations

from collections.abc import Callable

from app.errors import UserCancelled

Progress = Callable[[int, int, str], None]
"""``progress(done, total, text)``: units are per operation (bytes or files), text is shown."""
Cancel = Callable[[], bool]
"""Returns ``True`` when the user asked to stop; checked between items (never mid-item)."""


def report(progress: Progress | None, done: int, total: int, text: str) -> None:
    if progress is not None:
        progress(done, total, text)


def check_cancel(cancel: Cancel | None) -> None:
    """Raise :class:`UserCancelled` if asked to stop (items already done stay done)."""
    if cancel is not None and cancel():
        raise UserCancelled()
