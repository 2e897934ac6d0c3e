"""Publishing a meeting: the one sequence the console, the CLI and the demo all call.

1. **Gates** (:mod:`app.secretary.publish_gates`): kit and roster, every pair of the round
   covered, every panel opinion approved by the chair.
2. **Prepare** (:func:`prepare_report`): ``results.json`` is computed first; the signed
   inputs are packed into an unencrypted result bundle in memory and read back with the
   ministry's own verifier; the report is rendered *from that verified bundle* (so it is a
   function of the signed results alone), with two empty signature fields; the workbook
   likewise.
3. **The chair signs**, at the console (:func:`chair_signs_here`: the report is rendered
   again from the verified inputs and compared byte for byte before the chair's key
   touches it) or on the chair's machine through a *report to sign* file
   (:func:`write_report_to_sign`, :func:`sign_report_to_sign`,
   :func:`import_signed_report`; ``docs/formats/report-to-sign-v1.md``).
4. **The secretary signs second and writes** (:func:`secretary_signs_and_writes`): the
   report, the workbook and the result bundle, encrypted to the ministry; the bundle's
   archive is read back with the ministry's verifier before anything is written, and the
   report's two signatures are checked against the meeting's trust roots. Every file goes
   through :func:`app.formats.atomic_file.atomic_write` under a name carrying the bundle
   version, so a second publication (after a later round or an edited opinion) writes a
   new version and keeps the earlier outputs.

The exporters (reportlab, pyHanko, openpyxl) are injected as :class:`Exporters`: ``app``
does not import ``export``; the composition roots (``app/cli``, ``ui/launch``) pass them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from cryptography import x509

from app.crypto.identity import Identity
from app.crypto.profile import Role, normalize_fingerprint, role_label
from app.domain.meeting import Expert, Meeting
from app.domain.sheet import ScoreSheet, SheetStatus
from app.errors import StorageError, UserFacingError, ValidationError
from app.formats.atomic_file import atomic_write
from app.formats.bounded_read import read_bounded
from app.i18n import Msg
from app.ports import PublicationRecords, PublishWorkspace
from app.results import Absence, BundleError, BundleInput, VerifiedBundle, build_bundle
from app.results import verify_bundle as ministry_verify
from app.results.container import ministry_recipient_for, seal
from app.secretary.outcome import MeetingOutcome, meeting_outcome
from app.secretary.publish_gates import bundle_input, check_gates
from app.secretary.publish_log import Publication
from app.secretary.report_to_sign import (
    MAX_FILE_SIZE,
    ReportSettings,
    ReportToSign,
    ReportToSignError,
    read_report_to_sign,
    report_to_sign_bytes,
    with_chair_signature,
)

DEFAULT_LANGUAGE: Final = "zh_CN"
CHAIR_REASON: Final = "主持评审 Chair"
SECRETARY_REASON: Final = "会议秘书 Secretary"
_BUG = Msg.of("Report this as a bug; do not use these outputs.")


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
class OutputNames:
    """The file names of one publication inside the output folder."""

    report: str
    workbook: str
    bundle: str

    @classmethod
    def for_version(cls, meeting_id: str, version: int) -> OutputNames:
        stem = f"{meeting_id}-v{version}"
        return cls(f"{stem}-report.pdf", f"{stem}-results.xlsx", f"{stem}.oibundle")


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


@dataclass(frozen=True)
class Published:
    """What was written and verified."""

    report: Path
    workbook: Path
    bundle: Path
    results_hash: str
    bundle_hash: str
    bundle_version: int
    encrypted: bool


class PublishError(ValidationError):
    """A publish step refused; nothing was written."""


# --- 1 and 2: gates and prepare ----------------------------------------------------------


def outcome_of(ws: PublishWorkspace) -> MeetingOutcome:
    """The current round's outcome (the gates and the bundle are built from it)."""
    return meeting_outcome(ws)  # type: ignore[arg-type]  # until app/secretary takes its ports


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
    roots = ws.setup().trust_roots()
    settings = ReportSettings(
        language=language,
        document_id=document_id or f"{outcome.meeting.id}-R{outcome.round}-V{bundle_version}",
        generated_at=now,
        anonymise_experts=outcome.anonymise_experts,
    )
    # The report's content comes from the signed results: render from the verified bundle.
    plain = _bundle_bytes(base, secretary, now)
    verified = _verify(plain, roots, now)
    inp = report_input_for(verified, settings, exporters)
    prepared = exporters.prepare_for_signing(exporters.render_report(inp))
    inputs = _bundle_bytes(replace(base, pdf_bytes=prepared), secretary, now)
    verified = _verify(inputs, roots, now)
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
    round = verified.manifest.round
    latest: dict[tuple[str, str], ScoreSheet] = {}
    for doc in verified.sheets:
        s = doc.sheet
        if s is None or s.round != round or s.status is SheetStatus.DRAFT:
            continue
        key = (str(s.expert_id), str(s.application_id))
        if key not in latest or s.version > latest[key].version:
            latest[key] = s
    return exporters.report_input(
        meeting=verified.meeting,
        rubric=verified.rubric,
        rule=verified.rule,
        result=verified.result,
        opinions=tuple(e.opinion for e in verified.opinions if e.approval is not None),
        sheets=tuple(latest[k] for k in sorted(latest)),
        recusals=tuple(d.recusal for d in verified.recusals if d.recusal is not None),
        language=settings.language,
        anonymise_experts=settings.anonymise_experts,
        document_id=settings.document_id,
        results_hash=verified.results_hash,
        generated_at=settings.generated_at,
        is_demo=verified.manifest.is_demo,
    )


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


