"""atomic_write's temporary files: named after their writer, created exclusively, and the
stale ones (their writer gone) swept at the next write of the same target - nothing else."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.formats.atomic_file import (
    atomic_write,
    create_temporary,
    sweep_stale_temporaries,
    temporary_name,
)


def _dead_pid() -> int:
    """The id of a process that has run and been reaped (so no process has it now)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    """A process other than this one, running (blocked on its stdin) until the test ends."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    yield child.pid
    assert child.stdin is not None
    child.stdin.close()
    child.wait()


def _temporaries(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


def test_the_next_write_removes_a_dead_writers_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    stale = tmp_path / temporary_name("report.pdf", _dead_pid())
    stale.write_bytes(b"half a report")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert _temporaries(tmp_path, "report.pdf") == []


def test_a_live_writers_temporary_is_kept(tmp_path: Path, live_pid: int) -> None:
    others = tmp_path / temporary_name("report.pdf", live_pid)
    ours = tmp_path / temporary_name("report.pdf")  # this process: alive, maybe another thread
    for path in (others, ours):
        path.write_bytes(b"being written")
    atomic_write(tmp_path / "report.pdf", b"new")
    assert _temporaries(tmp_path, "report.pdf") == sorted([others.name, ours.name])


def test_nothing_but_this_targets_temporaries_of_this_host_is_touched(tmp_path: Path) -> None:
    dead = _dead_pid()
    kept = [
        temporary_name("other.pdf", dead),  # another target
        temporary_name("report.pdf", dead).replace(".report.pdf.", ".reportXpdf."),  # '.' literal
        ".report.pdf.abcd1234.tmp",  # tempfile.mkstemp's form: no writer in the name
        f".report.pdf.00000000.{dead}.0123456789ab.tmp",  # another machine's (shared folder)
        temporary_name("report.pdf", dead) + ".bak",
        "report.pdf.tmp",
        temporary_name("report.pdf", dead)[1:],  # not hidden: not ours
    ]
    for name in kept:
        (tmp_path / name).write_bytes(b"x")
    folder = tmp_path / temporary_name("report.pdf", dead)
    folder.mkdir()  # a folder with our name: not a regular file
    victim = tmp_path / "precious"
    victim.write_bytes(b"keep me")
    link = tmp_path / temporary_name("report.pdf", dead)
    link.symlink_to(victim)
    stale = tmp_path / temporary_name("report.pdf", dead)
    stale.write_bytes(b"x")
    assert sweep_stale_temporaries(tmp_path, "report.pdf") == 1
    assert not stale.exists()
    assert all((tmp_path / name).exists() for name in kept)
    assert folder.is_dir() and link.is_symlink() and victim.read_bytes() == b"keep me"


def test_the_temporary_is_created_exclusively_and_private(tmp_path: Path) -> None:
    fd, name = create_temporary(tmp_path, "key.pem")
    os.close(fd)
    path = Path(name)
    assert path.parent == tmp_path
    assert path.name.startswith(".key.pem.") and f".{os.getpid()}." in path.name
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sweep_stale_temporaries(tmp_path, "key.pem") == 0  # its writer (we) is alive


def test_a_folder_that_cannot_be_listed_is_not_an_error(tmp_path: Path) -> None:
    assert sweep_stale_temporaries(tmp_path / "missing", "report.pdf") == 0
