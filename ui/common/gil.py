"""The GUI thread gets the GIL back within half a millisecond while a worker computes.

Every call from Qt into Python (a model's ``data()``, a slot, an event filter, a timer) first
takes the GIL. While a worker thread runs Python (a sheet import, a consolidation, a build),
the thread that asks for it waits until the worker is made to drop it: after the switch
interval, 5 ms by default. Qt returns to C++ between those calls and gives the GIL away
each time, so a repaint that calls into Python a hundred times waits a hundred switch
intervals: a 200x30 table that repaints in 30 ms when the program is idle took 600 ms
with one worker busy ("convoy effect"; ``bench/bench_gil.py`` measures it). With a
0.5 ms interval the same repaint took 120 ms and the worker still got the GIL whenever the
window did not want it.

The interval is the process's, so only the window's process sets it; the command line keeps
Python's default (it has no thread that must answer quickly). A shorter interval does not
help against a worker that keeps giving the GIL away for microseconds (a decryption, a SQLite
row): that starves the waiting thread in another way, which :mod:`app.step_aside` handles.
"""

from __future__ import annotations

import sys
import threading
from typing import Final

from app.step_aside import share_with

SWITCH_INTERVAL_S: Final = 0.0005


def favour_the_gui_thread() -> None:
    """Shorten the switch interval (see the module's docstring) and have workers' long loops
    step aside for this thread (:mod:`app.step_aside`); call once, on the GUI thread."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    share_with(threading.current_thread())
