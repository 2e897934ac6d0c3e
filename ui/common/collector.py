"""Python's cyclic garbage collector runs on the GUI thread only, in short steps.

The collector runs whenever allocations cross its thresholds, in whichever thread allocates;
when that is a worker (a demo build, a kit import, a sheet import), it can free unreachable
PySide6 wrappers of Qt objects there, off the GUI thread, which crashes Qt. So the automatic
collector is switched off and a timer on the GUI thread collects instead, each generation
when its threshold is crossed (the pattern pyqtgraph and calibre use). Reference counting
still frees everything that is not in a cycle at once, in any thread.

A collection holds the GIL for as long as it walks its generations, so every walk is a
stall of the window; the timer keeps each one short:

- it ticks every 25 ms and collects both young generations together, so a young
  collection walks what workers allocated since the last tick or two, not in the last
  half second;
- a full collection walks only what became long-lived since the previous one: on its
  first tick the collector moves what start-up built (modules, classes, the window) into
  Python's permanent generation (``gc.freeze``), and after each full collection it moves
  the survivors there too. Without that, a full collection of a 200x30 meeting's console
  walked millions of objects, over a second each time;
- so it runs a full collection as soon as about :data:`FULL_BUDGET` objects have reached
  the old generation since the last one: each walks that many, a few milliseconds,
  however large the session's heap has grown (100,000 made pauses of 50-70 ms while a
  consolidation ran in a worker; 25,000 the same total work in shorter pieces).

What this gives up: a reference cycle among frozen objects that becomes garbage later is
never collected (an object frozen alive and freed later without a cycle is still freed by
reference counting, as everything else). The program's long-lived structures (meeting
data, results, widgets) are not freed through cycles, so this costs little memory; it is
the trade that ``gc.freeze`` is documented for.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 25
FULL_BUDGET = 25_000
"""Objects promoted to the old generation that make a full collection due (walking that
many takes some 3-15 ms on a slow machine)."""


class GuiThreadCollector(QObject):
    """Create once, on the GUI thread, after the QApplication; it lives as long as its parent."""

    def __init__(
        self,
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        full_budget: int = FULL_BUDGET,
    ) -> None:
        super().__init__(parent)
        gc.disable()
        self.full_budget = full_budget
        self.frozen = False
        self.promoted = 0
        """Objects that survived into the old generation since the last full collection."""
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation that is due; returns what was collected (the number
        of unreachable objects found). The first call freezes what start-up built instead
        (see the module's docstring)."""
        if not self.frozen:
            self.frozen = True
            self._freeze()
            return 0
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if self.promoted >= self.full_budget:
            found = gc.collect(2)
            self._freeze()
            return found
        if counts[0] > thresholds[0] or counts[1] > 0:
            # Both young generations at once: the middle one holds only what survived the
            # previous tick, so a walk covers a tick or two of allocations, never the ten
            # a separate middle generation would gather (up to 200 ms at 200x30).
            found = gc.collect(1)
            self.promoted += max(young_objects(counts) - found, 0)
            return found
        return 0

    def _freeze(self) -> None:
        gc.freeze()
        self.promoted = 0


def young_objects(counts: tuple[int, int, int]) -> int:
    """About how many objects the young generations hold, from ``gc.get_count()``: the
    first count is the tracked objects allocated less those freed since the last
    collection, and the middle generation is empty between this collector's collections
    (it always collects both). Never ``len(gc.get_objects())``: that list holds a
    reference to every tracked object, among them a tuple a worker thread is still
    building, and the worker's ``tuple()`` then fails with ``SystemError: bad argument
    to internal function`` (seen in a consolidation, at a 0.5 ms switch interval)."""
    return max(counts[0], 0)


_installed: GuiThreadCollector | None = None


def install_gui_thread_collector(app: QObject) -> GuiThreadCollector:
    """The one collector of this process (idempotent), parented to ``app``."""
    global _installed
    if _installed is None:
        _installed = GuiThreadCollector(app)
    return _installed
