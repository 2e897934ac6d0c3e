"""``review-desk pki``: run the offline certificate authority and look at identities.

* ``pki init-ca --dir DIR --name NAME`` creates a root CA (``ca.p12`` + ``ca.pem``);
* ``pki issue --ca DIR --role ROLE --name NAME --out FILE.p12`` issues a person's identity;
* ``pki revoke --ca DIR CERT.pem [--reason R]`` records a revocation in the CA folder;
* ``pki crl --ca DIR --out FILE.crl.pem [--next-update-days N]`` signs the revocation list
  (CRL) of every recorded revocation, to carry to the readers in their trust file;
* ``pki show FILE`` prints a certificate's or an identity's subject, role, validity and
  fingerprint (the value to read aloud and pin).

Secrets come from ``--passphrase-file`` / ``--ca-passphrase-file`` or a no-echo prompt.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.cli.passphrases import read_passphrase
from app.errors import UserFacingError
from app.i18n import Msg, _, ngettext

_PERSON_ROLES = ("issuer", "secretary", "expert", "ministry")
# the keys of app.crypto.pki.REVOCATION_REASONS (not imported here: the CLI starts fast)
_REASONS = (
    "unspecified",
    "key-compromise",
    "affiliation-changed",
    "superseded",
    "cessation-of-operation",
    "privilege-withdrawn",
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pki", help=_("run the offline certificate authority and inspect identities")
    )
    sub = parser.add_subparsers(dest="pki_command", metavar="ACTION", required=True)

    init = sub.add_parser("init-ca", help=_("create a new offline certificate authority"))
    init.add_argument("--dir", required=True, help=_("folder for ca.p12 and ca.pem"))
    init.add_argument("--name", required=True, help=_("name of the authority"))
    init.add_argument("--org", help=_("organisation running the authority"))
    init.add_argument(
        "--valid-years", type=int, default=10, help=_("validity in years (default: 10)")
    )
    init.add_argument("--passphrase-file", help=_("file holding the new CA passphrase"))
    init.set_defaults(handler=_init_ca)

    issue = sub.add_parser("issue", help=_("issue an identity file to a person"))
    issue.add_argument("--ca", required=True, help=_("folder of the certificate authority"))
    issue.add_argument("--role", required=True, choices=_PERSON_ROLES, help=_("the person's role"))
    issue.add_argument("--name", required=True, help=_("the person's full name"))
    issue.add_argument("--org", help=_("the person's organisation"))
    issue.add_argument("--out", required=True, help=_("the identity file to write (.p12)"))
    issue.add_argument(
        "--valid-years", type=int, default=2, help=_("validity in years (default: 2)")
    )
    issue.add_argument("--ca-passphrase-file", help=_("file holding the CA passphrase"))
    issue.add_argument(
        "--passphrase-file", help=_("file holding the passphrase for the new identity")
    )
    issue.set_defaults(handler=_issue)

    revoke = sub.add_parser("revoke", help=_("record that a certificate is revoked"))
    revoke.add_argument("--ca", required=True, help=_("folder of the certificate authority"))
    revoke.add_argument("certificate", help=_("the certificate to revoke (.pem or .der)"))
    revoke.add_argument(
        "--reason",
        default="unspecified",
        choices=tuple(_REASONS),
        help=_("why it is revoked (default: unspecified)"),
    )
    revoke.add_argument("--ca-passphrase-file", help=_("file holding the CA passphrase"))
    revoke.set_defaults(handler=_revoke)

    crl = sub.add_parser("crl", help=_("sign the list of revoked certificates (CRL)"))
    crl.add_argument("--ca", required=True, help=_("folder of the certificate authority"))
    crl.add_argument("--out", required=True, help=_("the revocation list to write (.crl.pem)"))
    crl.add_argument(
        "--next-update-days",
        type=int,
        default=30,
        help=_("days until readers need a newer list (default: 30)"),
    )
    crl.add_argument("--ca-passphrase-file", help=_("file holding the CA passphrase"))
    crl.set_defaults(handler=_crl)

    show = sub.add_parser("show", help=_("show a certificate (.pem) or an identity (.p12)"))
    show.add_argument("file", help=_("a .p12 identity or a .pem certificate file"))
    show.add_argument("--passphrase-file", help=_("file holding the identity's passphrase"))
    show.set_defaults(handler=_show)


def _years(value: int) -> timedelta:
    if not 1 <= value <= 30:
        raise UserFacingError(
            Msg.of("The validity must be between 1 and 30 years."),
            Msg.of("Choose a validity with --valid-years."),
        )
    return timedelta(days=365 * value)


def _init_ca(args: argparse.Namespace) -> int:
    from app.crypto import pki

    validity = _years(args.valid_years)
    passphrase = read_passphrase(
        args.passphrase_file, prompt=_("New passphrase for the CA key: "), new=True
    )
    cert = pki.init_ca(
        args.dir,
        args.name,
        passphrase,
        datetime.now(UTC),
        organisation=args.org,
        validity=validity,
    )
    print(_("Certificate authority created in {path}.", path=args.dir))
    print(_("Fingerprint: {fingerprint}", fingerprint=pki.fingerprint(cert)))
    print(
        _(
            "Give {file} to everyone who must trust this authority, and keep {key} offline.",
            file=str(Path(args.dir) / pki.CA_CERT_FILE),
            key=str(Path(args.dir) / pki.CA_KEY_FILE),
        )
    )
    return 0


def _issue(args: argparse.Namespace) -> int:
    from app.crypto import pki
    from app.crypto.profile import Role, role_label

    validity = _years(args.valid_years)
    if Path(args.out).exists():
        raise UserFacingError(
            Msg.of("{path} already exists.", path=args.out),
            Msg.of("Choose another file name; an identity file is never overwritten."),
        )
    ca_passphrase = read_passphrase(args.ca_passphrase_file, prompt=_("CA passphrase: "))
    passphrase = read_passphrase(
        args.passphrase_file, prompt=_("New passphrase for the identity: "), new=True
    )
    role = Role(args.role)
    cert = pki.issue(
        args.ca,
        ca_passphrase,
        role,
        args.name,
        args.org,
        args.out,
        passphrase,
        datetime.now(UTC),
        validity=validity,
    )
    print(
        _(
            "Issued a {role} identity for {name}: {path}",
            role=role_label(role),
            name=args.name,
            path=args.out,
        )
    )
    print(_("Fingerprint: {fingerprint}", fingerprint=pki.fingerprint(cert)))
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from app.crypto import pki

    cert = _one_certificate(args.certificate)
    ca_passphrase = read_passphrase(args.ca_passphrase_file, prompt=_("CA passphrase: "))
    ca = pki.load_ca(args.ca, ca_passphrase)
    entry = pki.revoke(ca, args.ca, cert, datetime.now(UTC), reason=args.reason)
    print(
        _(
            "Revoked {name} ({fingerprint}) on {date}.",
            name=entry.name,
            fingerprint=entry.fingerprint,
            date=entry.revoked_at.strftime("%Y-%m-%d %H:%M UTC"),
        )
    )
    print(
        _(
            "Readers refuse it only once they have the new revocation list: run pki crl "
            "and add the list to the trust file you give them."
        )
    )
    return 0


def _crl(args: argparse.Namespace) -> int:
    from app.crypto import pki

    days = args.next_update_days
    if not 1 <= days <= pki.MAX_CRL_VALIDITY_DAYS:
        raise UserFacingError(
            Msg.of(
                "A revocation list must be valid for between 1 and {days} days.",
                days=pki.MAX_CRL_VALIDITY_DAYS,
            ),
            Msg.of("Choose a validity with --next-update-days."),
        )
    ca_passphrase = read_passphrase(args.ca_passphrase_file, prompt=_("CA passphrase: "))
    ca = pki.load_ca(args.ca, ca_passphrase)
    crl = pki.sign_crl(ca, args.ca, datetime.now(UTC), validity=timedelta(days=days))
    pki.write_crl(args.out, crl, args.ca)
    next_update = crl.next_update_utc
    assert next_update is not None
    print(
        ngettext(
            "Wrote the revocation list {path}: {count} revoked certificate, valid until {date}.",
            "Wrote the revocation list {path}: {count} revoked certificates, valid until {date}.",
            len(crl),
            path=args.out,
            count=len(crl),
            date=next_update.strftime("%Y-%m-%d %H:%M UTC"),
        )
    )
    print(
        _("Append it to the trust file you give to readers, and sign a new list before that date.")
    )
    return 0


def _one_certificate(name: str) -> Any:
    """The single certificate in the .pem or .der file ``name``."""
    from cryptography import x509

    from app.crypto.pki import read_certificate_file

    data = read_certificate_file(name)
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise _not_a_certificate(name) from exc
    if len(certs) != 1:
        raise UserFacingError(
            Msg.of("{path} holds {count} certificates.", path=name, count=len(certs)),
            Msg.of("Revoke one certificate at a time, from a file that holds only it."),
        )
    return certs[0]


def _show(args: argparse.Namespace) -> int:
    from cryptography import x509

    from app.crypto import identity as ident
    from app.crypto.pki import MAX_CERTIFICATE_FILE_SIZE
    from app.formats.bounded_read import read_input_file

    path = Path(args.file)
    data = read_input_file(path, MAX_CERTIFICATE_FILE_SIZE, Msg.of("the file"))
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise _not_a_certificate(args.file) from exc
        for index, cert in enumerate(certs):
            if index:
                print()
            _print_certificate(cert, binding=None)
        return 0
    try:
        cert = x509.load_der_x509_certificate(data)
    except ValueError:
        pass
    else:
        _print_certificate(cert, binding=None)
        return 0

    report = ident.protection_report(data)
    passphrase = read_passphrase(args.passphrase_file, prompt=_("Passphrase: "))
    loaded = ident.open_pkcs12(data, passphrase)
    if loaded.cert is None:
        raise ident.IdentityFormatError(Msg.of("it contains no certificate"))
    cert = loaded.cert.certificate
    _print_certificate(cert, binding=_binding_status(loaded.key, cert))
    print(_("Protection: {schemes}", schemes=", ".join(dict.fromkeys(report.schemes))))
    for warning in report.warnings:
        print(_("Warning: {warning}", warning=warning))
    return 0


def _not_a_certificate(name: str) -> UserFacingError:
    return UserFacingError(
        Msg.of("{path} holds no readable certificate.", path=name),
        Msg.of("Choose a .pem certificate or a .p12 identity file."),
    )


def _binding_status(key: object, cert: Any) -> bool | None:
    """``True``/``False``: the bound X25519 key matches/does not match the file's key."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from app.crypto import profile
    from app.crypto.identity import derive_x25519_private_key

    bound = profile.x25519_public_bytes(cert)
    if bound is None or not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    if not isinstance(key.curve, ec.SECP256R1):
        return False
    return derive_x25519_private_key(key).public_key().public_bytes_raw() == bound


