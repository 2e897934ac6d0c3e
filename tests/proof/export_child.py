"""Child process of the export kills (matrix M16): write one export's bytes to its target
through the writer that export uses, pausing at a chosen unit of work until killed.

    python -m tests.proof.export_child WRITER TARGET NEW_BYTES_FILE KILL_AT

``WRITER`` is ``atomic`` (:func:`app.formats.atomic_file.atomic_write`: the report PDF, the
workbook, the bundle - ``app/secretary/publish.py`` - and the sheet file -
``app/sheets/sheet_writer.py``) or ``stream``
(:func:`app.kit.files.write_stream_atomically`: the kit, ``app/kit/builder.py``, in 64 KiB
blocks as the builder streams it). The bytes are the real export's output (taken from the
proof meeting by the parent), so only the writing runs here: the rendering and signing
before it never touch the target.

Units of work, counted from 1: the temporary file created; each write call, split in two
halves with a unit between them (so a kill can leave a half-written temporary file); the
fsync of the file; the rename; the fsync of the folder. At unit ``KILL_AT`` the child prints
``paused N`` and blocks on stdin until the parent kills it with SIGKILL; if the write ends
first it prints ``done N`` (N units in all). No sleeps, no timing: the kill lands exactly at
the chosen unit whatever the machine's load.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

_units = 0
_kill_at = 0


def _unit() -> None:
    global _units
    _units += 1
    if _units == _kill_at:
        sys.stdout.write(f"paused {_units}\n")
        sys.stdout.flush()
        sys.stdin.read()  # blocks until the parent's SIGKILL
        raise SystemExit("the parent closed stdin instead of killing")


class _SplitWrites:
    """A file whose every write is made in two halves, with a unit of work between them."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, data: bytes) -> int:
        half = len(data) // 2
        self._inner.write(data[:half])
        self._inner.flush()
        _unit()
        self._inner.write(data[half:])
        self._inner.flush()
        _unit()
        return len(data)

    def __enter__(self) -> _SplitWrites:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _install_hooks() -> None:
    open_, fdopen, fsync, replace = os.open, os.fdopen, os.fsync, os.replace

    def hooked_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        made = open_(path, flags, *args, **kwargs)
        if flags & os.O_EXCL:  # the temporary file (app.formats.atomic_file.create_temporary)
            _unit()
        return made

    def hooked_fdopen(*args: Any, **kwargs: Any) -> Any:
        return _SplitWrites(fdopen(*args, **kwargs))

    def hooked_fsync(fd: int) -> None:
        fsync(fd)
        _unit()

    def hooked_replace(src: Any, dst: Any) -> None:
        replace(src, dst)
        _unit()

    setattr(os, "open", hooked_open)  # noqa: B010 - patched for this process
    setattr(os, "fdopen", hooked_fdopen)  # noqa: B010
    setattr(os, "fsync", hooked_fsync)  # noqa: B010
    setattr(os, "replace", hooked_replace)  # noqa: B010


def main(argv: list[str]) -> None:
    global _kill_at
    writer, target, new_file, kill_at = argv
    _kill_at = int(kill_at)
    data = Path(new_file).read_bytes()
    _install_hooks()
    if writer == "atomic":
        from app.formats.atomic_file import atomic_write

        atomic_write(Path(target), data, mode=0o600)
    elif writer == "stream":
        from app.kit.files import write_stream_atomically

        block = 64 * 1024
        write_stream_atomically(
            Path(target), (data[i : i + block] for i in range(0, len(data), block))
        )
    else:
        raise SystemExit(f"unknown writer {writer}")
    sys.stdout.write(f"done {_units}\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