# --- 3: the chair signs ------------------------------------------------------------------


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
    roots = ws.setup().trust_roots()
    verified = _verify(prepared.inputs, roots, now)
    check_chair(chair, verified.meeting, roots, now)
    check_regenerated(prepared.prepared_pdf, verified, prepared.settings, exporters)
    return _chair_sign(prepared.prepared_pdf, verified.meeting, chair, exporters, now)


def write_report_to_sign(
    prepared: PreparedReport, secretary: Identity, path: Path, now: datetime
) -> Path:
    """Write the *report to sign* file for the chair's machine (atomically)."""
    data = report_to_sign_bytes(
        prepared.verified, prepared.inputs, prepared.prepared_pdf, prepared.settings, secretary, now
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
) -> ReportToSign:
    """The chair's machine: verify the file against ``trust_roots``, render the report
    again from its verified inputs and compare, sign, and write the file back (to ``out``,
    by default over ``path``). Returns the file as read (for showing the report)."""
    report = read_report_to_sign(path, trust_roots, now)
    check_chair(chair, report.verified.meeting, trust_roots, now)
    check_regenerated(report.prepared_pdf, report.verified, report.settings, exporters)
    signed = _chair_sign(report.prepared_pdf, report.verified.meeting, chair, exporters, now)
    _write(Path(out or path), with_chair_signature(report, signed, now))
    return replace(report, chair_signed_pdf=signed)


def import_signed_report(
    ws: PublishWorkspace,
    records: PublicationRecords,
    path: Path,
    exporters: Exporters,
    now: datetime,
) -> ReportToSign:
    """The secretary takes the chair-signed report back: it must be the report this
    workspace prepared for the current results, signed (only) by the roster's chair."""
    roots = ws.setup().trust_roots()
    data = read_bounded(path, MAX_FILE_SIZE, lambda msg, _detail: ReportToSignError(msg))
    report = read_report_to_sign(data, roots, now)
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


# --- 4: the secretary signs and writes ---------------------------------------------------


def ministry_certificate(
    records: PublicationRecords, given: x509.Certificate | None
) -> x509.Certificate | None:
    """The ministry recipient: ``given`` at publish time, else the one configured."""
    if given is not None:
        ministry_recipient_for(given)  # refuse a certificate that is not the ministry's now
        return given
    pem = records.ministry_certificate()
    return None if pem is None else x509.load_pem_x509_certificate(pem)


