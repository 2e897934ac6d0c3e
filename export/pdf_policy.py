"""Our policy for a signed opinion report, stricter than "every signature is valid".

A report is accepted only when (reliability note, section d):
- it has exactly the expected revisions: the report, the signature fields, the chair's
  signature, the secretary's signature;
- it has exactly two signatures, ChairSig then SecretarySig, by an EXPERT and a SECRETARY
  certificate (optionally: the expected fingerprints);
- both are intact, valid and trusted (offline CRLs applied when given);
- the secretary's signature covers the ENTIRE_FILE, and the chair's covers its ENTIRE_REVISION
  with nothing but signature-field filling after it.

:func:`validate_report` returns a frozen report with separate flags for display;
:func:`verify_report` raises :class:`ReportPolicyError` when the report is not accepted.
"""

from __future__ import annotations

import enum
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from cryptography import x509

from app.crypto.profile import Role, certificate_role, fingerprint
from app.crypto.report import Check, VerificationReport
from app.errors import UserFacingError
from app.i18n import N_, Msg
from export.pades import FIELDS

if TYPE_CHECKING:  # pyHanko is imported when a report is checked, not when this module loads
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
    from pyhanko_certvalidator import ValidationContext

EXPECTED_REVISIONS: Final = 4
_ROLES: Final = (Role.EXPERT, Role.SECRETARY)


class Problem(enum.Enum):
    UNREADABLE = "unreadable"
    REVISION_COUNT = "revision_count"
    SIGNATURE_COUNT = "signature_count"
    FIELD_ORDER = "field_order"
    ROLE = "role"
    FINGERPRINT = "fingerprint"
    NOT_INTACT = "not_intact"
    NOT_VALID = "not_valid"
    NOT_TRUSTED = "not_trusted"
    REVOKED = "revoked"
    COVERAGE = "coverage"
    MODIFIED_AFTER_CHAIR = "modified_after_chair"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: Final = {
    Problem.UNREADABLE: N_("The file is not a readable PDF."),
    Problem.REVISION_COUNT: N_("The file does not have exactly the expected revisions."),
    Problem.SIGNATURE_COUNT: N_("The report does not carry exactly two signatures."),
    Problem.FIELD_ORDER: N_("The signatures are not the chair's followed by the secretary's."),
    Problem.ROLE: N_("A signer's certificate does not have the expected role."),
    Problem.FINGERPRINT: N_("A signer's certificate is not the expected one."),
    Problem.NOT_INTACT: N_("A signature does not match the signed content."),
    Problem.NOT_VALID: N_("A signature is cryptographically invalid."),
    Problem.NOT_TRUSTED: N_("A signer's certificate does not lead to a trusted root."),
    Problem.REVOKED: N_("A signer's certificate is revoked."),
    Problem.COVERAGE: N_("A signature does not cover what it must cover."),
    Problem.MODIFIED_AFTER_CHAIR: N_(
        "The file was changed after the chair signed, beyond filling in signatures."
    ),
}


@dataclass(frozen=True)
class PdfSignatureReport(VerificationReport):
    """One embedded signature as pyHanko found it; its checks are the four flags."""

    field: str
    signer: str
    role: Role | None
    fingerprint: str
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    coverage: str
    modification_level: str
    signed_revision: int

    @property
    def checks(self) -> tuple[Check, ...]:
        flags = (
            (Problem.NOT_INTACT, self.intact),
            (Problem.NOT_VALID, self.valid),
            (Problem.NOT_TRUSTED, self.trusted),
            (Problem.REVOKED, not self.revoked),
        )
        return tuple(
            Check(problem.value, passed, None if passed else Msg.of(problem.label))
            for problem, passed in flags
        )


@dataclass(frozen=True)
class ReportValidation(VerificationReport):
    """The report against the policy: one named check per :class:`Problem` (passed when the
    problem is absent); :attr:`accepted` is the bottom line."""

    signatures: tuple[PdfSignatureReport, ...]
    problems: tuple[Problem, ...]
    revisions: int

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def ok(self) -> bool:
        return self.accepted

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(
            Check(p.value, p not in self.problems, Msg.of(p.label) if p in self.problems else None)
            for p in Problem
        )

    def messages(self) -> tuple[Msg, ...]:
        return tuple(Msg.of(p.label) for p in self.problems)


class ReportPolicyError(UserFacingError):
    def __init__(self, validation: ReportValidation) -> None:
        self.validation = validation
        first = validation.problems[0] if validation.problems else Problem.UNREADABLE
        super().__init__(
            Msg.of(first.label),
            Msg.of("Do not use this file; ask the secretary for the report again."),
        )


