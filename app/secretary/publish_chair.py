"""Publishing, step 3: the chair signs the prepared report.

At the secretary's console (:func:`chair_signs_here`) or on the chair's own machine through
a *report to sign* file (:func:`write_report_to_sign`, :func:`sign_report_to_sign`, then
:func:`import_signed_report` at the secretary's; ``docs/formats/report-to-sign-v2.md``:
encrypted to the chair and the secretary, so only they can open it on the way).
Either way the report is rendered again from the verified inputs and compared byte for byte
before the chair's key touches it (the defence against shadow attacks).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509

from app.crypto import profile
from app.crypto.identity import Identity, check_certificate_valid_at
from app.crypto.profile import Role, fingerprint, normalize_fingerprint, role_label
from app.crypto.revocation import RevocationLists, listed_revocation, revoked_error
from app.domain.meeting import Meeting
from app.errors import UserFacingError
from app.formats.atomic_file import atomic_write
from app.formats.bounded_read import read_bounded
from app.i18n import Msg
from app.kit.trust import issuing_root
from app.results import BundleInput
from app.secretary.ports import PublicationRecords, PublishWorkspace
from app.secretary.publish_gates import bundle_input
from app.secretary.publish_prepare import (
    Exporters,
    PreparedReport,
    PublishError,
    check_regenerated,
    folder_error,
    outcome_of,
    report_input_for,
    verify_archive,
)
from app.secretary.report_to_sign import (
    MAX_FILE_SIZE,
    NO_REVOCATIONS,
    ReportToSign,
    ReportToSignError,
    read_report_to_sign,
    report_to_sign_bytes,
    with_chair_signature,
)
from app.secretary.setup import require_secretary
from app.secretary.trust import meeting_crls, meeting_revocations

CHAIR_REASON: Final = "主持评审 Chair"


def check_chair(
    chair: Identity, meeting: Meeting, roots: Sequence[x509.Certificate], now: datetime
) -> None:
    """``chair`` must be an expert identity of the meeting's CA, valid at ``now``, whose
    fingerprint is the roster's for the panel chair."""
    head = meeting.chair
    assert head is not None  # a kit always names a chair
    if (
        chair.role is not Role.EXPERT
        or normalize_fingerprint(head.fingerprint) != chair.fingerprint
    ):
        raise PublishError(
            Msg.of(
                "Only the panel chair {name} ({fingerprint}) can sign the report; this identity "
                "is {found} ({role}).",
                name=head.name,
                fingerprint=head.fingerprint,
                found=chair.common_name,
                role=role_label(chair.role),
            ),
            Msg.of("Ask the chair to unlock their own identity file."),
        )
    chair.check_valid_at(now)
    issued = {r.subject for r in roots}
    if chair.certificate.issuer not in issued:
        raise PublishError(
            Msg.of("The chair's certificate is not issued by the meeting's trust roots."),
            Msg.of("Ask the chair to unlock the identity issued for this meeting."),
        )


def chair_signs_here(
    ws: PublishWorkspace,
    prepared: PreparedReport,
    chair: Identity,
    exporters: Exporters,
    now: datetime,
) -> bytes:
    """The chair signs at the secretary's console: the inputs are verified again, the report
    rendered again from them and compared, then signed. Returns the chair-signed PDF."""
    setup = ws.setup()
    roots = setup.trust_roots()
    verified = verify_archive(prepared.inputs, roots, now, meeting_crls(setup, now))
    check_chair(chair, verified.meeting, roots, now)
    check_regenerated(prepared.prepared_pdf, verified, prepared.settings, exporters)
    return _chair_sign(prepared.prepared_pdf, verified.meeting, chair, exporters, now)


def write_report_to_sign(
    ws: PublishWorkspace, prepared: PreparedReport, secretary: Identity, path: Path, now: datetime
) -> Path:
    """Write the *report to sign* file for the chair's machine (atomically), encrypted to
    the roster's chair and to the secretary."""
    setup = require_secretary(ws, secretary)
    chair = chair_certificate(ws, prepared.verified.meeting)
    _check_still_trusted(chair, setup.trust_roots(), meeting_crls(setup, now), now)
    data = report_to_sign_bytes(
        prepared.verified,
        prepared.inputs,
        prepared.prepared_pdf,
        prepared.settings,
        secretary,
        chair,
        now,
    )
    _write(Path(path), data)
    return Path(path)


def sign_report_to_sign(
    path: Path,
    chair: Identity,
    trust_roots: list[x509.Certificate],
    exporters: Exporters,
    now: datetime,
    *,
    out: Path | None = None,
    revocations: RevocationLists = NO_REVOCATIONS,
) -> ReportToSign:
    """The chair's machine: verify the file against ``trust_roots`` and ``revocations``
    (the lists of the chair's trust file or of the kit), render the report again from its
    verified inputs and compare, sign, and write the file back (to ``out``, by default over
    ``path``). Returns the file as read (for showing the report)."""
    report = read_report_to_sign(path, chair, trust_roots, now, revocations=revocations)
    check_chair(chair, report.verified.meeting, trust_roots, now)
    check_regenerated(report.prepared_pdf, report.verified, report.settings, exporters)
    signed = _chair_sign(report.prepared_pdf, report.verified.meeting, chair, exporters, now)
    _write(Path(out or path), with_chair_signature(report, signed, chair, now))
    return replace(report, chair_signed_pdf=signed)


