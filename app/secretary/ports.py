"""What the secretary's use cases need from storage (``storage.secretary.workspace.
SecretaryWorkspace`` implements it), as Protocols beside the values they return
(:mod:`app.secretary.model`).

The contract is that of :mod:`app.ports`: every write inside ``with ws.transaction(actor,
at):`` (one SQLite transaction holding the change and its audit entry), reads return frozen
values, failures surface as :class:`StorageError`. A workspace holds one meeting, created
empty (only the setup) and frozen when the kit is issued (:meth:`SecretaryStore.freeze`).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from app.domain.ids import ApplicationId, MeetingId
from app.domain.meeting import AgendaItem, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import HearingNote, PanelOpinion
from app.ports import MeetingReader, WorkspaceSealer
from app.sealed_drafts.record import WorkspaceKeyRecord
from app.secretary.model import (
    OpinionApproval,
    PackageRecord,
    RosterEntry,
    RoundInfo,
    SecretarySetup,
    SheetFileRecord,
    StoredDraftReport,
    StoredRecusal,
    StoredSheet,
)


class SecretaryReader(Protocol):
    """The reads: what the board, the outcome and the overlap check look at.

    What the experts wrote (signed sheets, recusals, panel opinions, approvals) is sealed
    (``docs/formats/secretary-workspace-v1.md``): those reads raise ``RecordsSealedError``
    until :meth:`unlock` hands in the workspace key (``app/secretary/unlock.py``)."""

    @property
    def path(self) -> Path: ...

    def unlock(self, sealer: WorkspaceSealer) -> None:
        """Use the unwrapped workspace key for this store's session."""
        ...

    @property
    def unlocked(self) -> bool: ...

    def workspace_key(self) -> WorkspaceKeyRecord | None:
        """The wrapped workspace key; ``None`` before it is made."""
        ...

    def plaintext_count(self) -> int:
        """How many collected rows are still in plaintext (written before version 9)."""
        ...

    def setup(self) -> SecretarySetup:
        """The setup; :class:`StorageError` if the file is no secretary's workspace."""
        ...

    def meeting(self, meeting_id: MeetingId) -> Meeting:
        """The frozen meeting (written when the kit is issued); :class:`NotFoundError`
        before."""
        ...

    def roster(self) -> tuple[RosterEntry, ...]: ...

    def packages(self) -> tuple[PackageRecord, ...]: ...

    def agenda(self) -> tuple[AgendaItem, ...]: ...

    def rounds(self) -> tuple[RoundInfo, ...]: ...

    def signed_sheets(
        self,
        *,
        round: int | None = None,
        expert_id: str | None = None,
        application_id: str | None = None,
        current_only: bool = False,
    ) -> tuple[StoredSheet, ...]: ...

    def version_index(
        self, up_to_round: int
    ) -> list[tuple[str, str, int, int, str, dt.datetime | None]]:
        """(expert, application, round, version, status, submitted_at) of every collected
        version of rounds up to ``up_to_round``, by round and version."""
        ...

    def draft_reports(
        self, *, round: int | None = None, expert_id: str | None = None
    ) -> tuple[StoredDraftReport, ...]:
        """Drafts the experts' latest files reported (never their content)."""
        ...

    def latest_draft_file(self, expert_id: str, round: int) -> dt.datetime | None: ...

    def recusals(self) -> tuple[StoredRecusal, ...]: ...

    def sheet_file_seen(self, file_sha256: str) -> bool: ...

    def sheet_files(self) -> tuple[SheetFileRecord, ...]:
        """Every imported sheet file, newest import first."""
        ...

    def note_ids(self) -> set[str]: ...

    def note_counts(self) -> dict[tuple[str, str], int]: ...

    def approvals(self) -> dict[tuple[str, int], OpinionApproval]: ...

    def approval(self, application_id: str, round: int) -> OpinionApproval | None:
        """The chair's approval of one opinion (opens only that one)."""
        ...

    def opinion_keys(self) -> list[tuple[str, int]]: ...

    def panel_opinion(
        self, meeting_id: MeetingId, application_id: ApplicationId, round: int = 1
    ) -> PanelOpinion | None: ...


class SecretaryStore(SecretaryReader, Protocol):
    """The reads and the writes of one secretary workspace; close it when done."""

    def transaction(self, actor: str, at: dt.datetime) -> AbstractContextManager[None]:
        """One atomic, audited change; ``actor`` and ``at`` go into every audit entry."""
        ...

    def save_setup(self, setup: SecretarySetup, action: str) -> None: ...

    def save_workspace_key(self, record: WorkspaceKeyRecord) -> None:
        """Store the workspace key; written once."""
        ...

    def seal_plaintext(self) -> int:
        """Seal every collected row still in plaintext (after :meth:`unlock`)."""
        ...

    def scrub(self) -> None:
        """Rewrite the file so deleted plaintext is gone (outside any transaction)."""
        ...

    def save_roster(self, roster: tuple[RosterEntry, ...], action: str) -> None: ...

    def add_package(self, record: PackageRecord) -> None: ...

    def save_agenda(self, items: tuple[AgendaItem, ...], action: str) -> None: ...

    def add_round(self, info: RoundInfo) -> None: ...

    def freeze(self, meeting: Meeting, rubric: Rubric, setup: SecretarySetup) -> None:
        """Write the meeting and record the kit (``setup.kit``): from now on the meeting is
        immutable and sheets can be stored."""
        ...

    def add_signed_sheet(self, stored: StoredSheet, source_file_sha256: str) -> None: ...

    def supersede_collected(self, stored: StoredSheet) -> None: ...

    def add_recusal(self, recusal: StoredRecusal, source_file_sha256: str) -> None: ...

    def add_collected_note(self, note: HearingNote) -> None: ...

    def add_sheet_file(
        self, file_sha256: str, expert_id: str, round: int, created_at: dt.datetime
    ) -> None: ...

    def replace_draft_reports(
        self,
        expert_id: str,
        round: int,
        reports: tuple[StoredDraftReport, ...],
        source_file_sha256: str,
        latest_file: dt.datetime | None,
    ) -> None:
        """The expert's draft reports of ``round`` become ``reports``; ``latest_file`` is when
        the latest file read for (expert, round) was written (``None``: unchanged)."""
        ...

    def save_approval(self, opinion: PanelOpinion, approval: OpinionApproval | None) -> None:
        """Store the opinion and its approval (or its absence) together."""
        ...

    def close(self) -> None: ...


class SecretaryStores(Protocol):
    """Opens and creates secretary workspace files (``storage.stores.SqliteStores``)."""

    def create_secretary_workspace(
        self, path: Path, setup: SecretarySetup, actor: str, *, now: dt.datetime
    ) -> SecretaryStore:
        """A new workspace file holding only ``setup``, whole or absent; refuses a path that
        exists."""
        ...

    def open_secretary_workspace(self, path: Path) -> SecretaryStore:
        """Open (and migrate) the workspace file at ``path``."""
        ...


# --- publish: what the secretary's publish sequence reads and records --------------------
# (app/secretary/publish*.py)

if TYPE_CHECKING:
    from app.secretary.model import RosterEntry, SecretarySetup, StoredRecusal, StoredSheet
    from app.secretary.publish_log import Publication


class PublishWorkspace(SecretaryReader, MeetingReader, Protocol):
    """The secretary's workspace as the publish sequence reads it: the reads of
    :class:`SecretaryReader` (the outcome is consolidated from them) and where the file lives
    (``storage.secretary.workspace.SecretaryWorkspace``)."""

    path: Path


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