def verify_report(
    pdf: bytes,
    trust_roots: Sequence[x509.Certificate],
    crls: Iterable[x509.CertificateRevocationList] = (),
    *,
    other_certs: Sequence[x509.Certificate] = (),
    chair_fingerprint: str | None = None,
    secretary_fingerprint: str | None = None,
) -> None:
    """Raise :class:`ReportPolicyError` unless :func:`validate_report` accepts ``pdf``."""
    result = validate_report(
        pdf,
        trust_roots,
        crls,
        other_certs=other_certs,
        chair_fingerprint=chair_fingerprint,
        secretary_fingerprint=secretary_fingerprint,
    )
    if not result.accepted:
        raise ReportPolicyError(result)


def validate_report(
    pdf: bytes,
    trust_roots: Sequence[x509.Certificate],
    crls: Iterable[x509.CertificateRevocationList] = (),
    *,
    other_certs: Sequence[x509.Certificate] = (),
    chair_fingerprint: str | None = None,
    secretary_fingerprint: str | None = None,
    moment: datetime | None = None,
) -> ReportValidation:
    """Check ``pdf`` against our policy offline (no fetching) and say what is wrong;
    certificates must be valid at ``moment`` (by default now)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=True)
        revisions = reader.xrefs.total_revisions
        embedded = list(reader.embedded_signatures)
    except Exception:  # pyHanko raises many kinds on a broken file
        return ReportValidation((), (Problem.UNREADABLE,), 0)

    problems: list[Problem] = []
    if revisions != EXPECTED_REVISIONS:
        problems.append(Problem.REVISION_COUNT)
    if len(embedded) != len(FIELDS):
        problems.append(Problem.SIGNATURE_COUNT)
    embedded.sort(key=lambda s: s.signed_revision)
    if tuple(s.field_name for s in embedded) != FIELDS[: len(embedded)]:
        problems.append(Problem.FIELD_ORDER)

    crl_list = list(crls)
    reports: list[PdfSignatureReport] = []
    expected_prints = (chair_fingerprint, secretary_fingerprint)
    for index, sig in enumerate(embedded):
        context = _validation_context(trust_roots, crl_list, other_certs, moment)
        report = _check_one(sig, context)
        reports.append(report)
        problems += _judge(report, index, len(embedded), expected_prints)
    return ReportValidation(tuple(reports), tuple(dict.fromkeys(problems)), revisions)


def _validation_context(
    roots: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    others: Sequence[x509.Certificate],
    moment: datetime | None = None,
) -> ValidationContext:
    """An offline validation context (no fetching), fresh for each signature."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko_certvalidator import ValidationContext

    crl_list = [asn1_crl.CertificateList.load(c.public_bytes(Encoding.DER)) for c in crls]
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in roots],
        other_certs=[asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in others],
        crls=crl_list,
        allow_fetching=False,
        moment=moment,
        # With CRLs given, a certificate they do not clear is refused; without, there is no
        # revocation information to apply offline.
        revocation_mode="hard-fail" if crl_list else "soft-fail",
    )


def _check_one(sig: EmbeddedPdfSignature, context: ValidationContext) -> PdfSignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        status = validate_pdf_signature(
            sig,
            context,
            key_usage_settings=KeyUsageConstraints(key_usage={"non_repudiation"}),
        )
        intact, valid, trusted, revoked = (
            status.intact,
            status.valid,
            status.trusted,
            status.revoked,
        )
        coverage = status.coverage.name if status.coverage else "NONE"
        level = status.modification_level.name if status.modification_level else "UNKNOWN"
    except Exception:  # a malformed signature dictionary or CMS blob
        intact = valid = trusted = revoked = False
        coverage, level = "NONE", "UNKNOWN"
    return PdfSignatureReport(
        field=str(sig.field_name),
        signer=cert.subject.rfc4514_string(),
        role=certificate_role(cert),
        fingerprint=fingerprint(cert),
        intact=bool(intact),
        valid=bool(valid),
        trusted=bool(trusted),
        revoked=bool(revoked),
        coverage=coverage,
        modification_level=level,
        signed_revision=int(sig.signed_revision),
    )


def _judge(
    r: PdfSignatureReport, index: int, count: int, prints: tuple[str | None, str | None]
) -> list[Problem]:
    out: list[Problem] = []
    if index < len(_ROLES) and r.role is not _ROLES[index]:
        out.append(Problem.ROLE)
    if index < len(prints) and prints[index] and prints[index] != r.fingerprint:
        out.append(Problem.FINGERPRINT)
    if not r.intact:
        out.append(Problem.NOT_INTACT)
    if not r.valid:
        out.append(Problem.NOT_VALID)
    if r.revoked:
        out.append(Problem.REVOKED)
    elif not r.trusted:
        out.append(Problem.NOT_TRUSTED)
    last = index == count - 1
    if last and r.coverage != "ENTIRE_FILE":
        out.append(Problem.COVERAGE)
    if not last:
        if r.coverage != "ENTIRE_REVISION":
            out.append(Problem.COVERAGE)
        if r.modification_level not in ("NONE", "FORM_FILLING"):
            out.append(Problem.MODIFIED_AFTER_CHAIR)
    return out