def import_signed_report(
    ws: PublishWorkspace,
    records: PublicationRecords,
    path: Path,
    secretary: Identity,
    exporters: Exporters,
    now: datetime,
) -> ReportToSign:
    """The secretary takes the chair-signed report back (opened with ``secretary``'s
    identity): it must be the report this workspace prepared for the current results,
    signed (only) by the roster's chair. The file is kept as it came, still encrypted."""
    setup = require_secretary(ws, secretary)
    data = read_bounded(path, MAX_FILE_SIZE, lambda msg, _detail: ReportToSignError(msg))
    report = read_report_to_sign(
        data, secretary, setup.trust_roots(), now, revocations=meeting_revocations(setup, now)
    )
    signed = report.chair_signed_pdf
    if signed is None:
        raise ReportToSignError(
            Msg.of("the chair has not signed it yet."),
            Msg.of("Give the file to the chair to sign with “review-desk report sign”."),
        )
    _check_current(ws, report)
    check_regenerated(report.prepared_pdf, report.verified, report.settings, exporters)
    if not signed.startswith(report.prepared_pdf) or signed == report.prepared_pdf:
        raise ReportToSignError(
            Msg.of("the chair-signed report differs from the report prepared for signing."),
            Msg.of("Ask the chair to sign the report to sign file itself, unchanged."),
        )
    records.save_chair_signed_report(data)
    return report


def prepared_from_signed_report(
    ws: PublishWorkspace, report: ReportToSign, exporters: Exporters, now: datetime
) -> tuple[PreparedReport, bytes]:
    """The prepared report an imported chair-signed file stands for, and the chair's PDF."""
    assert report.chair_signed_pdf is not None
    base = _check_current(ws, report)
    inp = report_input_for(report.verified, report.settings, exporters)
    prepared = PreparedReport(
        bundle=base,
        inputs=report.inputs,
        verified=report.verified,
        settings=report.settings,
        prepared_pdf=report.prepared_pdf,
        workbook=exporters.render_workbook(inp),
    )
    return prepared, report.chair_signed_pdf


def chair_certificate(ws: PublishWorkspace, meeting: Meeting) -> x509.Certificate:
    """The panel chair's certificate on the secretary's roster (the report to sign is
    encrypted to the key bound in it); :class:`PublishError` if the roster has none."""
    head = meeting.chair
    assert head is not None  # a kit always names a chair
    wanted = normalize_fingerprint(head.fingerprint)
    for entry in ws.roster():
        if normalize_fingerprint(entry.fingerprint) != wanted:
            continue
        try:
            cert = x509.load_pem_x509_certificate(entry.certificate_pem.encode("ascii"))
        except ValueError:
            break
        if wanted is not None and fingerprint(cert) == wanted:
            return cert
        break
    raise PublishError(
        Msg.of(
            "The roster holds no certificate of the panel chair {name} ({fingerprint}).",
            name=head.name,
            fingerprint=head.fingerprint,
        ),
        Msg.of("Check the roster; the report to sign is encrypted to the chair's certificate."),
    )


def _check_still_trusted(
    cert: x509.Certificate,
    roots: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    now: datetime,
) -> None:
    """The chair's roster certificate, checked again before anything is encrypted to its key:
    issued by a root of the meeting, valid ``now``, not revoked by the meeting's lists (it was
    checked at enrolment; a revocation since then must stop the file here)."""
    name = profile.common_name(cert)[:80]
    if issuing_root(cert, roots) is None:
        raise PublishError(
            Msg.of(
                "The chair {name}'s certificate is not issued by the meeting's roots.", name=name
            ),
            Msg.of("Check the roster and the meeting's trust file."),
        )
    check_certificate_valid_at(cert, now)  # expired or not yet valid: refused with the date
    revoked_at = listed_revocation(cert, crls, now)
    if revoked_at is not None:
        raise revoked_error(cert, revoked_at)


def _chair_sign(
    prepared_pdf: bytes, meeting: Meeting, chair: Identity, exporters: Exporters, now: datetime
) -> bytes:
    return exporters.sign_pdf(
        prepared_pdf, exporters.chair_field, chair, CHAIR_REASON, meeting.venue.zh_CN, now
    )


def _check_current(ws: PublishWorkspace, report: ReportToSign) -> BundleInput:
    """The workspace's current bundle inputs, if ``report`` was prepared from them."""
    outcome = outcome_of(ws)
    manifest = report.verified.manifest
    if (
        manifest.meeting_id != outcome.meeting.id
        or manifest.round != outcome.round
        or report.secretary.fingerprint != _secretary_fingerprint(ws)
    ):
        raise ReportToSignError(
            Msg.of("it was prepared for another meeting, round or secretary."),
            Msg.of("Import the report prepared in this secretary folder."),
        )
    current = bundle_input(outcome, report.verified.absences, manifest.bundle_version)
    if _results_hash(current) != report.results_hash:
        raise ReportToSignError(
            Msg.of("the meeting's results changed after the report was prepared."),
            Msg.of("Prepare the report again and have the chair sign the new one."),
        )
    return current


def _results_hash(bundle: BundleInput) -> str:
    from app.results import bundle_results

    try:
        return hashlib.sha256(bundle_results(bundle)).hexdigest()
    except UserFacingError:
        return ""


def _secretary_fingerprint(ws: PublishWorkspace) -> str:
    return fingerprint(ws.setup().secretary_certificate())


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data, mode=0o600)
    except OSError as exc:
        raise folder_error(path.parent, exc) from exc
