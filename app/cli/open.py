"""``review-desk open FILE``: open one of the program's files in the window that uses it.

This is what a double-click in the file manager runs (the .deb's desktop entry has
``Exec=review-desk open %f``, which is ``review-desk open`` alone when started from the menu;
the Windows installer's file associations the same): a meeting
kit opens in the expert's kit import, a result bundle in the ministry desk's import, and
the other kinds open the start window, which says where that file is used
(:mod:`app.file_kinds`). The file is checked here first, so a wrong one is refused with a
message before any window starts.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.errors import UserFacingError
from app.file_kinds import FileKind, kind_of
from app.i18n import Msg, _


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "open",
        help=_("open a file of the program (kit, bundle, package…) in its window"),
        description=_(
            "Open FILE in the window that uses it: a meeting kit (*.oikit) in the expert's "
            "kit import, a result bundle (*.oibundle) in the ministry desk's import; for the "
            "other files of the program the start window says where they are used."
        ),
    )
    parser.add_argument(
        "file",
        type=Path,
        nargs="?",
        metavar="FILE",
        help=_("the file to open (without it: the start window, as plain review-desk)"),
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        default=argparse.SUPPRESS,  # keeps a --lang given before the command
        help=_("language of the window and messages (default: follow the locale)"),
    )
    parser.set_defaults(handler=run)


def checked_file(path: Path) -> Path:
    """``path`` made absolute, if it is an existing file of a kind the program opens."""
    extensions = ", ".join(f"*{kind.extension}" for kind in FileKind)
    if kind_of(path) is None:
        raise UserFacingError(
            Msg.of("{file} is not a file of Expert Review Desk.", file=str(path)),
            Msg.of("The program opens these files: {extensions}.", extensions=extensions),
        )
    if not path.is_file():
        raise UserFacingError(
            Msg.of("{file}: there is no such file.", file=str(path)),
            Msg.of("Check the file name and the folder."),
        )
    return path.expanduser().resolve()


def run(args: argparse.Namespace) -> int:
    """The window on the file; with no file (a menu entry whose ``%f`` was left empty), the
    start window alone."""
    path = None if args.file is None else str(checked_file(args.file))
    from app.cli import launch_gui

    return launch_gui(
        language=getattr(args, "lang", None), demo=False, workspace=None, open_file=path
    )
