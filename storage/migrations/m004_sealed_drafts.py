"""Migration 4 (``m004_sealed_drafts``): what an expert records is sealed to that expert.

``docs/formats/workspace-drafts-v1.md`` is the specification; in short:

- ``draft_keys``: one row per (meeting, expert), written once at the expert's first sign-in:
  the draft key as an age file wrapped to the expert's X25519 key, the certificate
  fingerprint, and the expert's signature over the record.
- ``sheets.sealed``, ``notes.sealed``, ``conflicts.sealed``: the confidential part of the row,
  sealed under the expert's draft key. A sealed row keeps ids, round, version, status,
  timestamps and ``has_conflict`` in clear (queries, triggers, the agenda status and the
  audit chain need them) and *nothing* else: its plaintext columns are empty, and a sealed
  sheet has no ``sheet_scores`` / ``sheet_criteria`` rows. Rows without ``sealed`` are
  plaintext: a secretary's collected sheets and imported notes, and an expert's rows written
  before this migration until that expert's next sign-in seals them.
- ``signed_copies``: the exact signed document and signature of each submitted sheet, sealed
  (until now they were plain files under ``signed/<expert>/``).

``conflicts`` and ``notes`` are rebuilt (SQLite cannot relax a CHECK in place): a sealed
conflict has an empty clear reason, and a sealed note no clear kind. The immutability
triggers of migration 1 are replaced so they also cover ``sealed``; the only change they
allow to a submitted sheet besides superseding it is sealing it once, which moves its
content into ``sealed`` and empties the plaintext columns and child rows.
"""

from __future__ import annotations

import sqlite_utils

_IMMUTABLE = "BEGIN SELECT RAISE(ABORT, 'a submitted sheet is immutable'); END"
_NO_PLAINTEXT = "BEGIN SELECT RAISE(ABORT, 'a sealed row keeps no plaintext'); END"

