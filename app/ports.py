"""What the use cases need from storage, as Protocols (``storage.workspace.Workspace``
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
from contextlib import AbstractContextManager
from typing import Protocol

from app.domain.ids import ApplicationId, ExpertId, MeetingId, SheetId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, HearingNote, ScoreSheet


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
