"""Measuring whether the window stays responsive: GUI-thread stalls and waiting on the loop.

Used by the UI benchmarks (``bench/bench_secretary_ui.py``) and tests: a :class:`StallMeter`
ticks on the GUI thread and records the longest gap between ticks, which is the longest time
the window could neither repaint nor answer input. The waiting helpers spin the event loop
until something happened, never sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QSettings, Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QApplication

TICK_MS = 10


class StallMeter(QObject):
    """Ticks every ``interval_ms`` on the GUI thread; the largest gap between ticks is the stall."""

    def __init__(self, interval_ms: int = TICK_MS) -> None:
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.ticks = 0
        self.longest = 0.0
        self.longest_at = (0.0, 0.0)
        """``time.perf_counter()`` values bounding the longest gap."""
        self._last = 0.0

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self._tick()
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = now - self._last
        if gap > self.longest:
            self.longest, self.longest_at = gap, (self._last, now)
        self._last = now
        self.ticks += 1


class _Done(QObject):
    fired = Signal()


def application() -> QApplication:
    """The running QApplication, created if there is none."""
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def private_settings(folder: Path) -> None:
    """Keep QSettings (window geometry, text size) in ``folder``, away from the user's own."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


def run_on_gui(fn: Callable[[], object]) -> None:
    """Run ``fn`` from the event loop (so a running meter sees its stall) and wait for it."""
    loop = QEventLoop()
    done = _Done()
    done.fired.connect(loop.quit, Qt.ConnectionType.QueuedConnection)

    def call() -> None:
        fn()
        done.fired.emit()

    QTimer.singleShot(0, call)
    loop.exec()


def wait_for_signal(signal: SignalInstance, start: Callable[[], object], timeout_ms: int) -> bool:
    """Call ``start`` from the loop and spin until ``signal`` fires; False on timeout."""
    loop = QEventLoop()
    signal.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(timeout_ms)
    QTimer.singleShot(0, start)
    loop.exec()
    fired = guard.isActive()
    guard.stop()
    signal.disconnect(loop.quit)
    return fired


def wait_for_tasks() -> None:
    """Spin the event loop until no background task (ui.common.tasks) is running."""
    from ui.common.tasks import _running

    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: None if _running else loop.quit())
    poll.start(TICK_MS)
    loop.exec()
    poll.stop()


def wait_until(done: Callable[[], bool], timeout_ms: int) -> bool:
    """Spin the event loop until ``done()`` holds (checked every tick); False on timeout."""
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if done() else None)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(timeout_ms)
    poll.start(TICK_MS)
    if not done():
        loop.exec()
    poll.stop()
    met = done()
    guard.stop()
    return met
