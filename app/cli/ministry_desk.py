"""``review-desk ministry-desk [--db FILE]``: the ministry's desk window (import bundles from
many meetings, the register, each application's detail). ``--lang`` is the program's own
option, accepted after the command too."""

from __future__ import annotations

import argparse
from typing import Any

from app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ministry-desk", help=_("open the ministry's desk window (import and review bundles)")
    )
    parser.add_argument(
        "--db",
        help=_(
            "the ministry database (created at the first import; default: ministry.sqlite "
            "in the program's data folder)"
        ),
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        default=argparse.SUPPRESS,  # keeps a --lang given before the command
        help=_("language of the window and messages (default: follow the locale)"),
    )
    parser.set_defaults(handler=_open)


def _open(args: argparse.Namespace) -> int:
    import importlib

    launch = importlib.import_module("ui.launch")
    return int(launch.run_ministry_desk(language=getattr(args, "lang", None), database=args.db))
