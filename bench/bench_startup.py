"""Start-up time of the command and the window against bare ones, measured in the same run.

    .venv/bin/python bench/bench_startup.py [--runs 7]

Each sample is a fresh interpreter (whole process, start to exit), interleaved with its
baseline after one unmeasured warm-up of each:

- ``review-desk --version`` (``python -m app --version``) against a bare argparse script
  that builds a parser with a ``--version`` action and parses ``--version``;
- the window (offscreen): imports, builds and shows our main window (catalog, shipped CJK
  font, Qt translation, the empty state), runs the event loop once and exits, in English
  and in Chinese, against a bare ``QMainWindow`` shown the same way.

Before measuring, the repository's modules are byte-compiled (``compileall``), as an
installed program's are, so neither side pays for compiling source (PySide6's modules come
compiled). Targets: each at most 1.3x its baseline (median). DESIGN asks for "about the time a bare
window takes".
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

BARE_WINDOW = """
import importlib
widgets = importlib.import_module("PySide6.QtWidgets")
app = widgets.QApplication([])
w = widgets.QMainWindow(); w.resize(1180, 740); w.show(); app.processEvents()
import os; os._exit(0)
"""

OUR_WINDOW = """
from ui import launch
app, zoom = launch.prepare_application("{lang}")
w = launch.build_main_window(demo=False, workspace=None, zoom=zoom); w.show(); app.processEvents()
import os; os._exit(0)
"""

BARE_ARGPARSE = """
import argparse
parser = argparse.ArgumentParser(prog="review-desk", description="Expert Review Desk")
parser.add_argument("--version", action="version", version="review-desk 1.0")
parser.add_argument("--lang", choices=("zh_CN", "en"))
parser.parse_args(["--version"])
"""

TARGET = 1.3


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--runs", type=int, default=7, help="samples of each (default 7)")
    parser.add_argument("--skip-window", action="store_true", help="only the command")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 1
    python = sys.executable
    benchlib.compile_sources()
    rows = []
    with tempfile.TemporaryDirectory() as home:
        env = dict(benchlib.python_env(), XDG_CONFIG_HOME=home, HOME=home, LANG="C.UTF-8")
        times = benchlib.processes(
            args.runs,
            {
                "ours": [python, "-m", "app", "--version"],
                "bare": [python, "-c", BARE_ARGPARSE],
            },
            env=env,
            warmup=0 if args.quick else 1,
        )
        rows.append(
            benchlib.ratio_row(
                "startup",
                "review-desk --version",
                times["ours"],
                times["bare"],
                "bare argparse script",
                max_ratio=TARGET,
            )
        )
        if not args.skip_window:
            times = benchlib.processes(
                args.runs,
                {
                    "bare": [python, "-c", BARE_WINDOW],
                    "en": [python, "-c", OUR_WINDOW.format(lang="en")],
                    "zh_CN": [python, "-c", OUR_WINDOW.format(lang="zh_CN")],
                },
                env=env,
                warmup=0 if args.quick else 1,
            )
            for lang in ("en", "zh_CN"):
                rows.append(
                    benchlib.ratio_row(
                        "startup",
                        f"window shown ({lang})",
                        times[lang],
                        times["bare"],
                        "bare QMainWindow",
                        max_ratio=TARGET,
                    )
                )
    return rows


if __name__ == "__main__":
    os.chdir(benchlib.REPO)
    raise SystemExit(benchlib.main(measure))
