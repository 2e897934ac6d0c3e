"""argparse's own words ("usage:", "options", "show this help message and exit", its error
messages) through our catalog, so ``review-desk --lang zh_CN --help`` is Chinese throughout.

argparse looks its texts up through the module-level ``_`` and ``ngettext`` it imported from
:mod:`gettext` (the hook the standard library leaves for this); :func:`translate_argparse`
points them at :mod:`app.i18n`. The strings are listed here so the catalog holds them; the
ones only a programming error can show (conflicting options and the like) stay English.
"""

from __future__ import annotations

import argparse

from app.i18n import N_, gettext, ngettext

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unexpected option string: %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
)


def _plurals() -> tuple[str, ...]:
    """argparse's counted messages, for the catalog (argparse itself asks with its own n)."""
    return (ngettext("expected %s argument", "expected %s arguments", 2),)


def translate_argparse() -> None:
    """Make argparse ask our catalog, in the language set now and after any later switch."""
    setattr(argparse, "_", gettext)  # noqa: B010 - argparse's own module global
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
