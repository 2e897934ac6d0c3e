"""The *report to sign* file (``*.oireport``, ``docs/formats/report-to-sign-v2.md``).

The secretary writes it for the chair's own machine: the unsigned report and its signed
inputs (a result bundle whose ``report.pdf`` is the report prepared for signing), under a
header signed by the secretary, the whole archive then encrypted with age to the panel chair
and the secretary (sign, then encrypt, as packages do: the stick carries the meeting's
signed work, which nobody else may read). The chair's machine decrypts and verifies it,
renders the report again from the verified inputs and compares it byte for byte (the defence
against shadow attacks: the chair never signs a PDF the secretary prepared differently from
the signed results), signs, and writes the file back with the chair-signed PDF added,
encrypted to the secretary and the chair.

Readers work in stages: bounded read -> age layer (not version 1; exactly two X25519
stanzas; the reader's own key; every chunk authenticated) -> ZIP directory -> the
secretary's signature over the exact header bytes -> strict header parse -> the inputs'
hash -> the inputs as a result bundle (every expert signature, completeness,
recomputation) -> the report's hash. Version 1 (the same archive in clear) is refused.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from cryptography import x509

from app.crypto import cms, profile
from app.crypto.age_errors import AgeError, AgeNoMatchError
from app.crypto.age_file import decrypt_bytes, encrypt_bytes, inspect_header
from app.crypto.age_keys import X25519Identity, X25519Recipient
from app.crypto.cms import SignatureError, SignerInfo
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.errors import ValidationError
from app.formats.bounded_read import read_bounded
from app.formats.canonical_json import JsonFormatError, dumps_canonical, loads_strict
from app.i18n import Msg
from app.package.errors import PackageContainerError
from app.package.zipcheck import read_directory, read_entry
from app.results import BundleError, VerifiedBundle, verify_bundle
from app.results.container import zip_bytes

FORMAT: Final = "review-desk-report-to-sign"
VERSION: Final = 2
EXTENSION: Final = ".oireport"
HEADER_NAME: Final = "report-to-sign.json"
SIGNATURE_NAME: Final = "report-to-sign.json.p7s"
INPUTS_NAME: Final = "inputs.oibundle"
CHAIR_SIGNED_NAME: Final = "report-chair-signed.pdf"
MAX_FILE_SIZE: Final = 1024 * 1024 * 1024
MAX_HEADER_SIZE: Final = 64 * 1024
MAX_SIGNATURE_SIZE: Final = 64 * 1024
STANZAS: Final = (("X25519", 2),)
"""The age header of version 2: exactly two X25519 stanzas (the chair's and the secretary's)."""
ZIP_MAGIC: Final = b"PK\x03\x04"
"""How a version 1 file (the archive in clear) begins."""
LANGUAGES: Final = ("zh_CN", "en")
_KEYS: Final = frozenset(
    {
        "format",
        "version",
        "meeting_id",
        "kit_hash",
        "round",
        "bundle_version",
        "language",
        "document_id",
        "generated_at",
        "anonymise_experts",
        "results_sha256",
        "inputs_sha256",
        "report_sha256",
    }
)
_NEW_COPY = Msg.of("Do not sign it; ask the secretary to write the report to sign again.")


class ReportToSignError(ValidationError):
    """A report-to-sign file refused; nothing was signed or written."""

    def __init__(self, reason: Msg, advice: Msg = _NEW_COPY) -> None:
        super().__init__(Msg.of("The report to sign is refused: {reason}", reason=reason), advice)


class ReportToSignKeyError(ReportToSignError):
    """The file is not encrypted to the reader's identity (another expert's, say)."""

    def __init__(self) -> None:
        super().__init__(
            Msg.of(
                "it is not encrypted to your identity: only the panel chair and the secretary "
                "can open it."
            ),
            Msg.of(
                "Open it with the panel chair's (or the secretary's) own identity; if that is "
                "the one you used, ask the secretary to write the report to sign again."
            ),
        )


@dataclass(frozen=True)
class ReportSettings:
    """How the report is rendered from the results (signed in the header)."""

    language: str
    document_id: str
    generated_at: datetime
    anonymise_experts: bool


@dataclass(frozen=True)
class ReportToSign:
    """A verified report-to-sign file."""

    settings: ReportSettings
    inputs: bytes
    """The exact bytes of the inputs bundle."""
    verified: VerifiedBundle
    prepared_pdf: bytes
    """The report prepared for signing (two empty signature fields)."""
    secretary: SignerInfo
    chair_signed_pdf: bytes | None
    header: bytes
    signature: bytes

    @property
    def results_hash(self) -> str:
        return self.verified.results_hash


def header_bytes(
    verified: VerifiedBundle, inputs: bytes, prepared_pdf: bytes, settings: ReportSettings
) -> bytes:
    manifest = verified.manifest
    return dumps_canonical(
        {
            "format": FORMAT,
            "version": VERSION,
            "meeting_id": manifest.meeting_id,
            "kit_hash": manifest.kit_hash,
            "round": manifest.round,
            "bundle_version": manifest.bundle_version,
            "language": settings.language,
            "document_id": settings.document_id,
            "generated_at": settings.generated_at.isoformat(),
            "anonymise_experts": settings.anonymise_experts,
            "results_sha256": verified.results_hash,
            "inputs_sha256": hashlib.sha256(inputs).hexdigest(),
            "report_sha256": hashlib.sha256(prepared_pdf).hexdigest(),
        }
    )


def recipient_of(cert: x509.Certificate, role: Role) -> X25519Recipient:
    """The age key bound in ``cert`` (``identity-v1.md``), which must hold ``role``;
    :class:`ReportToSignError` otherwise (nothing is written)."""
    bound = profile.x25519_public_bytes(cert)
    if profile.certificate_role(cert) is not role or bound is None:
        raise ReportToSignError(
            Msg.of(
                "the certificate of {name} does not carry the role {role} and an encryption key.",
                name=profile.common_name(cert)[:80],
                role=profile.role_label(role),
            ),
            Msg.of("Use the certificate the meeting's CA issued to that person."),
        )
    return X25519Recipient(bound)


def report_to_sign_bytes(
    verified: VerifiedBundle,
    inputs: bytes,
    prepared_pdf: bytes,
    settings: ReportSettings,
    secretary: Identity,
    chair_certificate: x509.Certificate,
    now: datetime,
) -> bytes:
    """The file the secretary writes (``inputs`` must be the bundle ``verified`` was read
    from, with ``prepared_pdf`` as its report), encrypted to the chair (``chair_certificate``,
    the roster's) and to the secretary."""
    chair = recipient_of(chair_certificate, Role.EXPERT)
    header = header_bytes(verified, inputs, prepared_pdf, settings)
    signature = cms.sign_detached(header, secretary)
    archive = zip_bytes(
        [(HEADER_NAME, header), (SIGNATURE_NAME, signature), (INPUTS_NAME, inputs)], now
    )
    return encrypt_bytes(archive, [chair, _own(secretary)])


def with_chair_signature(
    report: ReportToSign, chair_signed_pdf: bytes, chair: Identity, now: datetime
) -> bytes:
    """The file the chair writes back: the secretary's members unchanged, plus the
    chair-signed PDF, encrypted to the secretary (who signed the header) and the chair."""
    secretary = recipient_of(report.secretary.certificate, Role.SECRETARY)
    archive = zip_bytes(
        [
            (HEADER_NAME, report.header),
            (SIGNATURE_NAME, report.signature),
            (INPUTS_NAME, report.inputs),
            (CHAIR_SIGNED_NAME, chair_signed_pdf),
        ],
        now,
    )
    return encrypt_bytes(archive, [secretary, _own(chair)])


def _own(identity: Identity) -> X25519Recipient:
    return X25519Recipient(identity.x25519_public_bytes)


def read_report_to_sign(
    source: Path | bytes,
    identity: Identity,
    trust_roots: list[x509.Certificate],
    now: datetime,
) -> ReportToSign:
    """Open a report-to-sign file with ``identity`` (the chair's or the secretary's) and
    verify it in stages; raises :class:`ReportToSignError`."""
    data = read_bounded(source, MAX_FILE_SIZE, lambda msg, _detail: ReportToSignError(msg))
    members = _members(decrypt(data, identity))
    header, signature, inputs = members[HEADER_NAME], members[SIGNATURE_NAME], members[INPUTS_NAME]
    try:
        secretary = cms.verify_detached(
            header, signature, trust_roots, roles={Role.SECRETARY}, at=now
        )
    except SignatureError as exc:
        raise ReportToSignError(
            Msg.of("the secretary's signature does not verify ({problem}).", problem=exc.message)
        ) from None
    fields = _parse_header(header)
    if hashlib.sha256(inputs).hexdigest() != fields["inputs_sha256"]:
        raise ReportToSignError(Msg.of("its inputs are not those the secretary signed."))
    try:
        verified = verify_bundle(inputs, trust_roots, now)
    except BundleError as exc:
        raise ReportToSignError(
            Msg.of("its signed inputs do not verify ({problem}).", problem=exc.message)
        ) from None
    manifest = verified.manifest
    stated = (
        fields["meeting_id"],
        fields["kit_hash"],
        fields["round"],
        fields["bundle_version"],
        fields["results_sha256"],
    )
    found = (
        manifest.meeting_id,
        manifest.kit_hash,
        manifest.round,
        manifest.bundle_version,
        verified.results_hash,
    )
    if stated != found or verified.secretary.fingerprint != secretary.fingerprint:
        raise ReportToSignError(Msg.of("its header does not describe its inputs."))
    prepared = verified.report_pdf
    if prepared is None or hashlib.sha256(prepared).hexdigest() != fields["report_sha256"]:
        raise ReportToSignError(Msg.of("the report in it is not the one the secretary signed."))
    settings = ReportSettings(
        language=fields["language"],
        document_id=fields["document_id"],
        generated_at=datetime.fromisoformat(fields["generated_at"]),
        anonymise_experts=fields["anonymise_experts"],
    )
    return ReportToSign(
        settings=settings,
        inputs=inputs,
        verified=verified,
        prepared_pdf=prepared,
        secretary=secretary,
        chair_signed_pdf=members.get(CHAIR_SIGNED_NAME),
        header=header,
        signature=signature,
    )


def decrypt(data: bytes, identity: Identity) -> bytes:
    """The archive inside a version 2 file, for ``identity``; the whole payload is
    authenticated before anything of it is returned."""
    if data.startswith(ZIP_MAGIC):
        raise ReportToSignError(
            Msg.of(
                "it is report-to-sign version 1, whose content travels unencrypted; this "
                "program reads only version 2."
            ),
            Msg.of("Ask the secretary to write the report to sign again with this program."),
        )
    try:
        info = inspect_header(io.BytesIO(data))
        if info.armored or info.stanza_counts != STANZAS:
            raise ReportToSignError(Msg.of("it is not encrypted as report-to-sign version 2 is."))
        return decrypt_bytes(data, [X25519Identity(identity.x25519_private_key)])
    except AgeNoMatchError:
        raise ReportToSignKeyError() from None
    except AgeError as exc:
        raise ReportToSignError(
            Msg.of("it is damaged or is not a report-to-sign file ({problem}).", problem=exc.msg)
        ) from None


def _members(data: bytes) -> dict[str, bytes]:
    try:
        directory = read_directory(io.BytesIO(data), len(data), max_entries=4)
        names = directory.names
        expected = (HEADER_NAME, SIGNATURE_NAME, INPUTS_NAME)
        if names not in (expected, (*expected, CHAIR_SIGNED_NAME)):
            raise ReportToSignError(
                Msg.of("it does not hold exactly the members of report-to-sign v2.")
            )
        limits = {HEADER_NAME: MAX_HEADER_SIZE, SIGNATURE_NAME: MAX_SIGNATURE_SIZE}
        members = {}
        for entry in directory.entries:
            if entry.size > limits.get(entry.name, MAX_FILE_SIZE):
                raise ReportToSignError(Msg.of("{name} is too large.", name=entry.name))
            members[entry.name] = read_entry(io.BytesIO(data), entry)
    except PackageContainerError as exc:
        raise ReportToSignError(
            Msg.of("it is not a report-to-sign file ({problem}).", problem=exc.message)
        ) from None
    return members


def _parse_header(header: bytes) -> dict[str, Any]:
    try:
        fields = loads_strict(header, max_depth=2, max_size=MAX_HEADER_SIZE)
    except JsonFormatError as exc:
        raise ReportToSignError(
            Msg.of("its header is not valid JSON ({problem}).", problem=exc.message)
        ) from None
    if not isinstance(fields, dict) or fields.get("format") != FORMAT:
        raise ReportToSignError(Msg.of("it is not a report-to-sign file."))
    if fields.get("version") != VERSION:
        raise ReportToSignError(
            Msg.of(
                "it is report-to-sign version {version}; this program reads version 2.",
                version=str(fields.get("version"))[:20],
            ),
            Msg.of("Use the program version the secretary uses."),
        )
    if set(fields) != _KEYS or header != dumps_canonical(fields):
        raise ReportToSignError(Msg.of("its header does not have the fields of version 2."))
    typed = (
        all(isinstance(fields[k], str) for k in ("meeting_id", "kit_hash", "document_id"))
        and all(
            isinstance(fields[k], int) and not isinstance(fields[k], bool)
            for k in ("round", "bundle_version")
        )
        and isinstance(fields["anonymise_experts"], bool)
        and fields["language"] in LANGUAGES
    )
    try:
        moment = datetime.fromisoformat(str(fields["generated_at"]))
    except ValueError:
        moment = None
    if not typed or moment is None or moment.tzinfo is None:
        raise ReportToSignError(Msg.of("its header does not have the fields of version 2."))
    return fields