def _print_certificate(cert: Any, *, binding: bool | None) -> None:
    from cryptography import x509

    from app.crypto import profile

    stamp = "%Y-%m-%d %H:%M UTC"
    print(_("Subject: {name}", name=profile.common_name(cert)))
    print(_("Organisation: {organisation}", organisation=profile.organisation(cert) or "-"))
    print(_("Role: {role}", role=profile.role_label(profile.certificate_role(cert))))
    issuer = cert.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    print(_("Issuer: {issuer}", issuer=issuer[0].value if issuer else cert.issuer.rfc4514_string()))
    print(
        _(
            "Valid: {start} to {end}",
            start=cert.not_valid_before_utc.strftime(stamp),
            end=cert.not_valid_after_utc.strftime(stamp),
        )
    )
    print(_("Fingerprint: {fingerprint}", fingerprint=profile.fingerprint(cert)))
    print(_("SHA-256: {digest}", digest=profile.fingerprint_sha256(cert)))
    bound = profile.x25519_public_bytes(cert)
    if bound is None:
        key_text = _("absent")
    elif binding is None:
        key_text = _("present ({key})", key=bound.hex())
    elif binding:
        key_text = _("present and matching this identity ({key})", key=bound.hex())
    else:
        key_text = _("present but NOT matching this identity's key: do not use this file")
    print(_("Encryption key (X25519): {state}", state=key_text))
