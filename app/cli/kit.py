"""``review-desk kit``: look into, verify and import a meeting kit (``*.oikit``).

* ``kit inspect FILE`` - the manifest as found (not verified), no key needed;
* ``kit verify FILE --trust ROOTS.pem`` - every stage of kit v1 against your own roots;
* ``kit import FILE --dir DIR --trust ROOTS.pem`` - create the expert-side workspace.

``--trust`` is the reader's own trust roots (for an expert, the certificate authority that
issued their identity): the kit's own ``trust-roots.pem`` is never used to verify the kit.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "kit",
        help=_("inspect, verify or import a meeting kit"),
        description=_("Meeting kits (*.oikit): what the secretary hands to each expert."),
    )
    sub = parser.add_subparsers(dest="kit_command", metavar="ACTION", required=True)
    inspect = sub.add_parser("inspect", help=_("show a kit's manifest without verifying it"))
    inspect.add_argument("file", type=Path, help=_("the meeting kit (.oikit)"))
    inspect.set_defaults(handler=run_inspect)
    verify = sub.add_parser("verify", help=_("verify a kit against your trust roots"))
    verify.add_argument("file", type=Path, help=_("the meeting kit (.oikit)"))
    verify.add_argument("--trust", type=Path, required=True, help=_("your trust roots (PEM)"))
    verify.set_defaults(handler=run_verify)
    imp = sub.add_parser("import", help=_("create the expert workspace from a kit"))
    imp.add_argument("file", type=Path, help=_("the meeting kit (.oikit)"))
    imp.add_argument("--dir", type=Path, required=True, help=_("folder of the new workspace"))
    imp.add_argument("--trust", type=Path, required=True, help=_("your trust roots (PEM)"))
    imp.set_defaults(handler=run_import)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_inspect(args: argparse.Namespace) -> int:
    from app.kit.reader import inspect_kit

    found = inspect_kit(args.file)
    print(_("Meeting kit {path} (signature NOT verified)", path=str(args.file)))
    print(_("kit hash: {hash}", hash=found.kit_hash))
    print(_("kit id: {id}; meeting: {meeting}", id=found.kit_id, meeting=found.meeting_id))
    print(_("created: {time}", time=found.created_at.isoformat()))
    for member in found.members:
        print(f"  {member.name}  {member.size}  {member.sha256}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from app.crypto.pki import crl_signer, load_trust_file
    from app.crypto.profile import common_name
    from app.kit.reader import open_kit

    now = _now()
    trust = load_trust_file(args.trust, now)
    with open_kit(args.file, trust.roots, now, crls=trust.crls) as kit:
        print(_("The meeting kit is intact and signed by {name}.", name=kit.signer.common_name))
        print(_("kit hash: {hash}", hash=kit.kit_hash))
        print(
            _(
                "{title}: {applications} applications, {experts} experts, rubric {rubric}",
                title=str(kit.meeting.title),
                applications=len(kit.meeting.applications),
                experts=len(kit.meeting.experts),
                rubric=kit.rubric.id,
            )
        )
        for crl in kit.crls:  # what the experts' machines will apply (kit-v1 §4.1)
            root = crl_signer(crl, trust.roots)
            until = crl.next_update_utc
            print(
                _(
                    "revocation list from {name}: {count} revoked, valid until {date}",
                    name=common_name(root) if root is not None else "?",
                    count=len(crl),
                    date=until.strftime("%Y-%m-%d %H:%M UTC") if until is not None else "-",
                )
            )
    return 0


def run_import(args: argparse.Namespace) -> int:
    from app.crypto.pki import load_trust_file
    from app.expert.kit_import import import_kit
    from storage.stores import SqliteStores

    directory = args.dir.expanduser().resolve()
    now = _now()
    trust = load_trust_file(args.trust, now)
    outcome = import_kit(SqliteStores(), args.file, directory, trust.roots, now, crls=trust.crls)
    print(str(outcome.message))
    print(_("kit hash: {hash}", hash=outcome.kit_hash))
    return 0
