"""Run every benchmark and print one table: metric, program, baseline, ratio, target, met?

    .venv/bin/python bench/run_all.py [--quick] [--only NAME[,NAME...]] [--verbose]
                                      [--in-process | --isolated]

Full mode runs each benchmark at its own default sizes, each in a process of its own (so
one's memory, caches and imports do not colour another's), and can take a long time on a
loaded machine (signing 6,000 sheets, 200 MB files). ``--quick`` runs each at tiny sizes
with one repetition, in this process: it shows that every benchmark runs and prints its
rows (the suite's smoke test); its figures are not the targets' sizes and mean nothing.
Each benchmark's own output is shown with ``--verbose`` (and always when it fails).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

BENCHES: dict[str, str] = {
    "cms": "bench_cms",
    "bundle": "bench_bundle",
    "ministry": "bench_ministry",
    "secretary": "bench_secretary",
    "secretary_ui": "bench_secretary_ui",
    "consolidation": "bench_consolidation",
    "export": "bench_export",
    "package": "bench_package",
    "age": "bench_age",
    "drafts": "bench_sealed_drafts",
    "startup": "bench_startup",
    "gil": "bench_gil",
}
"""Name (as in the table) -> module in bench/. stress_durability.py is a stress test, not a
benchmark: it is not run here."""


def run_in_process(module: str, argv: list[str], verbose: bool) -> list[benchlib.Row]:
    measure = importlib.import_module(module).measure
    if verbose:
        return list(measure(argv))
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            return list(measure(argv))
    except BaseException:
        sys.stdout.write(out.getvalue())
        raise


def run_isolated(module: str, argv: list[str], verbose: bool) -> list[benchlib.Row]:
    script = Path(__file__).resolve().parent / f"{module}.py"
    child = subprocess.run(
        [sys.executable, str(script), *argv, "--json"],
        capture_output=True,
        text=True,
        env=benchlib.python_env(),
        cwd=benchlib.REPO,
    )
    if verbose or child.returncode != 0:
        sys.stdout.write(child.stdout)
        sys.stderr.write(child.stderr)
    if child.returncode != 0:
        raise RuntimeError(f"{module} exited with status {child.returncode}")
    return benchlib.rows_from_output(child.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--only", help="comma-separated names: " + ", ".join(BENCHES))
    parser.add_argument("--verbose", action="store_true", help="show each benchmark's output")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--in-process", action="store_true", help="run every benchmark here")
    mode.add_argument("--isolated", action="store_true", help="one process per benchmark")
    args = parser.parse_args(argv)
    names = list(BENCHES) if not args.only else args.only.split(",")
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark {unknown[0]!r}; known: {', '.join(BENCHES)}")
    isolated = args.isolated or not (args.quick or args.in_process)
    run = run_isolated if isolated else run_in_process
    bench_argv = ["--quick"] if args.quick else []
    rows: list[benchlib.Row] = []
    failed: list[str] = []
    for name in names:
        start = time.perf_counter()
        try:
            rows += run(BENCHES[name], bench_argv, args.verbose)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            print(f"{name}: FAILED", file=sys.stderr)
        print(f"{name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    print(benchlib.table(rows))
    if args.quick:
        print("(quick mode: tiny sizes, one repetition; the figures are not the targets' sizes)")
    if failed:
        print(f"failed: {', '.join(failed)}")
    if args.json:
        print(benchlib.rows_to_json(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
