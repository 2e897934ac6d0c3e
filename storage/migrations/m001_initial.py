"""Migration 1 (``m001_initial``): the meeting tables every workspace has.

Meetings, roster, applications, agenda, the rubric, conflict declarations, notes, score
sheets (never overwritten: a new version per change, frozen by triggers once submitted),
panel opinions and the hash-chained audit log.
"""

from __future__ import annotations

import sqlite_utils

_M001 = (
    # Rubrics are stored whole, as the rubric file document (app.formats.rubric_file), so the
    # meeting keeps exactly the rubric that was fixed for it.
    """CREATE TABLE rubrics (
        id TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        document TEXT NOT NULL
    )""",
    # Bilingual texts are JSON objects {"en": ..., "zh_CN": ...}; dates ISO 8601.
    """CREATE TABLE meetings (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        date TEXT NOT NULL,
        venue TEXT NOT NULL,
        rubric_id TEXT NOT NULL REFERENCES rubrics(id),
        is_demo INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1))
    )""",
    """CREATE TABLE experts (
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('overall', 'domain')),
        organisation TEXT NOT NULL,
        title TEXT NOT NULL,
        is_chair INTEGER NOT NULL DEFAULT 0 CHECK (is_chair IN (0, 1)),
        fingerprint TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (meeting_id, id)
    )""",
    """CREATE TABLE applications (
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        applicant_unit TEXT NOT NULL,
        platform_name TEXT NOT NULL,
        sub_domain TEXT NOT NULL,
        sub_domain_tags TEXT NOT NULL,
        form TEXT NOT NULL,
        PRIMARY KEY (meeting_id, id)
    )""",
    """CREATE TABLE agenda (
        meeting_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        report_minutes INTEGER NOT NULL,
        qa_minutes INTEGER NOT NULL,
        starts_at TEXT,
        PRIMARY KEY (meeting_id, application_id),
        UNIQUE (meeting_id, position),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id)
    )""",
    """CREATE TABLE conflicts (
        meeting_id TEXT NOT NULL,
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        has_conflict INTEGER NOT NULL CHECK (has_conflict IN (0, 1)),
        reason TEXT NOT NULL DEFAULT '',
        declared_at TEXT NOT NULL,
        PRIMARY KEY (meeting_id, expert_id, application_id),
        FOREIGN KEY (meeting_id, expert_id) REFERENCES experts(meeting_id, id),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id),
        CHECK (has_conflict = 0 OR length(trim(reason)) > 0)
    )""",
    """CREATE TABLE notes (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL,
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('note', 'question', 'answer')),
        text TEXT NOT NULL,
        factor TEXT,
        created_at TEXT NOT NULL,
        FOREIGN KEY (meeting_id, expert_id) REFERENCES experts(meeting_id, id),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id)
    )""",
    "CREATE INDEX notes_by_pair ON notes (meeting_id, expert_id, application_id, created_at)",
    # A sheet is (meeting, expert, application, round, version); versions are never
    # overwritten. At most one draft and one submitted version per round (partial indexes).
    """CREATE TABLE sheets (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL,
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL CHECK (round >= 1),
        version INTEGER NOT NULL CHECK (version >= 1),
        status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'superseded')),
        opinion TEXT NOT NULL DEFAULT '',
        recommendation TEXT CHECK (recommendation IS NULL OR recommendation IN
            ('recommend', 'recommend_with_conditions', 'do_not_recommend')),
        conditions TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        submitted_at TEXT,
        UNIQUE (meeting_id, expert_id, application_id, round, version),
        FOREIGN KEY (meeting_id, expert_id) REFERENCES experts(meeting_id, id),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id)
    )""",
    """CREATE UNIQUE INDEX sheets_one_draft ON sheets (meeting_id, expert_id, application_id, round)
        WHERE status = 'draft'""",
    """CREATE UNIQUE INDEX sheets_one_submitted
        ON sheets (meeting_id, expert_id, application_id, round) WHERE status = 'submitted'""",
    # Scores are decimal strings (exact), never floats.
    """CREATE TABLE sheet_scores (
        sheet_id TEXT NOT NULL REFERENCES sheets(id) ON DELETE CASCADE,
        factor TEXT NOT NULL,
        position INTEGER NOT NULL,
        score TEXT,
        comment TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (sheet_id, factor)
    )""",
    """CREATE TABLE sheet_criteria (
        sheet_id TEXT NOT NULL REFERENCES sheets(id) ON DELETE CASCADE,
        criterion TEXT NOT NULL,
        position INTEGER NOT NULL,
        verdict TEXT CHECK (verdict IS NULL OR verdict IN ('met', 'not_met', 'unclear')),
        note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (sheet_id, criterion)
    )""",
    """CREATE TABLE panel_opinions (
        meeting_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL CHECK (round >= 1),
        opinion TEXT NOT NULL,
        recommendation TEXT NOT NULL CHECK (recommendation IN
            ('recommend', 'recommend_with_conditions', 'do_not_recommend')),
        minority_opinion TEXT NOT NULL DEFAULT '',
        approved_by TEXT,
        approved_at TEXT,
        PRIMARY KEY (meeting_id, application_id, round),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id),
        FOREIGN KEY (meeting_id, approved_by) REFERENCES experts(meeting_id, id)
    )""",
    # Hash-chained audit log (storage/audit/chain.py documents the hash).
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        digest TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL
    )""",
    "CREATE INDEX audit_by_subject ON audit_log (subject, seq)",
    # Backstops for program bugs (not a security boundary: anyone with the file can drop them;
    # the audit chain is what detects that).
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER sheets_frozen_update BEFORE UPDATE ON sheets
        WHEN OLD.status <> 'draft' AND NOT (
            OLD.status = 'submitted' AND NEW.status = 'superseded'
            AND NEW.id IS OLD.id AND NEW.meeting_id IS OLD.meeting_id
            AND NEW.expert_id IS OLD.expert_id AND NEW.application_id IS OLD.application_id
            AND NEW.round IS OLD.round AND NEW.version IS OLD.version
            AND NEW.opinion IS OLD.opinion AND NEW.recommendation IS OLD.recommendation
            AND NEW.conditions IS OLD.conditions AND NEW.updated_at IS OLD.updated_at
            AND NEW.submitted_at IS OLD.submitted_at)
        BEGIN SELECT RAISE(ABORT, 'a submitted sheet is immutable'); END""",
    """CREATE TRIGGER sheets_frozen_delete BEFORE DELETE ON sheets WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, 'a submitted sheet is immutable'); END""",
    *(
        f"""CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table}
            WHEN (SELECT status FROM sheets WHERE id = {row}.sheet_id) <> 'draft'
            BEGIN SELECT RAISE(ABORT, 'a submitted sheet is immutable'); END"""
        for table in ("sheet_scores", "sheet_criteria")
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
    ),
)


def m001_initial(db: sqlite_utils.Database) -> None:
    """Meetings, roster, applications, agenda, rubric, declarations, notes, sheets, opinions,
    audit log."""
    for statement in _M001:
        db.execute(statement)
