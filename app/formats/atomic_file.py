"""Every file the program writes goes through :func:`atomic_write`.

A reader (or a crash, or a power cut) sees either the old file or the complete new one,
never a torn mixture: the bytes go to a temporary file in the same directory (created with
restrictive permissions, so a secret is never world-readable even for a moment), are
fsynced, then ``os.replace`` swaps the name and the directory itself is fsynced so the
rename is durable.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def atomic_write(path: str | os.PathLike[str], data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically; the file ends up with permissions ``mode``.

    The default mode ``0o600`` suits keys and private documents; pass ``0o644`` for files
    meant to be shared (certificates, trust bundles). The target directory must exist.
    Raises :class:`OSError` as the operating system reports it; callers translate it.
    """
    import tempfile  # here, not at the top: reading commands import this module and never write

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):  # POSIX; Windows has no per-user mode bits to set
                os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable. Windows cannot open a directory; NTFS journals renames."""
    if os.name == "nt":
        return
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
