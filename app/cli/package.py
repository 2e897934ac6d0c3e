"""``review-desk package``: build, inspect, verify and extract application packages.

* ``package template --out FORM.json`` writes a complete example form document;
* ``package build --form FORM.json [--attach FILE [--title TEXT] [--title-zh TEXT]]...
  --signer ISSUER.p12 --recipient R... --out FILE.oipkg`` (R: ``age1...`` or a certificate
  file whose bound encryption key is used);
* ``package inspect FILE`` shows what the file reveals without any key;
* ``package verify FILE (--identity ID | --meeting-key KEYFILE) --trust ROOTS.pem``
  checks every stage and every member hash (exit 0 only if all pass);
* ``package extract FILE --to DIR ...`` writes the verified members (never overwriting).

Secrets come from ``--passphrase-file`` or a no-echo prompt and are never printed.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.cli.passphrases import read_passphrase
from app.errors import UserFacingError
from app.i18n import LocalizedText, Msg, _


class _AttachAction(argparse.Action):
    """``--attach FILE`` starts an attachment; ``--title``/``--title-zh`` name the last one."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        items: list[dict[str, str]] = list(getattr(namespace, "attachments", None) or [])
        if self.dest == "attach":
            items.append({"path": str(values)})
        else:
            if not items:
                parser.error(_("{option} must follow an --attach FILE", option=option_string))
            items[-1][self.dest] = str(values)
        namespace.attachments = items


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("package", help=_("build, inspect and verify packages"))
    sub = parser.add_subparsers(dest="package_command", metavar="ACTION", required=True)

    template = sub.add_parser("template", help=_("write an example application form"))
    template.add_argument("--out", required=True, help=_("the form file to write (.json)"))
    template.set_defaults(handler=_template)

    build = sub.add_parser("build", help=_("build a signed, encrypted package"))
    build.add_argument("--form", required=True, help=_("the application form (.json)"))
    build.add_argument("--attach", action=_AttachAction, help=_("a PDF attachment (repeatable)"))
    build.add_argument("--title", action=_AttachAction, help=_("title of the last attachment"))
    build.add_argument(
        "--title-zh", action=_AttachAction, help=_("Chinese title of the last attachment")
    )
    build.add_argument("--signer", required=True, help=_("the issuer's identity file (.p12)"))
    build.add_argument("--passphrase-file", help=_("file holding the signer's passphrase"))
    build.add_argument(
        "--recipient",
        required=True,
        action="extend",
        nargs="+",
        help=_("an age1… public key or a certificate file (repeatable)"),
    )
    build.add_argument("--out", required=True, help=_("the package to write (.oipkg)"))
    build.set_defaults(handler=_build, attachments=[])

    inspect = sub.add_parser("inspect", help=_("show what a package reveals without a key"))
    inspect.add_argument("file", help=_("the package (.oipkg)"))
    inspect.set_defaults(handler=_inspect)

    verify = sub.add_parser("verify", help=_("check a package's signature and every member"))
    _opening_options(verify)
    verify.set_defaults(handler=_verify)

    extract = sub.add_parser("extract", help=_("write a verified package's members to a folder"))
    _opening_options(extract)
    extract.add_argument("--to", required=True, help=_("folder to write into (never overwritten)"))
    extract.set_defaults(handler=_extract)


def _opening_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=_("the package (.oipkg)"))
    keys = parser.add_mutually_exclusive_group(required=True)
    keys.add_argument("--identity", help=_("your identity (.p12) or an age key file"))
    keys.add_argument("--meeting-key", help=_("the meeting key file from the meeting kit"))
    parser.add_argument("--passphrase-file", help=_("file holding the passphrase"))
    parser.add_argument("--trust", required=True, help=_("the trusted root certificates (.pem)"))


# --- template and build ------------------------------------------------------------------


def _template(args: argparse.Namespace) -> int:
    from app.formats.atomic_file import atomic_write
    from app.package.form import template_document

    out = Path(args.out)
    if out.exists():
        raise UserFacingError(
            Msg.of("{path} already exists.", path=args.out),
            Msg.of("Choose another file name."),
        )
    text = json.dumps(template_document(), ensure_ascii=False, indent=2) + "\n"
    try:
        atomic_write(out, text.encode("utf-8"), mode=0o644)
    except OSError as exc:
        raise UserFacingError(
            Msg.of("Cannot write {path}.", path=args.out),
            Msg.of("Check that the folder exists and is writable."),
        ) from exc
    print(_("Example application form written to {path}.", path=args.out))
    return 0


