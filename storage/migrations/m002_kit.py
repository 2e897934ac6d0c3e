"""Migration 2 (``m002_kit``): the meeting kit record of an expert-side workspace."""

from __future__ import annotations

import sqlite_utils

_M002 = (
    # The meeting kit an expert-side workspace was created from (app/kit/record.py): one row
    # at most, written once at import, never changed; sheets name its kit_hash.
    """CREATE TABLE kit (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        kit_hash TEXT NOT NULL CHECK (length(kit_hash) = 64),
        kit_id TEXT NOT NULL,
        meeting_id TEXT NOT NULL REFERENCES meetings(id),
        secretary_certificate TEXT NOT NULL,
        trust_roots TEXT NOT NULL,
        sealed_meeting_key BLOB NOT NULL,
        imported_at TEXT NOT NULL
    )""",
    """CREATE TRIGGER kit_no_update BEFORE UPDATE ON kit
        BEGIN SELECT RAISE(ABORT, 'the kit record is written once'); END""",
    """CREATE TRIGGER kit_no_delete BEFORE DELETE ON kit
        BEGIN SELECT RAISE(ABORT, 'the kit record is written once'); END""",
)


def m002_kit(db: sqlite_utils.Database) -> None:
    """The meeting kit record of an expert-side workspace."""
    for statement in _M002:
        db.execute(statement)
