"""The secretary console session that bench_secretary_ui.py drives and measures.

It lives apart from the script so that the script stays small: a window decrypts identity
files in a child process (``multiprocessing``'s spawn, app/crypto/pkcs12_child.py), and a
spawned child runs the parent's main script again before its work; a script importing Qt
and the whole console would make each of the chair's unlocks start a second console's worth
of imports.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataclasses

import benchlib
from bench_consolidation import AT
from bench_secretary import Prepared, _identity, baseline, prepare, sheet_file
from cryptography.hazmat.primitives.serialization import Encoding

from app.cli import publish_exporters
from app.crypto.identity import serialize_pkcs12
from app.crypto.profile import Role
from app.domain.ids import SheetId
from app.secretary.board import CellState
from app.secretary.publish_log import PUBLISH_FOLDER, FolderPublicationLog
from app.unlocking import decrypt_in_child_processes
from storage.stores import SqliteStores
from ui.common import collector
from ui.common.collector import install_gui_thread_collector, young_objects
from ui.common.dialogs import DialogService
from ui.common.gil import favour_the_gui_thread
from ui.common.pyside_fixes import keep_none_alive
from ui.common.responsiveness import (
    StallMeter,
    application,
    private_settings,
    run_on_gui,
    wait_for_signal,
    wait_for_tasks,
    wait_until,
)
from ui.secretary.window import SecretaryWindow

TIMEOUT_MS = 30 * 60 * 1000
PASSPHRASE = b"chair passphrase"


class BenchDialogs(DialogService):
    """Answers the pickers the way the secretary would: the multi-file picker with the sheet
    files, the single pickers (the chair's identity file, the notice folder) from ``chosen``,
    the passphrase prompt with the chair's passphrase; records errors, never blocks."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.chosen: list[Path] = []
        self.errors: list[str] = []

    def open_files(self, parent: object, title: str, name_filter: str = "") -> list[Path]:
        return list(self.files)

    def open_file(
        self, parent: object, title: str, name_filter: str = "", directory: str = ""
    ) -> Path | None:
        return self.chosen.pop(0) if self.chosen else None

    def open_directory(self, parent: object, title: str, directory: str = "") -> Path | None:
        return self.chosen.pop(0) if self.chosen else None

    def passphrase(self, parent: object, title: str, label: str) -> bytes | None:
        return PASSPHRASE

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


class Collections:
    """Times each run of Python's cyclic garbage collector (``gc.callbacks``): which
    generation, in which thread, how long; a collection holds the GIL, so it stalls the GUI
    thread wherever it runs."""

    def __init__(self, walked: bool = False) -> None:
        self.spans: list[tuple[str, float, float]] = []
        self.walked = walked
        """Also estimate the objects each collection walks, as the program's collector
        does (:func:`ui.common.collector.young_objects`, and what it counts as promoted
        since the last full collection): never ``gc.get_objects``, which breaks a tuple a
        worker is building."""
        self._started = 0.0
        self._objects = 0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            if self.walked:
                self._objects = young_objects(gc.get_count())
                if info["generation"] == 2 and collector._installed is not None:
                    self._objects += collector._installed.promoted
            self._started = time.perf_counter()
        else:
            thread = threading.current_thread().name
            name = f"gc generation {info['generation']} ({thread}"
            if self.walked:
                name += f", ~{self._objects:,} walked, {info['collected']:,} freed"
            self.spans.append((name + ")", self._started, time.perf_counter()))

    def close(self) -> None:
        gc.callbacks.remove(self._callback)


PROCESS, MACHINE = "whole process", "whole machine"


class Sampler:
    """Where the GUI thread is while it stalls: a thread that wakes every 2 ms and, when the
    meter has not ticked for :attr:`after` seconds, records the GUI thread's innermost frames
    (``sys._current_frames``). It needs the GIL to look, so a wake-up far later than 2 ms
    means some thread held the GIL all that while (a collection, a long C call): those are
    recorded as ``GIL held N ms`` with what the other threads were doing when it got it.

    The GUI thread waiting on the GIL shows as the Python line it was on; a GUI thread busy
    in Qt's C++ (layout, painting, a model reset) shows as the Python call that entered it."""

    def __init__(self, after: float = 0.04) -> None:
        self.after = after
        self.watching = False
        self.last_beat = 0.0
        """Set by :meth:`beat` on the GUI thread at each tick of the running meter. The
        sampler holds no Qt object: dropping the last reference to one in this thread would
        destroy it here, which deadlocks against the GUI thread (seen)."""
        self.samples: list[tuple[float, str]] = []
        self.cpu: list[tuple[float, dict[str, float]]] = []
        """(time, CPU seconds so far of each thread by name, of the process and of the
        machine), every 10 ms while a meter runs."""
        self._seq = 0
        self._sampled = 0
        self._handed: list[tuple[int, list[Any]]] = []
        self._stop = threading.Event()
        self._gui = threading.main_thread().ident
        self._thread = threading.Thread(target=self._run, name="stall sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(0.002):
            now = time.perf_counter()
            waited, last = now - last, now
            if not self.watching:
                continue
            if not self.cpu or now - self.cpu[-1][0] >= 0.01:
                self.cpu.append((now, self._thread_cpu()))
            if now - self.last_beat < self.after:
                continue
            where, seq = self._sample(waited)
            self._sampled = seq  # this thread holds no frame of that sample any more
            self.samples.append((now, where))

    def _sample(self, waited: float) -> tuple[str, int]:
        """Where the GUI thread is. The frames ``sys._current_frames`` returns own their
        function's locals once it returns: dropping the last reference to one here would
        free those (a widget among them) in this thread, which deadlocks against the GUI
        thread (seen). So they are handed to :attr:`_handed`, which only the GUI thread
        empties (:meth:`beat`), and only of samples this thread is done with."""
        self._seq += 1
        frames = sys._current_frames()
        kept: list[Any] = [frames]  # with every outer frame the walk brings into being
        self._handed.append((self._seq, kept))
        gui = frames.get(self._gui)
        where = self._where(gui, kept) if gui is not None else "?"
        if waited > 0.02:
            others = "; ".join(
                self._where(f, kept, 2)
                for ident, f in frames.items()
                if ident not in (self._gui, threading.get_ident())
            )
            where = f"GIL held {waited * 1000:.0f} ms (others then: {others or '-'})"
        return where, self._seq

    def watch(self, meter: StallMeter) -> None:
        """Follow ``meter``'s ticks until :meth:`unwatch` (call both on the GUI thread)."""
        self.last_beat = time.perf_counter()
        meter.timer.timeout.connect(self.beat)
        self.watching = True

    def unwatch(self, meter: StallMeter) -> None:
        self.watching = False
        meter.timer.timeout.disconnect(self.beat)

    def beat(self) -> None:
        self.last_beat = time.perf_counter()
        while self._handed and self._handed[0][0] <= self._sampled:
            self._handed.pop(0)  # the frames of a finished sample die here, on the GUI thread

    @staticmethod
    def _thread_cpu() -> dict[str, float]:
        """Each live thread's own CPU clock (Linux: ``pthread_getcpuclockid``), and under
        :data:`PROCESS` this process's (every thread, ended ones too) and under
        :data:`MACHINE` the busy time of all the machine's cores (``/proc/stat``), so that
        what other processes took shows too."""
        times = os.times()
        cpu = {PROCESS: times.user + times.system}
        try:
            with open("/proc/stat", "rb") as stat:
                fields = stat.readline().split()[1:]
            ticks = [int(f) for f in fields]
            idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
            cpu[MACHINE] = (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
        for t in threading.enumerate():
            if t.ident is None:
                continue
            try:
                clock = time.pthread_getcpuclockid(t.ident)
                cpu[t.name] = time.clock_gettime(clock)
            except (OSError, AttributeError):
                continue
        return cpu

    def cpu_during(self, window: tuple[float, float]) -> str:
        """CPU time each thread used across ``window`` (from the wake-ups around it), and the
        wall time it spans: a stall with little CPU in any thread is the machine's load
        (the process was not scheduled), one with a busy thread is that thread's work."""
        lo, hi = window
        before = [c for c in self.cpu if c[0] <= lo]
        after = [c for c in self.cpu if c[0] >= hi]
        if not before or not after:
            return "cpu: -"
        (t0, c0), (t1, c1) = before[-1], after[0]
        used = {n: c1[n] - c0.get(n, 0.0) for n in c1 if n not in (PROCESS, MACHINE)}
        busy = ", ".join(
            f"{n} {v * 1000:.0f}"
            for n, v in sorted(used.items(), key=lambda kv: -kv[1])
            if v > 0.002
        )
        totals = "".join(
            f"; {n} {(c1[n] - c0[n]) * 1000:.0f}" for n in (PROCESS, MACHINE) if n in c0 and n in c1
        )
        return (
            f"cpu ms over {(t1 - t0) * 1000:.0f} ms ({os.cpu_count()} cores): "
            f"{busy or 'none'}{totals}"
        )

    @staticmethod
    def _where(frame: Any, kept: list[Any], depth: int = 4) -> str:
        names = []
        while frame is not None and len(names) < depth:
            code = frame.f_code
            names.append(f"{Path(code.co_filename).stem}.{code.co_name}:{frame.f_lineno}")
            frame = frame.f_back
            kept.append(frame)
        return " < ".join(names)

    def during(self, window: tuple[float, float]) -> list[tuple[str, int]]:
        """The distinct places seen in ``window``, most often first."""
        lo, hi = window
        counts: dict[str, int] = {}
        for at, where in self.samples:
            if lo <= at <= hi:
                counts[where] = counts.get(where, 0) + 1
        return sorted(counts.items(), key=lambda kv: -kv[1])

    def close(self) -> None:
        """On the GUI thread (where the frames still held are dropped)."""
        self._stop.set()
        self._thread.join()
        self._handed.clear()


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
            kind = name.split(", ")[0]  # a collection's counts (--gc-walked) are not its kind
            by.setdefault(kind if kind == name else kind + ")", []).append(end - start)
        rows = [(n, len(d), sum(d), max(d)) for n, d in by.items()]
        return sorted(rows, key=lambda r: r[3], reverse=True)

    def overlapping(self, window: tuple[float, float]) -> list[tuple[str, float]]:
        lo, hi = window
        found = [(n, e - s) for n, s, e in self.spans if s < hi and e > lo]
        return sorted(found, key=lambda r: r[1], reverse=True)


class Session:
    """The console session, phase by phase: each phase runs under a stall meter of its own
    (the work between phases - signing the experts' round-2 files - is setup, not timed)."""

    def __init__(
        self,
        window: SecretaryWindow,
        dialogs: BenchDialogs,
        p12: Path,
        calls: Calls,
        collections: Collections,
        sampler: Sampler,
    ) -> None:
        self.window, self.dialogs, self.p12 = window, dialogs, p12
        self.calls, self.collections, self.sampler = calls, collections, sampler
        self.phases: list[tuple[str, float, StallMeter]] = []

    def phase(self, name: str, work: Callable[[], None]) -> None:
        meter = StallMeter()
        meter.start()
        self.sampler.watch(meter)
        start = time.perf_counter()
        work()
        seconds = time.perf_counter() - start
        meter.stop()
        self.sampler.unwatch(meter)
        if self.dialogs.errors:
            raise SystemExit(f"{name}: {self.dialogs.errors}")
        self.phases.append((name, seconds, meter))
        lo, hi = meter.longest_at
        seen = [
            (n, e - b)
            for n, b, e in self.calls.spans + self.collections.spans
            if b < hi and e > lo and e - b > 0.01
        ]
        during = ", ".join(f"{n} {d * 1000:.0f} ms" for n, d in sorted(seen, key=lambda x: -x[1]))
        print(
            f"{name:<44}{seconds * 1000:8.0f} ms   {meter.longest * 1000:10.1f} ms"
            f"   {during or '-'}",
            flush=True,
        )
        print(
            f"{'':>8}from {(lo - start) * 1000:.0f} ms into the phase;"
            f" {self.sampler.cpu_during(meter.longest_at)}",
            flush=True,
        )
        for where, n in self.sampler.during(meter.longest_at)[:4]:
            print(f"{'':>8}{n:4d}x  {where}", flush=True)

    def wait(self, done: Callable[[], bool], what: str) -> None:
        """Spin the loop until ``done()`` or an error is shown (the console reports a failed
        step in an error dialog, which this service records)."""
        if not wait_until(lambda: done() or bool(self.dialogs.errors), TIMEOUT_MS):
            raise SystemExit(f"timed out: {what}")
        if self.dialogs.errors:
            raise SystemExit(f"{what}: {self.dialogs.errors}")

    @property
    def longest(self) -> StallMeter:
        return max((m for _n, _s, m in self.phases), key=lambda m: m.longest)

    # --- the phases ------------------------------------------------------------------------
    def import_files(self, files: list[Path]) -> None:
        """The collect page's import; it ends on the GUI thread with ctx.changes.changed
        (every page reloads) and then show_results."""
        collect = self.window.collect_page
        self.window.tabs.setCurrentWidget(collect)
        self.dialogs.files = list(files)
        if not wait_for_signal(
            self.window.ctx.changes.changed, collect.import_button.click, TIMEOUT_MS
        ):
            raise SystemExit("the import timed out")
        refused = [o for o in collect.outcomes if o.refusal is not None]
        assert not refused, refused[0].message
        run_on_gui(lambda: None)  # the board view lays out and paints

    def open(self) -> None:
        """Show the window on the collect page and wait for what that page reads (the board,
        off the GUI thread): the secretary's click on Import comes after that."""
        run_on_gui(self.window.show)
        run_on_gui(lambda: self.window.tabs.setCurrentWidget(self.window.collect_page))
        wait_for_tasks()
        run_on_gui(lambda: None)  # the board view lays out and paints

    def consolidate(self) -> None:
        """Showing the page refreshes it; the consolidation itself runs in a worker."""
        page = self.window.consolidation_page
        run_on_gui(lambda: self.window.tabs.setCurrentWidget(page))
        wait_for_tasks()
        if page.result is None:
            raise SystemExit(f"no consolidation shown: {self.dialogs.errors or 'and no error'}")

    def board(self) -> None:
        collect = self.window.collect_page
        run_on_gui(lambda: self.window.tabs.setCurrentWidget(collect))
        wait_for_tasks()
        run_on_gui(collect.reload)
        wait_for_tasks()
        run_on_gui(lambda: None)

    def opinions(self) -> None:
        """Every application of the current round: choose it in the list, write the panel's
        opinion, save, and have the chair approve it (identity file and passphrase, unlocked
        and signed in a worker)."""
        page = self.window.opinion_page
        run_on_gui(lambda: self.window.tabs.setCurrentWidget(page))
        wait_for_tasks()
        for row in range(len(page.app_ids)):
            run_on_gui(lambda row=row: page.apps.setCurrentRow(row))
            run_on_gui(lambda: page.opinion.setPlainText("专家组一致认为，该平台定位清晰。"))
            run_on_gui(page.save_button.click)
            assert page.approve_button.isEnabled(), page.state.text()
            self.dialogs.chosen.append(self.p12)
            run_on_gui(page.approve_button.click)
            wait_for_tasks()
            run_on_gui(lambda: None)

    def publish(self, out: Path) -> None:
        """Outputs: prepare the report and workbook, the chair signs at the console, the
        secretary signs and writes the three files (each step in a worker)."""
        page = self.window.outputs_page
        run_on_gui(lambda: self.window.tabs.setCurrentWidget(page))
        self.wait(
            lambda: page.problems is not None and not page.busy,
            "the publication gates were not checked",
        )
        assert page.problems == [], [str(x.message) for x in page.problems or []]
        run_on_gui(page.prepare_button.click)
        self.wait(
            lambda: page.prepared is not None and not page.busy, "the report was not prepared"
        )
        run_on_gui(page.chair_here_button.click)
        dialog = page.chair_dialog
        assert dialog is not None
        run_on_gui(lambda: dialog.file_edit.setText(str(self.p12)))
        run_on_gui(lambda: dialog.passphrase_edit.setText(PASSPHRASE.decode()))
        run_on_gui(dialog.sign_button.click)
        self.wait(lambda: page.chair_signed is not None and not page.busy, "the chair did not sign")
        run_on_gui(page.secretary_button.click)
        write = page.write_dialog
        assert write is not None
        out.mkdir()
        run_on_gui(lambda: write.folder_edit.setText(str(out)))
        run_on_gui(write.write_button.click)
        self.wait(
            lambda: page.published is not None and not page.busy, "the outputs were not written"
        )
        run_on_gui(lambda: None)

    def open_round(self, notices: Path) -> list[str]:
        """The next round for the flagged applications or, with none flagged (as at 200x30),
        the one chosen on the consolidation page: confirm, choose the notice folder; the
        notice is signed in a worker. Returns the round's applications."""
        page = self.window.consolidation_page
        run_on_gui(lambda: self.window.tabs.setCurrentWidget(page))
        wait_for_tasks()
        chosen = page.selected()
        assert chosen is not None
        notices.mkdir()
        self.dialogs.chosen.append(notices)
        run_on_gui(page.round_button.click)
        wait_for_tasks()
        assert list(notices.iterdir()), "no round notice written"
        opened = self.window.ctx.ws.rounds()[-1].applications
        assert opened, "no round opened"
        return [str(a) for a in opened]


def round_two_files(p: Prepared, app_ids: list[str], folder: Path) -> list[Path]:
    """Every expert's round-2 sheet file for ``app_ids`` (their round-1 scores, one point
    less on each factor; an expert who recused in round 1 stays recused and hands in
    nothing), signed as the expert's window would (setup, not timed)."""
    folder.mkdir()
    files = []
    for expert_id, sheets in p.submitted.items():
        again = [
            dataclasses.replace(
                s,
                id=SheetId(f"{s.id}-r2"),
                round=2,
                scores=tuple(
                    dataclasses.replace(f, score=max(f.score - 1, 0) if f.score else f.score)
                    for f in s.scores
                ),
            )
            for s in sheets
            if s.application_id in app_ids
        ]
        if again:
            files.append(
                sheet_file(
                    folder / f"{expert_id}-round-2.oisheet",
                    p.meeting,
                    p.rubric,
                    expert_id,
                    again,
                    [],  # a recusal of round 1 holds in every later round: none again
                    p.secretary,
                    p.people[expert_id],
                    p.ca,
                    round=2,
                )
            )
    return files


def measure(argv: list[str]) -> list[benchlib.Row]:
    import bench_secretary_ui  # the script: its docstring is the help

    parser = benchlib.parser(bench_secretary_ui.__doc__)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    parser.add_argument(
        "--round-one",
        action="store_true",
        help="stop after round 1's import, consolidation and board (to profile them)",
    )
    parser.add_argument(
        "--gc-walked",
        action="store_true",
        help="name about how many objects each garbage collection walked (estimated as the "
        "program's collector does) and how many it freed",
    )
    parser.add_argument(
        "--automatic-gc",
        action="store_true",
        help="leave Python's own collector on instead of the program's GUI-thread collector, "
        "and stop after round 1's import, consolidation and board: what the console did before "
        "it had that collector (the 1.35 s stall of issue 16)",
    )
    parser.add_argument(
        "--default-switch-interval",
        action="store_true",
        help="keep Python's 5 ms GIL switch interval instead of the program's 0.5 ms "
        "(ui/common/gil.py): how long the window waits on busy workers without it",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.applications, args.experts = 3, 3

    keep_none_alive()  # as the program does (ui/launch.py): PySide6 6.12 leaks None
    app = application()
    if not args.automatic_gc:
        install_gui_thread_collector(app)  # as the program does (ui/launch.py)
    decrypt_in_child_processes()  # likewise
    if not args.default_switch_interval:
        favour_the_gui_thread()  # likewise
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        private_settings(base / "qs")
        folder = base / "meeting"
        folder.mkdir()
        p = prepare(folder, args.applications, args.experts)
        print(f"setup: {len(p.sheets)} sheets in {len(p.files)} files, {p.setup_seconds:.1f} s")
        base_s = baseline(p)
        chair = p.people[next(e.id for e in p.meeting.experts if e.is_chair)]
        p12 = base / "chair.p12"
        p12.write_bytes(
            serialize_pkcs12(chair.signing_key, chair.certificate, chair.chain, PASSPHRASE)
        )
        ministry = _identity(p.ca, Role.MINISTRY, "科技部")
        FolderPublicationLog(folder / PUBLISH_FOLDER).set_ministry_certificate(
            ministry.certificate.public_bytes(Encoding.PEM)
        )

        dialogs = BenchDialogs(p.files)
        window = SecretaryWindow(
            folder,
            p.ws,
            p.secretary,
            stores=SqliteStores(),
            dialogs=dialogs,
            exporters=publish_exporters,
            now=lambda: AT,
        )
        calls = Calls()
        for page in window.pages:
            calls.wrap(page, "reload", f"{type(page).__name__}.reload")
        calls.wrap(window.collect_page, "show_results", "CollectPage.show_results")
        calls.wrap(window.collect_page.board_model, "set_board", "BoardModel.set_board")
        calls.wrap(window.opinion_page, "_show", "OpinionPage._show")
        calls.wrap(window.opinion_page, "save", "OpinionPage.save")
        calls.wrap(window.consolidation_page, "_show_result", "ConsolidationPage._show_result")

        collections = Collections(args.gc_walked)
        sampler = Sampler()
        session = Session(window, dialogs, p12, calls, collections, sampler)
        start = time.perf_counter()
        session.phase("open the console on the collect page", session.open)
        session.phase("round 1: import every sheet file", lambda: session.import_files(p.files))
        session.phase("round 1: consolidation page", session.consolidate)
        session.phase("round 1: progress board", session.board)
        app_ids: list[str] = []
        if not (args.automatic_gc or args.round_one):
            session.phase("round 1: opinions, chair approves each", session.opinions)
            session.phase(
                "round 1: outputs (prepare, sign, write)", lambda: session.publish(base / "out")
            )

            def open_round() -> None:
                app_ids.extend(session.open_round(base / "notices"))

            session.phase("round 2: open it, write the notice", open_round)
            again = round_two_files(p, app_ids, base / "round-2")  # the experts' work, untimed
            session.phase("round 2: import the sheet files", lambda: session.import_files(again))
            session.phase("round 2: consolidation page", session.consolidate)
            session.phase("round 2: opinions, chair approves each", session.opinions)
            assert window.outputs_page.published is not None
        board = window.collect_page.board_model.board
        assert board is not None and board.complete, "the board is not complete"
        submitted = board.counts().get(CellState.SUBMITTED, 0)
        total = sum(seconds for _n, seconds, _m in session.phases)
        wall = time.perf_counter() - start
        collections.close()
        sampler.close()
        calls.spans += collections.spans
        window.close()
        app.processEvents()

    print(
        f"meeting: {args.applications} applications x {args.experts} experts,"
        f" {len(p.sheets)} sheets ({submitted} on the board); round 2 for"
        f" {', '.join(app_ids) or '(not run)'}"
    )
    if args.automatic_gc:
        print("Python's automatic collector, not the program's GUI-thread collector")
    print(f"GIL switch interval {sys.getswitchinterval() * 1000:g} ms")
    print(f"baseline consolidate() in memory         {base_s * 1000:10.1f} ms")
    print(f"{'phase':<44}{'time':>10}   {'longest stall':>13}")
    for name, seconds, meter in session.phases:
        print(f"{name:<44}{seconds * 1000:8.0f} ms   {meter.longest * 1000:10.1f} ms")
    print(f"whole session {total:.1f} s in phases ({wall:.1f} s with setup between them)")
    print("GUI-thread calls (calls, total, longest):")
    for name, n, sum_s, max_s in calls.totals():
        print(f"  {name:<33}{n:4d} {sum_s * 1000:10.1f} ms {max_s * 1000:10.1f} ms")
    worst = session.longest
    culprits = calls.overlapping(worst.longest_at)
    named = ", ".join(f"{n} {d * 1000:.0f} ms" for n, d in culprits) or "none of the timed calls"
    print(f"during the longest stall ({worst.longest * 1000:.0f} ms): {named}")
    size = f"{args.applications}x{args.experts}"
    first_three = sum(seconds for _n, seconds, _m in session.phases[1:4])  # after opening
    return [
        benchlib.ratio_row(
            "secretary_ui",
            f"import, consolidate, board in the console ({size})",
            [first_three],
            [base_s],
            "consolidate() in memory",
            scale=1,
            unit="s",
        ),
        benchlib.value_row(
            "secretary_ui",
            f"longest GUI-thread stall, round 1 with Python's automatic collector ({size})"
            if args.automatic_gc
            else f"longest GUI-thread stall, whole session ({size})",
            [worst.longest * 1e3],
            "ms",
            at_most=None if args.automatic_gc else 100,
        ),
    ]


if __name__ == "__main__":  # bench_secretary_ui.py is the script to run; this works too
    raise SystemExit(benchlib.main(measure))
