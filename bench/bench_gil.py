"""How long the window waits on a busy worker thread: one table repaint, idle and busy.

    .venv/bin/python bench/bench_gil.py [--rows 200] [--columns 30] [--repeat 15]
                                        [--applications 200] [--experts 30]

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

Then, on a meeting of ``--applications`` x ``--experts`` with every sheet imported
(bench_secretary.py's setup), a worker runs what the consolidation page runs (open the
workspace, read and open every sealed sheet, consolidate) while the stall meter ticks on the
GUI thread, with the program's collector and switch interval; a sample is the longest gap
between ticks, with the worker's loops stepping aside (:mod:`app.step_aside`, as in the
window) and without, interleaved; and how long the worker took, both ways.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableView

from app.step_aside import share_with
from ui.common.collector import install_gui_thread_collector
from ui.common.gil import SWITCH_INTERVAL_S
from ui.common.responsiveness import StallMeter, application, wait_until
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


def longest_stall(work: Callable[[], object]) -> tuple[float, float]:
    """(the longest the GUI thread's event loop went without a tick of the stall meter,
    the worker's seconds) while a worker thread runs ``work``."""
    took = [0.0]

    def run() -> None:
        start = time.perf_counter()
        try:
            work()
        finally:
            took[0] = time.perf_counter() - start

    worker = threading.Thread(target=run)
    meter = StallMeter()
    meter.start()
    worker.start()
    if not wait_until(lambda: not worker.is_alive(), 10 * 60 * 1000):
        raise SystemExit("the worker never finished")
    meter.stop()
    worker.join()
    return meter.longest, took[0]


def consolidation(folder: Path, applications: int, experts: int) -> Callable[[], object]:
    """What the consolidation page runs in its worker, on a meeting with every sheet in
    (set up by bench_secretary.py: signed sheet files imported into a sealed workspace)."""
    from bench_secretary import AT, prepare

    from app.secretary import rounds
    from app.secretary import setup as sec_setup
    from app.secretary.collect import import_sheet_files
    from app.secretary.unlock import unlock_workspace
    from storage.stores import SqliteStores

    p = prepare(folder, applications, experts)
    sealer = unlock_workspace(p.ws, p.secretary, actor="bench", now=AT)
    refused = [
        r
        for r in import_sheet_files(p.ws, p.secretary, p.files, actor="bench", now=AT)
        if r.refusal is not None
    ]
    if refused:
        raise SystemExit(f"refused: {refused[0].message}")
    p.ws.close()
    stores = SqliteStores()

    def work() -> None:
        ws = sec_setup.open_workspace(stores, folder, sealer=sealer)
        try:
            rounds.consolidate_round(ws)
        finally:
            ws.close()

    return work


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--columns", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.columns, args.repeat = 20, 5, 1
        args.applications, args.experts = 3, 3
    app = application()
    install_gui_thread_collector(app)  # as the program does (ui/launch.py)
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
    waits: dict[str, list[float]] = {"aside": [], "not": []}
    took: dict[str, list[float]] = {"aside": [], "not": []}
    with tempfile.TemporaryDirectory(prefix="bench-gil-") as tmp:
        work = consolidation(Path(tmp), args.applications, args.experts)

        def opening(mode: str) -> None:
            share_with(threading.current_thread() if mode == "aside" else None)
            wait, seconds = longest_stall(work)
            waits[mode].append(wait)
            took[mode].append(seconds)

        sys.setswitchinterval(SWITCH_INTERVAL_S)
        try:
            benchlib.interleaved(
                max(args.repeat // 3, 1),
                {"aside": lambda: opening("aside"), "not": lambda: opening("not")},
            )
        finally:
            share_with(None)
            sys.setswitchinterval(saved)
    size = f"{args.rows}x{args.columns}"
    meeting = f"{args.applications}x{args.experts}"
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
        benchlib.ratio_row(
            "gil",
            f"longest GUI-thread stall while a worker consolidates ({meeting})",
            waits["aside"],
            waits["not"],
            "the same, no stepping aside",
        ),
        benchlib.ratio_row(
            "gil",
            f"consolidation in the worker ({meeting}), stepping aside",
            took["aside"],
            took["not"],
            "the same, no stepping aside",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
