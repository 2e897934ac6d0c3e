"""The secretary's publish commands (registered under ``review-desk secretary``).

    secretary ministry-recipient --dir DIR --cert MINISTRY.pem
    secretary outputs --dir DIR
    secretary publish --dir DIR --identity SECRETARY.p12 --chair-identity CHAIR.p12 --out FOLDER
    secretary prepare-report --dir DIR --identity SECRETARY.p12 --out FILE.oireport
    secretary import-signed-report --dir DIR --identity SECRETARY.p12 FILE.oireport
    secretary bundle --dir DIR --identity SECRETARY.p12 --out FOLDER

All of them call :mod:`app.secretary.publish`; ``report sign`` (the chair's side) is in
:mod:`app.cli.report`. What publishing keeps between the steps (bundle versions, the
ministry's certificate, the chair-signed report) lives in ``DIR/publish/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.passphrases import read_passphrase
from app.errors import UserFacingError, ValidationError
from app.i18n import Msg, _

PUBLISH_STATE = "publish"


def register_secretary_commands(command: Callable[..., Any]) -> None:
    """Add the publish commands with the ``secretary`` parser's ``command`` helper."""
    ministry = command(
        "ministry-recipient",
        _("configure the ministry certificate the result bundle is encrypted to"),
        _ministry,
    )
    ministry.add_argument("--cert", required=True, help=_("the ministry's certificate (.pem)"))

    command("outputs", _("show the publish gates and the outputs published"), _outputs)

    publish = command(
        "publish",
        _("sign the report (chair, then secretary) and write the report, workbook and bundle"),
        _publish,
        identity=True,
    )
    publish.add_argument("--chair-identity", required=True, help=_("the chair's identity (.p12)"))
    publish.add_argument(
        "--chair-passphrase-file", help=_("file holding the chair identity's passphrase")
    )
    publish.add_argument("--out", required=True, help=_("the folder to write the outputs into"))
    _report_options(publish)
    _bundle_options(publish)

    prepare = command(
        "prepare-report",
        _("write the signed report-to-sign file for the chair's machine"),
        _prepare,
        identity=True,
    )
    prepare.add_argument("--out", required=True, help=_("the file to write (.oireport)"))
    _report_options(prepare)

    imp = command(
        "import-signed-report",
        _("take back the report the chair signed"),
        _import_signed,
        identity=True,
    )
    imp.add_argument("file", help=_("the chair-signed report-to-sign file (.oireport)"))

    bundle = command(
        "bundle",
        _("sign the chair-signed report second and write the report, workbook and bundle"),
        _bundle,
        identity=True,
    )
    bundle.add_argument("--out", required=True, help=_("the folder to write the outputs into"))
    _bundle_options(bundle)


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        dest="report_lang",
        choices=("zh_CN", "en"),
        default="zh_CN",
        help=_("language of the report (default: zh_CN)"),
    )
    parser.add_argument(
        "--absent",
        action="append",
        default=[],
        metavar="EXPERT:APPLICATION",
        help=_("record that an expert handed in nothing for an application (repeatable)"),
    )


def _bundle_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ministry-recipient",
        help=_("the ministry's certificate (.pem) to encrypt the bundle to (default: configured)"),
    )
    parser.add_argument(
        "--unencrypted",
        action="store_true",
        help=_("write the bundle unencrypted (only if no ministry recipient can be given)"),
    )


# --- the workspace and its publish records (one place, for the composition root) -----------


def _open(args: argparse.Namespace) -> Any:
    from app.secretary.setup import open_workspace
    from storage.stores import SqliteStores

    return open_workspace(SqliteStores(), Path(args.dir))


def _records(args: argparse.Namespace) -> Any:
    from app.secretary.publish_log import FolderPublicationLog

    return FolderPublicationLog(Path(args.dir) / PUBLISH_STATE)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _identity(path: str, passphrase_file: str | None, prompt: str) -> Any:
    from app.crypto.identity import load_identity

    data = _read(path)
    return load_identity(data, read_passphrase(passphrase_file, prompt=prompt))


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserFacingError(
            Msg.of("Cannot read {path}.", path=path),
            Msg.of("Check the file name and its permissions."),
        ) from exc


def _certificate(path: str | None) -> Any:
    from cryptography import x509

    if path is None:
        return None
    try:
        return x509.load_pem_x509_certificate(_read(path))
    except ValueError as exc:
        raise ValidationError(
            Msg.of("{path} is not a PEM certificate.", path=path),
            Msg.of("Give the ministry's certificate file (.pem)."),
        ) from exc


def _absences(texts: list[str]) -> tuple[Any, ...]:
    from app.domain.ids import ApplicationId, ExpertId
    from app.results import Absence

    found = []
    for text in texts:
        expert, sep, application = text.partition(":")
        if not sep or not expert.strip() or not application.strip():
            raise ValidationError(
                Msg.of("“{text}” is not EXPERT:APPLICATION.", text=text),
                Msg.of("Write the absence as e.g. e03:a02."),
            )
        found.append(Absence(ExpertId(expert.strip()), ApplicationId(application.strip())))
    return tuple(found)


def _warn_unencrypted(args: argparse.Namespace) -> None:
    if args.unencrypted:
        print(
            _(
                "Warning: the result bundle is written UNENCRYPTED; anyone who gets the file "
                "can read every score."
            ),
            file=sys.stderr,
        )


