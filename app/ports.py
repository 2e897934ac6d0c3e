"""What the use cases need from storage, as Protocols (``storage.workspace.core.Workspace``
implements them; tests may use it directly or a fake).

The core never imports ``storage``: the composition roots (``app/cli``, ``ui/launch.py``)
hand the use cases :class:`ExpertStores` (``storage.stores.SqliteStores``), which opens and
creates the workspace files. The secretary's workspace protocols live beside the values they
return, in :mod:`app.secretary.ports`, so that this module depends on no role package.

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
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.domain.ids import ApplicationId, ExpertId, MeetingId, SheetId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, HearingNote, ScoreSheet

if TYPE_CHECKING:
    from app.kit.record import KitRecord
    from app.round_notice import HeldRoundNotice
    from app.sealed_drafts.record import DraftKeyRecord
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


# -- the expert-side workspace file -----------------------------------------------------------


class WorkspaceStore(MeetingReader, RoundNoticeStore, Protocol):
    """An expert-side workspace file as opened (``storage.workspace.core.Workspace``): the
    meeting and kit it was created from and each expert's wrapped draft key. Its sealed
    records are read through :meth:`ExpertStores.sealed_drafts`; close it when done."""

    @property
    def path(self) -> Path: ...

    def meetings(self) -> list[Meeting]: ...

    def kit_record(self) -> KitRecord | None:
        """The kit the workspace was created from; ``None`` for one made otherwise."""
        ...

    def draft_key(self, meeting_id: MeetingId, expert_id: ExpertId) -> DraftKeyRecord | None:
        """The expert's wrapped draft key, ``None`` before their first sign-in."""
        ...

    def save_draft_key(self, record: DraftKeyRecord) -> None:
        """Store an expert's draft key (inside :meth:`transaction`); written once."""
        ...

    def scrub(self) -> None:
        """Rewrite the file so that overwritten content is gone from it (outside any
        transaction)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> WorkspaceStore: ...

    def __exit__(self, *exc: object) -> None: ...


class SealCount(Protocol):
    @property
    def total(self) -> int: ...


class SealingRepository(ExpertRepository, Protocol):
    """One expert's sealed records in a :class:`WorkspaceStore`
    (``storage.workspace.expert.ExpertWorkspace``), with what older versions left in
    plaintext."""

    @property
    def workspace(self) -> WorkspaceStore: ...

    @property
    def path(self) -> Path: ...

    @property
    def meeting_id(self) -> MeetingId: ...

    @property
    def expert_id(self) -> ExpertId: ...

    def plaintext_count(self) -> int:
        """How many of the expert's rows are still in plaintext (written before sealing)."""
        ...

    def seal_plaintext(self) -> SealCount:
        """Seal every plaintext row of the expert (inside :meth:`transaction`)."""
        ...


class ExpertStores(Protocol):
    """Opens and creates expert-side workspace files (``storage.stores.SqliteStores``)."""

    def create_workspace(
        self,
        path: Path,
        meeting: Meeting,
        rubric: Rubric,
        actor: str,
        *,
        now: Callable[[], dt.datetime],
        kit: KitRecord | None = None,
    ) -> WorkspaceStore:
        """A new workspace file for ``meeting`` (and the ``kit`` it comes from), whole or
        absent; refuses a path that exists."""
        ...

    def open_workspace(self, path: Path) -> WorkspaceStore:
        """Open (and migrate) the workspace file at ``path``."""
        ...

    def sealed_drafts(self, workspace: WorkspaceStore, sealer: DraftSealer) -> SealingRepository:
        """The records of ``sealer``'s (meeting, expert) in ``workspace``, which these stores
        opened, sealed under ``sealer``."""
        ...


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


class WorkspaceSealer(Protocol):
    """Seals and opens the values of a meeting secretary's workspace under its workspace key
    (``app.sealed_drafts.cipher.SecretaryCipher``; docs/formats/secretary-workspace-v1.md).
    A value opens only with the same meeting, kind and bound columns it was sealed with,
    otherwise :meth:`open` raises ``app.sealed_drafts.errors.SealedRecordError``."""

    @property
    def meeting_id(self) -> str: ...

    def seal(self, kind: str, bound: Sequence[str], plaintext: bytes) -> bytes: ...

    def open(self, kind: str, bound: Sequence[str], sealed: bytes) -> bytes: ...
