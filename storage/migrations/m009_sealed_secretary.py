"""Migration 9 (``m009_sealed_secretary``): the secretary's workspace sealed at rest.

``docs/formats/secretary-workspace-v1.md`` is the specification; in short:

- ``secretary_workspace_key``: one row, written once: the workspace key as an age file
  wrapped to the secretary's X25519 key, the certificate fingerprint, the secretary's
  signature over the record.
- a ``sealed`` column on ``secretary_signed_sheets``, ``secretary_recusals``,
  ``secretary_opinion_approvals`` and ``panel_opinions`` (the collected ``sheets``, ``notes``
  and ``conflicts`` have theirs since migration 4, with its triggers). A sealed row keeps its
  plaintext columns empty; triggers refuse anything else.
- the append-only triggers of the collected signed documents are replaced so the one change
  they allow is sealing a row once (its document, signature and reason emptied, every other
  column as it was).
- ``panel_opinions`` is rebuilt (SQLite cannot relax a NOT NULL in place) so a sealed opinion
  keeps its recommendation sealed too.

Nothing is sealed here: the key is not available to a migration. The secretary's first unlock
afterwards seals the plaintext rows and rewrites the file (``app/secretary/unlock.py``).
"""

from __future__ import annotations

import sqlite_utils

_NO_PLAINTEXT = "BEGIN SELECT RAISE(ABORT, 'a sealed row keeps no plaintext'); END"
_APPEND_ONLY = "BEGIN SELECT RAISE(ABORT, 'collected signed documents are never changed'); END"


def _seal_once(table: str, kept: tuple[str, ...], emptied: dict[str, str]) -> tuple[str, ...]:
    """The update trigger of an append-only table that allows only sealing a row once."""
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in kept)
    empty = " AND ".join(f"NEW.{c} = {v}" for c, v in emptied.items())
    return (
        f"DROP TRIGGER {table}_append_only_update",
        f"""CREATE TRIGGER {table}_append_only_update BEFORE UPDATE ON {table}
            WHEN NOT (OLD.sealed IS NULL AND NEW.sealed IS NOT NULL AND {same} AND {empty})
            {_APPEND_ONLY}""",
    )


def _no_plaintext_insert(table: str, emptied: dict[str, str]) -> str:
    filled = " OR ".join(f"NEW.{c} <> {v}" for c, v in emptied.items())
    return f"""CREATE TRIGGER {table}_sealed_insert BEFORE INSERT ON {table}
        WHEN NEW.sealed IS NOT NULL AND ({filled})
        {_NO_PLAINTEXT}"""


_SIGNED = {"document": "x''", "signature": "x''"}
_RECUSAL = {"reason": "''", **_SIGNED}

_M009 = (
    """CREATE TABLE secretary_workspace_key (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        meeting_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        wrapped_key BLOB NOT NULL,
        signature BLOB NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TRIGGER secretary_workspace_key_no_update BEFORE UPDATE ON secretary_workspace_key
        BEGIN SELECT RAISE(ABORT, 'a workspace key is written once'); END""",
    """CREATE TRIGGER secretary_workspace_key_no_delete BEFORE DELETE ON secretary_workspace_key
        BEGIN SELECT RAISE(ABORT, 'a workspace key is written once'); END""",
    # -- collected signed sheets -----------------------------------------------------------
    "ALTER TABLE secretary_signed_sheets ADD COLUMN sealed BLOB",
    *_seal_once(
        "secretary_signed_sheets",
        (
            "sheet_id",
            "document_sha256",
            "signer_fingerprint",
            "source_file_sha256",
            "imported_at",
        ),
        _SIGNED,
    ),
    _no_plaintext_insert("secretary_signed_sheets", _SIGNED),
    # -- collected recusals ----------------------------------------------------------------
    "ALTER TABLE secretary_recusals ADD COLUMN sealed BLOB",
    *_seal_once(
        "secretary_recusals",
        (
            "expert_id",
            "application_id",
            "round",
            "declared_at",
            "document_sha256",
            "signer_fingerprint",
            "source_file_sha256",
        ),
        _RECUSAL,
    ),
    _no_plaintext_insert("secretary_recusals", _RECUSAL),
    # -- the chair's approvals (replaced as a whole, never updated) ------------------------
    "ALTER TABLE secretary_opinion_approvals ADD COLUMN sealed BLOB",
    # A sealed approval's document is not in clear: its hash is kept for the audit state.
    "ALTER TABLE secretary_opinion_approvals ADD COLUMN document_sha256 TEXT",
    _no_plaintext_insert("secretary_opinion_approvals", _SIGNED),
    # -- panel opinions: rebuilt so a sealed one keeps its recommendation sealed -----------
    """CREATE TABLE panel_opinions_v9 (
        meeting_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL CHECK (round >= 1),
        opinion TEXT NOT NULL DEFAULT '',
        recommendation TEXT CHECK (recommendation IS NULL OR recommendation IN
            ('recommend', 'recommend_with_conditions', 'do_not_recommend')),
        minority_opinion TEXT NOT NULL DEFAULT '',
        approved_by TEXT,
        approved_at TEXT,
        sealed BLOB,
        PRIMARY KEY (meeting_id, application_id, round),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications(meeting_id, id),
        FOREIGN KEY (meeting_id, approved_by) REFERENCES experts(meeting_id, id),
        CHECK ((sealed IS NULL) = (recommendation IS NOT NULL)),
        CHECK (sealed IS NULL OR (opinion = '' AND minority_opinion = ''))
    )""",
    """INSERT INTO panel_opinions_v9 (meeting_id, application_id, round, opinion,
        recommendation, minority_opinion, approved_by, approved_at)
        SELECT meeting_id, application_id, round, opinion, recommendation, minority_opinion,
        approved_by, approved_at FROM panel_opinions""",
    "DROP TABLE panel_opinions",
    "ALTER TABLE panel_opinions_v9 RENAME TO panel_opinions",
)


def m009_sealed_secretary(db: sqlite_utils.Database) -> None:
    """The secretary's workspace key table and sealed columns."""
    for statement in _M009:
        db.execute(statement)