def secretary_signs_and_writes(
    ws: PublishWorkspace,
    records: PublicationRecords,
    prepared: PreparedReport,
    chair_signed: bytes,
    secretary: Identity,
    out_dir: Path,
    exporters: Exporters,
    now: datetime,
    *,
    ministry: x509.Certificate | None,
    allow_unencrypted: bool = False,
    names: OutputNames | None = None,
) -> Published:
    """Sign second, build the bundle (encrypted to ``ministry``), read it back with the
    ministry's verifier, then write the three files atomically and record the publication.

    Without ``ministry`` a real meeting's bundle is refused unless ``allow_unencrypted``
    (a demo bundle may stay plaintext).
    """
    setup = ws.setup()
    roots = setup.trust_roots()
    _check_encryption(ministry, allow_unencrypted or setup.header.is_demo)
    recipient = None if ministry is None else ministry_recipient_for(ministry)
    meeting = prepared.verified.meeting
    version = prepared.bundle.bundle_version
    names = names or OutputNames.for_version(meeting.id, version)
    out_dir = Path(out_dir)
    targets = (out_dir / names.report, out_dir / names.workbook, out_dir / names.bundle)
    _check_folder(out_dir, targets)
    if version in {p.bundle_version for p in records.publications()}:
        raise PublishError(
            Msg.of("Bundle version {version} has already been published.", version=version),
            Msg.of("Prepare the report again: it gets the next bundle version."),
        )
    if not chair_signed.startswith(prepared.prepared_pdf) or chair_signed == prepared.prepared_pdf:
        raise PublishError(
            Msg.of("The chair-signed report differs from the report prepared for signing."),
            Msg.of("Have the chair sign the prepared report again."),
        )
    signed = exporters.sign_pdf(
        chair_signed,
        exporters.secretary_field,
        secretary,
        SECRETARY_REASON,
        meeting.venue.zh_CN,
        now,
    )
    head = prepared.chair
    exporters.verify_report(
        signed,
        roots,
        chair_fingerprint=normalize_fingerprint(head.fingerprint),
        secretary_fingerprint=secretary.fingerprint,
    )
    archive = _bundle_bytes(
        replace(prepared.bundle, pdf_bytes=signed, xlsx_bytes=prepared.workbook), secretary, now
    )
    verified = _verify(archive, roots, now)
    if verified.results_hash != prepared.results_hash or verified.report_pdf != signed:
        raise PublishError(Msg.of("The bundle does not verify as written."), _BUG)
    data = archive if recipient is None else seal(archive, recipient)
    report_path, workbook_path, bundle_path = targets
    written: list[Path] = []
    try:
        for path, content in ((report_path, signed), (workbook_path, prepared.workbook)):
            atomic_write(path, content, mode=0o644)
            written.append(path)
        atomic_write(bundle_path, data, mode=0o644)
    except OSError as exc:
        for path in written:  # a failed publication leaves no outputs of its own
            path.unlink(missing_ok=True)
        raise _folder_error(out_dir, exc) from exc
    bundle_hash = hashlib.sha256(archive).hexdigest()
    records.record_publication(
        Publication(
            bundle_version=version,
            round=prepared.verified.manifest.round,
            results_hash=prepared.results_hash,
            bundle_hash=bundle_hash,
            report=str(report_path),
            workbook=str(workbook_path),
            bundle=str(bundle_path),
            encrypted=recipient is not None,
            published_at=now.isoformat(),
        )
    )
    records.clear_chair_signed_report()
    return Published(
        report=report_path,
        workbook=workbook_path,
        bundle=bundle_path,
        results_hash=prepared.results_hash,
        bundle_hash=bundle_hash,
        bundle_version=version,
        encrypted=recipient is not None,
    )


