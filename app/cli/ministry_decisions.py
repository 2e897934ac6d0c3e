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
from app.errors import StorageError, UserFacingError
from app.formats.atomic_file import atomic_write
from app.formats.text import first_unsafe
from app.i18n import Msg, _, current_language
from app.ministry.decisions import Decision

if TYPE_CHECKING:
    from storage.ministry.database import MinistryDatabase

MAX_ISSUER = 200
"""The issuing body's name on the notice, in characters."""

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
    from app.ministry.deciding import announce

    if not 1 <= args.objection_days <= 365:
        raise UserFacingError(
            Msg.of("The objection period must be 1 to 365 days."),
            Msg.of("Give the number of days with --objection-days."),
        )
    store = _store(args.db)
    identity = _identity(args)
    now = datetime.now(UTC)
    listed = announce(store, identity, now)
    issuer = (args.issuer if args.issuer is not None else identity.organisation).strip()
    if not issuer:
        raise UserFacingError(
            Msg.of("The issuing body is not named."),
            Msg.of("Name it with --issuer (your certificate names no organisation)."),
        )
    unsafe = first_unsafe(issuer)
    if len(issuer) > MAX_ISSUER or unsafe is not None:
        raise UserFacingError(
            Msg.of(
                "The issuing body must be at most {limit} characters of plain text.",
                limit=MAX_ISSUER,
            ),
            Msg.of("Write the issuing body's name as it should appear on the notice."),
        )
    pdf = importlib.import_module("export.announcement_pdf")
    inp = pdf.AnnouncementInput(
        entries=listed.entries,
        issuer=issuer,
        objection_days=args.objection_days,
        batch_id=listed.batch.record.batch_id,
        batch_sha256=listed.batch.sha256,
        language=args.notice_language or current_language(),
        issued_at=now,
    )
    _write(Path(args.pdf), pdf.signed_announcement(inp, identity))
    if args.xlsx:
        xlsx = importlib.import_module("export.announcement_xlsx")
        _write(Path(args.xlsx), xlsx.render_announcement_workbook(inp))
    print(
        _(
            "The notice lists {count} confirmed platforms of batch {batch}; written to {path}.",
            count=len(listed.entries),
            batch=listed.batch.record.batch_id,
            path=args.pdf,
        )
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from app.ministry.deciding import decision_states

    store = _store(args.db)
    module = importlib.import_module("export.ministry_register_xlsx")
    inp = module.RegisterInput(
        rows=store.application_rows(),
        states=decision_states(store),
        decisions=store.decisions(),
        batches=store.batches(),
        language=current_language(),
        generated_at=datetime.now(UTC),
    )
    _write(Path(args.xlsx), module.render_register(inp))
    print(_("{count} applications written to {path}.", count=len(inp.rows), path=args.xlsx))
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


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data, mode=0o644)
    except OSError as exc:
        raise UserFacingError(
            Msg.of("Cannot write {path}.", path=str(path)),
            Msg.of("Check that the folder exists and is writable."),
        ) from exc
