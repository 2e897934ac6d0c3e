"""Every file the program writes goes through :func:`atomic_write` (or one of its streaming
counterparts, which share :func:`create_temporary`).

A reader (or a crash, or a power cut) sees either the old file or the complete new one,
never a torn mixture: the bytes go to a temporary file in the same directory (created with
restrictive permissions, so a secret is never world-readable even for a moment), are
fsynced, then ``os.replace`` swaps the name and the directory itself is fsynced so the
rename is durable.

**Temporary files and their sweep.** A writer that is killed (SIGKILL, power cut) cannot
remove its temporary file. So the name says who wrote it -
``.NAME.HOST.PID.RANDOM.tmp``: the target's name, the first 8 hex digits of the SHA-256 of
this machine's node name, the writer's process id, 12 random hex digits - and it is
created with ``O_CREAT | O_EXCL`` (never an existing file, never through a symlink). Before
each write of ``NAME``, :func:`sweep_stale_temporaries` removes the temporary files of that
same ``NAME`` in that folder whose writer is gone: the name matches the pattern exactly,
the host part is this machine's, the entry is a regular file (not a symlink, not a folder)
and no process with that id is running. Anything else stays: other files, other targets'
temporaries, temporaries of a running writer (another window, another thread of this
process, an unrelated process that has since taken the dead writer's id), and those
written by another machine (a shared folder: its process ids mean nothing here). The
worst case of that rule is a leftover kept, never a live writer's file removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import re
import secrets
import stat
import sys
from pathlib import Path
from typing import Final

_HOST: Final = hashlib.sha256(platform.node().encode("utf-8", "surrogatepass")).hexdigest()[:8]
_EXCLUSIVE: Final = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_NOINHERIT", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_ATTEMPTS: Final = 100


def atomic_write(path: str | os.PathLike[str], data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically; the file ends up with permissions ``mode``.

    The default mode ``0o600`` suits keys and private documents; pass ``0o644`` for files
    meant to be shared (certificates, trust bundles). The target directory must exist.
    Stale temporary files of earlier, killed writes of ``path`` are swept first (module doc).
    Raises :class:`OSError` as the operating system reports it; callers translate it.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = create_temporary(directory, target.name)
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


def create_temporary(directory: Path, name: str) -> tuple[int, str]:
    """Sweep ``name``'s stale temporaries in ``directory``, then create a new one (mode 0600,
    ``O_EXCL``); returns its open descriptor and path. Raises :class:`OSError`."""
    sweep_stale_temporaries(directory, name)
    for _ in range(_ATTEMPTS):
        tmp_name = os.path.join(directory, temporary_name(name))
        try:
            return os.open(tmp_name, _EXCLUSIVE, 0o600), tmp_name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {name} in {directory}")


def temporary_name(name: str, pid: int | None = None) -> str:
    """A fresh temporary file name for target ``name``, written by ``pid`` (default: us)."""
    writer = os.getpid() if pid is None else pid
    return f".{name}.{_HOST}.{writer}.{secrets.token_hex(6)}.tmp"


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(name)}\.{_HOST}\.([1-9][0-9]{{0,9}})\.[0-9a-f]{{12}}\.tmp")


def sweep_stale_temporaries(directory: Path, name: str) -> int:
    """Remove the temporary files of target ``name`` in ``directory`` whose writer is gone
    (exactly the rule of the module doc); returns how many. Never raises for a file it
    cannot judge or remove: a sweep is housekeeping, the write that follows is the point."""
    pattern = _pattern(name)
    removed = 0
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return 0
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _pid_alive(int(match.group(1))):
            continue
        try:
            if not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed += 1
    return removed


def _pid_alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine; in doubt, ``True`` (keep the file)."""
    if sys.platform == "win32":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: only the existence and permission checks
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, another user's
        return True
    return True


if sys.platform == "win32":

    def _windows_pid_alive(pid: int) -> bool:
        """``os.kill`` on Windows terminates; ask the kernel instead."""
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() != 87)  # ERROR_INVALID_PARAMETER: no such id
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable. Windows cannot open a directory; NTFS journals renames."""
    if os.name == "nt":
        return
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
