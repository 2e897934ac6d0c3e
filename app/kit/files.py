"""Streaming atomic writes for kits and the packages copied out of them.

Kits hold whole packages (possibly hundreds of MB), so :func:`app.formats.atomic_file.atomic_write`
(bytes in memory) does not fit: blocks are streamed into a temporary file next to the
target (mode 0600), fsynced and renamed, and the folder is fsynced. On any failure the
temporary file is removed and the target is untouched (old or new, never partial). The
temporary file is named and created, and the stale ones of killed writes swept, by
:func:`app.formats.atomic_file.create_temporary`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from app.formats.atomic_file import create_temporary


def write_stream_atomically(out: Path, blocks: Iterable[bytes], mode: int = 0o600) -> int:
    """Write ``blocks`` to ``out`` atomically; returns the size. Raises :class:`OSError`
    (callers translate it) or whatever the iterator raises, leaving ``out`` untouched."""
    directory = out.parent if str(out.parent) else Path(".")
    fd, tmp_name = create_temporary(directory, out.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)
            for block in blocks:
                fh.write(block)
            fh.flush()
            os.fsync(fh.fileno())
            size = fh.tell()
        os.replace(tmp_name, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(directory)
    return size


def _fsync_directory(directory: Path) -> None:
    if os.name == "nt":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
