"""The plain values that go into and come out of a result bundle.

:class:`BundleInput` is deliberately made of domain values and signed bytes only, so the
bundle writer does not depend on how the secretary's workspace stores a meeting; whoever
wires the secretary's meeting outcome to the writer fills it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.consolidation import ConsolidationRule, MeetingResult
from app.crypto.cms import SignerInfo
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, ScoreSheet
from app.results.documents import ReportRendering
from app.results.manifest import Manifest
from app.results.opinions import OpinionInput
from app.results.results_file import Absence, OpinionEntry
from app.sheets import SignedDocument


@dataclass(frozen=True)
class BundleInput:
    """Everything a bundle is built from.

    ``sheets``: every signed sheet version the secretary received, of every round, verbatim
    (the signed bytes and the CMS signature); ``recusals``: every signed recusal.
    ``absences``: the secretary's statement for each expert × application of ``round`` that
    has neither (:func:`app.results.missing_pairs` lists them). ``opinions``: the panel
    opinions, with the chair's signed approval when there is one. ``meeting.experts`` must
    record each expert's certificate fingerprint. The figures are computed by the writer
    from ``sheets``, never taken from elsewhere.
    """

    meeting: Meeting
    rubric: Rubric
    rule: ConsolidationRule
    kit_hash: str
    round: int
    sheets: tuple[SignedDocument, ...]
    recusals: tuple[SignedDocument, ...] = ()
    absences: tuple[Absence, ...] = ()
    opinions: tuple[OpinionInput, ...] = ()
    bundle_version: int = 1
    is_demo: bool = False
    pdf_bytes: bytes | None = None
    xlsx_bytes: bytes | None = None


@dataclass(frozen=True)
class BundleSummary:
    """What was written. ``bundle_hash`` is the SHA-256 of the ZIP (the age plaintext when
    ``encrypted``); ``results_hash`` that of ``results.json`` (the PDF prints it)."""

    path: Path
    bundle_hash: str
    results_hash: str
    manifest_sha256: str
    meeting_id: str
    round: int
    bundle_version: int
    file_size: int
    member_count: int
    sheet_count: int
    recusal_count: int
    encrypted: bool


@dataclass(frozen=True)
class VerifiedDocument:
    """A signed sheet or recusal that passed every check, and who signed it."""

    name: str
    expert_id: str
    application_id: str
    round: int
    version: int | None
    """The sheet version; ``None`` for a recusal."""
    sha256: str
    signer_fingerprint: str
    sheet: ScoreSheet | None = None
    recusal: ConflictDeclaration | None = None


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle that passed every stage of bundle v1 section 7.

    ``result`` is the *recomputed* consolidation (equal, byte for byte, to what the bundle
    states); ``absences`` are the secretary's statements; ``opinions`` whose ``approval`` is
    ``None`` are unapproved drafts.
    """

    bundle_hash: str
    results_hash: str
    manifest: Manifest
    secretary: SignerInfo
    meeting: Meeting
    rubric: Rubric
    rule: ConsolidationRule
    result: MeetingResult
    result_document: dict[str, Any]
    sheets: tuple[VerifiedDocument, ...]
    recusals: tuple[VerifiedDocument, ...]
    absences: tuple[Absence, ...]
    opinions: tuple[OpinionEntry, ...]
    report_pdf: bytes | None
    workbook_xlsx: bytes | None
    documents_checked: bool = False
    """Whether the report and workbook stages ran (``False``: *not checked*, never passed)."""
    report_rendering: ReportRendering | None = None
    """How the report was rendered, when its content was checked."""

    @property
    def meeting_id(self) -> str:
        return self.manifest.meeting_id

    @property
    def bundle_version(self) -> int:
        return self.manifest.bundle_version

    @property
    def round(self) -> int:
        return self.manifest.round

    @property
    def is_demo(self) -> bool:
        return self.manifest.is_demo

    @property
    def created_at(self) -> datetime:
        return self.manifest.created_at
