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
   :func:`import_signed_report`; ``docs/formats/report-to-sign-v2.md``, encrypted to the
   chair and the secretary).
4. **The secretary signs second and writes** (:func:`secretary_signs_and_writes`): the
   report, the workbook and the result bundle, encrypted to the ministry; the bundle's
   archive is read back with the ministry's verifier before anything is written, and the
   report's two signatures are checked against the meeting's trust roots. Every file goes
   through :func:`app.formats.atomic_file.atomic_write` under a name carrying the bundle
   version, so a second publication (after a later round or an edited opinion) writes a
   new version and keeps the earlier outputs.

Steps 1-2 live in :mod:`app.secretary.publish_prepare` (and the gates in
:mod:`app.secretary.publish_gates`), step 3 in :mod:`app.secretary.publish_chair`, step 4 and
the one-go :func:`publish` here; this module re-exports the whole API. The exporters
(reportlab, pyHanko, openpyxl) are injected as :class:`Exporters`: ``app`` does not import
``export``; the composition roots (``app/cli``, ``ui/launch``) pass them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography import x509

from app.crypto.identity import Identity
from app.crypto.profile import normalize_fingerprint
from app.errors import StorageError
from app.formats.atomic_file import atomic_write
from app.i18n import Msg
from app.results import Absence
from app.results.container import ministry_recipient_for, seal
from app.secretary.ports import PublicationRecords, PublishWorkspace
from app.secretary.publish_chair import (
    CHAIR_REASON,
    chair_signs_here,
    check_chair,
    import_signed_report,
    prepared_from_signed_report,
    sign_report_to_sign,
    write_report_to_sign,
)
from app.secretary.publish_log import Publication
from app.secretary.publish_prepare import (
    BUG,
    DEFAULT_LANGUAGE,
    Exporters,
    PreparedReport,
    PublishError,
    bundle_archive,
    check_regenerated,
    folder_error,
    next_bundle_version,
    outcome_of,
    prepare_report,
    report_input_for,
    verify_archive,
)
from app.secretary.trust import meeting_crls

__all__ = [
    "CHAIR_REASON",
    "DEFAULT_LANGUAGE",
    "SECRETARY_REASON",
    "Exporters",
    "OutputNames",
    "PreparedReport",
    "PublishError",
    "Published",
    "chair_signs_here",
    "check_chair",
    "check_regenerated",
    "import_signed_report",
    "ministry_certificate",
    "next_bundle_version",
    "outcome_of",
    "prepare_report",
    "prepared_from_signed_report",
    "publish",
    "report_input_for",
    "secretary_signs_and_writes",
    "sign_report_to_sign",
    "write_report_to_sign",
]

SECRETARY_REASON: Final = "会议秘书 Secretary"


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
class Published:
    """What was written and verified."""

    report: Path
    workbook: Path
    bundle: Path
    results_hash: str
    bundle_hash: str
    bundle_version: int
    encrypted: bool


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
    roots, crls = setup.trust_roots(), meeting_crls(setup, now)
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
        crls=crls,
        chair_fingerprint=normalize_fingerprint(head.fingerprint),
        secretary_fingerprint=secretary.fingerprint,
    )
    archive = bundle_archive(
        replace(prepared.bundle, pdf_bytes=signed, xlsx_bytes=prepared.workbook), secretary, now
    )
    verified = verify_archive(archive, roots, now, crls)
    if verified.results_hash != prepared.results_hash or verified.report_pdf != signed:
        raise PublishError(Msg.of("The bundle does not verify as written."), BUG)
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
        raise folder_error(out_dir, exc) from exc
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
