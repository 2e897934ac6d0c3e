"""``review-desk ministry decide|close|announce|export``: MOST's confirmation on the command line.

* ``decide --db DB --identity P12 --meeting M --application A --decision
  confirm|not-confirm|defer --reason TEXT [--expect-version N] [--bundle SHA256]`` signs and
  records one decision (``docs/formats/decision-v1.md``); ``--expect-version`` is the version
  the officer saw (0: none), so a decision changed in the meantime is refused, not lost;
* ``close --db DB --identity P12`` signs the list of current decisions as a batch;
* ``announce --db DB --identity P12 --pdf OUT [--xlsx OUT] [--issuer TEXT] --objection-days N
  [--lang zh_CN|en]`` writes the public notice of the latest batch's confirmed platforms,
  PAdES-signed by the officer, and its workbook;
* ``export --db DB --xlsx OUT`` writes the internal register.

Secrets come from ``--passphrase-file`` or a no-echo prompt. Every refusal is a user-facing
error (exit status 2) and leaves the database as it was. The exporters (reportlab, pyHanko,
openpyxl) are loaded by name when a file is written.
"""

from __future__ import annotations

import argparse
import importlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.passphrases import read_passphrase
from app.crypto.identity import Identity
from app.errors import StorageError
from app.i18n import Msg, _, current_language
from app.ministry.decisions import Decision

if TYPE_CHECKING:
    from storage.ministry.database import MinistryDatabase

_DECISIONS = {
    "confirm": Decision.CONFIRM,
    "not-confirm": Decision.NOT_CONFIRM,
    "defer": Decision.DEFER,
}


def register(sub: Any) -> None:
    """Add ``decide``, ``close``, ``announce`` and ``export`` to the ``ministry`` actions."""
    decide = sub.add_parser("decide", help=_("sign and record the ministry's decision"))
    _signing_options(decide)
    decide.add_argument("--meeting", required=True, help=_("the meeting id"))
    decide.add_argument("--application", required=True, help=_("the application id"))
    decide.add_argument(
        "--decision", required=True, choices=tuple(_DECISIONS), help=_("what the ministry decides")
    )
    decide.add_argument("--reason", required=True, help=_("why (required)"))
    decide.add_argument(
        "--expect-version",
        type=int,
        help=_("the decision version you saw (0: none); refused if it changed since"),
    )
    decide.add_argument(
        "--bundle", help=_("the SHA-256 of the bundle you decided on; refused if replaced")
    )
    decide.set_defaults(handler=_decide)

    close = sub.add_parser("close", help=_("sign the list of current decisions as a batch"))
    _signing_options(close)
    close.set_defaults(handler=_close)

    announce = sub.add_parser(
        "announce", help=_("write the signed public notice of the confirmed platforms")
    )
    _signing_options(announce)
    announce.add_argument("--pdf", required=True, help=_("the notice to write (.pdf)"))
    announce.add_argument("--xlsx", help=_("also write the list as a workbook (.xlsx)"))
    announce.add_argument(
        "--issuer", help=_("the issuing body (default: the organisation in your certificate)")
    )
    announce.add_argument(
        "--objection-days",
        type=int,
        required=True,
        help=_("how many days objections may be sent"),
    )
    announce.add_argument(
        "--lang",
        dest="notice_language",
        choices=("zh_CN", "en"),
        help=_("language of the notice (default: the program's)"),
    )
    announce.set_defaults(handler=_announce)

    export = sub.add_parser("export", help=_("write the internal register (.xlsx)"))
    export.add_argument("--db", required=True, help=_("the ministry database"))
    export.add_argument("--xlsx", required=True, help=_("the workbook to write (.xlsx)"))
    export.set_defaults(handler=_export)


def _signing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help=_("the ministry database"))
    parser.add_argument("--identity", required=True, help=_("your ministry identity (.p12)"))
    parser.add_argument("--passphrase-file", help=_("file holding the identity's passphrase"))


# --- handlers ------------------------------------------------------------------------------


def _decide(args: argparse.Namespace) -> int:
    from app.ministry.deciding import decide

    store = _store(args.db)
    identity = _identity(args)
    made = decide(
        store,
        identity,
        args.meeting,
        args.application,
        _DECISIONS[args.decision],
        args.reason,
        args.expect_version,
        datetime.now(UTC),
        bundle_sha256=args.bundle,
    )
    record = made.record
    print(
        _(
            "Recorded decision version {version} on application {application} of meeting "
            "{meeting}: {decision}.",
            version=record.version,
            application=record.application_id,
            meeting=record.meeting_id,
            decision=record.decision.label,
        )
    )
    print(_("Document SHA-256: {hash}", hash=made.sha256))
    return 0


def _close(args: argparse.Namespace) -> int:
    from app.ministry.deciding import close_batch

    batch = close_batch(_store(args.db), _identity(args), datetime.now(UTC))
    entries = batch.record.entries
    print(
        _(
            "Closed batch {batch}: {count} decisions, {confirmed} confirmed.",
            batch=batch.record.batch_id,
            count=len(entries),
            confirmed=sum(1 for e in entries if e.decision is Decision.CONFIRM),
        )
    )
    print(_("Document SHA-256: {hash}", hash=batch.sha256))
    return 0


def _announce(args: argparse.Namespace) -> int:
    from app.ministry.announcing import prepare_notice

    store = _store(args.db)
    identity = _identity(args)
    notice = prepare_notice(
        store,
        identity,
        args.issuer,
        args.objection_days,
        args.notice_language or current_language(),
        datetime.now(UTC),
    )
    documents = importlib.import_module("export.ministry_documents")
    documents.write_notice(notice, identity, Path(args.pdf), Path(args.xlsx) if args.xlsx else None)
    print(
        _(
            "The notice lists {count} confirmed platforms of batch {batch}; written to {path}.",
            count=len(notice.entries),
            batch=notice.batch_id,
            path=args.pdf,
        )
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from app.ministry.announcing import register_contents

    contents = register_contents(_store(args.db), current_language(), datetime.now(UTC))
    documents = importlib.import_module("export.ministry_documents")
    documents.write_register(contents, Path(args.xlsx))
    print(_("{count} applications written to {path}.", count=len(contents.rows), path=args.xlsx))
    return 0


# --- shared ----------------------------------------------------------------------------------


def _store(path: str) -> MinistryDatabase:
    """The existing ministry database (deciding never creates one)."""
    from storage.ministry.database import MinistryDatabase

    db = Path(path)
    if not db.is_file():
        raise StorageError(
            Msg.of("The ministry database {path} does not exist.", path=str(db)),
            Msg.of("Import a bundle first, or check the file name."),
        )
    return MinistryDatabase(db)


def _identity(args: argparse.Namespace) -> Identity:
    from app.crypto.identity import load_identity, read_identity_file

    data = read_identity_file(args.identity)
    passphrase = read_passphrase(args.passphrase_file, prompt=_("Passphrase: "))
    return load_identity(data, passphrase)
