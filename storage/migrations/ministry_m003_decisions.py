"""Ministry migration ``m003_decisions``: the ministry's signed decisions and closed batches
(``docs/formats/decision-v1.md``), both append-only.

``decisions`` holds every version of every decision (a change is a new row citing the
previous document's hash); ``batches`` every closed batch and ``batch_entries`` the
decisions each one lists. The exact signed bytes are kept beside the columns read from them.
"""

from __future__ import annotations

import sqlite_utils

_APPEND_ONLY = "BEGIN SELECT RAISE(ABORT, 'ministry decisions are append-only'); END"

_STATEMENTS = (
    """CREATE TABLE decisions (
        meeting_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version BETWEEN 1 AND 10000),
        decision TEXT NOT NULL CHECK (decision IN ('confirm', 'not_confirm', 'defer')),
        reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
        bundle_version INTEGER NOT NULL,
        bundle_sha256 TEXT NOT NULL CHECK (length(bundle_sha256) = 64),
        previous_sha256 TEXT CHECK ((version = 1) = (previous_sha256 IS NULL)),
        officer_fingerprint TEXT NOT NULL,
        officer_name TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        document_sha256 TEXT NOT NULL UNIQUE CHECK (length(document_sha256) = 64),
        document BLOB NOT NULL,
        signature BLOB NOT NULL,
        PRIMARY KEY (meeting_id, application_id, version),
        FOREIGN KEY (meeting_id, bundle_version) REFERENCES bundles (meeting_id, bundle_version)
    )""",
    f"CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions {_APPEND_ONLY}",
    f"CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions {_APPEND_ONLY}",
    """CREATE TABLE batches (
        id INTEGER PRIMARY KEY CHECK (id >= 1),
        previous_sha256 TEXT CHECK ((id = 1) = (previous_sha256 IS NULL)),
        closed_at TEXT NOT NULL,
        officer_fingerprint TEXT NOT NULL,
        officer_name TEXT NOT NULL,
        document_sha256 TEXT NOT NULL UNIQUE CHECK (length(document_sha256) = 64),
        document BLOB NOT NULL,
        signature BLOB NOT NULL
    )""",
    f"CREATE TRIGGER batches_no_update BEFORE UPDATE ON batches {_APPEND_ONLY}",
    f"CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches {_APPEND_ONLY}",
    """CREATE TABLE batch_entries (
        batch_id INTEGER NOT NULL REFERENCES batches (id),
        meeting_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (batch_id, meeting_id, application_id),
        FOREIGN KEY (meeting_id, application_id, version)
            REFERENCES decisions (meeting_id, application_id, version)
    )""",
    f"CREATE TRIGGER batch_entries_no_update BEFORE UPDATE ON batch_entries {_APPEND_ONLY}",
    f"CREATE TRIGGER batch_entries_no_delete BEFORE DELETE ON batch_entries {_APPEND_ONLY}",
)


def m003_decisions(db: sqlite_utils.Database) -> None:
    """Signed decisions per application (every version) and closed batches."""
    for statement in _STATEMENTS:
        db.execute(statement)