def publish(
    ws: PublishWorkspace,
    records: PublicationRecords,
    secretary: Identity,
    chair: Identity,
    out_dir: Path,
    exporters: Exporters,
    clock: Callable[[], datetime],
    *,
    language: str = DEFAULT_LANGUAGE,
    ministry: x509.Certificate | None = None,
    allow_unencrypted: bool = False,
    absences: Sequence[Absence] = (),
    names: OutputNames | None = None,
    document_id: str | None = None,
) -> Published:
    """The whole sequence in one go, the chair signing at the console."""
    recipient = ministry_certificate(records, ministry)
    setup = ws.setup()
    _check_encryption(recipient, allow_unencrypted or setup.header.is_demo)
    _check_folder(Path(out_dir), ())
    check_chair(chair, outcome_of(ws).meeting, setup.trust_roots(), clock())
    prepared = prepare_report(
        ws,
        secretary,
        exporters,
        clock(),
        bundle_version=next_bundle_version(records),
        language=language,
        absences=absences,
        document_id=document_id,
    )
    chair_signed = chair_signs_here(ws, prepared, chair, exporters, clock())
    return secretary_signs_and_writes(
        ws,
        records,
        prepared,
        chair_signed,
        secretary,
        out_dir,
        exporters,
        clock(),
        ministry=recipient,
        allow_unencrypted=allow_unencrypted,
        names=names,
    )


# --- helpers -----------------------------------------------------------------------------


def _chair_sign(
    prepared_pdf: bytes, meeting: Meeting, chair: Identity, exporters: Exporters, now: datetime
) -> bytes:
    return exporters.sign_pdf(
        prepared_pdf, exporters.chair_field, chair, CHAIR_REASON, meeting.venue.zh_CN, now
    )


def _bundle_bytes(bundle: BundleInput, secretary: Identity, now: datetime) -> bytes:
    """The bundle's archive (unencrypted), built by the bundle writer in a private folder."""
    with tempfile.TemporaryDirectory(prefix="review-desk-publish-") as folder:
        path = Path(folder) / "bundle.oibundle"
        build_bundle(bundle, secretary, path, now)
        return path.read_bytes()


def _verify(archive: bytes, roots: Sequence[x509.Certificate], now: datetime) -> VerifiedBundle:
    try:
        return ministry_verify(archive, roots, now)
    except BundleError as exc:
        raise PublishError(
            Msg.of("The result bundle does not verify: {problem}", problem=exc.message), _BUG
        ) from exc


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
    from app.crypto.profile import fingerprint

    return fingerprint(ws.setup().secretary_certificate())


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data, mode=0o600)
    except OSError as exc:
        raise _folder_error(path.parent, exc) from exc


def _check_encryption(ministry: x509.Certificate | None, plaintext_allowed: bool) -> None:
    """A real meeting's bundle is encrypted to the ministry unless explicitly chosen not to."""
    if ministry is None and not plaintext_allowed:
        raise PublishError(
            Msg.of("No ministry recipient is configured, and the bundle would be unencrypted."),
            Msg.of(
                "Give the ministry's certificate (--ministry-recipient), or choose explicitly "
                "to write an unencrypted bundle (--unencrypted)."
            ),
        )


def _check_folder(out_dir: Path, targets: Sequence[Path]) -> None:
    if not out_dir.is_dir() or not os.access(out_dir, os.W_OK | os.X_OK):
        raise StorageError(
            Msg.of(
                "The output folder {path} does not exist or is not writable.", path=str(out_dir)
            ),
            Msg.of("Choose a folder you can write to."),
        )
    for target in targets:
        if target.exists():
            raise StorageError(
                Msg.of("{path} already exists; earlier outputs are kept.", path=str(target)),
                Msg.of("Choose another output folder, or prepare the next bundle version."),
            )


def _folder_error(directory: Path, exc: OSError) -> StorageError:
    return StorageError(
        Msg.of(
            "Cannot write to {path}: {reason}", path=str(directory), reason=exc.strerror or str(exc)
        ),
        Msg.of("Check that the folder is writable and has free space, then publish again."),
    )
