"""``review-desk demo``: the built-in demo meeting, in the window or as files on disk.

The first run builds the full demo material (:mod:`app.demo.build`): a demo certificate
authority, identities with documented demo passphrases, signed encrypted packages with PDF
attachments, the secretary's meeting kit and the expert workspace imported from it. Later
runs keep what is there.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.i18n import _


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo",
        help=_("open the built-in demo meeting"),
        description=_(
            "Create the demo workspace (if it does not exist yet) and open it. The demo meeting "
            "is fictional: six applications, seven experts, the default rubric."
        ),
    )
    parser.add_argument(
        "--dir",
        type=Path,
        help=_(
            "folder of the demo workspace (default: {path})", path="~/.local/share/review-desk/demo"
        ),
    )
    parser.add_argument(
        "--no-gui",
        action="store_true",
        help=_("only write the demo workspace and print where it is"),
    )
    parser.add_argument(
        "--complete",
        action="store_true",
        help=_(
            "also play the demo meeting to the end with the demo sample sheets and write the "
            "signed PDF report, the XLSX workbook and the signed result bundle into the folder"
        ),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.cli import demo_attachments
    from app.workspaces import default_demo_dir, ensure_demo_workspace, read_meeting
    from storage.stores import SqliteStores

    stores = SqliteStores()
    directory = (args.dir or default_demo_dir()).expanduser().resolve()
    if _window_builds_it(args, directory):
        from app.cli import launch_gui

        # The window builds the demo off its GUI thread and shows progress meanwhile.
        return launch_gui(language=getattr(args, "lang", None), demo=True, workspace=None)
    path, created = ensure_demo_workspace(stores, directory, attachment_maker=demo_attachments)
    if args.no_gui:
        meeting, rubric = read_meeting(stores, path)
        if created:
            print(_("Demo workspace written to {path}", path=str(path)))
        else:
            print(_("Demo workspace already present at {path}", path=str(path)))
        print(
            _(
                "{title}: {applications} applications, {experts} experts, rubric {rubric}",
                title=str(meeting.title),
                applications=len(meeting.applications),
                experts=len(meeting.experts),
                rubric=rubric.id,
            )
        )
        _print_material(directory)
        if getattr(args, "complete", False):
            _complete(directory)
        return 0
    if getattr(args, "complete", False):
        _complete(directory)
    from app.cli import launch_gui

    return launch_gui(language=getattr(args, "lang", None), demo=True, workspace=str(path))


def _window_builds_it(args: argparse.Namespace, directory: Path) -> bool:
    """The window alone, on the default demo folder: it opens (or builds) the demo itself."""
    from app.workspaces import default_demo_dir

    plain = not args.no_gui and not getattr(args, "complete", False)
    return plain and directory == default_demo_dir().expanduser().resolve()


def _print_material(directory: Path) -> None:
    """Where each demo file is, and the passphrases (all of them fictional demo secrets)."""
    from app.demo.build import demo_summary

    summary = demo_summary(directory)
    if not summary.kit.exists():
        return
    print(_("Meeting kit: {path}", path=str(summary.kit)))
    print(_("Packages (encrypted): {path}", path=str(summary.packages_dir)))
    print(_("Identities: {path}", path=str(summary.identities["secretary"].parent)))
    print(_("Trust roots: {path}", path=str(summary.trust_roots)))
    print(_("Demo passphrases (never use them for real work):"))
    for name, passphrase in summary.passphrases.items():
        print(f"  {name}: {passphrase}")


def _complete(directory: Path) -> None:
    """Play the demo meeting to the end and print where the official outputs are."""
    import datetime as dt

    from app.cli import demo_exporters
    from app.demo.complete import complete_demo, output_paths
    from storage.stores import SqliteStores

    report, workbook, bundle = output_paths(directory)
    if report.exists() and workbook.exists() and bundle.exists():
        print(_("The demo meeting is already complete in {path}", path=str(directory)))
    else:
        print(_("Playing the demo meeting to the end with the demo sample sheets (DEMO data)..."))
        done = complete_demo(
            SqliteStores(), directory, demo_exporters(), lambda: dt.datetime.now(dt.UTC)
        )
        if done.flagged:
            print(
                _(
                    "Scores too far apart (dispersion flag): {applications}",
                    applications=", ".join(done.flagged),
                )
            )
        print(_("Results SHA-256 (printed in the report): {hash}", hash=done.results_hash))
        print(
            _(
                "Meeting key passphrase of the secretary's kit (demo secret): {passphrase}",
                passphrase=done.meeting_key_passphrase,
            )
        )
    print(_("Signed report (chair, then secretary): {path}", path=str(report)))
    print(_("Workbook: {path}", path=str(workbook)))
    print(_("Signed result bundle: {path}", path=str(bundle)))
    print(
        _(
            "Check it: review-desk results verify {bundle} --trust {roots}",
            bundle=str(bundle),
            roots=str(directory / "trust-roots.pem"),
        )
    )
