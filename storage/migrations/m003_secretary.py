"""Migration 3 (``m003_secretary``): the tables of a meeting secretary's workspace.

A secretary workspace holds one meeting. Until the kit is issued the meeting is a *setup*
(``secretary_setup``, ``secretary_roster``, ``secretary_packages``, ``secretary_agenda``)
that may still change; issuing the kit copies it into the migration-1 tables (``meetings``,
``experts``, ``applications``, ``agenda``), after which it is immutable like any meeting.
Collected sheets reuse the migration-1 ``sheets`` table (with its immutability triggers);
their exact signed bytes live beside them in ``secretary_signed_sheets``.
"""

from __future__ import annotations

import sqlite_utils

_M003 = (
    # One row. Bilingual texts are JSON {"en", "zh_CN"}; the rubric and the consolidation
    # rule are stored as their documents; certificates as PEM.
    """CREATE TABLE secretary_setup (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        meeting_id TEXT NOT NULL,
        title TEXT NOT NULL,
        date TEXT NOT NULL,
        venue TEXT NOT NULL,
        is_demo INTEGER NOT NULL CHECK (is_demo IN (0, 1)),
        rubric TEXT NOT NULL,
        rule TEXT NOT NULL,
        anonymise_experts INTEGER NOT NULL CHECK (anonymise_experts IN (0, 1)),
        secretary_certificate TEXT NOT NULL,
        trust_roots TEXT NOT NULL,
        sealed_meeting_key BLOB,
        meeting_key_recipient TEXT,
        kit_hash TEXT CHECK (kit_hash IS NULL OR length(kit_hash) = 64),
        kit_id TEXT,
        kit_issued_at TEXT,
        kit_file_name TEXT,
        current_round INTEGER NOT NULL DEFAULT 1 CHECK (current_round >= 1)
    )""",
    """CREATE TABLE secretary_roster (
        expert_id TEXT PRIMARY KEY,
        position INTEGER NOT NULL UNIQUE,
        fingerprint TEXT NOT NULL UNIQUE,
        certificate TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('overall', 'domain')),
        is_chair INTEGER NOT NULL CHECK (is_chair IN (0, 1)),
        name TEXT NOT NULL,
        organisation TEXT NOT NULL,
        title TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX secretary_one_chair ON secretary_roster (is_chair) WHERE is_chair = 1",
    # Every package file tried, verified or refused; application is the form document.
    """CREATE TABLE secretary_packages (
        file_sha256 TEXT PRIMARY KEY,
        source_name TEXT NOT NULL,
        size INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('verified', 'refused')),
        imported_at TEXT NOT NULL,
        application_id TEXT,
        application TEXT,
        stored_name TEXT,
        package_id TEXT,
        issuer_name TEXT,
        issuer_fingerprint TEXT,
        reason TEXT,
        CHECK (status = 'refused' OR (application_id IS NOT NULL AND stored_name IS NOT NULL))
    )""",
    """CREATE UNIQUE INDEX secretary_one_package_per_application
        ON secretary_packages (application_id) WHERE status = 'verified'""",
    """CREATE TABLE secretary_agenda (
        application_id TEXT PRIMARY KEY,
        position INTEGER NOT NULL UNIQUE,
        report_minutes INTEGER NOT NULL,
        qa_minutes INTEGER NOT NULL,
        starts_at TEXT
    )""",
    """CREATE TABLE secretary_rounds (
        number INTEGER PRIMARY KEY CHECK (number >= 1),
        opened_at TEXT NOT NULL,
        applications TEXT,
        reason TEXT NOT NULL DEFAULT ''
    )""",
    # Exact signed bytes of every collected sheet version (append-only).
    """CREATE TABLE secretary_signed_sheets (
        sheet_id TEXT PRIMARY KEY REFERENCES sheets(id),
        document BLOB NOT NULL,
        signature BLOB NOT NULL,
        document_sha256 TEXT NOT NULL,
        signer_fingerprint TEXT NOT NULL,
        source_file_sha256 TEXT NOT NULL,
        imported_at TEXT NOT NULL
    )""",
    """CREATE TABLE secretary_recusals (
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        reason TEXT NOT NULL,
        declared_at TEXT NOT NULL,
        document BLOB NOT NULL,
        signature BLOB NOT NULL,
        document_sha256 TEXT NOT NULL,
        signer_fingerprint TEXT NOT NULL,
        source_file_sha256 TEXT NOT NULL,
        PRIMARY KEY (expert_id, application_id)
    )""",
    """CREATE TABLE secretary_sheet_files (
        file_sha256 TEXT PRIMARY KEY,
        expert_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        imported_at TEXT NOT NULL
    )""",
    """CREATE TABLE secretary_opinion_approvals (
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL,
        chair_id TEXT NOT NULL,
        chair_fingerprint TEXT NOT NULL,
        approved_at TEXT NOT NULL,
        document BLOB NOT NULL,
        signature BLOB NOT NULL,
        PRIMARY KEY (application_id, round)
    )""",
    *(
        f"""CREATE TRIGGER {table}_append_only_{event.lower()} BEFORE {event} ON {table}
            BEGIN SELECT RAISE(ABORT, 'collected signed documents are never changed'); END"""
        for table in ("secretary_signed_sheets", "secretary_recusals", "secretary_sheet_files")
        for event in ("UPDATE", "DELETE")
    ),
)


def m003_secretary(db: sqlite_utils.Database) -> None:
    """The meeting secretary's setup, packages, rounds and collected signed documents."""
    for statement in _M003:
        db.execute(statement)
