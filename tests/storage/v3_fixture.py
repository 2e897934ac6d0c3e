"""A workspace as version 3 of the program left it (schema ``MIGRATIONS[:3]``): what an
expert recorded is in plaintext columns, and the audit log holds the digests of the
plaintext states. Rows are written with the row functions and audit entries of that
version, one transaction per change, as its ``Workspace`` did."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlite_utils

from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, NoteId, SheetId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    HearingNote,
    NoteKind,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.formats.rubric_file import rubric_to_document
from storage.audit import chain as audit
from storage.audit import subjects as subj
from storage.migrations import workspace as migrations
from storage.workspace import hearing, meetings, sheets
from storage.workspace.documents import conflict_state, note_state, sheet_state
from tests.storage.legacy_meeting import insert_meeting_with_forms, meeting_state_with_forms

Clock = Callable[[], dt.datetime]


class V3Workspace:
    """Writes into a version-3 database the way version 3 did."""

    def __init__(self, path: Path, meeting: Meeting, rubric: Rubric, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.meeting = meeting
        self.rubric = rubric
        self.db = sqlite_utils.Database(sqlite3.connect(str(path)))
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = WAL")
        migrations.migrate(self.db, migrations.MIGRATIONS[:3])
        assert self.version() == 3
        with self._change() as at:
            meetings.insert_rubric(self.db, rubric)
            self._audit(
                at,
                "setup",
                "rubric.fix",
                subj.subject(subj.RUBRIC, rubric.id),
                rubric_to_document(rubric),
            )
            insert_meeting_with_forms(self.db, meeting)
            self._audit(
                at,
                "setup",
                "meeting.create",
                subj.subject(subj.MEETING, meeting.id),
                meeting_state_with_forms(meeting),
            )

    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _change(self) -> Iterator[dt.datetime]:
        with self.db.atomic():
            yield self.clock()

    def _audit(self, at: dt.datetime, actor: str, action: str, subject: str, state: Any) -> None:
        audit.append(self.db, at=at, actor=actor, action=action, subject=subject, state=state)

    def declare(
        self, expert: str, application: str, has_conflict: bool, reason: str
    ) -> ConflictDeclaration:
        with self._change() as at:
            d = ConflictDeclaration(
                self.meeting.id,
                ExpertId(expert),
                ApplicationId(application),
                has_conflict,
                reason,
                at,
            )
            hearing.upsert_conflict(self.db, d)
            self._audit(
                at,
                expert,
                "conflict.declare",
                subj.subject(subj.CONFLICT, d.meeting_id, expert, application),
                conflict_state(d),
            )
        return d

    def note(
        self,
        expert: str,
        application: str,
        text: str,
        kind: NoteKind = NoteKind.NOTE,
        factor: str | None = None,
    ) -> HearingNote:
        with self._change() as at:
            n = HearingNote(
                NoteId(f"n-{expert}-{text[:8]}"),
                self.meeting.id,
                ExpertId(expert),
                ApplicationId(application),
                kind,
                text,
                None if factor is None else FactorKey(factor),
                at,
            )
            hearing.insert_note(self.db, n)
            self._audit(at, expert, "note.add", subj.subject(subj.NOTE, n.id), note_state(n))
        return n

    def sheet(
        self,
        expert: str,
        application: str,
        version: int,
        comment: str,
        scores: tuple[str, ...],
        status: SheetStatus,
    ) -> ScoreSheet:
        """One version, written as a draft and (for another status) frozen as version 3 did."""
        with self._change() as at:
            s = ScoreSheet(
                id=SheetId(f"s-{expert}-{application}-{version}"),
                meeting_id=self.meeting.id,
                expert_id=ExpertId(expert),
                application_id=ApplicationId(application),
                round=1,
                version=version,
                status=SheetStatus.DRAFT,
                scores=tuple(
                    FactorScore(FactorKey(f.key), Decimal(v), comment if i == 0 else "")
                    for i, (f, v) in enumerate(zip(self.rubric.factors, scores, strict=True))
                ),
                criteria=tuple(
                    CriterionAnswer(
                        CriterionKey(c.key), CriterionVerdict.MET, f"{comment} criterion"
                    )
                    for c in self.rubric.criteria
                ),
                opinion=f"{comment} opinion",
                recommendation=Recommendation.RECOMMEND,
                conditions="",
                updated_at=at,
            )
            sheets.insert_sheet(self.db, s)
            self._audit(at, expert, "sheet.score", subj.subject(subj.SHEET, s.id), sheet_state(s))
        if status is SheetStatus.DRAFT:
            return s
        with self._change() as at:
            sheets.set_status(self.db, s.id, SheetStatus.SUBMITTED, at)
            s = dataclasses.replace(s, status=SheetStatus.SUBMITTED, submitted_at=at)
            self._audit(at, expert, "sheet.submit", subj.subject(subj.SHEET, s.id), sheet_state(s))
        if status is SheetStatus.SUPERSEDED:
            with self._change() as at:
                sheets.set_status(self.db, s.id, SheetStatus.SUPERSEDED, s.submitted_at)
                s = dataclasses.replace(s, status=SheetStatus.SUPERSEDED)
                self._audit(
                    at, expert, "sheet.supersede", subj.subject(subj.SHEET, s.id), sheet_state(s)
                )
        return s