_M004 = (
    """CREATE TABLE draft_keys (
        meeting_id TEXT NOT NULL,
        expert_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        wrapped_key BLOB NOT NULL,
        signature BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (meeting_id, expert_id),
        FOREIGN KEY (meeting_id, expert_id) REFERENCES experts(meeting_id, id)
    )""",
    """CREATE TRIGGER draft_keys_no_update BEFORE UPDATE ON draft_keys
        BEGIN SELECT RAISE(ABORT, 'a draft key is written once'); END""",
    """CREATE TRIGGER draft_keys_no_delete BEFORE DELETE ON draft_keys
        BEGIN SELECT RAISE(ABORT, 'a draft key is written once'); END""",
    # -- sheets: sealed content, plaintext columns empty -----------------------------------
    "ALTER TABLE sheets ADD COLUMN sealed BLOB",
    "DROP TRIGGER sheets_frozen_update",
    f"""CREATE TRIGGER sheets_frozen_update BEFORE UPDATE ON sheets
        WHEN OLD.status <> 'draft' AND NOT (
            NEW.id IS OLD.id AND NEW.meeting_id IS OLD.meeting_id
            AND NEW.expert_id IS OLD.expert_id AND NEW.application_id IS OLD.application_id
            AND NEW.round IS OLD.round AND NEW.version IS OLD.version
            AND NEW.updated_at IS OLD.updated_at AND NEW.submitted_at IS OLD.submitted_at
            AND ((OLD.status = 'submitted' AND NEW.status = 'superseded'
                    AND NEW.opinion IS OLD.opinion AND NEW.recommendation IS OLD.recommendation
                    AND NEW.conditions IS OLD.conditions AND NEW.sealed IS OLD.sealed)
                OR (NEW.status IS OLD.status AND OLD.sealed IS NULL
                    AND NEW.sealed IS NOT NULL)))
        {_IMMUTABLE}""",
    f"""CREATE TRIGGER sheets_sealed_insert BEFORE INSERT ON sheets
        WHEN NEW.sealed IS NOT NULL AND (NEW.opinion <> '' OR NEW.recommendation IS NOT NULL
            OR NEW.conditions <> '')
        {_NO_PLAINTEXT}""",
    f"""CREATE TRIGGER sheets_sealed_update BEFORE UPDATE ON sheets
        WHEN (OLD.sealed IS NOT NULL AND NEW.sealed IS NULL) OR (NEW.sealed IS NOT NULL
            AND (NEW.opinion <> '' OR NEW.recommendation IS NOT NULL OR NEW.conditions <> ''))
        {_NO_PLAINTEXT}""",
    *(
        statement
        for table in ("sheet_scores", "sheet_criteria")
        for statement in (
            f"DROP TRIGGER {table}_frozen_delete",
            # The plaintext rows of a submitted sheet go only once the sheet is sealed.
            f"""CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table}
                WHEN (SELECT status FROM sheets WHERE id = OLD.sheet_id) <> 'draft'
                    AND (SELECT sealed FROM sheets WHERE id = OLD.sheet_id) IS NULL
                {_IMMUTABLE}""",
            f"""CREATE TRIGGER {table}_sealed_insert BEFORE INSERT ON {table}
                WHEN (SELECT sealed FROM sheets WHERE id = NEW.sheet_id) IS NOT NULL
                {_NO_PLAINTEXT}""",
        )
    ),
    # -- conflicts: rebuilt so a sealed declaration keeps its reason sealed ----------------
    """CREATE TABLE conflicts_v4 (
        meeting_id TEXT NOT NULL,
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        has_conflict INTEGER NOT NULL CHECK (has_conflict IN (0, 1)),
        reason TEXT NOT NULL DEFAULT '',
        declared_at TEXT NOT NULL,
        sealed BLOB,
        PRIMARY KEY (meeting_id, expert_id, application_id),
        FOREIGN KEY (meeting_id, expert_id) REFERENCES experts(meeting_id, id),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id),
        CHECK (sealed IS NOT NULL OR has_conflict = 0 OR length(trim(reason)) > 0),
        CHECK (sealed IS NULL OR reason = '')
    )""",
    """INSERT INTO conflicts_v4 (meeting_id, expert_id, application_id, has_conflict, reason,
        declared_at) SELECT meeting_id, expert_id, application_id, has_conflict, reason,
        declared_at FROM conflicts""",
    "DROP TABLE conflicts",
    "ALTER TABLE conflicts_v4 RENAME TO conflicts",
    # -- notes: rebuilt so a sealed note keeps its kind sealed -----------------------------
    """CREATE TABLE notes_v4 (
        id TEXT PRIMARY KEY,
        meeting_id TEXT NOT NULL,
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        kind TEXT CHECK (kind IS NULL OR kind IN ('note', 'question', 'answer')),
        text TEXT NOT NULL DEFAULT '',
        factor TEXT,
        created_at TEXT NOT NULL,
        sealed BLOB,
        FOREIGN KEY (meeting_id, expert_id) REFERENCES experts(meeting_id, id),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id),
        CHECK ((sealed IS NULL) = (kind IS NOT NULL)),
        CHECK (sealed IS NULL OR (text = '' AND factor IS NULL))
    )""",
    """INSERT INTO notes_v4 (id, meeting_id, expert_id, application_id, kind, text, factor,
        created_at) SELECT id, meeting_id, expert_id, application_id, kind, text, factor,
        created_at FROM notes ORDER BY rowid""",
    "DROP TABLE notes",
    "ALTER TABLE notes_v4 RENAME TO notes",
    "CREATE INDEX notes_by_pair ON notes (meeting_id, expert_id, application_id, created_at)",
    # -- signed copies of submitted sheets ---------------------------------------------------
    """CREATE TABLE signed_copies (
        sheet_id TEXT PRIMARY KEY REFERENCES sheets(id),
        sealed BLOB NOT NULL,
        stored_at TEXT NOT NULL
    )""",
    """CREATE TRIGGER signed_copies_of_submitted BEFORE INSERT ON signed_copies
        WHEN coalesce((SELECT status FROM sheets WHERE id = NEW.sheet_id), 'draft') = 'draft'
        BEGIN SELECT RAISE(ABORT, 'only a submitted sheet has a signed copy'); END""",
    """CREATE TRIGGER signed_copies_no_update BEFORE UPDATE ON signed_copies
        BEGIN SELECT RAISE(ABORT, 'a signed copy is written once'); END""",
    """CREATE TRIGGER signed_copies_no_delete BEFORE DELETE ON signed_copies
        BEGIN SELECT RAISE(ABORT, 'a signed copy is written once'); END""",
)


def m004_sealed_drafts(db: sqlite_utils.Database) -> None:
    """Per-expert wrapped draft keys and sealed draft content."""
    for statement in _M004:
        db.execute(statement)
