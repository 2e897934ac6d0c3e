"""Publishing, steps 1 and 2: the gates, the results, and the report prepared for signing.

The report is rendered from the *verified* signed results (an unencrypted result bundle
built in memory and read back with the ministry's verifier), so it is a function of the
signed inputs alone; :func:`check_regenerated` is the comparison every signer runs first.
The exporters (reportlab, pyHanko, openpyxl) are injected as :class:`Exporters`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from cryptography import x509

from app.crypto.identity import Identity
from app.domain.meeting import Expert
from app.errors import StorageError, ValidationError
from app.i18n import Msg
from app.results import (
    Absence,
    BundleError,
    BundleInput,
    ReportRendering,
    VerifiedBundle,
    build_bundle,
    report_fields,
)
from app.results import verify_bundle as ministry_verify
from app.results.errors import BundleSheetError, BundleSignatureError
from app.secretary.outcome import MeetingOutcome, meeting_outcome
from app.secretary.ports import PublicationRecords, PublishWorkspace
from app.secretary.publish_gates import bundle_input, check_gates
from app.secretary.report_to_sign import (
    ReportSettings,
)
from app.secretary.trust import meeting_crls

DEFAULT_LANGUAGE: Final = "zh_CN"
BUG: Final = Msg.of("Report this as a bug; do not use these outputs.")


@dataclass(frozen=True)
class Exporters:
    """The export functions publishing needs (``export`` is not imported by ``app``).

    ``report_input`` builds ``export.report_model.ReportInput`` from keyword arguments;
    the others are ``export.report_pdf.render_report`` / ``matches_signed_results``,
    ``export.pades.prepare_for_signing`` / ``sign_pdf``, ``export.pdf_policy.verify_report``
    (trust roots, and ``chair_fingerprint`` / ``secretary_fingerprint`` keywords) and
    ``export.xlsx.render_workbook``.
    """

    report_input: Callable[..., Any]
    render_report: Callable[[Any], bytes]
    matches_signed_results: Callable[[bytes, Any], bool]
    prepare_for_signing: Callable[[bytes], bytes]
    sign_pdf: Callable[[bytes, str, Identity, str, str, datetime], bytes]
    verify_report: Callable[..., object]
    render_workbook: Callable[[Any], bytes]
    chair_field: str
    secretary_field: str


@dataclass(frozen=True)
class PreparedReport:
    """The report prepared for the chair's signature, and everything it was made from."""

    bundle: BundleInput
    inputs: bytes
    """The unencrypted inputs bundle (prepared PDF as its report), signed by the secretary."""
    verified: VerifiedBundle
    settings: ReportSettings
    prepared_pdf: bytes
    workbook: bytes

    @property
    def results_hash(self) -> str:
        return self.verified.results_hash

    @property
    def chair(self) -> Expert:
        chair = self.verified.meeting.chair
        assert chair is not None  # a kit always names a chair
        return chair


class PublishError(ValidationError):
    """A publish step refused; nothing was written."""


def outcome_of(ws: PublishWorkspace) -> MeetingOutcome:
    """The current round's outcome (the gates and the bundle are built from it)."""
    return meeting_outcome(ws)


def next_bundle_version(records: PublicationRecords) -> int:
    return max((p.bundle_version for p in records.publications()), default=0) + 1


