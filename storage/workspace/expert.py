"""One signed-in expert's view of a workspace, with everything they record sealed to them.

:class:`ExpertWorkspace` implements :class:`app.ports.ExpertRepository` over a
:class:`storage.workspace.core.Workspace` (sharing its connection, transactions and audit log)
for exactly one (meeting, expert): the one whose draft key its
:class:`app.ports.DraftSealer` holds. What callers must know:

- Every write seals the confidential fields and leaves only the clear columns in the row
  (``docs/formats/workspace-drafts-v1.md``); the audit entry records the sealed state.
- Reads open the expert's sealed rows; a value that does not open at its place raises
  ``SealedRecordError`` (typed). Rows still in plaintext (written before migration 4) are
  read as they are until :meth:`ExpertWorkspace.seal_plaintext` seals them.
- Asking for another expert's (or another meeting's) records raises ``RecordsSealedError``:
  the window never passes a foreign id, so this is a backstop, not a filter.
- The caller owns the underlying :class:`Workspace` (opens and closes it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from app.domain.ids import ApplicationId, ExpertId, MeetingId, SheetId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, HearingNote, ScoreSheet, SheetStatus
from app.domain.signed import SignedDocument
from app.errors import NotFoundError
from app.i18n import Msg
from app.ports import DraftSealer
from app.round_notice.model import HeldRoundNotice
from app.sealed_drafts.errors import record_damaged, records_sealed
from storage.audit import subjects as subj
from storage.workspace import hearing, sealed_content, sealed_rows, sheets
from storage.workspace.core import Workspace, sheet_locked
from storage.workspace.documents import time_text
from storage.workspace.sealed_rows import ConflictRow, NoteRow, SheetRow

_T = TypeVar("_T")


@dataclass(frozen=True)
class SealReport:
    """What :meth:`ExpertWorkspace.seal_plaintext` sealed."""

    conflicts: int = 0
    notes: int = 0
    sheets: int = 0

    @property
    def total(self) -> int:
        return self.conflicts + self.notes + self.sheets


class ExpertWorkspace:
    """The sealed records of ``sealer``'s (meeting, expert) in ``workspace``."""

    def __init__(self, workspace: Workspace, sealer: DraftSealer) -> None:
        self.workspace = workspace
        self._sealer = sealer
        self._db = workspace._db  # the same connection: one owner, one thread

    def __repr__(self) -> str:
        return f"ExpertWorkspace({self.path}, expert={self._sealer.expert_id!r})"

    @property
    def path(self) -> Path:
        return self.workspace.path

    @property
    def meeting_id(self) -> MeetingId:
        return MeetingId(self._sealer.meeting_id)

    @property
    def expert_id(self) -> ExpertId:
        return ExpertId(self._sealer.expert_id)

    # -- shared with the workspace -----------------------------------------------------------

    def meeting(self, meeting_id: MeetingId) -> Meeting:
        return self.workspace.meeting(meeting_id)

    def rubric(self, rubric_id: str) -> Rubric:
        return self.workspace.rubric(rubric_id)

    def transaction(self, actor: str, at: dt.datetime) -> AbstractContextManager[None]:
        return self.workspace.transaction(actor, at)

    def round_notices(self) -> tuple[HeldRoundNotice, ...]:
        """The round notices of the workspace: not sealed, they carry no scores."""
        return self.workspace.round_notices()

    def add_round_notice(self, held: HeldRoundNotice) -> None:
        self.workspace.add_round_notice(held)

    def _record(self, action: str, subject: str, state: object) -> None:
        self.workspace._record(action, subject, state)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        with self.workspace._reading():
            yield

    def _own(self, meeting_id: str, expert_id: str) -> None:
        if meeting_id != self._sealer.meeting_id or expert_id != self._sealer.expert_id:
            raise records_sealed(expert_id)

    def _seal(self, kind: str, bound: tuple[str, ...], plaintext: bytes) -> bytes:
        return self._sealer.seal(kind, bound, plaintext)

    def _open(
        self, kind: str, bound: tuple[str, ...], sealed: bytes, decode: Callable[[bytes], _T]
    ) -> _T:
        plaintext = self._sealer.open(kind, bound, sealed)
        try:
            return decode(plaintext)
        except (ValueError, KeyError, TypeError) as exc:
            raise record_damaged(self._sealer.expert_id, kind) from exc

    # -- conflict declarations ---------------------------------------------------------------

    def _conflict(self, row: ConflictRow) -> ConflictDeclaration | None:
        if row.sealed is None:
            return hearing.load_conflict(self._db, *_conflict_key(row))
        return self._open(
            sealed_content.CONFLICT,
            sealed_content.conflict_bound(row),
            row.sealed,
            lambda data: sealed_content.conflict_from(row, data),
        )

    def conflict(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> ConflictDeclaration | None:
        self._own(meeting_id, expert_id)
        with self._reading():
            row = sealed_rows.conflict_row(self._db, meeting_id, expert_id, application_id)
            return None if row is None else self._conflict(row)

    def save_conflict(self, declaration: ConflictDeclaration) -> None:
        d = declaration
        self.workspace._active()
        self._own(d.meeting_id, d.expert_id)
        self._write_conflict(d, "conflict.declare")

    def _write_conflict(self, d: ConflictDeclaration, action: str) -> None:
        row = ConflictRow(
            d.meeting_id,
            d.expert_id,
            d.application_id,
            d.has_conflict,
            _time(d.declared_at),
            None,
        )
        row = dataclasses.replace(
            row,
            sealed=self._seal(
                sealed_content.CONFLICT,
                sealed_content.conflict_bound(row),
                sealed_content.conflict_content(d),
            ),
        )
        sealed_rows.upsert_conflict(self._db, row)
        stored = sealed_rows.conflict_row(self._db, *_conflict_key(row))
        assert stored is not None
        self._record(
            action,
            subj.subject(subj.CONFLICT, *_conflict_key(row)),
            sealed_rows.conflict_state(stored),
        )

    # -- hearing notes -----------------------------------------------------------------------

    def _note(self, row: NoteRow) -> HearingNote:
        if row.sealed is None:
            note = hearing.load_note(self._db, row.id)
            assert note is not None
            return note
        return self._open(
            sealed_content.NOTE,
            sealed_content.note_bound(row),
            row.sealed,
            lambda data: sealed_content.note_from(row, data),
        )

    def notes(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> tuple[HearingNote, ...]:
        self._own(meeting_id, expert_id)
        with self._reading():
            rows = sealed_rows.note_rows(self._db, meeting_id, expert_id, application_id)
            return tuple(self._note(row) for row in rows)

    def add_note(self, note: HearingNote) -> None:
        self.workspace._active()
        self._own(note.meeting_id, note.expert_id)
        row = NoteRow(
            note.id,
            note.meeting_id,
            note.expert_id,
            note.application_id,
            _time(note.created_at),
            None,
        )
        row = dataclasses.replace(row, sealed=self._seal_note(row, note))
        sealed_rows.insert_note(self._db, row)
        self._record_note("note.add", note.id)

    def _seal_note(self, row: NoteRow, note: HearingNote) -> bytes:
        return self._seal(
            sealed_content.NOTE, sealed_content.note_bound(row), sealed_content.note_content(note)
        )

    def _record_note(self, action: str, note_id: str) -> None:
        stored = sealed_rows.note_row(self._db, note_id)
        assert stored is not None
        self._record(action, subj.subject(subj.NOTE, note_id), sealed_rows.note_state(stored))

    # -- score sheets ------------------------------------------------------------------------

    def _sheet(self, row: SheetRow) -> ScoreSheet:
        if row.sealed is None:
            sheet = sheets.load_sheet(self._db, row.id)
            assert sheet is not None
            return sheet
        return self._open(
            sealed_content.SHEET,
            sealed_content.sheet_bound(row),
            row.sealed,
            lambda data: sealed_content.sheet_from(row, data),
        )

    def sheets(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> tuple[ScoreSheet, ...]:
        self._own(meeting_id, expert_id)
        with self._reading():
            rows = sealed_rows.sheet_rows(self._db, meeting_id, expert_id, application_id)
            return tuple(self._sheet(row) for row in rows)

    def sheet(self, sheet_id: SheetId) -> ScoreSheet:
        row = self._sheet_row(sheet_id)
        with self._reading():
            return self._sheet(row)

    def _sheet_row(self, sheet_id: str) -> SheetRow:
        with self._reading():
            row = sealed_rows.sheet_row(self._db, sheet_id)
        if row is None:
            raise NotFoundError(
                Msg.of("The score sheet {id} does not exist.", id=sheet_id),
                Msg.of("Reload the meeting; the sheet may have been discarded."),
            )
        self._own(row.meeting_id, row.expert_id)
        return row

    def add_sheet(self, sheet: ScoreSheet, action: str) -> None:
        self.workspace._active()
        self._own(sheet.meeting_id, sheet.expert_id)
        if sheet.status is not SheetStatus.DRAFT:
            raise RuntimeError("only drafts are added; submitting is submit_sheet()")
        row = _row_of(sheet)
        sealed_rows.insert_sheet(
            self._db, dataclasses.replace(row, sealed=self._seal_sheet(row, sheet))
        )
        self._record_sheet(action, sheet.id)

    def save_draft(self, sheet: ScoreSheet, action: str) -> None:
        self.workspace._active()
        self._require_draft(sheet.id)
        row = self._sheet_row(sheet.id)
        sealed_rows.seal_sheet(
            self._db, sheet.id, self._seal_sheet(row, sheet), _time(sheet.updated_at)
        )
        self._record_sheet(action, sheet.id)

    def submit_sheet(self, sheet_id: SheetId) -> ScoreSheet:
        change = self.workspace._active()
        self._require_draft(sheet_id)
        sheets.set_status(self._db, sheet_id, SheetStatus.SUBMITTED, change.at)
        self._record_sheet("sheet.submit", sheet_id)
        return self.sheet(sheet_id)

    def supersede_sheet(self, sheet_id: SheetId) -> None:
        self.workspace._active()
        current = self.sheet(sheet_id)
        if current.status is not SheetStatus.SUBMITTED:
            raise RuntimeError("only a submitted sheet can be superseded")
        sheets.set_status(self._db, sheet_id, SheetStatus.SUPERSEDED, current.submitted_at)
        self._record_sheet("sheet.supersede", sheet_id)

    def discard_draft(self, sheet_id: SheetId) -> None:
        self.workspace._active()
        self._require_draft(sheet_id)
        sheets.delete_draft(self._db, sheet_id)
        self._record("sheet.discard", subj.subject(subj.SHEET, sheet_id), None)

    def _require_draft(self, sheet_id: str) -> ScoreSheet:
        current = self.sheet(SheetId(sheet_id))
        if current.status is not SheetStatus.DRAFT:
            raise sheet_locked(current)
        return current

    def _seal_sheet(self, row: SheetRow, sheet: ScoreSheet) -> bytes:
        return self._seal(
            sealed_content.SHEET,
            sealed_content.sheet_bound(row),
            sealed_content.sheet_content(sheet),
        )

    def _record_sheet(self, action: str, sheet_id: str) -> None:
        stored = sealed_rows.sheet_row(self._db, sheet_id)
        assert stored is not None
        self._record(action, subj.subject(subj.SHEET, sheet_id), sealed_rows.sheet_state(stored))

    # -- signed copies -----------------------------------------------------------------------

    def save_signed_copy(self, sheet_id: SheetId, signed: SignedDocument) -> None:
        change = self.workspace._active()
        self._sheet_row(sheet_id)  # the expert's own sheet
        sealed = self._seal(
            sealed_content.SIGNED_SHEET,
            sealed_content.signed_bound(sheet_id),
            sealed_content.signed_content(signed),
        )
        sealed_rows.insert_signed_copy(self._db, sheet_id, sealed, _time(change.at))
        self._record(
            "sheet.signed_copy",
            subj.subject(subj.SIGNED_COPY, sheet_id),
            sealed_rows.signed_copy_state(sheet_id, sealed),
        )

    def signed_copy(self, sheet_id: SheetId) -> SignedDocument | None:
        self._sheet_row(sheet_id)
        with self._reading():
            sealed = sealed_rows.signed_copy(self._db, sheet_id)
        if sealed is None:
            return None
        return self._open(
            sealed_content.SIGNED_SHEET,
            sealed_content.signed_bound(sheet_id),
            sealed,
            sealed_content.signed_from,
        )

    # -- rows written before migration 4 -----------------------------------------------------

    def plaintext_count(self) -> int:
        """How many of the expert's rows are still in plaintext."""
        m, e = self._sealer.meeting_id, self._sealer.expert_id
        with self._reading():
            return (
                len(sealed_rows.plaintext_conflict_applications(self._db, m, e))
                + len(sealed_rows.plaintext_note_ids(self._db, m, e))
                + len(sealed_rows.plaintext_sheet_ids(self._db, m, e))
            )

    def seal_plaintext(self) -> SealReport:
        """Seal every plaintext row of the expert and empty its plaintext (inside
        :meth:`transaction`; one audit entry per row). Submitted sheets are sealed too: the
        migration-4 triggers allow exactly this one change to them."""
        self.workspace._active()
        m, e = self._sealer.meeting_id, self._sealer.expert_id
        applications = sealed_rows.plaintext_conflict_applications(self._db, m, e)
        for application_id in applications:
            declaration = hearing.load_conflict(self._db, m, e, application_id)
            assert declaration is not None
            self._write_conflict(declaration, "conflict.seal")
        note_ids = sealed_rows.plaintext_note_ids(self._db, m, e)
        for note_id in note_ids:
            note = hearing.load_note(self._db, note_id)
            row = sealed_rows.note_row(self._db, note_id)
            assert note is not None and row is not None
            sealed_rows.seal_note(self._db, note_id, self._seal_note(row, note))
            self._record_note("note.seal", note_id)
        sheet_ids = sealed_rows.plaintext_sheet_ids(self._db, m, e)
        for sheet_id in sheet_ids:
            sheet = sheets.load_sheet(self._db, sheet_id)
            sheet_row = sealed_rows.sheet_row(self._db, sheet_id)
            assert sheet is not None and sheet_row is not None
            sealed = self._seal_sheet(sheet_row, sheet)
            sealed_rows.seal_sheet(self._db, sheet_id, sealed, sheet_row.updated_at)
            self._record_sheet("sheet.seal", sheet_id)
        return SealReport(len(applications), len(note_ids), len(sheet_ids))


def _time(value: dt.datetime) -> str:
    text = time_text(value)
    assert text is not None
    return text


def _conflict_key(row: ConflictRow) -> tuple[str, str, str]:
    return row.meeting_id, row.expert_id, row.application_id


def _row_of(sheet: ScoreSheet) -> SheetRow:
    return SheetRow(
        sheet.id,
        sheet.meeting_id,
        sheet.expert_id,
        sheet.application_id,
        sheet.round,
        sheet.version,
        sheet.status,
        _time(sheet.updated_at),
        time_text(sheet.submitted_at),
        None,
    )
