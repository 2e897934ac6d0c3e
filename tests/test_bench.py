"""Smoke test of the benchmarks: every one runs (tiny sizes, one repetition) and prints its
rows in ``bench/run_all.py``'s table, and every script answers ``--help``. Nothing here
looks at a time: the figures are for reading."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")


@pytest.mark.tool("age")
def test_every_benchmark_runs_and_prints_its_rows(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        from run_all import BENCHES
    finally:
        sys.path.remove(str(BENCH))
    env = dict(_env(), HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), TMPDIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), "--quick", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    header = next(line for line in done.stdout.splitlines() if line.startswith("bench "))
    for column in ("metric", "program", "baseline", "ratio", "target", "met?"):
        assert column in header
    marker = next(line for line in done.stdout.splitlines() if line.startswith("BENCH-ROWS "))
    import json

    rows = json.loads(marker[len("BENCH-ROWS ") :])
    assert {row["bench"] for row in rows} == set(BENCHES)
    for row in rows:
        assert row["program"] >= 0 and row["metric"]
        assert row["bench"] in done.stdout


def test_every_script_answers_help() -> None:
    scripts = sorted(p for p in BENCH.glob("*.py") if p.name != "benchlib.py")
    code = (
        "import runpy, sys\n"
        "for path in sys.argv[1:]:\n"
        "    sys.argv = [path, '--help']\n"
        "    try:\n"
        "        runpy.run_path(path, run_name='__main__')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code in (0, None), (path, exc.code)\n"
        "    else:\n"
        "        raise AssertionError(path + ' did not exit on --help')\n"
        "    print('HELP-OK', path)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, scripts)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for script in scripts:
        assert f"HELP-OK {script}" in done.stdout
        assert "usage:" in done.stdout
