"""A workspace: one SQLite file holding a meeting, its rubric and everything recorded for it.

:class:`Workspace` implements :class:`app.ports.ScoringRepository`. What callers must know:

- Every write happens inside ``with ws.transaction(actor, at):`` -- one ``db.atomic()``
  transaction holding the change *and* its audit entry (storage/audit/chain.py). When the block
  exits normally the COMMIT has returned and, with ``synchronous=FULL``, the edit is durable:
  only then may the UI show "saved".
- One connection, used from one thread (the UI serialises database work through one owner).
- Meetings and rubrics are immutable once created, so they are cached after the first read.
- Reads and writes raise :class:`StorageError` (never ``sqlite3.Error``).
- Checking what it holds against its audit log (:meth:`Workspace.verify_audit`) is
  :mod:`storage.workspace.audit_state`.
- What an expert records is sealed to that expert (migration 4, workspace-drafts-v1.md) and
  read and written through :class:`storage.workspace.expert.ExpertWorkspace`; this plain
  repository refuses sealed rows (``RecordsSealedError``) and serves plaintext ones (rows
  written before migration 4). A secretary's collected rows are sealed under the workspace
  key since migration 9 and read through :class:`storage.secretary.workspace.
  SecretaryWorkspace` (``secretary-workspace-v1.md``).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import sqlite_utils

from app.domain.ids import ApplicationId, ExpertId, MeetingId, SheetId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import (
    ConflictDeclaration,
    HearingNote,
    PanelOpinion,
    ScoreSheet,
    SheetStatus,
)
from app.errors import NotFoundError, SheetLockedError, StorageError, ValidationError
from app.formats.rubric_file import rubric_to_document
from app.i18n import Msg
from app.kit.record import KitRecord
from app.round_notice.model import HeldRoundNotice
from app.sealed_drafts.errors import records_sealed
from app.sealed_drafts.record import DraftKeyRecord
from storage import database
from storage.audit import chain as audit
from storage.audit import subjects as subj
from storage.audit.chain import AuditEntry, AuditReport, Checkpoint
from storage.workspace import (
    audit_state,
    draft_keys,
    hearing,
    kit,
    meetings,
    round_notices,
    sealed_rows,
    sheets,
)
from storage.workspace.documents import (
    conflict_state,
    meeting_state,
    note_state,
    opinion_state,
    sheet_state,
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Change:
    actor: str
    at: dt.datetime
    head: AuditEntry | None = None
    """The audit entry this transaction appended last (none yet: read from the log)."""


class Workspace:
    """Open with :meth:`create` or :meth:`open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self._db = db
        self.path = path
        self._change: _Change | None = None
        self._meetings: dict[str, Meeting] = {}
        self._rubrics: dict[str, Rubric] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        meeting: Meeting,
        rubric: Rubric,
        actor: str,
        *,
        now: Callable[[], dt.datetime] = utc_now,
        kit: KitRecord | None = None,
    ) -> Workspace:
        """Create a workspace for ``meeting`` under ``rubric`` (and, for an expert-side
        workspace, the record of the ``kit`` it comes from, in the same transaction); see
        :meth:`_build`."""
        _check_meeting(meeting, rubric)

        def fill(ws: Workspace) -> None:
            ws._insert_rubric(rubric)
            ws._insert_meeting(meeting)
            if kit is not None:
                ws._insert_kit(kit)

        cls._build(path, actor, now, fill)
        return cls.open(path)

    @classmethod
    def _build(
        cls,
        path: Path,
        actor: str,
        now: Callable[[], dt.datetime],
        fill: Callable[[Self], None],
    ) -> None:
        """Create the database file at ``path`` holding what ``fill`` writes in one audited
        transaction (by ``actor``, at ``now()``); used by every kind of workspace.

        Built under a temporary name and renamed into place when complete, so ``path`` is
        either absent or a whole workspace, even if the program dies half-way.
        """
        if path.exists():
            raise StorageError(
                Msg.of("A file already exists at {path}.", path=str(path)),
                Msg.of("Choose another name, or open the existing workspace."),
            )
        partial = path.with_name(path.name + ".partial")
        _remove_database_files(partial)
        db = database.create_database(partial)
        try:
            ws = cls(db, partial)
            with ws.transaction(actor, now()):
                fill(ws)
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            os.replace(partial, path)
            _sync_directory(path.parent)
        except BaseException:
            with suppress(sqlite3.Error):
                db.close()
            _remove_database_files(partial)
            raise

    @classmethod
    def open(cls, path: Path) -> Workspace:
        return cls(database.open_database(path), path)

    def close(self) -> None:
        with suppress(sqlite3.Error):
            self._db.close()

    def scrub(self) -> None:
        """Rewrite the file (checkpoint, VACUUM, checkpoint with truncation) so that content
        deleted or overwritten earlier is gone from free pages and from the write-ahead log;
        run after plaintext was sealed. Outside any transaction."""
        if self._change is not None:
            raise RuntimeError("scrub() runs outside a transaction")
        with self._reading():
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self, actor: str, at: dt.datetime) -> Iterator[None]:
        """One atomic, audited change (see the module docstring)."""
        if self._change is not None:
            raise RuntimeError("workspace transactions do not nest")
        self._change = _Change(actor, at)
        try:
            with self._db.atomic():
                yield
        except sqlite3.Error as exc:
            raise database.storage_error(exc, self.path) from exc
        finally:
            self._change = None

    def _record(self, action: str, subject: str, state: Any) -> AuditEntry:
        return self._record_many(((action, subject, state),))[-1]

    def _record_many(self, changes: Sequence[tuple[str, str, Any]]) -> tuple[AuditEntry, ...]:
        """Audit entries for ``(action, subject, state)`` changes, in order, in one statement;
        the chain's head is read once per transaction (all its entries are written here)."""
        change = self._active()
        entries = audit.append_many(
            self._db, at=change.at, actor=change.actor, changes=changes, after=change.head
        )
        change.head = entries[-1]
        return entries

    def _active(self) -> _Change:
        if self._change is None:
            raise RuntimeError("workspace writes need an open transaction()")
        return self._change

    @contextmanager
    def _reading(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise database.storage_error(exc, self.path) from exc

    # -- meetings and rubrics ----------------------------------------------------------------

    def meetings(self) -> list[Meeting]:
        with self._reading():
            ids = meetings.meeting_ids(self._db)
        return [self.meeting(mid) for mid in ids]

    def meeting(self, meeting_id: MeetingId) -> Meeting:
        cached = self._meetings.get(meeting_id)
        if cached is not None:
            return cached
        with self._reading():
            found = meetings.load_meeting(self._db, meeting_id)
        if found is None:
            raise NotFoundError(
                Msg.of("The meeting {id} is not in this workspace.", id=meeting_id),
                Msg.of("Open the workspace that holds this meeting."),
            )
        self._meetings[meeting_id] = found
        return found

    def rubric(self, rubric_id: str) -> Rubric:
        cached = self._rubrics.get(rubric_id)
        if cached is not None:
            return cached
        with self._reading():
            found = meetings.load_rubric(self._db, rubric_id)
        if found is None:
            raise NotFoundError(
                Msg.of("The rubric {id} is not in this workspace.", id=rubric_id),
                Msg.of("Open the workspace that holds this meeting."),
            )
        self._rubrics[rubric_id] = found
        return found

    def _insert_rubric(self, rubric: Rubric) -> None:
        meetings.insert_rubric(self._db, rubric)
        self._record("rubric.fix", subj.subject(subj.RUBRIC, rubric.id), rubric_to_document(rubric))

    def _insert_meeting(self, meeting: Meeting) -> None:
        meetings.insert_meeting(self._db, meeting)
        stored = meetings.load_meeting(self._db, meeting.id)
        assert stored is not None
        self._record(
            "meeting.create", subj.subject(subj.MEETING, meeting.id), meeting_state(stored)
        )

    # -- the meeting kit (expert side) -------------------------------------------------------

    def kit_record(self) -> KitRecord | None:
        """The kit this workspace was created from; ``None`` for a secretary's or an old one."""
        with self._reading():
            return kit.load_kit(self._db)

    def save_kit_record(self, record: KitRecord) -> None:
        """Record the kit (inside :meth:`transaction`). Written once: a workspace that
        already has a kit record refuses another (:class:`ValidationError`)."""
        self._active()
        if kit.load_kit(self._db) is not None:
            raise ValidationError(
                Msg.of("This workspace already belongs to a meeting kit."),
                Msg.of("Import the new kit into an empty folder."),
            )
        self._insert_kit(record)

    def _insert_kit(self, record: KitRecord) -> None:
        kit.insert_kit(self._db, record)
        self._record("kit.import", subj.subject(subj.KIT, record.kit_hash), kit.kit_state(record))

    # -- round notices (expert side, migration 7) --------------------------------------------

    def round_notices(self) -> tuple[HeldRoundNotice, ...]:
        """The secretary's round notices this workspace accepted, by round (shared by every
        expert of the workspace: a notice carries no scores)."""
        with self._reading():
            return round_notices.load_notices(self._db)

    def add_round_notice(self, held: HeldRoundNotice) -> None:
        """Store an accepted notice (inside :meth:`transaction`); written once, never changed
        (:class:`ValidationError` for a round already held)."""
        self._active()
        if round_notices.load_notice(self._db, held.notice.round) is not None:
            raise ValidationError(
                Msg.of(
                    "A notice for round {round} is already recorded in this workspace.",
                    round=held.notice.round,
                ),
                Msg.of("Nothing was changed. Import the newest round notice only."),
            )
        round_notices.insert_notice(self._db, held)
        self._record(
            "round_notice.import",
            subj.subject(subj.ROUND_NOTICE, held.notice.round),
            round_notices.notice_state(held),
        )

    # -- draft keys (sealed drafts, migration 4) ---------------------------------------------

    def draft_key(self, meeting_id: MeetingId, expert_id: ExpertId) -> DraftKeyRecord | None:
        """The expert's wrapped draft key, ``None`` before their first sign-in. The sealed
        records themselves are read through :class:`storage.workspace.expert.ExpertWorkspace`;
        this plain workspace refuses them (``RecordsSealedError``)."""
        with self._reading():
            return draft_keys.load_draft_key(self._db, meeting_id, expert_id)

    def save_draft_key(self, record: DraftKeyRecord) -> None:
        """Store an expert's draft key (inside :meth:`transaction`); written once."""
        self._active()
        draft_keys.insert_draft_key(self._db, record)
        self._record(
            "draft_key.create",
            subj.subject(subj.DRAFT_KEY, record.meeting_id, record.expert_id),
            draft_keys.draft_key_state(record),
        )

    # -- conflict declarations and notes -----------------------------------------------------

    def conflict(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> ConflictDeclaration | None:
        with self._reading():
            row = sealed_rows.conflict_row(self._db, meeting_id, expert_id, application_id)
            _refuse_sealed(expert_id, [row])
            return hearing.load_conflict(self._db, meeting_id, expert_id, application_id)

    def save_conflict(self, declaration: ConflictDeclaration) -> None:
        self._active()
        d = declaration
        _refuse_sealed(
            d.expert_id,
            [sealed_rows.conflict_row(self._db, d.meeting_id, d.expert_id, d.application_id)],
        )
        hearing.upsert_conflict(self._db, d)
        stored = hearing.load_conflict(self._db, d.meeting_id, d.expert_id, d.application_id)
        assert stored is not None
        self._record(
            "conflict.declare",
            subj.subject(subj.CONFLICT, d.meeting_id, d.expert_id, d.application_id),
            conflict_state(stored),
        )

    def notes(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> tuple[HearingNote, ...]:
        with self._reading():
            rows = sealed_rows.note_rows(self._db, meeting_id, expert_id, application_id)
            _refuse_sealed(expert_id, rows)
            return hearing.notes_for(self._db, meeting_id, expert_id, application_id)

    def add_note(self, note: HearingNote) -> None:
        self._active()
        hearing.insert_note(self._db, note)
        stored = hearing.load_note(self._db, note.id)
        assert stored is not None
        self._record("note.add", subj.subject(subj.NOTE, note.id), note_state(stored))

    # -- score sheets ------------------------------------------------------------------------

    def sheets(
        self, meeting_id: MeetingId, expert_id: ExpertId, application_id: ApplicationId
    ) -> tuple[ScoreSheet, ...]:
        with self._reading():
            rows = sealed_rows.sheet_rows(self._db, meeting_id, expert_id, application_id)
            _refuse_sealed(expert_id, rows)
            return sheets.sheets_for(self._db, meeting_id, expert_id, application_id)

    def sheet(self, sheet_id: SheetId) -> ScoreSheet:
        with self._reading():
            row = sealed_rows.sheet_row(self._db, sheet_id)
            _refuse_sealed(row.expert_id if row else "", [row])
            found = sheets.load_sheet(self._db, sheet_id)
        if found is None:
            raise NotFoundError(
                Msg.of("The score sheet {id} does not exist.", id=sheet_id),
                Msg.of("Reload the meeting; the sheet may have been discarded."),
            )
        return found

    def add_sheet(self, sheet: ScoreSheet, action: str) -> None:
        self._active()
        if sheet.status is not SheetStatus.DRAFT:
            raise RuntimeError("only drafts are added; submitting is submit_sheet()")
        sheets.insert_sheet(self._db, sheet)
        self._record_sheet(action, sheet.id)

    def save_draft(self, sheet: ScoreSheet, action: str) -> None:
        self._active()
        self._require_draft(sheet.id)
        sheets.update_draft(self._db, sheet)
        self._record_sheet(action, sheet.id)

    def submit_sheet(self, sheet_id: SheetId) -> ScoreSheet:
        change = self._active()
        self._require_draft(sheet_id)
        sheets.set_status(self._db, sheet_id, SheetStatus.SUBMITTED, change.at)
        return self._record_sheet("sheet.submit", sheet_id)

    def supersede_sheet(self, sheet_id: SheetId) -> None:
        self._active()
        current = self.sheet(sheet_id)
        if current.status is not SheetStatus.SUBMITTED:
            raise RuntimeError("only a submitted sheet can be superseded")
        sheets.set_status(self._db, sheet_id, SheetStatus.SUPERSEDED, current.submitted_at)
        self._record_sheet("sheet.supersede", sheet_id)

    def discard_draft(self, sheet_id: SheetId) -> None:
        self._active()
        self._require_draft(sheet_id)
        sheets.delete_draft(self._db, sheet_id)
        self._record("sheet.discard", subj.subject(subj.SHEET, sheet_id), None)

    def _require_draft(self, sheet_id: SheetId) -> ScoreSheet:
        current = self.sheet(sheet_id)
        if current.status is not SheetStatus.DRAFT:
            raise sheet_locked(current)
        return current

    def _record_sheet(self, action: str, sheet_id: SheetId) -> ScoreSheet:
        stored = self.sheet(sheet_id)
        self._record(action, subj.subject(subj.SHEET, sheet_id), sheet_state(stored))
        return stored

    # -- panel opinion -----------------------------------------------------------------------

    def panel_opinion(
        self, meeting_id: MeetingId, application_id: ApplicationId, round: int = 1
    ) -> PanelOpinion | None:
        with self._reading():
            return hearing.load_opinion(self._db, meeting_id, application_id, round)

    def save_panel_opinion(self, opinion: PanelOpinion) -> None:
        self._active()
        p = opinion
        hearing.upsert_opinion(self._db, p)
        stored = hearing.load_opinion(self._db, p.meeting_id, p.application_id, p.round)
        assert stored is not None
        self._record(
            "opinion.save",
            subj.subject(subj.OPINION, p.meeting_id, p.application_id, p.round),
            opinion_state(stored),
        )

    # -- audit -------------------------------------------------------------------------------

    def verify_audit(self, checkpoint: Checkpoint | None = None) -> AuditReport:
        """Check the chain and that each subject's stored state matches its latest entry."""
        with self._reading():
            return audit_state.verify_database(self._db, checkpoint)

    def audit_head(self) -> Checkpoint:
        """The (count, head hash) to record outside the database, e.g. in a signed export."""
        with self._reading():
            log = audit.entries(self._db)
        return Checkpoint(len(log), log[-1].entry_hash if log else audit.GENESIS)


def _refuse_sealed(
    expert_id: str,
    rows: Iterable[sealed_rows.SheetRow | sealed_rows.NoteRow | sealed_rows.ConflictRow | None],
) -> None:
    """This plain workspace holds no expert's key: sealed records are not for it."""
    if any(row is not None and row.sealed is not None for row in rows):
        raise records_sealed(expert_id)


def sheet_locked(sheet: ScoreSheet) -> SheetLockedError:
    return SheetLockedError(
        Msg.of(
            "Version {version} of this sheet is {status} and can no longer be changed.",
            version=sheet.version,
            status=Msg.of(sheet.status.label),
        ),
        Msg.of("Start a new version of the sheet to make changes."),
    )


def _check_meeting(meeting: Meeting, rubric: Rubric) -> None:
    problems: list[Msg] = []
    if meeting.rubric_id != rubric.id:
        problems.append(
            Msg.of(
                "the meeting names rubric {expected}, but rubric {given} was supplied.",
                expected=meeting.rubric_id,
                given=rubric.id,
            )
        )
    id_lists: list[list[str]] = [
        [str(e.id) for e in meeting.experts],
        [str(a.id) for a in meeting.applications],
    ]
    for ids in id_lists:
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(Msg.of("the id {id} is used twice.", id=dupes[0]))
    known = {a.id for a in meeting.applications}
    for item in meeting.agenda:
        if item.application_id not in known:
            problems.append(
                Msg.of(
                    "the agenda lists {id}, which is not one of the applications.",
                    id=item.application_id,
                )
            )
    if problems:
        raise ValidationError(
            Msg.of("The meeting cannot be stored: {problem}", problem=problems[0]),
            Msg.of("Correct the meeting definition, then create the workspace again."),
        )


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


def _sync_directory(directory: Path) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
