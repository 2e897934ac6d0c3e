"""What the ministry keeps and lists, as frozen values.

:class:`BundleKey` is what an import decision is a function of; :class:`BundleRecord` is
everything one verified bundle puts into the ministry database (made from an
:class:`app.results.VerifiedBundle` by :mod:`app.ministry.importing`); the import history
reads back as :class:`ImportedBundle` and the current figures as :class:`ApplicationRow`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import Application, Meeting
from app.domain.sheet import PanelOpinion
from app.i18n import LocalizedText, Msg


@dataclass(frozen=True, order=True)
class BundleKey:
    """A bundle as import sees it: bundle v1 section 8 decides on these three alone."""

    meeting_id: str
    bundle_version: int
    bundle_hash: str


@dataclass(frozen=True)
class BundleHeader:
    """Who issued a bundle, when, and what it covers (one row of the import history)."""

    key: BundleKey
    results_hash: str
    round: int
    kit_hash: str
    secretary_fingerprint: str
    secretary_name: str
    created_at: datetime


@dataclass(frozen=True)
class ImportedBundle:
    """One entry of the import history, which is never changed or removed."""

    header: BundleHeader
    imported_at: datetime

    @property
    def key(self) -> BundleKey:
        return self.header.key


@dataclass(frozen=True)
class RecordedFigure:
    """One consolidated figure (a factor or the total) as ``results.json`` states it."""

    subject: str
    exact: str
    presented: str
    method_applied: str
    fell_back: bool
    spread: str
    spread_limit: str | None
    flagged: bool


@dataclass(frozen=True)
class RecordedVote:
    """The recommendation vote of one application."""

    votes_for: int
    eligible: int
    needed: int
    passed: bool
    recommend: int
    recommend_with_conditions: int
    do_not_recommend: int
    recused: int
    absent: int


@dataclass(frozen=True)
class RecordedApplication:
    """One application's consolidated result; ``figures`` in document order."""

    application: Application
    hearing_position: int
    status: str
    counted_sheets: int
    rank: int | None
    vote: RecordedVote
    figures: tuple[RecordedFigure, ...]

    @property
    def total(self) -> RecordedFigure | None:
        return next((f for f in self.figures if f.subject == "total"), None)


@dataclass(frozen=True)
class RecordedAbsence:
    """The secretary's statement that an expert handed in nothing for an application."""

    expert_id: ExpertId
    application_id: ApplicationId
    note: str


class DocumentKind(enum.Enum):
    SHEET = "sheet"
    RECUSAL = "recusal"


@dataclass(frozen=True)
class RecordedDocument:
    """A verified signed sheet or recusal: its name in the bundle, its hash and signer."""

    kind: DocumentKind
    name: str
    expert_id: str
    application_id: str
    round: int
    version: int | None
    """The sheet version; ``None`` for a recusal."""
    sha256: str
    signer_fingerprint: str


@dataclass(frozen=True)
class BundleRecord:
    """Everything a verified bundle puts into the ministry database.

    ``rule_document`` is the consolidation rule as JSON text (sorted keys, UTF-8 kept).
    """

    header: BundleHeader
    meeting: Meeting
    rubric_id: str
    rubric_version: int
    is_demo: bool
    rule_document: str
    applications: tuple[RecordedApplication, ...]
    opinions: tuple[PanelOpinion, ...]
    absences: tuple[RecordedAbsence, ...]
    documents: tuple[RecordedDocument, ...]

    @property
    def key(self) -> BundleKey:
        return self.header.key


class ImportStatus(enum.Enum):
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did. ``replaced_version`` is the version it superseded."""

    status: ImportStatus
    meeting_id: str
    bundle_version: int
    bundle_hash: str
    replaced_version: int | None

    @property
    def message(self) -> Msg:
        if self.status is ImportStatus.ALREADY_IMPORTED:
            return Msg.of(
                "Bundle version {version} of meeting {meeting} is already imported; nothing "
                "was changed.",
                version=self.bundle_version,
                meeting=self.meeting_id,
            )
        if self.replaced_version is not None:
            return Msg.of(
                "Imported bundle version {version} of meeting {meeting}; it replaces version "
                "{old}.",
                version=self.bundle_version,
                meeting=self.meeting_id,
                old=self.replaced_version,
            )
        return Msg.of(
            "Imported bundle version {version} of meeting {meeting}.",
            version=self.bundle_version,
            meeting=self.meeting_id,
        )


@dataclass(frozen=True)
class ApplicationRow:
    """One application of one meeting, as the export shows it (all text as strings)."""

    meeting_id: str
    meeting_title: LocalizedText
    meeting_date: str
    bundle_version: int
    round: int
    is_demo: bool
    application_id: str
    hearing_position: int
    applicant_unit: LocalizedText
    platform_name: LocalizedText
    sub_domain: LocalizedText
    status: str
    total_presented: str | None
    rank: int | None
    votes_for: int
    eligible: int
    needed: int
    passed: bool
    figures: tuple[tuple[str, str], ...]
    """(subject, presented value) in document order."""
    opinion_recommendation: str | None
    opinion_approved: bool
    bundle_sha256: str
    results_sha256: str
    imported_at: str
