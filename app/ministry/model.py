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
from typing import Final

from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import Application, Meeting
from app.domain.sheet import PanelOpinion
from app.i18n import LocalizedText, Msg

_NO_TEXT: Final = LocalizedText("", "")


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
    report_pdf: bytes | None = None
    """The signed report, only when the bundle's documents were checked (never unchecked
    bytes)."""

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
    sub_domain: LocalizedText = _NO_TEXT
    """The application's sub-domain (the store always fills it in)."""
    sub_domain_tags: tuple[str, ...] = ()
    """Its normalised tags; empty for a meeting imported before schema version 2."""

    @property
    def outcome(self) -> Outcome:
        return Outcome.of(self.status, self.passed)


class Outcome(enum.Enum):
    """An application's outcome in its meeting, as the register filters it."""

    RECOMMENDED = "recommended"
    """Consolidated, and the panel's vote passed."""
    NOT_RECOMMENDED = "not_recommended"
    """Consolidated; the vote did not pass."""
    NOT_CONSOLIDATED = "not_consolidated"
    """No figures: too few sheets, or refused by the rule."""

    @classmethod
    def of(cls, status: str, passed: bool) -> Outcome:
        if status != "consolidated":
            return cls.NOT_CONSOLIDATED
        return cls.RECOMMENDED if passed else cls.NOT_RECOMMENDED

    @property
    def label(self) -> Msg:
        return {
            Outcome.RECOMMENDED: Msg.of("recommended"),
            Outcome.NOT_RECOMMENDED: Msg.of("not recommended"),
            Outcome.NOT_CONSOLIDATED: Msg.of("not consolidated"),
        }[self]


@dataclass(frozen=True)
class ExpertAppearance:
    """One expert in one meeting's roster; the certificate fingerprint makes the person."""

    fingerprint: str
    meeting_id: str
    meeting_title: LocalizedText
    meeting_date: str
    expert_id: str
    name: LocalizedText
    organisation: LocalizedText
    role: str
    is_chair: bool


@dataclass(frozen=True)
class PanelMember:
    """An expert of the meeting as an application's detail shows them."""

    expert_id: str
    name: LocalizedText
    organisation: LocalizedText
    role: str
    is_chair: bool
    fingerprint: str
    recused: bool
    absent: bool


@dataclass(frozen=True)
class RecordedOpinion:
    """The panel opinion on an application in the bundle's round."""

    opinion: str
    recommendation: str
    minority_opinion: str
    approved_by: str | None
    approved_at: str | None


@dataclass(frozen=True)
class ApplicationDetail:
    """Everything the desk shows of one application: its register row, every figure with
    the consolidation rule applied (``rule_document``, JSON), its vote, the panel and the
    panel opinion with the minority opinion."""

    row: ApplicationRow
    figures: tuple[RecordedFigure, ...]
    vote: RecordedVote
    counted_sheets: int
    rule_document: str
    panel: tuple[PanelMember, ...]
    opinion: RecordedOpinion | None
    has_report: bool
    rubric_id: str = ""
    rubric_version: int = 0
    """The rubric the meeting scored with (its factors name the figures' subjects)."""


class PlatformSource(enum.Enum):
    RESOURCE = "resource"
    """Taken from an approved-platform list file."""
    DESK = "desk"
    """Added by hand at the ministry's desk."""


@dataclass(frozen=True)
class PlatformDraft:
    """An approved platform as it is added to the list."""

    platform_name: LocalizedText
    entrusted_unit: LocalizedText
    sub_domain: LocalizedText
    sub_domain_tags: tuple[str, ...]
    approved_year: int
    reference: str
    source: PlatformSource = PlatformSource.DESK


@dataclass(frozen=True)
class ApprovedPlatformEntry:
    """One entry of the ministry's approved-platform list, with who added (and removed) it,
    when and why. ``removed_at`` is ``None`` while the entry is in force."""

    id: int
    platform: PlatformDraft
    added_at: str
    added_by: str
    added_reason: str
    removed_at: str | None = None
    removed_by: str | None = None
    removed_reason: str | None = None

    @property
    def in_force(self) -> bool:
        return self.removed_at is None


REPLAY_STAGE: Final = "replay"
"""The stage name of a refusal by the replay decision (older version, conflict); the
verification stages are those of :class:`app.results.Stage`."""


@dataclass(frozen=True)
class Refusal:
    """One refused bundle, as the refusal journal keeps it.

    ``input_sha256`` is the SHA-256 of the file's bytes (``None`` if it could not be read);
    ``meeting_id`` and ``bundle_version`` are those the bundle states, when verification got
    far enough to know them; ``stage`` the stage that refused; ``reason`` in both languages.
    """

    at: datetime
    actor: str
    file_name: str
    input_sha256: str | None
    meeting_id: str | None
    bundle_version: int | None
    stage: str
    reason: LocalizedText


@dataclass(frozen=True)
class RefusalLog:
    """What the journal reader found: the refusals it read (oldest first), whether every
    line read links to the one before (``intact``), the first line that does not (1-based,
    counted in the part read) and whether older lines were left unread (``partial``: the
    journal exceeded the reader's bound)."""

    refusals: tuple[Refusal, ...]
    intact: bool
    broken_line: int | None = None
    partial: bool = False
