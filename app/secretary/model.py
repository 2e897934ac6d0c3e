"""Frozen values the secretary's use cases return (and the console shows).

Nothing here does I/O. Storage (:mod:`storage.secretary.workspace`) builds these from rows; the use
cases in :mod:`app.secretary` build them from files and keys. Secrets are never held here
except the *sealed* meeting key, which is useless without the passphrase.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from cryptography import x509

from app.consolidation.rule import ConsolidationRule
from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import Application, Expert
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, PanelOpinion, ScoreSheet
from app.domain.signed import SignedDocument
from app.i18n import N_, LocalizedText

DEFAULT_REPORT_MINUTES = 15
DEFAULT_QA_MINUTES = 10


@dataclass(frozen=True)
class MeetingHeader:
    """What the secretary states about the meeting before anything else exists."""

    meeting_id: MeetingId
    title: LocalizedText
    date: dt.date
    venue: LocalizedText
    is_demo: bool = False


@dataclass(frozen=True)
class IssuedKit:
    """The kit handed to the experts; every sheet of the meeting must name ``kit_hash``."""

    kit_hash: str
    kit_id: str
    issued_at: dt.datetime
    file_name: str


@dataclass(frozen=True)
class SecretarySetup:
    """The meeting as the secretary has configured it so far.

    Once ``kit`` is set the meeting is *frozen*: rubric, roster and agenda can no longer
    change, because the experts hold a signed copy of them.
    """

    header: MeetingHeader
    rubric: Rubric
    rule: ConsolidationRule
    anonymise_experts: bool
    secretary_certificate_pem: str
    trust_roots_pem: str
    sealed_meeting_key: bytes | None = field(repr=False)
    meeting_key_recipient: str | None
    kit: IssuedKit | None
    current_round: int

    @property
    def frozen(self) -> bool:
        return self.kit is not None

    def trust_roots(self) -> list[x509.Certificate]:
        return x509.load_pem_x509_certificates(self.trust_roots_pem.encode("ascii"))

    def secretary_certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.secretary_certificate_pem.encode("ascii"))


@dataclass(frozen=True)
class RosterEntry:
    """One expert on the roster, with the certificate their fingerprint was read from."""

    expert: Expert
    certificate_pem: str

    @property
    def fingerprint(self) -> str:
        return self.expert.fingerprint


class PackageStatus(enum.Enum):
    VERIFIED = "verified"
    REFUSED = "refused"

    @property
    def label(self) -> str:
        return {
            PackageStatus.VERIFIED: N_("Verified"),
            PackageStatus.REFUSED: N_("Refused"),
        }[self]


@dataclass(frozen=True)
class PackageRecord:
    """One package file the secretary tried to import, identified by its SHA-256.

    A verified package has its ``application`` (from the signed form) and is kept,
    still encrypted, as ``packages/<stored_name>``; a refused one only its ``reason``.
    """

    file_sha256: str
    source_name: str
    size: int
    status: PackageStatus
    imported_at: dt.datetime
    application: Application | None = None
    stored_name: str | None = None
    package_id: str | None = None
    issuer_name: str | None = None
    issuer_fingerprint: str | None = None
    reason: LocalizedText | None = None

    @property
    def application_id(self) -> ApplicationId | None:
        return None if self.application is None else self.application.id


@dataclass(frozen=True)
class RoundInfo:
    """A scoring round; ``applications`` is ``None`` for round 1 (every application)."""

    number: int
    opened_at: dt.datetime
    applications: tuple[ApplicationId, ...] | None
    reason: str = ""

    def includes(self, application_id: str) -> bool:
        return self.applications is None or application_id in self.applications


@dataclass(frozen=True)
class StoredSheet:
    """A signed sheet version as stored: the sheet, its exact signed bytes, who signed."""

    sheet: ScoreSheet
    signed: SignedDocument
    signer_fingerprint: str
    imported_at: dt.datetime


@dataclass(frozen=True)
class StoredRecusal:
    declaration: ConflictDeclaration
    round: int
    signed: SignedDocument
    signer_fingerprint: str


@dataclass(frozen=True)
class StoredDraftReport:
    """An expert's file reported an unsubmitted draft for the pair in ``round``, last edited
    at ``updated_at`` (the file was written at ``file_created_at``). Never any content of
    the draft, and never counted in consolidation."""

    expert_id: ExpertId
    application_id: ApplicationId
    round: int
    updated_at: dt.datetime
    file_created_at: dt.datetime


@dataclass(frozen=True)
class OpinionApproval:
    """The chair's detached CMS signature over the canonical panel-opinion document."""

    signed: SignedDocument
    chair_id: ExpertId
    chair_fingerprint: str
    approved_at: dt.datetime


@dataclass(frozen=True)
class SheetFileRecord:
    """A sheet file the secretary imported: its sheets and recusals are what the board
    counts (the file itself is not kept, only its hash)."""

    file_sha256: str
    expert_id: ExpertId
    round: int
    created_at: dt.datetime
    """When the expert wrote the file."""
    imported_at: dt.datetime


@dataclass(frozen=True)
class PanelOpinionView:
    """A panel opinion and, if the chair approved this exact text, the approval."""

    opinion: PanelOpinion
    approval: OpinionApproval | None

    @property
    def approved(self) -> bool:
        return self.approval is not None
