"""bench/bench_cms.py runs (``--help``, ``--quick``); nothing about its numbers is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_cms.py"


def test_help_works() -> None:
    done = subprocess.run([sys.executable, str(BENCH), "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--signatures" in done.stdout


def test_quick_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(BENCH.parent))
    try:
        import bench_cms

        assert bench_cms.main(["--quick"]) == 0
    finally:
        sys.path.remove(str(BENCH.parent))
    out = capsys.readouterr().out
    assert "raw ECDSA verify" in out and "path cached" in out and "target: warm <= 3x" in out
