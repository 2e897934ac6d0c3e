"""Rows for score sheets: one ``sheets`` row per version, child rows for factor scores and
criterion answers (in rubric order, ``position``).

Scores are stored as decimal TEXT, so ``Decimal("22.50")`` comes back as ``Decimal("22.50")``.
Database triggers (migration 1) refuse any change to a non-draft sheet or its child rows, as a
backstop behind the checks in :class:`storage.workspace.core.Workspace`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import sqlite_utils

from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId, SheetId
from app.domain.sheet import (
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from storage.workspace.documents import decimal_text, time_from, time_text

_COLUMNS = (
    "id, meeting_id, expert_id, application_id, round, version, status, opinion,"
    " recommendation, conditions, updated_at, submitted_at"
)


def load_sheet(db: sqlite_utils.Database, sheet_id: str) -> ScoreSheet | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM sheets WHERE id = ?", (sheet_id,)).fetchone()
    return None if row is None else _sheet(db, row)


def sheets_for(
    db: sqlite_utils.Database,
    meeting_id: str,
    expert_id: str,
    application_id: str,
) -> tuple[ScoreSheet, ...]:
    """Every version of every round for one expert and application, oldest first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM sheets WHERE meeting_id = ? AND expert_id = ?"
        " AND application_id = ? ORDER BY round, version",
        (meeting_id, expert_id, application_id),
    ).fetchall()
    return tuple(_sheet(db, row) for row in rows)


def insert_sheet(db: sqlite_utils.Database, sheet: ScoreSheet) -> None:
    db.execute(
        f"INSERT INTO sheets ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _values(sheet),
    )
    _insert_children(db, sheet)


def update_draft(db: sqlite_utils.Database, sheet: ScoreSheet) -> None:
    """Overwrite a draft's content (row and child rows) with ``sheet``."""
    db.execute(
        "UPDATE sheets SET opinion = ?, recommendation = ?, conditions = ?, updated_at = ?"
        " WHERE id = ?",
        (
            sheet.opinion,
            None if sheet.recommendation is None else sheet.recommendation.value,
            sheet.conditions,
            time_text(sheet.updated_at),
            sheet.id,
        ),
    )
    db.execute("DELETE FROM sheet_scores WHERE sheet_id = ?", (sheet.id,))
    db.execute("DELETE FROM sheet_criteria WHERE sheet_id = ?", (sheet.id,))
    _insert_children(db, sheet)


def set_status(
    db: sqlite_utils.Database, sheet_id: str, status: SheetStatus, submitted_at: dt.datetime | None
) -> None:
    db.execute(
        "UPDATE sheets SET status = ?, submitted_at = ? WHERE id = ?",
        (status.value, time_text(submitted_at), sheet_id),
    )


def delete_draft(db: sqlite_utils.Database, sheet_id: str) -> None:
    db.execute("DELETE FROM sheets WHERE id = ? AND status = 'draft'", (sheet_id,))


def _values(s: ScoreSheet) -> tuple[object, ...]:
    return (
        s.id,
        s.meeting_id,
        s.expert_id,
        s.application_id,
        s.round,
        s.version,
        s.status.value,
        s.opinion,
        None if s.recommendation is None else s.recommendation.value,
        s.conditions,
        time_text(s.updated_at),
        time_text(s.submitted_at),
    )


def _insert_children(db: sqlite_utils.Database, sheet: ScoreSheet) -> None:
    db.conn.executemany(
        "INSERT INTO sheet_scores (sheet_id, factor, position, score, comment)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (sheet.id, f.factor, position, decimal_text(f.score), f.comment)
            for position, f in enumerate(sheet.scores, start=1)
        ],
    )
    db.conn.executemany(
        "INSERT INTO sheet_criteria (sheet_id, criterion, position, verdict, note)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (
                sheet.id,
                c.criterion,
                position,
                None if c.verdict is None else c.verdict.value,
                c.note,
            )
            for position, c in enumerate(sheet.criteria, start=1)
        ],
    )


def _sheet(db: sqlite_utils.Database, row: Iterable[object]) -> ScoreSheet:
    (
        sid,
        meeting,
        expert,
        application,
        round_,
        version,
        status,
        opinion,
        rec,
        conditions,
        updated,
        submitted,
    ) = tuple(row)
    scores = tuple(
        FactorScore(
            factor=FactorKey(str(r[0])),
            score=None if r[1] is None else Decimal(str(r[1])),
            comment=str(r[2]),
        )
        for r in db.execute(
            "SELECT factor, score, comment FROM sheet_scores WHERE sheet_id = ? ORDER BY position",
            (sid,),
        )
    )
    criteria = tuple(
        CriterionAnswer(
            criterion=CriterionKey(str(r[0])),
            verdict=None if r[1] is None else CriterionVerdict(r[1]),
            note=str(r[2]),
        )
        for r in db.execute(
            "SELECT criterion, verdict, note FROM sheet_criteria WHERE sheet_id = ?"
            " ORDER BY position",
            (sid,),
        )
    )
    updated_at = time_from(str(updated))
    assert updated_at is not None
    return ScoreSheet(
        id=SheetId(str(sid)),
        meeting_id=MeetingId(str(meeting)),
        expert_id=ExpertId(str(expert)),
        application_id=ApplicationId(str(application)),
        round=int(str(round_)),
        version=int(str(version)),
        status=SheetStatus(status),
        scores=scores,
        criteria=criteria,
        opinion=str(opinion),
        recommendation=None if rec is None else Recommendation(rec),
        conditions=str(conditions),
        updated_at=updated_at,
        submitted_at=time_from(None if submitted is None else str(submitted)),
    )
