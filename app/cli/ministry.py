"""``review-desk ministry``: the ministry's desk on the command line.

This module makes the ``ministry`` parser; its actions live in one module each
(:mod:`app.cli.ministry_decisions`: ``decide``, ``close``, ``announce``, ``export``), each
exposing ``register(sub)`` over the ``ministry`` subparsers.
"""

from __future__ import annotations

from typing import Any

from app.cli import ministry_decisions
from app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ministry", help=_("the ministry's desk: decisions, announcement and register")
    )
    sub = parser.add_subparsers(dest="ministry_command", metavar="ACTION", required=True)
    ministry_decisions.register(sub)
