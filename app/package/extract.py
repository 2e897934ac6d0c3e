"""Writing a package's members to disk - only when the user explicitly asks for it.

Each member is streamed into a temporary file in its target folder, its SHA-256 checked,
fsynced and then *linked* to its name (which fails rather than overwrite). Every target is
checked before anything is written; on any failure, whatever this call wrote is removed.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

from app.formats.atomic_file import create_temporary
from app.i18n import Msg
from app.package.errors import PackageExtractError
from app.package.reader import OpenedPackage
from app.package.zipcheck import name_problem

_UNSAFE_CHARACTERS: Final = frozenset('<>:"|?*')


def _refuse(message: Msg, detail: str) -> PackageExtractError:
    return PackageExtractError(
        message, Msg.of("Choose an empty folder, or remove the old files first."), detail
    )


def _targets(opened: OpenedPackage, to_dir: Path) -> list[tuple[str, Path]]:
    targets: list[tuple[str, Path]] = []
    folded: set[str] = set()
    for name in opened.member_names:
        segments = name.split("/")
        if name_problem(name) is not None or any(
            set(s) & _UNSAFE_CHARACTERS or s.endswith((" ", ".")) for s in segments
        ):
            raise _refuse(
                Msg.of("The member name “{name}” is not safe to write.", name=name), "unsafe name"
            )
        if name.casefold() in folded:
            raise _refuse(
                Msg.of("Two members differ only in letter case ({name}).", name=name), "case clash"
            )
        folded.add(name.casefold())
        target = to_dir.joinpath(*segments)
        for parent in list(reversed(target.parents))[len(to_dir.parents) :]:
            if parent.is_symlink() or (parent.exists() and not parent.is_dir()):
                raise _refuse(
                    Msg.of("{path} is not a plain folder.", path=str(parent)), "bad parent"
                )
        if os.path.lexists(target):
            raise _refuse(Msg.of("{path} already exists.", path=str(target)), "target exists")
        targets.append((name, target))
    return targets


def extract(opened: OpenedPackage, to_dir: Path) -> tuple[Path, ...]:
    """Write every member of ``opened`` under ``to_dir`` (created if missing); return the
    files written. Never overwrites; refuses unsafe names (also on Windows rules)."""
    to_dir = Path(to_dir)
    try:
        to_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _refuse(
            Msg.of("Cannot create the folder {path}.", path=str(to_dir)), f"OSError: {exc.strerror}"
        ) from exc
    if to_dir.is_symlink() or not to_dir.is_dir():
        raise _refuse(Msg.of("{path} is not a plain folder.", path=str(to_dir)), "bad folder")
    written: list[Path] = []
    created: list[Path] = []
    try:
        for name, target in _targets(opened, to_dir):
            for parent in reversed(target.parents):
                if len(parent.parts) > len(to_dir.parts) and not parent.exists():
                    parent.mkdir()
                    created.append(parent)
            _write_member(opened, name, target)
            written.append(target)
    except OSError as exc:
        _rollback(written, created)
        raise _refuse(
            Msg.of("Cannot write into {path}.", path=str(to_dir)), f"OSError: {exc.strerror}"
        ) from exc
    except BaseException:
        _rollback(written, created)
        raise
    return tuple(written)


def _write_member(opened: OpenedPackage, name: str, target: Path) -> None:
    fd, tmp = create_temporary(target.parent, "extract")
    try:
        with os.fdopen(fd, "wb") as fh:
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), 0o600)
            for piece in opened.iter_member(name):
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise _refuse(
                Msg.of("{path} already exists.", path=str(target)), "target appeared"
            ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _rollback(written: list[Path], created: list[Path]) -> None:
    for path in reversed(written):
        with contextlib.suppress(OSError):
            path.unlink()
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()
