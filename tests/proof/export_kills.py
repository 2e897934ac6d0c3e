"""SIGKILL during each export (matrix M16), shared by ``tests/proof/test_export_kills.py`` and
``bench/stress_exports.py``: each trial writes an export's real bytes through its writer in
:mod:`tests.proof.export_child`, which pauses at a chosen unit of work; the parent kills it
there with SIGKILL and checks the target is exactly the old file (or absent, where the
export writes a new name), or exactly the new one, never anything else.

A kill cannot clean up: the hidden temporary file (``.NAME.HOST.PID.RANDOM.tmp``) stays next
to the target until the next write of that target sweeps it (its writer's id is dead:
:mod:`app.formats.atomic_file`). Trials count those (they are not the target and no reader
opens them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Export:
    name: str
    writer: str
    """``atomic`` or ``stream`` (see :mod:`tests.proof.export_child`)."""
    target: str
    new: bytes = field(repr=False)
    old: bytes | None = field(repr=False)
    """``None``: the export writes a name that does not exist yet (publication outputs)."""
    verify: Callable[[Path], object] | None = field(default=None, repr=False)
    """Reads the target as its user would (run on a new file)."""


@dataclass(frozen=True)
class Trial:
    export: str
    kill_at: int
    killed: bool
    """False: the write finished before unit ``kill_at`` (it has fewer units)."""
    state: str
    """``absent``, ``old`` or ``new`` - anything else raises."""
    leftovers: int
    """Temporary files the kill left behind."""


def run_trial(export: Export, folder: Path, kill_at: int) -> Trial:
    """One kill at unit ``kill_at`` (a fresh ``folder`` per trial)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / export.target
    if export.old is not None:
        target.write_bytes(export.old)
    new_file = folder.parent / f"{folder.name}.new"
    new_file.write_bytes(export.new)
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.proof.export_child", export.writer, str(target),
         str(new_file), str(kill_at)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert child.stdout is not None and child.stderr is not None and child.stdin is not None
    line = child.stdout.readline().decode()
    killed = line.startswith("paused")
    if killed:
        child.send_signal(signal.SIGKILL)
    child.wait()
    stderr = child.stderr.read().decode(errors="replace")
    for stream in (child.stdin, child.stdout, child.stderr):
        stream.close()
    if killed:
        assert child.returncode == -signal.SIGKILL, (child.returncode, stderr)
    else:
        assert line.startswith("done") and child.returncode == 0, (line, child.returncode, stderr)
    state = _state(export, target)
    if not killed:
        assert state == "new", f"{export.name}: a finished write left {state}"
    leftovers = [p for p in folder.iterdir() if p.name.startswith(f".{export.target}.")]
    new_file.unlink()
    return Trial(export.name, kill_at, killed, state, len(leftovers))


def _state(export: Export, target: Path) -> str:
    if not target.exists():
        assert export.old is None, f"{export.name}: the old file is gone"
        return "absent"
    data = target.read_bytes()
    if export.old is not None and data == export.old:
        return "old"
    assert data == export.new, (
        f"{export.name}: the target is neither the old nor the new file ({len(data)} bytes)"
    )
    if export.verify is not None:
        export.verify(target)
    return "new"
