"""``review-desk results``: verify result bundles, import them at the ministry, export.

* ``results verify BUNDLE --trust ROOTS.pem [--identity MINISTRY.p12]`` prints every stage
  of bundle v1 section 7 (the report's signatures and content and the workbook included)
  with OK or the refusal and its reason; exit 0 only if all pass, 3 if refused;
* ``results import BUNDLE --db FILE --trust ROOTS.pem [--identity MINISTRY.p12]`` verifies,
  then imports (or says "already imported", or refuses as older / conflicting);
* ``results export --db FILE --xlsx OUT`` writes the summary workbook of every meeting.

The identity is needed only for a bundle sealed to the ministry. Secrets come from
``--passphrase-file`` or a no-echo prompt. The report and workbook checks
(``export.bundle_checks``: pyHanko, reportlab, openpyxl) are loaded by name and injected.
"""

from __future__ import annotations

import argparse
import importlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.cli.passphrases import read_passphrase
from app.i18n import _

EXIT_REFUSED = 3


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "results", help=_("verify, import and export meeting result bundles")
    )
    sub = parser.add_subparsers(dest="results_command", metavar="ACTION", required=True)

    verify = sub.add_parser("verify", help=_("check every stage of a result bundle"))
    _bundle_options(verify)
    verify.set_defaults(handler=_verify)

    imp = sub.add_parser("import", help=_("verify a result bundle and import it"))
    _bundle_options(imp)
    imp.add_argument("--db", required=True, help=_("the ministry database (created if absent)"))
    imp.set_defaults(handler=_import)

    export = sub.add_parser("export", help=_("write every imported meeting to a workbook"))
    export.add_argument("--db", required=True, help=_("the ministry database"))
    export.add_argument("--xlsx", required=True, help=_("the workbook to write (.xlsx)"))
    export.set_defaults(handler=_export)


def _bundle_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", help=_("the result bundle (.oibundle)"))
    parser.add_argument("--trust", required=True, help=_("the trusted root certificates (.pem)"))
    parser.add_argument(
        "--identity", help=_("the ministry's identity (.p12), for an encrypted bundle")
    )
    parser.add_argument("--passphrase-file", help=_("file holding the identity's passphrase"))


def _context(args: argparse.Namespace) -> tuple[list[Any], Any]:
    from app.crypto.identity import load_identity, read_identity_file
    from app.crypto.pki import load_trust_roots

    roots = load_trust_roots(args.trust)
    identity = None
    if args.identity:
        data = read_identity_file(args.identity)
        passphrase = read_passphrase(args.passphrase_file, prompt=_("Passphrase: "))
        identity = load_identity(data, passphrase)
    return roots, identity


def document_checks() -> Any:
    """The report and workbook checks (``export.bundle_checks``), loaded by name."""
    return importlib.import_module("export.bundle_checks").DocumentChecks()


def _verify(args: argparse.Namespace) -> int:
    from app.crypto.pki import load_trust_file
    from app.results import inspect_bundle

    _roots, identity = _context(args)
    now = datetime.now(UTC)
    trust = load_trust_file(args.trust, now)
    report = inspect_bundle(
        Path(args.bundle),
        trust.roots,
        now,
        ministry_identity=identity,
        documents=document_checks(),
        crls=trust.crls,
    )
    print_stages(report)
    if report.bundle_hash:
        print(_("Bundle hash:  {hash}", hash=report.bundle_hash))
    if report.results_hash:
        print(_("Results hash: {hash}", hash=report.results_hash))
    if report.problem is not None:
        print(report.problem.message)
        if report.problem.recommendation:
            print(report.problem.recommendation)
        return EXIT_REFUSED
    verified = report.verified
    assert verified is not None
    print(
        _(
            "Meeting {meeting}, round {round}, bundle version {version}: {sheets} signed "
            "sheets, {recusals} recusals, {absences} absences stated by the secretary.",
            meeting=verified.meeting_id,
            round=verified.round,
            version=verified.bundle_version,
            sheets=len(verified.sheets),
            recusals=len(verified.recusals),
            absences=len(verified.absences),
        )
    )
    for expert in verified.meeting.experts:
        print(
            _(
                "  expert {expert}  {name}  fingerprint {fingerprint}",
                expert=expert.id,
                name=expert.name,
                fingerprint=expert.fingerprint or "—",
            )
        )
    print(_("Compare these fingerprints with the signed sign-in sheet."))
    return 0


def print_stages(report: Any) -> None:
    """The stage checklist of a :class:`app.results.BundleInspection`, one line per stage
    (``results verify`` and ``ministry import`` print it alike)."""
    for outcome in report.stages:
        status = (
            _("OK")
            if outcome.passed
            else _("REFUSED")
            if outcome.passed is False
            else _("not checked")
        )
        print(_("{status:<12} {stage}", status=status, stage=outcome.stage.label))
        if outcome.reason is not None:
            print(" " * 13 + str(outcome.reason))


bundle_context = _context
"""The trust roots and the (optional) ministry identity of the bundle options."""


def _import(args: argparse.Namespace) -> int:
    from app.crypto.pki import load_trust_file
    from app.ministry.importing import import_bundle
    from app.ministry.replay import BundleReplayError
    from storage.ministry.database import MinistryDatabase

    _roots, identity = _context(args)
    now = datetime.now(UTC)
    trust = load_trust_file(args.trust, now)
    try:
        outcome = import_bundle(
            MinistryDatabase(Path(args.db)),
            Path(args.bundle),
            trust.roots,
            now,
            ministry_identity=identity,
            documents=document_checks(),
            crls=trust.crls,
        )
    except BundleReplayError as exc:
        print(exc.message)
        print(exc.recommendation)
        return EXIT_REFUSED
    print(outcome.message)
    print(_("Bundle hash: {hash}", hash=outcome.bundle_hash))
    return 0


def _export(args: argparse.Namespace) -> int:
    from storage.ministry.database import MinistryDatabase

    rows = MinistryDatabase(Path(args.db)).application_rows()
    module = importlib.import_module("export.ministry_xlsx")
    count = module.export_xlsx(rows, Path(args.xlsx), generated_at=datetime.now(UTC))
    print(_("{count} applications written to {path}.", count=count, path=args.xlsx))
    return 0
