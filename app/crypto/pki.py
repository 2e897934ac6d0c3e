"""A small offline certificate authority, and trust stores (identity v1).

The CA lives in one directory: ``ca.p12`` (its key and certificate, passphrase-protected
like every identity) and ``ca.pem`` (the root certificate to hand out as a trust root).
:func:`issue` makes one PKCS#12 identity file per person (see :mod:`app.crypto.identity`).

Whoever holds the CA key can mint any role. A secretary who runs the CA could therefore
mint an "expert"; the ministry defends against that by configuring its own roots and
pinning each expert's certificate fingerprint (``docs/formats/identity-v1.md``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding

from app.crypto import profile
from app.crypto.identity import (
    MAX_IDENTITY_FILE_SIZE,
    IdentityFormatError,
    derive_x25519_private_key,
    open_pkcs12,
    serialize_pkcs12,
)
from app.crypto.profile import (
    Role,
    certificate_role,
    fingerprint,
    fingerprint_sha256,
    normalize_fingerprint,
)
from app.errors import UserFacingError
from app.formats.atomic_file import atomic_write
from app.formats.bounded_read import read_bounded, read_input_file
from app.i18n import Msg

__all__ = [
    "CA_CERT_FILE",
    "CA_KEY_FILE",
    "CA_REVOCATIONS_FILE",
    "REVOCATION_REASONS",
    "CertificateAuthority",
    "PkiError",
    "Revocation",
    "Role",
    "TrustFile",
    "TrustStoreError",
    "certificate_role",
    "crl_signer",
    "crls_in",
    "fingerprint",
    "fingerprint_sha256",
    "init_ca",
    "issue",
    "load_ca",
    "load_trust_file",
    "load_trust_roots",
    "normalize_fingerprint",
    "revocations",
    "revoke",
    "sign_crl",
    "trust_bytes",
    "trust_data",
    "write_crl",
    "write_trust_roots",
]

CA_KEY_FILE: Final = "ca.p12"
CA_CERT_FILE: Final = "ca.pem"
CA_REVOCATIONS_FILE: Final = "revocations.json"
"""The CA's record of revoked certificates and of the last CRL number (section 9 of
``docs/formats/identity-v1.md``)."""
DEFAULT_PERSON_VALIDITY: Final = timedelta(days=2 * 365)
DEFAULT_CA_VALIDITY: Final = timedelta(days=10 * 365)
#: Certificates start this much before "now", so a laptop whose clock runs a little behind
#: the issuing machine's still accepts a freshly issued certificate.
BACKDATE: Final = timedelta(hours=1)
#: Placeholder CRL distribution point. Nothing is fetched (the app is offline); its presence
#: makes pyHanko apply the offline CRLs it is given (without a CRLDP, a revoked certificate
#: still validates). ``.invalid`` is reserved (RFC 2606) and never resolves.
CRL_PLACEHOLDER_URI: Final = "http://crl.invalid/review-desk/{ski}.crl"
MAX_NAME_LENGTH: Final = 64  # X.520 ub-common-name / ub-organization-name
MAX_TRUST_FILE_SIZE: Final = 1024 * 1024
"""A trust-root bundle (PEM): a few roots of ~1 KB each; larger is refused unread."""
MAX_CERTIFICATE_FILE_SIZE: Final = 256 * 1024
"""A certificate file (PEM or DER, possibly a few certificates); larger is refused unread."""
MAX_REVOCATIONS_FILE_SIZE: Final = 4 * 1024 * 1024
"""``revocations.json``: ~250 bytes a revocation; larger is refused unread."""
MAX_CRL_VALIDITY_DAYS: Final = 366
DEFAULT_CRL_VALIDITY_DAYS: Final = 30
#: The reasons ``pki revoke`` accepts (RFC 5280 CRLReason, those that fit an end entity;
#: ``certificateHold`` is left out: a revocation here is final).
REVOCATION_REASONS: Final[dict[str, x509.ReasonFlags]] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key-compromise": x509.ReasonFlags.key_compromise,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "privilege-withdrawn": x509.ReasonFlags.privilege_withdrawn,
}


class PkiError(UserFacingError):
    """The CA cannot do what was asked (bad input, missing or mismatched CA files)."""


class TrustStoreError(UserFacingError):
    """A trust-root bundle that cannot be used."""


@dataclass(frozen=True)
class CertificateAuthority:
    """An unlocked CA: its root certificate and signing key."""

    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey = field(repr=False)


# --- the CA ------------------------------------------------------------------------------


def init_ca(
    directory: str | os.PathLike[str],
    name: str,
    passphrase: bytes,
    now: datetime,
    *,
    organisation: str | None = None,
    validity: timedelta = DEFAULT_CA_VALIDITY,
) -> x509.Certificate:
    """Create a new root CA in ``directory`` (created if missing); returns its certificate.

    Writes ``ca.p12`` (mode 0600) and ``ca.pem`` (0644) atomically. Refuses to overwrite an
    existing CA: losing a CA key silently would orphan every identity it issued.
    """
    _check_now(now)
    _check_name(name)
    if organisation:
        _check_name(organisation)
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(folder, exc) from exc
    if (folder / CA_KEY_FILE).exists() or (folder / CA_CERT_FILE).exists():
        raise PkiError(
            Msg.of("A certificate authority already exists in {path}.", path=str(folder)),
            Msg.of("Choose an empty folder, or keep using the existing authority."),
        )
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, organisation, Role.CA)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    p12 = serialize_pkcs12(key, cert, [], passphrase)
    try:
        atomic_write(folder / CA_KEY_FILE, p12, mode=0o600)
        atomic_write(folder / CA_CERT_FILE, cert.public_bytes(Encoding.PEM), mode=0o644)
    except OSError as exc:
        raise _write_error(folder, exc) from exc
    return cert


def load_ca(directory: str | os.PathLike[str], passphrase: bytes) -> CertificateAuthority:
    """Unlock the CA in ``directory``. Checks that ``ca.pem`` (if present) is its certificate.

    Raises :class:`app.crypto.identity.IdentityPassphraseError` for a wrong passphrase and
    :class:`PkiError` for a folder that holds no usable CA.
    """
    folder = Path(directory)

    def refuse(reason: Msg, detail: str) -> PkiError:
        return PkiError(
            Msg.of(
                "No certificate authority found in {path}: {reason}",
                path=str(folder),
                reason=reason,
            ),
            Msg.of("Choose the folder that contains ca.p12 and ca.pem."),
        )

    data = read_bounded(folder / CA_KEY_FILE, MAX_IDENTITY_FILE_SIZE, refuse)
    loaded = open_pkcs12(data, passphrase)
    key = loaded.key
    if (
        loaded.cert is None
        or not isinstance(key, ec.EllipticCurvePrivateKey)
        or not isinstance(key.curve, ec.SECP256R1)
    ):
        raise IdentityFormatError(Msg.of("it holds no CA key and certificate"))
    cert = loaded.cert.certificate
    if certificate_role(cert) is not Role.CA:
        raise IdentityFormatError(Msg.of("its certificate is not a certificate authority"))
    pem_path = folder / CA_CERT_FILE
    if pem_path.exists():
        try:
            pem = read_bounded(pem_path, MAX_CERTIFICATE_FILE_SIZE, _unreadable_ca_pem)
            published = x509.load_pem_x509_certificate(pem)
        except (_UnreadableFile, ValueError) as exc:
            raise PkiError(
                Msg.of("{file} cannot be read.", file=str(pem_path)), _CA_FOLDER_ADVICE
            ) from exc
        if published != cert:
            raise PkiError(
                Msg.of("{file} does not belong to this certificate authority.", file=CA_CERT_FILE),
                _CA_FOLDER_ADVICE,
            )
    return CertificateAuthority(certificate=cert, private_key=key)


_CA_FOLDER_ADVICE = Msg.of("Restore the certificate authority folder from its backup.")


def issue_certificate(
    ca: CertificateAuthority,
    role: Role,
    name: str,
    organisation: str | None,
    subject_key: ec.EllipticCurvePrivateKey,
    now: datetime,
    *,
    validity: timedelta = DEFAULT_PERSON_VALIDITY,
) -> x509.Certificate:
    """The end-entity certificate for ``subject_key`` (profile in identity-v1.md).

    Binds the X25519 key derived from ``subject_key``. Validity ends no later than the CA's.
    """
    _check_now(now)
    if role is Role.CA:
        raise PkiError(
            Msg.of("A person cannot be issued the role of a certificate authority."),
            Msg.of("Choose issuer, secretary, expert or ministry."),
        )
    _check_name(name)
    if organisation:
        _check_name(organisation)
    ca_cert = ca.certificate
    ski = x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key())
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    x25519_public = derive_x25519_private_key(subject_key).public_key().public_bytes_raw()
    not_after = min(now + validity, ca_cert.not_valid_after_utc)
    crl_uri = CRL_PLACEHOLDER_URI.format(ski=ca_ski.digest.hex())
    return (
        x509.CertificateBuilder()
        .subject_name(_name(name, organisation, role))
        .issuer_name(ca_cert.subject)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([profile.ROLE_EKU[role], profile.DOCUMENT_SIGNING_EKU]),
            critical=False,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_uri)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
        .add_extension(profile.x25519_binding_extension(x25519_public), critical=False)
        .sign(ca.private_key, hashes.SHA256())
    )


def issue(
    ca_dir: str | os.PathLike[str],
    ca_passphrase: bytes,
    role: Role,
    name: str,
    organisation: str | None,
    out_p12: str | os.PathLike[str],
    passphrase: bytes,
    now: datetime,
    *,
    validity: timedelta = DEFAULT_PERSON_VALIDITY,
    overwrite: bool = False,
) -> x509.Certificate:
    """Issue a new identity: key, certificate and PKCS#12 file at ``out_p12`` (mode 0600).

    Returns the certificate (give its :func:`fingerprint` to whoever must pin it). Refuses
    to replace an existing file unless ``overwrite``. Takes about 0.6 s (two slow KDFs).
    """
    target = Path(out_p12)
    if target.exists() and not overwrite:
        raise PkiError(
            Msg.of("{path} already exists.", path=str(target)),
            Msg.of("Choose another file name; an identity file is never overwritten."),
        )
    ca = load_ca(ca_dir, ca_passphrase)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = issue_certificate(ca, role, name, organisation, key, now, validity=validity)
    p12 = serialize_pkcs12(key, cert, [ca.certificate], passphrase)
    try:
        atomic_write(target, p12, mode=0o600)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    return cert


def _name(name: str, organisation: str | None, role: Role) -> x509.Name:
    attributes = [x509.NameAttribute(x509.NameOID.COMMON_NAME, name)]
    if organisation:
        attributes.append(x509.NameAttribute(x509.NameOID.ORGANIZATION_NAME, organisation))
    attributes.append(x509.NameAttribute(x509.NameOID.ORGANIZATIONAL_UNIT_NAME, role.value))
    return x509.Name(attributes)


def _check_name(value: str) -> None:
    if not value.strip() or len(value) > MAX_NAME_LENGTH or not value.isprintable():
        raise PkiError(
            Msg.of("The name {name} cannot be used in a certificate.", name=repr(value[:80])),
            Msg.of(
                "Use between 1 and {limit} printable characters.",
                limit=MAX_NAME_LENGTH,
            ),
        )


def _check_now(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")


def _write_error(path: Path, exc: OSError) -> PkiError:
    return PkiError(
        Msg.of("Cannot write {path}: {reason}", path=str(path), reason=exc.strerror or str(exc)),
        Msg.of("Check that the folder exists and that you may write to it."),
    )


# --- revocation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Revocation:
    """One certificate the CA has revoked (an entry of ``revocations.json``)."""

    serial: int
    revoked_at: datetime
    reason: str
    """A key of :data:`REVOCATION_REASONS`."""
    name: str
    fingerprint: str


@dataclass(frozen=True)
class _Record:
    crl_number: int
    revoked: tuple[Revocation, ...]


_RECORD_FORMAT: Final = "review-desk/ca-revocations"
_RECORD_VERSION: Final = 1


def revoke(
    ca: CertificateAuthority,
    ca_dir: str | os.PathLike[str],
    certificate: x509.Certificate,
    now: datetime,
    *,
    reason: str = "unspecified",
) -> Revocation:
    """Record in ``ca_dir`` that ``certificate`` (issued by ``ca``) is revoked as of ``now``.

    The record takes effect for readers only once a CRL made by :func:`sign_crl` reaches
    them. Refuses a certificate this CA did not issue, the CA's own certificate, an unknown
    reason and a certificate already revoked (a revocation is final).
    """
    _check_now(now)
    if reason not in REVOCATION_REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    name = profile.common_name(certificate)
    if certificate == ca.certificate or not _issued_by(certificate, ca.certificate):
        raise PkiError(
            Msg.of(
                "{name} ({fingerprint}) was not issued by this certificate authority.",
                name=name,
                fingerprint=fingerprint(certificate),
            ),
            Msg.of("Revoke a certificate with the authority that issued it."),
        )
    folder = Path(ca_dir)
    record = _read_record(folder)
    for known in record.revoked:
        if known.serial == certificate.serial_number:
            raise PkiError(
                Msg.of(
                    "{name} ({fingerprint}) was already revoked on {date}.",
                    name=known.name,
                    fingerprint=known.fingerprint,
                    date=_stamp(known.revoked_at),
                ),
                Msg.of("Nothing to do: sign a new list with pki crl if readers lack it."),
            )
    entry = Revocation(
        serial=certificate.serial_number,
        revoked_at=now.replace(microsecond=0),
        reason=reason,
        name=name,
        fingerprint=fingerprint(certificate),
    )
    _write_record(folder, _Record(record.crl_number, (*record.revoked, entry)))
    return entry


def revocations(ca_dir: str | os.PathLike[str]) -> tuple[Revocation, ...]:
    """The revocations recorded in ``ca_dir``, oldest first (none when there is no record)."""
    return _read_record(Path(ca_dir)).revoked


def sign_crl(
    ca: CertificateAuthority,
    ca_dir: str | os.PathLike[str],
    now: datetime,
    *,
    validity: timedelta = timedelta(days=DEFAULT_CRL_VALIDITY_DAYS),
) -> x509.CertificateRevocationList:
    """A new complete CRL (RFC 5280 v2) of every revocation recorded in ``ca_dir``.

    thisUpdate is ``now`` minus :data:`BACKDATE`, nextUpdate ``now + validity`` (at most
    :data:`MAX_CRL_VALIDITY_DAYS`); each CRL gets the next cRLNumber, recorded in ``ca_dir``
    before the list is returned. Built with ``cryptography``'s
    :class:`~cryptography.x509.CertificateRevocationListBuilder`, signed ECDSA-SHA256.
    """
    _check_now(now)
    if not timedelta(days=1) <= validity <= timedelta(days=MAX_CRL_VALIDITY_DAYS):
        raise PkiError(
            Msg.of(
                "A revocation list must be valid for between 1 and {days} days.",
                days=MAX_CRL_VALIDITY_DAYS,
            ),
            Msg.of("Choose a validity with --next-update-days."),
        )
    folder = Path(ca_dir)
    record = _read_record(folder)
    number = record.crl_number + 1
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(now - BACKDATE)
        .next_update(now + validity)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
    )
    for entry in record.revoked:
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
        )
        flag = REVOCATION_REASONS[entry.reason]
        if flag is not x509.ReasonFlags.unspecified:  # RFC 5280 5.3.1: omit "unspecified"
            revoked = revoked.add_extension(x509.CRLReason(flag), critical=False)
        builder = builder.add_revoked_certificate(revoked.build())
    crl = builder.sign(ca.private_key, hashes.SHA256())
    _write_record(folder, _Record(number, record.revoked))
    return crl


def write_crl(
    path: str | os.PathLike[str],
    crl: x509.CertificateRevocationList,
    ca_dir: str | os.PathLike[str],
) -> None:
    """Write ``crl`` as PEM (atomically, mode 0644); never over the CA's own files."""
    target = Path(path)
    folder = Path(ca_dir)
    for own in (CA_KEY_FILE, CA_CERT_FILE, CA_REVOCATIONS_FILE):
        if target.exists() and (folder / own).exists() and target.samefile(folder / own):
            raise PkiError(
                Msg.of("{path} is a file of the certificate authority.", path=str(target)),
                Msg.of("Choose another file name for the revocation list."),
            )
    try:
        atomic_write(target, crl.public_bytes(Encoding.PEM), mode=0o644)
    except OSError as exc:
        raise _write_error(target, exc) from exc


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _read_record(folder: Path) -> _Record:
    path = folder / CA_REVOCATIONS_FILE
    if not path.exists():
        return _Record(0, ())

    def refuse(reason: Msg, detail: str) -> PkiError:
        return PkiError(
            Msg.of("Cannot read {file}: {reason}", file=str(path), reason=reason),
            _CA_FOLDER_ADVICE,
        )

    data = read_bounded(path, MAX_REVOCATIONS_FILE_SIZE, refuse)
    try:
        return _parse_record(json.loads(data.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise PkiError(Msg.of("{file} is damaged.", file=str(path)), _CA_FOLDER_ADVICE) from exc


def _parse_record(raw: object) -> _Record:
    if (
        not isinstance(raw, dict)
        or raw.get("format") != _RECORD_FORMAT
        or raw.get("version") != _RECORD_VERSION
        or set(raw) != {"format", "version", "crl_number", "revoked"}
    ):
        raise ValueError("not a revocation record")
    number = raw["crl_number"]
    items = raw["revoked"]
    if type(number) is not int or number < 0 or not isinstance(items, list):
        raise ValueError("bad record fields")
    entries: list[Revocation] = []
    for item in items:
        if not isinstance(item, dict) or set(item) != {
            "serial",
            "revoked_at",
            "reason",
            "name",
            "fingerprint",
        }:
            raise ValueError("bad revocation entry")
        serial, at, reason, name, print_ = (
            item["serial"],
            item["revoked_at"],
            item["reason"],
            item["name"],
            item["fingerprint"],
        )
        if not all(isinstance(v, str) for v in (serial, at, reason, name, print_)):
            raise ValueError("bad revocation entry")
        if reason not in REVOCATION_REASONS or not at.endswith("Z"):
            raise ValueError("bad revocation entry")
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            raise ValueError("bad revocation time")
        entries.append(Revocation(int(serial, 16), moment, reason, name, print_))
    return _Record(number, tuple(entries))


def _write_record(folder: Path, record: _Record) -> None:
    body = {
        "format": _RECORD_FORMAT,
        "version": _RECORD_VERSION,
        "crl_number": record.crl_number,
        "revoked": [
            {
                "serial": format(entry.serial, "x"),
                "revoked_at": entry.revoked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "reason": entry.reason,
                "name": entry.name,
                "fingerprint": entry.fingerprint,
            }
            for entry in record.revoked
        ],
    }
    data = (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    try:
        atomic_write(folder / CA_REVOCATIONS_FILE, data, mode=0o644)
    except OSError as exc:
        raise _write_error(folder / CA_REVOCATIONS_FILE, exc) from exc


# --- trust store -------------------------------------------------------------------------


def load_trust_roots(path: str | os.PathLike[str]) -> list[x509.Certificate]:
    """The CA certificates in a PEM bundle, duplicates removed, in file order.

    Refuses (:class:`TrustStoreError`) an unreadable file, one without certificates, and
    any certificate that is not a CA (basicConstraints cA=TRUE): an end-entity
    certificate as a "root" would make its holder trusted for anything.
    """
    source = Path(path)
    data = read_bounded(source, MAX_TRUST_FILE_SIZE, _trust_refusal(source))
    return _parse_roots(data, str(source))


def _trust_refusal(source: Path) -> Callable[[Msg, str], TrustStoreError]:
    def refuse(reason: Msg, detail: str) -> TrustStoreError:
        return TrustStoreError(
            Msg.of("Cannot read the trust roots {path}: {reason}", path=str(source), reason=reason),
            _TRUST_ADVICE,
        )

    return refuse


def _parse_roots(data: bytes, source: str | Msg) -> list[x509.Certificate]:
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise TrustStoreError(
            Msg.of("{path} contains no readable PEM certificates.", path=source),
            _TRUST_ADVICE,
        ) from exc
    unique: dict[bytes, x509.Certificate] = {}
    for cert in certs:
        if not profile.is_ca_certificate(cert):
            raise TrustStoreError(
                Msg.of(
                    "{name} in {path} is not a certificate authority.",
                    name=profile.common_name(cert),
                    path=source,
                ),
                _TRUST_ADVICE,
            )
        unique.setdefault(cert.fingerprint(hashes.SHA256()), cert)
    return list(unique.values())


_TRUST_ADVICE = Msg.of("Ask the ministry or the meeting secretary for the trust-root file.")
_CRL_ADVICE = Msg.of(
    "Ask the certificate authority for a new revocation list (pki crl) and put it in the "
    "trust file in place of the old one."
)
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n(.*?)-----END \1-----", re.DOTALL)
_PEM_LABELS: Final = frozenset({b"CERTIFICATE", b"X509 CRL"})


@dataclass(frozen=True)
class TrustFile:
    """A trust file (``docs/formats/trust-v1.md``): the roots, and the revocation lists
    (CRLs) they signed, each checked to be current when the file was read."""

    roots: tuple[x509.Certificate, ...]
    crls: tuple[x509.CertificateRevocationList, ...]


def load_trust_file(path: str | os.PathLike[str], now: datetime) -> TrustFile:
    """The roots and CRLs of the trust file ``path``, as of ``now``.

    The roots as :func:`load_trust_roots` reads them; besides, every ``X509 CRL`` block
    must be signed by one of those roots (at most one list per root) and current at
    ``now`` (thisUpdate <= now <= nextUpdate: the verifier refuses every signer under a
    list that is not, so the file is refused here, where the message can say what to do).
    Any other PEM block (a private key, say) is refused. :class:`TrustStoreError` for all.
    """
    _check_now(now)
    source = Path(path)
    data = read_bounded(source, MAX_TRUST_FILE_SIZE, _trust_refusal(source))
    return trust_data(data, now, str(source))


def trust_data(data: bytes, now: datetime, source: str | Msg) -> TrustFile:
    """:func:`load_trust_file` over trust-file bytes already read (at most
    :data:`MAX_TRUST_FILE_SIZE`): a trust file kept in a workspace, or the ``trust-roots.pem``
    a meeting kit carries. ``source`` names it in the messages. Same checks, same errors."""
    _check_now(now)
    roots = _parse_roots(data, source)
    crls: dict[bytes, x509.CertificateRevocationList] = {}
    for match in _PEM_BLOCK.finditer(data):
        label = match.group(1)
        if label not in _PEM_LABELS:
            raise TrustStoreError(
                Msg.of(
                    "{path} holds a {label} block; a trust file holds only certificates "
                    "and revocation lists.",
                    path=source,
                    label=label.decode("ascii"),
                ),
                _TRUST_ADVICE,
            )
        if label != b"X509 CRL":
            continue
        try:
            crl = x509.load_pem_x509_crl(match.group(0))
        except ValueError as exc:
            raise TrustStoreError(
                Msg.of("{path} holds a revocation list that cannot be read.", path=source),
                _CRL_ADVICE,
            ) from exc
        root = crl_signer(crl, roots)
        if root is None:
            raise TrustStoreError(
                Msg.of(
                    "{path} holds a revocation list that none of its roots signed.",
                    path=source,
                ),
                _CRL_ADVICE,
            )
        name = profile.common_name(root)
        key = root.fingerprint(hashes.SHA256())
        if key in crls:
            raise TrustStoreError(
                Msg.of("{path} holds two revocation lists from {name}.", path=source, name=name),
                Msg.of("Keep only the newest list of each authority in the trust file."),
            )
        next_update = crl.next_update_utc
        if next_update is None or now > next_update:
            raise TrustStoreError(
                Msg.of(
                    "The revocation list from {name} in {path} is out of date since {date}.",
                    name=name,
                    path=source,
                    date=_stamp(next_update) if next_update else "-",
                ),
                _CRL_ADVICE,
            )
        if now < crl.last_update_utc:
            raise TrustStoreError(
                Msg.of(
                    "The revocation list from {name} in {path} is valid only from {date}.",
                    name=name,
                    path=source,
                    date=_stamp(crl.last_update_utc),
                ),
                Msg.of("Check this computer's date and time."),
            )
        crls[key] = crl
    return TrustFile(roots=tuple(roots), crls=tuple(crls.values()))


def crls_in(data: bytes) -> list[x509.CertificateRevocationList]:
    """Every ``X509 CRL`` block of PEM text, unchecked (unreadable blocks skipped): for text
    that :func:`trust_data` accepted once and is read again, each list then checked by the
    caller against its own roots (:func:`crl_signer`)."""
    found = []
    for match in _PEM_BLOCK.finditer(data):
        if match.group(1) == b"X509 CRL":
            try:
                found.append(x509.load_pem_x509_crl(match.group(0)))
            except ValueError:
                continue
    return found


def trust_bytes(
    roots: Sequence[x509.Certificate], crls: Sequence[x509.CertificateRevocationList] = ()
) -> bytes:
    """A trust file's text (trust-v1): the roots, then the lists, as PEM."""
    return b"".join(c.public_bytes(Encoding.PEM) for c in roots) + b"".join(
        c.public_bytes(Encoding.PEM) for c in crls
    )


def crl_signer(
    crl: x509.CertificateRevocationList, roots: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    """The root in ``roots`` that signed ``crl`` (its subject is the list's issuer and the
    signature verifies under its key), or ``None``."""
    for root in roots:
        public_key = root.public_key()
        if crl.issuer == root.subject and isinstance(
            public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey
        ):
            if crl.is_signature_valid(public_key):
                return root
    return None


class _UnreadableFile(Exception):
    """``ca.pem`` cannot be read or is too large (reported as a damaged CA folder)."""


def _unreadable_ca_pem(reason: Msg, detail: str) -> _UnreadableFile:
    return _UnreadableFile(detail)


def read_certificate_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a certificate file the user named, at most
    :data:`MAX_CERTIFICATE_FILE_SIZE` (:class:`~app.formats.bounded_read.InputFileError`)."""
    return read_input_file(path, MAX_CERTIFICATE_FILE_SIZE, Msg.of("the certificate file"))


def write_trust_roots(path: str | os.PathLike[str], roots: Sequence[x509.Certificate]) -> None:
    """Write ``roots`` as one PEM bundle (atomically, mode 0644)."""
    if not roots:
        raise ValueError("a trust store needs at least one root")
    bundle = b"".join(cert.public_bytes(Encoding.PEM) for cert in roots)
    try:
        atomic_write(path, bundle, mode=0o644)
    except OSError as exc:
        raise _write_error(Path(path), exc) from exc
