"""Ministry migration 1 (``m001_initial``): import history, current figures per meeting, the
audit log; marks the file with ``PRAGMA application_id`` = :data:`APPLICATION_ID`."""

from __future__ import annotations

from typing import Final

import sqlite_utils

APPLICATION_ID: Final = 0x4F49_4D31  # "OIM1": Expert Review Desk, ministry database v1

_M001 = (
    f"PRAGMA application_id = {APPLICATION_ID:d}",
    """CREATE TABLE bundles (
        meeting_id TEXT NOT NULL,
        bundle_version INTEGER NOT NULL CHECK (bundle_version BETWEEN 1 AND 1000000),
        bundle_sha256 TEXT NOT NULL UNIQUE CHECK (length(bundle_sha256) = 64),
        results_sha256 TEXT NOT NULL CHECK (length(results_sha256) = 64),
        round INTEGER NOT NULL,
        kit_hash TEXT NOT NULL,
        secretary_fingerprint TEXT NOT NULL,
        secretary_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        PRIMARY KEY (meeting_id, bundle_version)
    )""",
    """CREATE TRIGGER bundles_no_update BEFORE UPDATE ON bundles
        BEGIN SELECT RAISE(ABORT, 'the import history is append-only'); END""",
    """CREATE TRIGGER bundles_no_delete BEFORE DELETE ON bundles
        BEGIN SELECT RAISE(ABORT, 'the import history is append-only'); END""",
    """CREATE TABLE meetings (
        id TEXT PRIMARY KEY,
        bundle_version INTEGER NOT NULL,
        title_en TEXT NOT NULL,
        title_zh TEXT NOT NULL,
        date TEXT NOT NULL,
        venue_en TEXT NOT NULL,
        venue_zh TEXT NOT NULL,
        rubric_id TEXT NOT NULL,
        rubric_revision INTEGER NOT NULL,
        round INTEGER NOT NULL,
        is_demo INTEGER NOT NULL CHECK (is_demo IN (0, 1)),
        rule TEXT NOT NULL,
        FOREIGN KEY (id, bundle_version) REFERENCES bundles (meeting_id, bundle_version)
    )""",
    """CREATE TABLE experts (
        meeting_id TEXT NOT NULL REFERENCES meetings (id),
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        name_en TEXT NOT NULL,
        name_zh TEXT NOT NULL,
        role TEXT NOT NULL,
        organisation_en TEXT NOT NULL,
        organisation_zh TEXT NOT NULL,
        is_chair INTEGER NOT NULL CHECK (is_chair IN (0, 1)),
        fingerprint TEXT NOT NULL,
        PRIMARY KEY (meeting_id, id)
    )""",
    """CREATE TABLE applications (
        meeting_id TEXT NOT NULL REFERENCES meetings (id),
        id TEXT NOT NULL,
        hearing_position INTEGER NOT NULL,
        applicant_unit_en TEXT NOT NULL,
        applicant_unit_zh TEXT NOT NULL,
        platform_name_en TEXT NOT NULL,
        platform_name_zh TEXT NOT NULL,
        sub_domain_en TEXT NOT NULL,
        sub_domain_zh TEXT NOT NULL,
        status TEXT NOT NULL,
        counted_sheets INTEGER NOT NULL,
        total_exact TEXT,
        total_presented TEXT,
        rank INTEGER,
        votes_for INTEGER NOT NULL,
        eligible INTEGER NOT NULL,
        needed INTEGER NOT NULL,
        passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
        recommend INTEGER NOT NULL,
        recommend_with_conditions INTEGER NOT NULL,
        do_not_recommend INTEGER NOT NULL,
        recused INTEGER NOT NULL,
        absent INTEGER NOT NULL,
        PRIMARY KEY (meeting_id, id)
    )""",
    """CREATE TABLE figures (
        meeting_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        subject TEXT NOT NULL,
        exact TEXT NOT NULL,
        presented TEXT NOT NULL,
        method_applied TEXT NOT NULL,
        fell_back INTEGER NOT NULL,
        spread TEXT NOT NULL,
        spread_limit TEXT,
        flagged INTEGER NOT NULL,
        PRIMARY KEY (meeting_id, application_id, subject),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications (meeting_id, id)
    )""",
    """CREATE TABLE opinions (
        meeting_id TEXT NOT NULL REFERENCES meetings (id),
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        opinion TEXT NOT NULL,
        recommendation TEXT NOT NULL,
        minority_opinion TEXT NOT NULL,
        approved_by TEXT,
        approved_at TEXT,
        PRIMARY KEY (meeting_id, application_id, round)
    )""",
    """CREATE TABLE absences (
        meeting_id TEXT NOT NULL REFERENCES meetings (id),
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        note TEXT NOT NULL,
        PRIMARY KEY (meeting_id, expert_id, application_id)
    )""",
    """CREATE TABLE signed_documents (
        meeting_id TEXT NOT NULL REFERENCES meetings (id),
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('sheet', 'recusal')),
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        version INTEGER,
        sha256 TEXT NOT NULL,
        signer_fingerprint TEXT NOT NULL,
        PRIMARY KEY (meeting_id, name)
    )""",
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
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)


def m001_initial(db: sqlite_utils.Database) -> None:
    """Import history, current figures per meeting, the audit log."""
    for statement in _M001:
        db.execute(statement)
