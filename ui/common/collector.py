"""Python's cyclic garbage collector runs on the GUI thread only.

The collector runs whenever allocations cross its thresholds, in whichever thread allocates;
when that is a worker (a demo build, a kit import, a sheet import), it can free unreachable
PySide6 wrappers of Qt objects there, off the GUI thread, which crashes Qt. So the automatic
collector is switched off and a timer on the GUI thread collects instead, each generation
when its threshold is crossed (the pattern pyqtgraph and calibre use). Reference counting
still frees everything that is not in a cycle at once, in any thread.

A full collection walks every object the collector tracks, and it holds the GIL, so it
stalls the window for as long as it walks. Most of those objects are the program itself:
modules, classes, functions, the Qt wrappers of the window, built at start-up and alive
until the end. On its first tick (the window is up by then) the collector moves them into
Python's permanent generation (``gc.freeze``): later collections skip them, and the walk
covers only what the session created since (its meeting data), not the whole program.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 25


class GuiThreadCollector(QObject):
    """Create once, on the GUI thread, after the QApplication; it lives as long as its parent."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self.frozen = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count crossed its threshold; returns what was
        collected (the number of unreachable objects found). The first call freezes what
        start-up built instead (see the module's docstring)."""
        if not self.frozen:
            self.frozen = True
            gc.freeze()
            return 0
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                return gc.collect(generation)
        return 0


_installed: GuiThreadCollector | None = None


def install_gui_thread_collector(app: QObject) -> GuiThreadCollector:
    """The one collector of this process (idempotent), parented to ``app``."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    return _installed
