"""``review-desk report sign FILE --identity CHAIR.p12``: the chair signs the meeting report.

The file is the secretary's *report to sign* (``docs/formats/report-to-sign-v2.md``), opened
with the chair's identity (it is encrypted to the chair and the secretary). It is verified
against the trust roots (``--trust``, by default the CA certificates in the chair's
own identity file), the report is rendered again from its verified inputs and compared byte
for byte, the chair signs, and the file is written back (or to ``--out``) for the secretary
to import with ``secretary import-signed-report``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.cli.passphrases import read_passphrase
from app.errors import UserFacingError
from app.i18n import Msg, _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("report", help=_("the chair signs the meeting report"))
    sub = parser.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    sign = sub.add_parser("sign", help=_("check and sign a report-to-sign file (.oireport)"))
    sign.add_argument("file", help=_("the report-to-sign file (.oireport)"))
    sign.add_argument("--identity", required=True, help=_("your identity file (.p12)"))
    sign.add_argument("--passphrase-file", help=_("file holding the identity's passphrase"))
    sign.add_argument(
        "--trust", help=_("the trusted root certificates (.pem; default: your identity's CA)")
    )
    sign.add_argument("--out", help=_("where to write the signed file (default: over FILE)"))
    sign.set_defaults(handler=_sign)


def _sign(args: argparse.Namespace) -> int:
    from app.cli import publish_exporters
    from app.crypto.identity import load_identity
    from app.crypto.pki import load_trust_roots
    from app.secretary.publish import sign_report_to_sign

    try:
        data = Path(args.identity).read_bytes()
    except OSError as exc:
        raise UserFacingError(
            Msg.of("Cannot read {path}.", path=args.identity),
            Msg.of("Check the file name and its permissions."),
        ) from exc
    identity = load_identity(data, read_passphrase(args.passphrase_file, prompt=_("Passphrase: ")))
    if args.trust:
        roots = load_trust_roots(args.trust)
    else:
        roots = [c for c in identity.chain if c.issuer == c.subject]
    report = sign_report_to_sign(
        Path(args.file),
        identity,
        roots,
        publish_exporters(),
        dt.datetime.now(dt.UTC),
        out=Path(args.out) if args.out else None,
    )
    meeting = report.verified.meeting
    print(
        _(
            "Signed the report of {meeting} (round {round}, results SHA-256 {hash}): {path}",
            meeting=meeting.id,
            round=report.verified.manifest.round,
            hash=report.results_hash,
            path=args.out or args.file,
        )
    )
    return 0
