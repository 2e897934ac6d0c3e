"""Long loops in a worker thread step aside now and then, so that the window's thread runs.

Why this is needed: ``cryptography`` (an AEAD open, an ECDSA verify) and SQLite (every row
stepped) give the GIL away for a few microseconds each time they run, and CPython's GIL then
starves a thread that waits for it: each release wakes the waiting thread, which starts its
wait for the switch interval anew instead of asking for the GIL, while the worker takes the
GIL back before the woken thread is scheduled. So the GUI thread got the GIL only when it
happened to win that race: while a consolidation opened 5,836 sealed sheets in a worker, a
2 ms sleep on the GUI thread woke 100-400 ms late, whatever the switch interval.
A pause of 50 microseconds every few milliseconds of such a loop hands the GIL over for
certain: the longest GUI-thread stall while a worker consolidates 200x30 fell from some
300 ms to some 45 ms, and the consolidation took no longer (``bench/bench_gil.py``).

:func:`step_aside` does nothing until :func:`share_with` names the thread to share with
(the window does, ``ui/common/gil.py``); the command line has no thread that must answer.
It never pauses that thread itself.
"""

from __future__ import annotations

import threading
import time
from typing import Final

EVERY_S: Final = 0.004
"""Pause at most this often (seconds of a worker's loop between pauses)."""
PAUSE_S: Final = 0.00005
"""Long enough for the woken thread to be scheduled and take the GIL."""

_shared_with: int | None = None
_last = 0.0


def share_with(thread: threading.Thread | None) -> None:
    """From now on, workers step aside for ``thread`` (``None``: no longer)."""
    global _shared_with
    _shared_with = None if thread is None else thread.ident


def step_aside() -> None:
    """Call once per item of a long loop that may run in a worker: every :data:`EVERY_S`
    it sleeps :data:`PAUSE_S`, releasing the GIL long enough for the shared thread to take
    it. Costs a clock read otherwise; nothing when sharing is off or on that thread."""
    global _last
    if _shared_with is None or threading.get_ident() == _shared_with:
        return
    now = time.perf_counter()
    if now - _last >= EVERY_S:
        time.sleep(PAUSE_S)
        _last = time.perf_counter()
