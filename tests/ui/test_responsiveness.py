"""The stall meter sees a GUI thread that is kept busy, and not one that is left free."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QApplication

from ui.common.responsiveness import StallMeter, run_on_gui


def _busy(seconds: float) -> None:
    """Block the GUI thread with work (not a sleep: this is what a slow handler does)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_a_blocked_gui_thread_is_measured(qapp: QApplication) -> None:
    meter = StallMeter()
    meter.start()
    run_on_gui(lambda: _busy(0.15))
    meter.stop()
    assert meter.longest >= 0.15
    lo, hi = meter.longest_at
    assert hi - lo == meter.longest


def test_a_free_gui_thread_shows_only_short_gaps(qapp: QApplication) -> None:
    meter = StallMeter()
    meter.start()
    for _ in range(10):
        run_on_gui(lambda: _busy(0.001))
    meter.stop()
    assert meter.ticks >= 1
    assert meter.longest < 0.15