def _build(args: argparse.Namespace) -> int:
    from app.crypto.identity import load_identity, read_identity_file
    from app.formats.bounded_read import read_input_file
    from app.formats.canonical_json import JsonFormatError, loads_strict
    from app.package import Attachment, build_package
    from app.package.form import MAX_FORM_SIZE, parse_form_document

    form = read_input_file(args.form, MAX_FORM_SIZE, Msg.of("the application form"))
    try:
        document = loads_strict(form, max_size=MAX_FORM_SIZE)
    except JsonFormatError as exc:
        raise UserFacingError(
            Msg.of(
                "The form file {path} is not valid JSON: {reason}", path=args.form, reason=exc.msg
            ),
            Msg.of("Start from the file written by “package template”."),
        ) from exc
    application = parse_form_document(document)
    attachments = [
        Attachment(
            source=Path(item["path"]),
            title=LocalizedText(
                en=item.get("title") or Path(item["path"]).stem,
                zh_CN=item.get("title_zh") or item.get("title") or Path(item["path"]).stem,
            ),
        )
        for item in args.attachments
    ]
    recipients = [r for text in args.recipient for r in _recipients(text)]
    p12 = read_identity_file(args.signer)
    passphrase = read_passphrase(args.passphrase_file, prompt=_("Passphrase of the signer: "))
    signer = load_identity(p12, passphrase)
    for warning in signer.warnings:
        print(_("Warning: {warning}", warning=warning))
    summary = build_package(
        application, attachments, signer, recipients, Path(args.out), datetime.now(UTC)
    )
    print(
        _(
            "Package written to {path} ({size} bytes).",
            path=str(summary.path),
            size=summary.encrypted_size,
        )
    )
    print(_("Package id: {id}", id=summary.package_id))
    print(_("Recipients: {count}", count=summary.recipient_count))
    for member in summary.members:
        print(
            _(
                "  {name}  {size} bytes  SHA-256 {sha256}",
                name=member.name,
                size=member.size,
                sha256=member.sha256,
            )
        )
    return 0


def _recipients(text: str) -> list[Any]:
    """``age1…`` text, or a PEM (possibly several certificates) or DER certificate file."""
    from cryptography import x509

    from app.crypto.age_keys import X25519Recipient, parse_recipient
    from app.crypto.pki import read_certificate_file
    from app.crypto.profile import common_name, fingerprint
    from app.package import recipient_for_certificate

    if text.startswith("age1"):
        recipient = parse_recipient(text)
        if not isinstance(recipient, X25519Recipient):
            raise UserFacingError(
                Msg.of("Packages are encrypted to X25519 keys (age1…) only."),
                Msg.of("Use the recipients' certificates or age1… public keys."),
            )
        return [recipient]
    data = read_certificate_file(text)
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise UserFacingError(
            Msg.of("{path} is neither an age1… key nor a certificate file.", path=text),
            Msg.of("Give each recipient as an age1… key or a .pem/.der certificate."),
        ) from exc
    found = []
    for cert in certs:
        found.append(recipient_for_certificate(cert))
        print(
            _(
                "Recipient: {name} ({fingerprint})",
                name=common_name(cert),
                fingerprint=fingerprint(cert),
            )
        )
    return found


# --- inspect -----------------------------------------------------------------------------


def _inspect(args: argparse.Namespace) -> int:
    from app.package import inspect_package

    report = inspect_package(args.file)
    print(_("Format: {format}", format=report.format))
    print(_("Encrypted size: {size} bytes", size=report.encrypted_size))
    print(_("Header: {size} bytes", size=report.header_size))
    for kind, count in report.stanza_counts:
        print(_("Recipients of type {type}: {count}", type=kind, count=count))
    print(_("Content size: unknown until opened with a key"))
    if report.passphrase_protected or report.armored:
        print(_("This file is not a package: packages are binary and encrypted to keys."))
        return 1
    return 0


# --- verify and extract ------------------------------------------------------------------


def _identities(args: argparse.Namespace) -> list[Any]:
    from app.crypto.age_keys import parse_identity_file
    from app.crypto.identity import load_identity, read_identity_file
    from app.package import decryption_identity

    if args.meeting_key:
        from app.kit.meeting_key import read_meeting_key_file, unlock_meeting_key

        sealed = read_meeting_key_file(args.meeting_key)
        passphrase = read_passphrase(args.passphrase_file, prompt=_("Meeting passphrase: "))
        return [unlock_meeting_key(sealed, passphrase.decode("utf-8", "replace"))]
    data = read_identity_file(args.identity)
    if data.lstrip().startswith((b"AGE-SECRET-KEY-", b"#")):
        return list(parse_identity_file(data.decode("ascii", "replace")))
    passphrase = read_passphrase(args.passphrase_file, prompt=_("Passphrase: "))
    identity = load_identity(data, passphrase)
    for warning in identity.warnings:
        print(_("Warning: {warning}", warning=warning))
    return [decryption_identity(identity)]


def _open(args: argparse.Namespace) -> Any:
    from app.crypto.pki import load_trust_file
    from app.package import open_package

    identities = _identities(args)
    now = datetime.now(UTC)
    trust = load_trust_file(args.trust, now)
    opened = open_package(args.file, identities, trust.roots, now, crls=trust.crls)
    print(_("OK  decrypted: header, key and final chunk authenticated"))
    print(
        _("OK  archive: {count} members, all stored, names unique", count=len(opened.member_names))
    )
    print(
        _(
            "OK  signature: issued by {name} ({fingerprint})",
            name=opened.issuer.common_name,
            fingerprint=opened.issuer.fingerprint,
        )
    )
    print(_("OK  manifest: format version 1, package {id}", id=opened.manifest.package_id))
    print(
        _(
            "OK  form: {platform} ({unit})",
            platform=str(opened.application.platform_name),
            unit=str(opened.application.applicant_unit),
        )
    )
    return opened


def _verify(args: argparse.Namespace) -> int:
    with _open(args) as opened:
        for check in opened.verify_all():
            print(
                _(
                    "OK  {name}  {size} bytes  SHA-256 {sha256}",
                    name=check.name,
                    size=check.size,
                    sha256=check.sha256,
                )
            )
    print(_("The package is intact and was issued by a trusted issuer."))
    return 0


def _extract(args: argparse.Namespace) -> int:
    from app.package import extract

    with _open(args) as opened:
        written = extract(opened, Path(args.to))
    for path in written:
        print(_("Written: {path}", path=str(path)))
    return 0
