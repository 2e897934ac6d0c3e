"""``review-desk``: the command line. Every use case the window offers is reachable here too.

Subcommands live in one module each (``app/cli/<name>.py``) exposing
``register(subparsers)``; heavy libraries are imported inside the handlers, never at import
time, so ``review-desk --help`` stays fast. The command line is parsed first: only the
subcommand it names is imported and registered (none for ``--version``; all for the
top-level help, an unknown command or the window), and the composition (the demo's PDF
maker) is wired only once a handler is about to run. The window is started through :mod:`ui.launch`,
imported only when a GUI is asked for (``app`` itself never imports Qt).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

from app import __version__
from app.cli.argparse_text import translate_argparse
from app.errors import UserCancelled, UserFacingError
from app.formats.text import terminal
from app.i18n import LocalizedText, _, detect_language, set_language

if TYPE_CHECKING:
    from app.domain.meeting import Application
    from app.secretary.publish import Exporters

SUBCOMMAND_MODULES = (
    "demo",
    "audit",
    "pki",
    "package",
    "kit",
    "results",
    "ministry",
    "secretary",
    "report",
    "open",
)


def _modules_for(argv: Sequence[str] | None) -> Sequence[str]:
    """The subcommand modules parsing ``argv`` needs (all of them when ``argv`` is None)."""
    if argv is None:
        return SUBCOMMAND_MODULES
    words = list(argv)
    positional = None
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--lang":
            i += 2
            continue
        if word == "--":
            return SUBCOMMAND_MODULES
        if not word.startswith("-"):
            positional = word
            break
        i += 1
    if positional is not None:
        return (positional,) if positional in SUBCOMMAND_MODULES else SUBCOMMAND_MODULES
    if "--version" in words and not {"-h", "--help"} & set(words):
        return ()  # the version action exits before any subcommand is looked at
    return SUBCOMMAND_MODULES


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the subcommand module it needs is imported."""
    parser = argparse.ArgumentParser(
        prog="review-desk",
        description=_(
            "Expert Review Desk: offline expert-review meetings with signed, encrypted files."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"review-desk {__version__}",
        help=_("show the program's version and exit"),
    )
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en"),
        help=_("language of the window and messages (default: follow the locale)"),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _modules_for(argv):
        try:
            module = importlib.import_module(f"app.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"app.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    set_language(_pre_parse_lang(args_list) or detect_language())
    translate_argparse()
    parser = build_parser(args_list)
    with escaped_output():  # usage errors repeat what was typed
        args = parser.parse_args(args_list)
    _compose()
    handler = getattr(args, "handler", None)
    if handler is None:
        try:
            return launch_gui(language=args.lang, demo=False, workspace=None)
        except KeyboardInterrupt:
            return 130
    with escaped_output():
        try:
            result = handler(args)
            return int(result or 0)
        except UserCancelled:
            return 1
        except UserFacingError as exc:
            print(_("error: {message}", message=exc.message), file=sys.stderr)
            if exc.recommendation:
                print(exc.recommendation, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130


class _EscapingWriter:
    """A text stream that passes everything written through :func:`app.formats.text.terminal`."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(terminal(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextlib.contextmanager
def escaped_output() -> Iterator[None]:
    """While a command runs, whatever it prints (applicant text, names from certificates,
    file names in messages) reaches the terminal with controls and bidi formatting escaped,
    so outside text can neither send escape sequences nor reorder what is shown."""
    saved = sys.stdout, sys.stderr
    if saved[0] is not None:
        sys.stdout = cast(TextIO, _EscapingWriter(saved[0]))
    if saved[1] is not None:
        sys.stderr = cast(TextIO, _EscapingWriter(saved[1]))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _compose() -> None:
    """Composition root: ``app`` may not import ``export``, so the CLI hands the demo
    builder its PDF maker (reportlab is imported only when a demo is really built)."""
    from app.demo.attachments import use_attachment_maker

    use_attachment_maker(demo_attachments)


def demo_attachments(application: Application) -> Sequence[tuple[str, LocalizedText, bytes]]:
    """The demo PDFs of ``application`` (export/demo_attachments.py, reportlab).

    Loaded by name like the window module, so ``mypy app`` does not type-check ``export``.
    """
    module = importlib.import_module("export.demo_attachments")
    made: Sequence[tuple[str, LocalizedText, bytes]] = module.demo_attachments(application)
    return made


def publish_exporters() -> Exporters:
    """The report, signature and workbook exporters publishing needs (``secretary publish``,
    ``report sign``, ``demo --complete``; ``export``: reportlab, pyHanko, openpyxl), loaded
    by name only when called."""
    from app.secretary.publish import Exporters

    model = importlib.import_module("export.report_model")
    pdf = importlib.import_module("export.report_pdf")
    pades = importlib.import_module("export.pades")
    policy = importlib.import_module("export.pdf_policy")
    xlsx = importlib.import_module("export.xlsx")
    return Exporters(
        report_input=model.ReportInput,
        render_report=pdf.render_report,
        matches_signed_results=pdf.matches_signed_results,
        prepare_for_signing=pades.prepare_for_signing,
        sign_pdf=pades.sign_pdf,
        verify_report=policy.verify_report,
        render_workbook=xlsx.render_workbook,
        chair_field=str(pades.CHAIR_FIELD),
        secretary_field=str(pades.SECRETARY_FIELD),
    )


demo_exporters = publish_exporters
"""The name ``review-desk demo --complete`` has always used."""


def _pre_parse_lang(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def launch_gui(
    *, language: str | None, demo: bool, workspace: str | None, open_file: str | None = None
) -> int:
    """Start the window (and open ``open_file`` in it: ``review-desk open``). ``app`` never
    imports Qt; the window module is loaded only here."""
    launch = importlib.import_module("ui.launch")
    return int(launch.run(language=language, demo=demo, workspace=workspace, open_file=open_file))


if __name__ == "__main__":
    raise SystemExit(main())
