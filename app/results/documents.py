"""The report and the workbook of a bundle: what the reader checks, and who checks it.

The reader (:mod:`app.results.reader`) bounds both members and then hands them to a
:class:`BundleDocumentChecks`. Reading a PDF's signatures needs pyHanko and comparing a
workbook needs openpyxl, which ``app`` does not import: ``export.bundle_checks`` implements
the protocol and the composition roots (``app/cli``, ``ui/launch``) pass it in.

Without checks (the secretary's own read-back of a bundle whose report is not signed yet),
the three document stages are *not checked*: :attr:`VerifiedBundle.documents_checked` is
``False`` and :func:`~app.results.inspect_bundle` reports them as not checked, never as
passed. The ministry's import requires the checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol

from cryptography import x509

from app.domain.sheet import ScoreSheet, SheetStatus

if TYPE_CHECKING:
    from app.results.model import VerifiedBundle

MAX_REPORT_SIZE: Final = 64 * 1024 * 1024
"""``report.pdf`` at most 64 MiB (bundle v1, section 4)."""
MAX_WORKBOOK_SIZE: Final = 32 * 1024 * 1024
"""``workbook.xlsx`` at most 32 MiB (bundle v1, section 4)."""
MAX_WORKBOOK_UNPACKED: Final = 128 * 1024 * 1024
"""The parts of the workbook at most 128 MiB unpacked, as their ZIP directory states,
checked before any part is decompressed."""
MAX_WORKBOOK_PARTS: Final = 256


@dataclass(frozen=True)
class ReportRendering:
    """How the report was rendered from the results (the report states it, and its bytes
    prove it: rendering the results again with these must give the same bytes)."""

    language: str
    document_id: str
    generated_at: datetime
    anonymise_experts: bool


class BundleDocumentChecks(Protocol):
    """The deep checks of the report and the workbook (``export.bundle_checks``).

    Each method raises the stage's :class:`~app.results.errors.BundleError` subclass
    (:class:`~app.results.errors.BundleReportSignatureError`,
    :class:`~app.results.errors.BundleReportContentError`,
    :class:`~app.results.errors.BundleWorkbookError`) with a specific reason.
    """

    def check_report_signatures(
        self,
        report: bytes,
        bundle: VerifiedBundle,
        trust_roots: Sequence[x509.Certificate],
        now: datetime,
        crls: Sequence[x509.CertificateRevocationList] = (),
    ) -> None:
        """Exactly the roster chair's signature then the secretary's (the manifest's
        signer), valid under ``trust_roots`` (and not revoked by ``crls``) at ``now`` by
        the program's PDF policy."""

    def check_report_content(self, report: bytes, bundle: VerifiedBundle) -> ReportRendering:
        """No active content; the results hash it states is the bundle's; its content is,
        byte for byte, what the bundle's results render to. Returns how it was rendered."""

    def check_workbook(
        self, workbook: bytes, bundle: VerifiedBundle, rendering: ReportRendering
    ) -> None:
        """A plain XLSX of the expected parts, no macros, no external links, no formula
        but ours, every cell equal to what the results render to with ``rendering``."""


def report_sheets(bundle: VerifiedBundle) -> tuple[ScoreSheet, ...]:
    """The sheets a report shows: the latest submitted version per pair of the round."""
    latest: dict[tuple[str, str], ScoreSheet] = {}
    for doc in bundle.sheets:
        s = doc.sheet
        if s is None or s.round != bundle.round or s.status is SheetStatus.DRAFT:
            continue
        key = (str(s.expert_id), str(s.application_id))
        if key not in latest or s.version > latest[key].version:
            latest[key] = s
    return tuple(latest[k] for k in sorted(latest))


def report_fields(bundle: VerifiedBundle, rendering: ReportRendering) -> dict[str, Any]:
    """The keyword arguments of ``export.report_model.ReportInput`` for ``bundle``: the
    report and the workbook are functions of the verified bundle and ``rendering`` alone."""
    return {
        "meeting": bundle.meeting,
        "rubric": bundle.rubric,
        "rule": bundle.rule,
        "result": bundle.result,
        "opinions": tuple(e.opinion for e in bundle.opinions if e.approval is not None),
        "sheets": report_sheets(bundle),
        "recusals": tuple(d.recusal for d in bundle.recusals if d.recusal is not None),
        "language": rendering.language,
        "anonymise_experts": rendering.anonymise_experts,
        "document_id": rendering.document_id,
        "results_hash": bundle.results_hash,
        "generated_at": rendering.generated_at,
        "is_demo": bundle.manifest.is_demo,
    }
