"""What the use cases need from storage, as Protocols (``storage.workspace.core.Workspace``
implements them; tests may use it directly or a fake).

Contract every implementation keeps:

- Every write happens inside ``with repo.transaction(actor, at):``; writing outside one is a
  programming error (``RuntimeError``). The block is one database transaction: all of its
  writes and their audit entries commit together or not at all. Transactions do not nest.
- Reads return frozen domain objects; ``meeting``/``rubric`` raise :class:`NotFoundError`.
- Storage failures surface as :class:`StorageError`; a write to a non-draft sheet raises
  :class:`SheetLockedError`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

from app.domain.ids import ApplicationId, ExpertId, MeetingId, SheetId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, HearingNote, ScoreSheet

if TYPE_CHECKING:
    from app.round_notice import HeldRoundNotice
    from app.sheets.documents import SignedDocument


class MeetingReader(Protocol):
    def meeting(self, meeting_id: MeetingId) -> Meeting: ...

    def rubric(self, rubric_id: str) -> Rubric: ...


class ScoringRepository(MeetingReader, Protocol):
    """Declarations, hearing notes and score sheets of one workspace."""

    def transaction(self, actor: str, at: dt.datetime) -> AbstractContextManager[None]:
        """One atomic, audited change; ``actor`` and ``at`` go into every audit entry."""
        ...

    def conflict(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> ConflictDeclaration | None: ...

    def save_conflict(self, declaration: ConflictDeclaration) -> None:
        """Insert or replace the declaration for its (meeting, expert, application)."""
        ...

    def notes(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> tuple[HearingNote, ...]: ...

    def add_note(self, note: HearingNote) -> None: ...

    def sheets(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> tuple[ScoreSheet, ...]:
        """Every stored version of every round, ordered by (round, version)."""
        ...

    def add_sheet(self, sheet: ScoreSheet, action: str) -> None:
        """Store a new draft version (``action`` names the event in the audit log)."""
        ...

    def save_draft(self, sheet: ScoreSheet, action: str) -> None:
        """Replace a stored draft's content; :class:`SheetLockedError` if it is not a draft."""
        ...

    def submit_sheet(self, sheet_id: SheetId) -> ScoreSheet:
        """Freeze a draft (status submitted, ``submitted_at`` = the transaction's time)."""
        ...

    def supersede_sheet(self, sheet_id: SheetId) -> None:
        """Mark a submitted version superseded by a newer submitted one; kept, never deleted."""
        ...

    def discard_draft(self, sheet_id: SheetId) -> None:
        """Delete a draft (a recusal); :class:`SheetLockedError` if it is not a draft."""
        ...


class SignedCopies(Protocol):
    """The exact signed bytes of an expert's submitted sheets, kept with their sheets."""

    def save_signed_copy(self, sheet_id: SheetId, signed: SignedDocument) -> None:
        """Store the signed copy of a submitted sheet (inside :meth:`transaction`); written
        once, never replaced."""
        ...

    def signed_copy(self, sheet_id: SheetId) -> SignedDocument | None: ...


class RoundNoticeStore(Protocol):
    """The secretary's round notices a workspace accepted (``round-notice-v1.md``); shared
    by every expert of the workspace, not sealed (a notice carries no scores)."""

    def transaction(self, actor: str, at: dt.datetime) -> AbstractContextManager[None]: ...

    def round_notices(self) -> tuple[HeldRoundNotice, ...]:
        """Every notice held, by round."""
        ...

    def add_round_notice(self, held: HeldRoundNotice) -> None:
        """Store an accepted notice (inside :meth:`transaction`); written once, never
        changed (:class:`ValidationError` for a round already held)."""
        ...


class ExpertRepository(ScoringRepository, SignedCopies, RoundNoticeStore, Protocol):
    """Everything one signed-in expert's window records, sealed to that expert
    (``storage.workspace.expert.ExpertWorkspace``; threat T1), and the workspace's round
    notices."""


class DraftSealer(Protocol):
    """Seals and opens the values of one (meeting, expert) under that expert's draft key
    (``app.sealed_drafts.cipher.DraftCipher``; docs/formats/workspace-drafts-v1.md).

    ``kind`` names what is sealed and ``bound`` the clear columns of its row; a value opens
    only with the same meeting, expert, kind and bound columns it was sealed with, otherwise
    :meth:`open` raises ``app.sealed_drafts.errors.SealedRecordError``.
    """

    @property
    def meeting_id(self) -> str: ...

    @property
    def expert_id(self) -> str: ...

    def seal(self, kind: str, bound: Sequence[str], plaintext: bytes) -> bytes: ...

    def open(self, kind: str, bound: Sequence[str], sealed: bytes) -> bytes: ...


# --- publish: what the secretary's publish sequence reads and records --------------------
# (app/secretary/publish*.py; self-contained block, kept at the end of the file)

if TYPE_CHECKING:
    from pathlib import Path

    from app.secretary.model import RosterEntry, SecretarySetup, StoredRecusal, StoredSheet
    from app.secretary.publish_log import Publication


class PublishWorkspace(MeetingReader, Protocol):
    """The secretary's workspace as the publish sequence reads it
    (``storage.secretary.workspace.SecretaryWorkspace``)."""

    path: Path

    def setup(self) -> SecretarySetup: ...

    def roster(self) -> tuple[RosterEntry, ...]: ...

    def signed_sheets(
        self,
        *,
        round: int | None = None,
        expert_id: str | None = None,
        application_id: str | None = None,
        current_only: bool = False,
    ) -> tuple[StoredSheet, ...]: ...

    def recusals(self) -> tuple[StoredRecusal, ...]: ...


class PublicationRecords(Protocol):
    """What the publish sequence keeps between its steps and across publications: the
    bundle versions written, the ministry's certificate configured for the meeting, and the
    chair-signed report waiting for the secretary's signature
    (``app.secretary.publish_log.FolderPublicationLog``)."""

    def publications(self) -> tuple[Publication, ...]:
        """Every publication recorded, oldest first."""
        ...

    def record_publication(self, publication: Publication) -> None: ...

    def ministry_certificate(self) -> bytes | None:
        """The ministry's certificate (PEM) configured for the meeting, if any."""
        ...

    def set_ministry_certificate(self, pem: bytes) -> None: ...

    def chair_signed_report(self) -> bytes | None:
        """The ``.oireport`` the chair signed and the secretary imported, if any."""
        ...

    def save_chair_signed_report(self, data: bytes) -> None: ...

    def clear_chair_signed_report(self) -> None: ...
