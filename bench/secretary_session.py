"""The secretary console on a large meeting: does the window stay responsive?

    .venv/bin/python bench/bench_secretary_ui.py [--applications 200] [--experts 30]

Setup (not timed) comes from bench_secretary.py: a throw-away CA, every expert's signed sheet
file and a frozen secretary workspace. Then, offscreen, the real :class:`SecretaryWindow` is
opened on that workspace and driven like the secretary would: the collect page's import
(the file picker answered by a stub dialog service with every sheet file), which ends with
the console re-reading every page (consolidation and progress board), then an explicit
consolidation page refresh and board refresh.

A 10 ms ``QTimer`` on the GUI thread records the gap between its ticks: the longest gap is the
longest time the window could not repaint or answer input. Completion is awaited with
``QEventLoop`` and signals, never sleeps. Printed: the total time, the longest GUI-thread stall,
the number of ticks, the GUI-thread calls that took longest (and which one overlaps the longest
stall), and ``consolidate()`` in memory on the same sheets measured in the same run (the
baseline of bench_consolidation.py) with the ratio total / baseline.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from bench_consolidation import AT
from bench_secretary import baseline, prepare

from app.secretary.board import CellState
from storage.stores import SqliteStores
from ui.common.collector import install_gui_thread_collector
from ui.common.dialogs import DialogService
from ui.common.responsiveness import (
    TICK_MS,
    StallMeter,
    application,
    private_settings,
    run_on_gui,
    wait_for_signal,
    wait_for_tasks,
)
from ui.secretary.window import SecretaryWindow

TIMEOUT_MS = 30 * 60 * 1000


class BenchDialogs(DialogService):
    """Answers the multi-file picker with the sheet files; records errors, never blocks."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.errors: list[str] = []

    def open_files(self, parent: object, title: str, name_filter: str = "") -> list[Path]:
        return list(self.files)

    def error(
        self,
        parent: object,
        title: str,
        message: str,
        recommendation: str = "",
        details: str = "",
    ) -> None:
        self.errors.append(f"{title}: {message} {details}")

    def information(self, parent: object, title: str, text: str) -> None:
        pass

    def confirm(self, parent: object, title: str, text: str) -> bool:
        return True


class Calls:
    """Times named GUI-thread calls (wrapped instance methods) during the run."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, float, float]] = []

    def wrap(self, obj: object, attr: str, name: str) -> None:
        fn: Callable[..., Any] = getattr(obj, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spans.append((name, start, time.perf_counter()))

        setattr(obj, attr, timed)

    def totals(self) -> list[tuple[str, int, float, float]]:
        """(name, calls, total seconds, longest single call), longest first."""
        by: dict[str, list[float]] = {}
        for name, start, end in self.spans:
            by.setdefault(name, []).append(end - start)
        rows = [(n, len(d), sum(d), max(d)) for n, d in by.items()]
        return sorted(rows, key=lambda r: r[3], reverse=True)

    def overlapping(self, window: tuple[float, float]) -> list[tuple[str, float]]:
        lo, hi = window
        found = [(n, e - s) for n, s, e in self.spans if s < hi and e > lo]
        return sorted(found, key=lambda r: r[1], reverse=True)


def drive(window: SecretaryWindow, dialogs: BenchDialogs, calls: Calls) -> dict[str, float]:
    phases: dict[str, float] = {}
    collect = window.collect_page
    window.tabs.setCurrentWidget(collect)

    # The import ends on the GUI thread with ctx.changes.changed (every page reloads) and
    # then show_results; a queued quit runs after both.
    start = time.perf_counter()
    fired = wait_for_signal(window.ctx.changes.changed, collect.import_button.click, TIMEOUT_MS)
    timed_out = not fired
    phases["import (worker) + console reload"] = time.perf_counter() - start
    if dialogs.errors or timed_out:
        raise SystemExit(f"import failed: {dialogs.errors or 'timed out'}")
    refused = [o for o in collect.outcomes if o.refusal is not None]
    assert not refused, refused[0].message

    # Showing the page refreshes it; the consolidation itself runs in a worker.
    start = time.perf_counter()
    run_on_gui(lambda: window.tabs.setCurrentWidget(window.consolidation_page))
    wait_for_tasks()
    phases["consolidation page refresh"] = time.perf_counter() - start

    window.tabs.setCurrentWidget(collect)
    start = time.perf_counter()
    run_on_gui(collect.reload)
    phases["board refresh"] = time.perf_counter() - start
    run_on_gui(lambda: None)  # let the board view lay out and paint
    return phases


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    args = parser.parse_args(argv)
    if args.quick:
        args.applications, args.experts = 3, 3

    app = application()
    install_gui_thread_collector(app)  # as the program does (ui/launch.py)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        private_settings(base / "qs")
        folder = base / "meeting"
        folder.mkdir()
        p = prepare(folder, args.applications, args.experts)
        print(f"setup: {len(p.sheets)} sheets in {len(p.files)} files, {p.setup_seconds:.1f} s")
        base_s = baseline(p)

        dialogs = BenchDialogs(p.files)
        window = SecretaryWindow(
            folder, p.ws, p.secretary, stores=SqliteStores(), dialogs=dialogs, now=lambda: AT
        )
        window.show()
        run_on_gui(lambda: None)

        calls = Calls()
        for page in window.pages:
            calls.wrap(page, "reload", f"{type(page).__name__}.reload")
        calls.wrap(window.collect_page, "show_results", "CollectPage.show_results")
        calls.wrap(window.collect_page.board_model, "set_board", "BoardModel.set_board")

        meter = StallMeter()
        meter.start()
        start = time.perf_counter()
        phases = drive(window, dialogs, calls)
        total = time.perf_counter() - start
        meter.stop()

        board = window.collect_page.board_model.board
        assert board is not None and board.complete, "the board is not complete"
        submitted = board.counts().get(CellState.SUBMITTED, 0)
        window.close()
        app.processEvents()

    print(
        f"meeting: {args.applications} applications x {args.experts} experts,"
        f" {len(p.sheets)} sheets ({submitted} on the board)"
    )
    print(f"baseline consolidate() in memory     {base_s * 1000:10.1f} ms")
    for label, value in phases.items():
        print(f"{label:<37}{value * 1000:10.1f} ms")
    print(
        f"total (import, consolidate, board)   {total * 1000:10.1f} ms  ratio {total / base_s:.1f}x"
    )
    print(f"longest GUI-thread stall             {meter.longest * 1000:10.1f} ms")
    print(f"timer ticks ({TICK_MS} ms)                  {meter.ticks:10d}")
    print("GUI-thread calls (calls, total, longest):")
    for name, n, sum_s, max_s in calls.totals():
        print(f"  {name:<33}{n:3d} {sum_s * 1000:10.1f} ms {max_s * 1000:10.1f} ms")
    culprits = calls.overlapping(meter.longest_at)
    named = ", ".join(f"{n} {d * 1000:.0f} ms" for n, d in culprits) or "none of the timed calls"
    print(f"during the longest stall: {named}")
    size = f"{args.applications}x{args.experts}"
    return [
        benchlib.ratio_row(
            "secretary_ui",
            f"import, consolidate, board in the console ({size})",
            [total],
            [base_s],
            "consolidate() in memory",
            scale=1,
            unit="s",
        ),
        benchlib.value_row(
            "secretary_ui",
            f"longest GUI-thread stall ({size})",
            [meter.longest * 1e3],
            "ms",
            at_most=100,
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
