"""Migration 7 (``m007_round_notices``): the secretary's round notices an expert-side
workspace accepted (``docs/formats/round-notice-v1.md``; rows in
``storage/workspace/round_notices.py``). A row is written once and never changed."""

from __future__ import annotations

import sqlite_utils

_M007 = (
    """CREATE TABLE round_notices (
        round INTEGER PRIMARY KEY CHECK (round >= 2),
        meeting_id TEXT NOT NULL,
        kit_hash TEXT NOT NULL,
        application_ids TEXT NOT NULL,
        document BLOB NOT NULL,
        signature BLOB NOT NULL,
        document_sha256 TEXT NOT NULL,
        imported_at TEXT NOT NULL
    )""",
    """CREATE TRIGGER round_notices_no_update BEFORE UPDATE ON round_notices
        BEGIN SELECT RAISE(ABORT, 'round notices are never changed'); END""",
    """CREATE TRIGGER round_notices_no_delete BEFORE DELETE ON round_notices
        BEGIN SELECT RAISE(ABORT, 'round notices are never removed'); END""",
)


def m007_round_notices(db: sqlite_utils.Database) -> None:
    """The round notices an expert-side workspace accepted."""
    for statement in _M007:
        db.execute(statement)
