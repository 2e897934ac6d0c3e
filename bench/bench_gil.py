"""How long the window waits on a busy worker thread: one table repaint, idle and busy.

    .venv/bin/python bench/bench_gil.py [--rows 200] [--columns 30] [--repeat 15]

Offscreen, a table view shows a :class:`ReadOnlyTableModel` (our models' one base: every cell
is computed in Python, in ``data()``) of ``--rows`` x ``--columns``; each sample repaints it
once, synchronously. Three kinds of sample, interleaved in this one process:

- **idle**: no other thread runs (the baseline);
- **busy, program**: a worker thread runs Python all the while (as a sheet import or a
  consolidation does), with the switch interval the window sets
  (:data:`ui.common.gil.SWITCH_INTERVAL_S`);
- **busy, Python's default**: the same with Python's 5 ms interval.

The ratios to the idle repaint show what ``favour_the_gui_thread`` buys: every call from
Qt into Python waits for the GIL, for up to a switch interval while the worker holds it.
The worker's own loop count per second of sampling is printed too (what it gave up).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableView

from ui.common.gil import SWITCH_INTERVAL_S
from ui.common.responsiveness import application
from ui.common.table_model import ReadOnlyTableModel

PYTHON_DEFAULT_S = 0.005


class Cells(ReadOnlyTableModel[int]):
    """Row ``r`` of ``columns`` cells, each text made in Python as our models make theirs."""

    def __init__(self, rows: int, columns: int) -> None:
        self.headers = tuple((lambda c=c: f"Column {c}") for c in range(columns))
        super().__init__(range(rows))

    def cell(self, row: int, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row}.{column} {'x' * (column % 7)}"
        return None


class Worker:
    """A thread running Python until stopped, counting its loops (work, not time)."""

    def __init__(self) -> None:
        self.loops = 0
        self._go = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop:
            self._go.wait()
            total = 0
            for i in range(2000):
                total += i * i
            self.loops += 1

    def busy(self, on: bool) -> None:
        if on:
            self._go.set()
        else:
            self._go.clear()

    def close(self) -> None:
        self._stop = True
        self._go.set()
        self._thread.join()


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--columns", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.columns, args.repeat = 20, 5, 1
    app = application()
    view = QTableView()
    view.setModel(Cells(args.rows, args.columns))
    view.resize(1600, 1000)
    view.show()
    if not QTest.qWaitForWindowExposed(view):
        raise SystemExit("the table was never shown")
    app.processEvents()
    worker = Worker()
    saved = sys.getswitchinterval()
    loops: dict[str, tuple[int, float]] = {}

    def repaint(busy: bool, interval: float, name: str) -> None:
        sys.setswitchinterval(interval)
        worker.busy(busy)
        before, start = worker.loops, time.perf_counter()
        view.viewport().repaint()
        worker.busy(False)
        done, seconds = loops.get(name, (0, 0.0))
        loops[name] = (done + worker.loops - before, seconds + time.perf_counter() - start)

    try:
        repaint(False, saved, "warm-up")  # the first paint lays out the view
        times = benchlib.interleaved(
            args.repeat,
            {
                "idle": lambda: repaint(False, PYTHON_DEFAULT_S, "idle"),
                "program": lambda: repaint(True, SWITCH_INTERVAL_S, "program"),
                "default": lambda: repaint(True, PYTHON_DEFAULT_S, "default"),
            },
        )
    finally:
        sys.setswitchinterval(saved)
        worker.close()
    for name in ("program", "default"):
        done, seconds = loops[name]
        print(f"worker while busy ({name} interval): {done / seconds:.0f} loops/s")
    size = f"{args.rows}x{args.columns}"
    return [
        benchlib.ratio_row(
            "gil",
            f"table repaint ({size}) with a busy worker, {SWITCH_INTERVAL_S * 1000:g} ms interval",
            times["program"],
            times["idle"],
            "the same repaint, idle",
        ),
        benchlib.ratio_row(
            "gil",
            f"table repaint ({size}) with a busy worker, Python's 5 ms interval",
            times["default"],
            times["idle"],
            "the same repaint, idle",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
