"""Rows for what is recorded around the hearing: conflict declarations, hearing notes and the
panel's opinion. Row functions only; the workspace owns transactions and audit entries."""

from __future__ import annotations

import sqlite_utils

from app.domain.ids import ApplicationId, ExpertId, FactorKey, MeetingId, NoteId
from app.domain.sheet import (
    ConflictDeclaration,
    HearingNote,
    NoteKind,
    PanelOpinion,
    Recommendation,
)
from storage.workspace.documents import time_from, time_text


def load_conflict(
    db: sqlite_utils.Database, meeting_id: str, expert_id: str, application_id: str
) -> ConflictDeclaration | None:
    row = db.execute(
        "SELECT has_conflict, reason, declared_at FROM conflicts"
        " WHERE meeting_id = ? AND expert_id = ? AND application_id = ?",
        (meeting_id, expert_id, application_id),
    ).fetchone()
    if row is None:
        return None
    declared_at = time_from(row[2])
    assert declared_at is not None
    return ConflictDeclaration(
        meeting_id=MeetingId(meeting_id),
        expert_id=ExpertId(expert_id),
        application_id=ApplicationId(application_id),
        has_conflict=bool(row[0]),
        reason=str(row[1]),
        declared_at=declared_at,
    )


def upsert_conflict(db: sqlite_utils.Database, c: ConflictDeclaration) -> None:
    db.execute(
        "INSERT INTO conflicts (meeting_id, expert_id, application_id, has_conflict, reason,"
        " declared_at) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (meeting_id, expert_id, application_id) DO UPDATE SET"
        " has_conflict = excluded.has_conflict, reason = excluded.reason,"
        " declared_at = excluded.declared_at",
        (
            c.meeting_id,
            c.expert_id,
            c.application_id,
            int(c.has_conflict),
            c.reason,
            time_text(c.declared_at),
        ),
    )


_NOTE_COLUMNS = "id, meeting_id, expert_id, application_id, kind, text, factor, created_at"


def insert_note(db: sqlite_utils.Database, n: HearingNote) -> None:
    db.execute(
        f"INSERT INTO notes ({_NOTE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            n.id,
            n.meeting_id,
            n.expert_id,
            n.application_id,
            n.kind.value,
            n.text,
            n.factor,
            time_text(n.created_at),
        ),
    )


def load_note(db: sqlite_utils.Database, note_id: str) -> HearingNote | None:
    row = db.execute(f"SELECT {_NOTE_COLUMNS} FROM notes WHERE id = ?", (note_id,)).fetchone()
    return None if row is None else _note(row)


def notes_for(
    db: sqlite_utils.Database, meeting_id: str, expert_id: str, application_id: str
) -> tuple[HearingNote, ...]:
    rows = db.execute(
        f"SELECT {_NOTE_COLUMNS} FROM notes WHERE meeting_id = ? AND expert_id = ?"
        " AND application_id = ? ORDER BY created_at, rowid",
        (meeting_id, expert_id, application_id),
    ).fetchall()
    return tuple(_note(r) for r in rows)


def _note(r: tuple[object, ...]) -> HearingNote:
    created_at = time_from(str(r[7]))
    assert created_at is not None
    return HearingNote(
        id=NoteId(str(r[0])),
        meeting_id=MeetingId(str(r[1])),
        expert_id=ExpertId(str(r[2])),
        application_id=ApplicationId(str(r[3])),
        kind=NoteKind(r[4]),
        text=str(r[5]),
        factor=None if r[6] is None else FactorKey(str(r[6])),
        created_at=created_at,
    )


def upsert_opinion(db: sqlite_utils.Database, p: PanelOpinion) -> None:
    db.execute(
        "INSERT INTO panel_opinions (meeting_id, application_id, round, opinion, recommendation,"
        " minority_opinion, approved_by, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (meeting_id, application_id, round) DO UPDATE SET"
        " opinion = excluded.opinion, recommendation = excluded.recommendation,"
        " minority_opinion = excluded.minority_opinion, approved_by = excluded.approved_by,"
        " approved_at = excluded.approved_at",
        (
            p.meeting_id,
            p.application_id,
            p.round,
            p.opinion,
            p.recommendation.value,
            p.minority_opinion,
            p.approved_by,
            time_text(p.approved_at),
        ),
    )


def load_opinion(
    db: sqlite_utils.Database, meeting_id: str, application_id: str, round_: int
) -> PanelOpinion | None:
    row = db.execute(
        "SELECT opinion, recommendation, minority_opinion, approved_by, approved_at"
        " FROM panel_opinions WHERE meeting_id = ? AND application_id = ? AND round = ?",
        (meeting_id, application_id, round_),
    ).fetchone()
    if row is None:
        return None
    return PanelOpinion(
        meeting_id=MeetingId(meeting_id),
        application_id=ApplicationId(application_id),
        round=round_,
        opinion=str(row[0]),
        recommendation=Recommendation(row[1]),
        minority_opinion=str(row[2]),
        approved_by=None if row[3] is None else ExpertId(str(row[3])),
        approved_at=time_from(row[4]),
    )
