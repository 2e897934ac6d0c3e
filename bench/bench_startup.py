"""Start-up time of the window against a bare PySide6 window, measured in the same run.

    .venv/bin/python bench/bench_startup.py [--runs 7]

Each sample is a fresh interpreter (offscreen) that imports, builds and shows a window, runs
the event loop once and exits; the median of ``--runs`` samples is printed for a bare
``QMainWindow`` and for our main window (catalog, shipped CJK font, Qt translation, the
empty state), and the ratio ours / bare. DESIGN asks for "about the time a bare window takes".
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

BARE = """
import importlib
widgets = importlib.import_module("PySide6.QtWidgets")
app = widgets.QApplication([])
w = widgets.QMainWindow(); w.resize(1180, 740); w.show(); app.processEvents()
"""

OURS = """
from ui import launch
app, zoom = launch.prepare_application("{lang}")
w = launch.build_main_window(demo=False, workspace=None, zoom=zoom); w.show(); app.processEvents()
"""


def sample(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code + "\nimport os; os._exit(0)\n"], cwd=REPO, env=env, check=True
    )
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=home, HOME=home)
        sample(BARE, env)  # warm the file cache once
        sample(OURS.format(lang="en"), env)
        bare = [sample(BARE, env) for _ in range(args.runs)]
        ours_en = [sample(OURS.format(lang="en"), env) for _ in range(args.runs)]
        ours_zh = [sample(OURS.format(lang="zh_CN"), env) for _ in range(args.runs)]
    b, e, z = (statistics.median(x) for x in (bare, ours_en, ours_zh))
    print(f"bare PySide6 window      {b * 1000:7.0f} ms (median of {args.runs})")
    print(f"review-desk window (en)  {e * 1000:7.0f} ms   ratio {e / b:.2f}")
    print(f"review-desk window (zh)  {z * 1000:7.0f} ms   ratio {z / b:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