def prepare_report(
    ws: PublishWorkspace,
    secretary: Identity,
    exporters: Exporters,
    now: datetime,
    *,
    bundle_version: int,
    language: str = DEFAULT_LANGUAGE,
    absences: Sequence[Absence] = (),
    document_id: str | None = None,
) -> PreparedReport:
    """Check the gates, compute the results, render the report and the workbook."""
    if language not in ("zh_CN", "en"):
        raise PublishError(
            Msg.of("Unknown report language {language}.", language=language),
            Msg.of("Choose zh_CN or en."),
        )
    outcome = outcome_of(ws)
    check_gates(outcome, absences)
    base = bundle_input(outcome, absences, bundle_version)
    setup = ws.setup()
    roots, crls = setup.trust_roots(), meeting_crls(setup, now)
    settings = ReportSettings(
        language=language,
        document_id=document_id or f"{outcome.meeting.id}-R{outcome.round}-V{bundle_version}",
        generated_at=now,
        anonymise_experts=outcome.anonymise_experts,
    )
    # The report's content comes from the signed results: render from the verified bundle.
    plain = bundle_archive(base, secretary, now)
    verified = verify_archive(plain, roots, now, crls)
    inp = report_input_for(verified, settings, exporters)
    prepared = exporters.prepare_for_signing(exporters.render_report(inp))
    inputs = bundle_archive(replace(base, pdf_bytes=prepared), secretary, now)
    verified = verify_archive(inputs, roots, now, crls)
    return PreparedReport(
        bundle=base,
        inputs=inputs,
        verified=verified,
        settings=settings,
        prepared_pdf=prepared,
        workbook=exporters.render_workbook(inp),
    )


def report_input_for(
    verified: VerifiedBundle, settings: ReportSettings, exporters: Exporters
) -> Any:
    """The report's input from a verified bundle alone: figures recomputed from the signed
    sheets, the latest submitted sheet per pair of the round, the approved opinions."""
    rendering = ReportRendering(
        language=settings.language,
        document_id=settings.document_id,
        generated_at=settings.generated_at,
        anonymise_experts=settings.anonymise_experts,
    )
    # One selection for the secretary, the chair and the ministry's check of the report.
    return exporters.report_input(**report_fields(verified, rendering))


def check_regenerated(
    pdf: bytes, verified: VerifiedBundle, settings: ReportSettings, exporters: Exporters
) -> None:
    """Refuse ``pdf`` unless it is, byte for byte, the report the verified inputs render to
    (prepared for signing, with anything after that revision judged by the PDF policy)."""
    inp = report_input_for(verified, settings, exporters)
    if not exporters.matches_signed_results(pdf, inp) or not pdf.startswith(
        exporters.prepare_for_signing(exporters.render_report(inp))
    ):
        raise PublishError(
            Msg.of("The report to sign does not match the meeting's signed results."),
            Msg.of("Do not sign it; prepare the report again from the results."),
        )


def bundle_archive(bundle: BundleInput, secretary: Identity, now: datetime) -> bytes:
    """The bundle's archive (unencrypted), built by the bundle writer in a private folder."""
    with tempfile.TemporaryDirectory(prefix="review-desk-publish-") as folder:
        path = Path(folder) / "bundle.oibundle"
        build_bundle(bundle, secretary, path, now)
        return path.read_bytes()


def verify_archive(
    archive: bytes,
    roots: Sequence[x509.Certificate],
    now: datetime,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> VerifiedBundle:
    """The ministry's verifier over what we built, with the meeting's trust (``roots`` and
    the lists ``crls``): a signer revoked after their documents were collected stops the
    publication here, with the date, rather than at the ministry."""
    try:
        return ministry_verify(archive, roots, now, crls=crls)
    except (BundleSheetError, BundleSignatureError) as exc:
        raise PublishError(
            Msg.of(
                "A signed document of the meeting is not accepted: {problem}", problem=exc.message
            ),
            Msg.of(
                "Nothing was published. A document whose signer's certificate was revoked or "
                "has expired cannot go into the outputs; settle it with the panel and the "
                "certificate authority."
            ),
        ) from exc
    except BundleError as exc:
        raise PublishError(
            Msg.of("The result bundle does not verify: {problem}", problem=exc.message), BUG
        ) from exc


def folder_error(directory: Path, exc: OSError) -> StorageError:
    return StorageError(
        Msg.of(
            "Cannot write to {path}: {reason}", path=str(directory), reason=exc.strerror or str(exc)
        ),
        Msg.of("Check that the folder is writable and has free space, then publish again."),
    )