def _exporters() -> Any:
    from app.cli import publish_exporters

    return publish_exporters()


# --- the commands --------------------------------------------------------------------------


def _ministry(args: argparse.Namespace) -> int:
    from app.results.container import ministry_recipient_for

    cert = _certificate(args.cert)
    ministry_recipient_for(cert)
    with _open(args):
        pass  # refuses a folder that is not a secretary workspace
    from cryptography.hazmat.primitives.serialization import Encoding

    _records(args).set_ministry_certificate(cert.public_bytes(Encoding.PEM))
    print(_("The result bundle will be encrypted to {name}.", name=cert.subject.rfc4514_string()))
    return 0


def _outputs(args: argparse.Namespace) -> int:
    from app.secretary.publish import outcome_of
    from app.secretary.publish_gates import gate_problems

    with _open(args) as ws:
        problems = gate_problems(outcome_of(ws))
    for problem in problems:
        print(f"- {problem.message}\n  {problem.where}")
    if not problems:
        print(_("Ready to publish: every gate passes."))
    for p in _records(args).publications():
        print(
            _(
                "Bundle version {version} (round {round}), results SHA-256 {hash}: {bundle}",
                version=p.bundle_version,
                round=p.round,
                hash=p.results_hash,
                bundle=p.bundle,
            )
        )
    return 0 if not problems else 1


def _publish(args: argparse.Namespace) -> int:
    from app.secretary.publish import publish

    secretary = _identity(args.identity, args.passphrase_file, _("Passphrase of your identity: "))
    chair = _identity(
        args.chair_identity, args.chair_passphrase_file, _("Passphrase of the chair's identity: ")
    )
    _warn_unencrypted(args)
    with _open(args) as ws:
        done = publish(
            ws,
            _records(args),
            secretary,
            chair,
            Path(args.out),
            _exporters(),
            _now,
            language=args.report_lang,
            ministry=_certificate(args.ministry_recipient),
            allow_unencrypted=args.unencrypted,
            absences=_absences(args.absent),
        )
    _print_published(done)
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from app.secretary.publish import next_bundle_version, prepare_report, write_report_to_sign

    secretary = _identity(args.identity, args.passphrase_file, _("Passphrase of your identity: "))
    with _open(args) as ws:
        now = _now()
        prepared = prepare_report(
            ws,
            secretary,
            _exporters(),
            now,
            bundle_version=next_bundle_version(_records(args)),
            language=args.report_lang,
            absences=_absences(args.absent),
        )
        write_report_to_sign(ws, prepared, secretary, Path(args.out), now)
    print(
        _(
            "Wrote the report to sign {path} (results SHA-256 {hash}); the chair signs it with "
            "“review-desk report sign {path} --identity CHAIR.p12”.",
            path=args.out,
            hash=prepared.results_hash,
        )
    )
    return 0


def _import_signed(args: argparse.Namespace) -> int:
    from app.secretary.publish import import_signed_report

    secretary = _identity(args.identity, args.passphrase_file, _("Passphrase of your identity: "))
    with _open(args) as ws:
        report = import_signed_report(
            ws, _records(args), Path(args.file), secretary, _exporters(), _now()
        )
    print(
        _(
            "Imported the chair-signed report (results SHA-256 {hash}); write the outputs with "
            "“review-desk secretary bundle”.",
            hash=report.results_hash,
        )
    )
    return 0


def _bundle(args: argparse.Namespace) -> int:
    from app.secretary.publish import (
        ministry_certificate,
        prepared_from_signed_report,
        secretary_signs_and_writes,
    )
    from app.secretary.report_to_sign import read_report_to_sign

    secretary = _identity(args.identity, args.passphrase_file, _("Passphrase of your identity: "))
    records = _records(args)
    data = records.chair_signed_report()
    if data is None:
        raise ValidationError(
            Msg.of("No chair-signed report has been imported."),
            Msg.of(
                "Prepare the report (prepare-report), have the chair sign it, and import it "
                "(import-signed-report) first."
            ),
        )
    exporters = _exporters()
    _warn_unencrypted(args)
    with _open(args) as ws:
        now = _now()
        report = read_report_to_sign(data, secretary, ws.setup().trust_roots(), now)
        prepared, chair_signed = prepared_from_signed_report(ws, report, exporters, now)
        done = secretary_signs_and_writes(
            ws,
            records,
            prepared,
            chair_signed,
            secretary,
            Path(args.out),
            exporters,
            now,
            ministry=ministry_certificate(records, _certificate(args.ministry_recipient)),
            allow_unencrypted=args.unencrypted,
        )
    _print_published(done)
    return 0


def _print_published(done: Any) -> None:
    print(_("Results SHA-256 (printed in the report): {hash}", hash=done.results_hash))
    print(_("Signed report (chair, then secretary): {path}", path=str(done.report)))
    print(_("Workbook: {path}", path=str(done.workbook)))
    if done.encrypted:
        print(_("Result bundle (encrypted to the ministry): {path}", path=str(done.bundle)))
    else:
        print(_("Result bundle (NOT encrypted): {path}", path=str(done.bundle)))
    print(
        _(
            "Verified: the bundle reads back with the ministry's verifier (version {version}).",
            version=done.bundle_version,
        )
    )
