"""The audit state of an expert-side workspace's subjects: what each subject holds *now*, as
the digest its latest audit entry must match, and the checks built on it.

:func:`current_digest` reads a subject's stored rows (sealed rows by their clear columns and
sealed bytes, so no expert's key is needed) and digests the same state document the change
recorded (:mod:`storage.workspace.documents`); :func:`verify_database` runs the chain check
of :mod:`storage.audit.chain` with it; :func:`verify_file` does so on a file opened
read-only (``review-desk audit verify``), changing nothing. A meeting secretary's workspace
adds its own subjects in :mod:`storage.secretary.audit_state`. Every function reads through
the connection it is given and writes nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import sqlite_utils

from app.errors import ValidationError
from app.formats.rubric_file import rubric_to_document
from storage import database
from storage.audit import chain as audit
from storage.audit import subjects as subj
from storage.audit.chain import AuditReport, Checkpoint
from storage.workspace import draft_keys, hearing, kit, meetings, round_notices, sealed_rows, sheets
from storage.workspace.documents import (
    conflict_state,
    meeting_state,
    note_state,
    opinion_state,
    sheet_state,
)


def verify_database(db: sqlite_utils.Database, checkpoint: Checkpoint | None = None) -> AuditReport:
    return audit.verify_chain(
        db, current_digest=lambda s: current_digest(db, s), checkpoint=checkpoint
    )


def verify_file(path: Path, checkpoint: Checkpoint | None = None) -> AuditReport:
    """``review-desk audit verify``: opens the file read-only, changes nothing."""
    db = database.open_read_only(path)
    try:
        return verify_database(db, checkpoint)
    except sqlite3.Error as exc:
        raise database.storage_error(exc, path) from exc
    finally:
        db.close()


def current_digest(db: sqlite_utils.Database, subject: str) -> str | None:
    """Digest of the subject's state as stored now; ``None`` for an unknown kind. Data that no
    longer even loads gives a digest that matches nothing."""
    kind, keys = subj.parse(subject)
    try:
        state = _current_state(db, kind, keys)
    except (ValueError, KeyError, TypeError, ValidationError):
        return "unreadable"
    return None if state is UNKNOWN else audit.digest_of(state)


UNKNOWN = object()
SEALED_SCHEMA = 4
"""The schema version that brought sealed rows (storage/migrations/m004_sealed_drafts.py)."""
SEALED_SECRETARY_SCHEMA = 9
"""The schema version that sealed the secretary's workspace (m009_sealed_secretary.py):
panel opinions gained their ``sealed`` column."""
FORMLESS_SCHEMA = 8
"""The schema version that removed the application forms (m008_no_form_text.py). A file
older than that, read without migrating (``audit verify``), still holds them, and its
meeting's state (as recorded) includes them."""


def schema_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _current_state(db: sqlite_utils.Database, kind: str, keys: tuple[str, ...]) -> Any:
    # A sealed row's state is its clear columns and sealed bytes (storage/workspace/sealed_rows.py),
    # so it is checked here without any expert's key. A file older than migration 4, read
    # without migrating (``audit verify``), has no sealed rows.
    if schema_version(db) < SEALED_SCHEMA:
        return _plain_state(db, kind, keys)
    if kind == subj.SHEET and len(keys) == 1:
        row = sealed_rows.sheet_row(db, keys[0])
        if row is not None and row.sealed is not None:
            return sealed_rows.sheet_state(row)
        sheet = sheets.load_sheet(db, keys[0])
        return None if sheet is None else sheet_state(sheet)
    if kind == subj.NOTE and len(keys) == 1:
        note_row = sealed_rows.note_row(db, keys[0])
        if note_row is not None and note_row.sealed is not None:
            return sealed_rows.note_state(note_row)
        note = hearing.load_note(db, keys[0])
        return None if note is None else note_state(note)
    if kind == subj.CONFLICT and len(keys) == 3:
        conflict_row = sealed_rows.conflict_row(db, *keys)
        if conflict_row is not None and conflict_row.sealed is not None:
            return sealed_rows.conflict_state(conflict_row)
        c = hearing.load_conflict(db, *keys)
        return None if c is None else conflict_state(c)
    if kind == subj.SIGNED_COPY and len(keys) == 1:
        sealed = sealed_rows.signed_copy(db, keys[0])
        return None if sealed is None else sealed_rows.signed_copy_state(keys[0], sealed)
    if kind == subj.OPINION and len(keys) == 3 and schema_version(db) >= SEALED_SECRETARY_SCHEMA:
        opinion_row = sealed_rows.opinion_row(db, keys[0], keys[1], int(keys[2]))
        if opinion_row is not None and opinion_row.sealed is not None:
            return sealed_rows.opinion_state(opinion_row)
    if kind == subj.DRAFT_KEY and len(keys) == 2:
        record = draft_keys.load_draft_key(db, *keys)
        return None if record is None else draft_keys.draft_key_state(record)
    return _plain_state(db, kind, keys)


def _plain_state(db: sqlite_utils.Database, kind: str, keys: tuple[str, ...]) -> Any:
    if kind == subj.SHEET and len(keys) == 1:
        sheet = sheets.load_sheet(db, keys[0])
        return None if sheet is None else sheet_state(sheet)
    if kind == subj.NOTE and len(keys) == 1:
        note = hearing.load_note(db, keys[0])
        return None if note is None else note_state(note)
    if kind == subj.CONFLICT and len(keys) == 3:
        c = hearing.load_conflict(db, *keys)
        return None if c is None else conflict_state(c)
    if kind == subj.OPINION and len(keys) == 3:
        p = hearing.load_opinion(db, keys[0], keys[1], int(keys[2]))
        return None if p is None else opinion_state(p)
    if kind == subj.MEETING and len(keys) == 1:
        m = meetings.load_meeting(db, keys[0])
        if m is None:
            return None
        state = meeting_state(m)
        if schema_version(db) < FORMLESS_SCHEMA:
            forms = meetings.legacy_forms(db, keys[0])
            for application in state["applications"]:
                application["form"] = forms[application["id"]]
        return state
    if kind == subj.KIT and len(keys) == 1:
        record = kit.load_kit(db)
        return None if record is None or record.kit_hash != keys[0] else kit.kit_state(record)
    if kind == subj.RUBRIC and len(keys) == 1:
        r = meetings.load_rubric(db, keys[0])
        return None if r is None else rubric_to_document(r)
    if kind == subj.ROUND_NOTICE and len(keys) == 1:
        return round_notices.stored_state(db, int(keys[0]))
    return UNKNOWN
