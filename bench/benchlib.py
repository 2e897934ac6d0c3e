"""What every benchmark shares: rows, interleaved timing, whole-process timing, the table.

A benchmark measures the program and a baseline doing the same work, in the same kind of
process (in-process against in-process, whole process against whole process), interleaved
(A B A B ..., so drifting load hits both alike), several repetitions, and reports min and
median. Each script's ``measure(argv)`` returns its :class:`Row`\\ s; ``main`` prints them
(and with ``--json`` one machine-readable line, read by ``run_all.py``). Nothing is
asserted on time: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.crypto.pki import CertificateAuthority

REPO = Path(__file__).resolve().parent.parent
JSON_MARKER = "BENCH-ROWS "


@dataclass(frozen=True)
class Row:
    """One measured figure. ``program``/``baseline`` are medians (``*_min`` the minima) in
    ``unit``; ``ratio`` is program / baseline; ``target`` says what is aimed at and ``met``
    whether the median meets it (``None``: no target)."""

    bench: str
    metric: str
    unit: str
    program: float
    program_min: float
    baseline: float | None = None
    baseline_min: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    runs: int = 1

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.program / self.baseline


def parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes."""
    text = (doc or "").strip()
    result = argparse.ArgumentParser(
        description=text.split("\n\n")[0],
        epilog="\n\n".join(text.split("\n\n")[1:]) or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    result.add_argument(
        "--quick", action="store_true", help="tiny sizes and one repetition (smoke test)"
    )
    result.add_argument("--json", action="store_true", help="also print the rows as one JSON line")
    return result


def median_min(samples: Sequence[float]) -> tuple[float, float]:
    return statistics.median(samples), min(samples)


def interleaved(repeat: int, actions: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Seconds of each action, run in turn in each repetition (the order reversed every
    other repetition, so neither always runs first)."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    names = list(actions)
    for i in range(repeat):
        for name in names if i % 2 == 0 else reversed(names):
            start = time.perf_counter()
            actions[name]()
            times[name].append(time.perf_counter() - start)
    return times


def process_seconds(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall seconds of one whole process, from its start to its exit (output discarded)."""
    start = time.perf_counter()
    subprocess.run(
        list(command),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=REPO,
    )
    return time.perf_counter() - start


def processes(
    repeat: int,
    commands: dict[str, Sequence[str]],
    env: dict[str, str] | None = None,
    *,
    warmup: int = 1,
) -> dict[str, list[float]]:
    """Whole-process seconds of each command, interleaved, after ``warmup`` unmeasured runs
    of each (the file cache)."""
    for _ in range(warmup):
        for command in commands.values():
            process_seconds(command, env)
    return interleaved(
        repeat,
        {name: (lambda c=command: process_seconds(c, env)) for name, command in commands.items()},
    )


def python_env() -> dict[str, str]:
    """The environment for a child interpreter that imports this repository."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def ratio_row(
    bench: str,
    metric: str,
    program: Sequence[float],
    baseline: Sequence[float],
    baseline_name: str,
    *,
    scale: float = 1e3,
    unit: str = "ms",
    max_ratio: float | None = None,
) -> Row:
    """Program against baseline; the target (if any) is a ratio of medians."""
    p, p_min = median_min(program)
    b, b_min = median_min(baseline)
    met = None if max_ratio is None else p / b <= max_ratio
    return Row(
        bench,
        metric,
        unit,
        p * scale,
        p_min * scale,
        b * scale,
        b_min * scale,
        baseline_name,
        "" if max_ratio is None else f"<= {max_ratio:g}x",
        met,
        len(program),
    )


def value_row(
    bench: str,
    metric: str,
    program: Sequence[float],
    unit: str,
    *,
    baseline: Sequence[float] | None = None,
    baseline_name: str = "",
    at_most: float | None = None,
    at_least: float | None = None,
) -> Row:
    """A figure with an absolute target (already scaled to ``unit``); for ``at_least``
    (a rate) the 'min' columns hold the worst, i.e. lowest, figure too."""
    p, p_min = median_min(program)
    b, b_min = median_min(baseline) if baseline else (None, None)
    target, met = "", None
    if at_most is not None:
        target, met = f"<= {at_most:g} {unit}", p <= at_most
    elif at_least is not None:
        target, met = f">= {at_least:g} {unit}", p >= at_least
    return Row(bench, metric, unit, p, p_min, b, b_min, baseline_name, target, met, len(program))


def table(rows: Sequence[Row]) -> str:
    """The rows as one plain-text table (medians; min in brackets)."""
    head = ("bench", "metric", "program", "baseline", "ratio", "target", "met?")
    lines = [head]
    for r in rows:
        program = f"{r.program:.3g} {r.unit} (min {r.program_min:.3g})"
        if r.baseline is None:
            baseline = "-"
        else:
            baseline = f"{r.baseline:.3g} (min {r.baseline_min:.3g}) {r.baseline_name}"
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}x"
        met = "-" if r.met is None else ("yes" if r.met else "NO")
        lines.append((r.bench, r.metric, program, baseline, ratio, r.target or "-", met))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in out)


def rows_to_json(rows: Sequence[Row]) -> str:
    return JSON_MARKER + json.dumps([asdict(r) for r in rows], ensure_ascii=False)


def rows_from_output(stdout: str) -> list[Row]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(JSON_MARKER):
            return [Row(**item) for item in json.loads(line[len(JSON_MARKER) :])]
    raise ValueError("no rows in the benchmark's output")


def main(measure: Callable[[list[str]], list[Row]], argv: list[str] | None = None) -> int:
    """Run ``measure`` on the command line's arguments; print the table (and the JSON line)."""
    args = sys.argv[1:] if argv is None else argv
    rows = measure(args)
    print()
    print(table(rows))
    if "--json" in args:
        print(rows_to_json(rows))
    return 0


CA_TIME = datetime(2025, 1, 1, tzinfo=UTC)
"""When the benchmarks' throw-away root CA is made: before every benchmark's clock (2025-03
to now), inside its ten years' validity."""
_CA: list[CertificateAuthority] = []


def bench_ca() -> CertificateAuthority:
    """A throw-away root CA, made once per process (its key's passphrase protection costs
    about a second each time; setup, not timed)."""
    if not _CA:
        from app.crypto import pki

        with tempfile.TemporaryDirectory() as tmp:
            pki.init_ca(Path(tmp) / "ca", "Bench root", b"bench-ca", CA_TIME)
            _CA.append(pki.load_ca(Path(tmp) / "ca", b"bench-ca"))
    return _CA[0]


def compile_sources() -> None:
    """Byte-compile the repository's modules, as an installed program's are, so that a
    measured process never pays for compiling source (the environment may set
    PYTHONDONTWRITEBYTECODE, which would otherwise make every process compile again)."""
    import compileall

    for package in ("app", "ui", "storage", "export"):
        compileall.compile_dir(REPO / package, quiet=1)
