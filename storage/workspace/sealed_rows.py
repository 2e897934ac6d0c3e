"""Rows of sealed expert records: the clear columns plus the sealed value (migration 4).

Row functions only, no keys: what is inside ``sealed`` is :mod:`storage.workspace.sealed_content`'s
business, and opening it is the expert's (:class:`storage.workspace.expert.ExpertWorkspace`).
The *audited state* of a sealed row is its clear columns and its sealed bytes (base64), never
the plaintext: a digest of a score or a verdict could be found by trying every value, a
digest over a value sealed with a random nonce cannot, and ``audit verify`` checks it without
any key (workspace-drafts-v1 §5).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from app.domain.ids import ApplicationId, ExpertId, MeetingId, NoteId, SheetId
from app.domain.sheet import SheetStatus

Json = dict[str, Any]
_SEALED = "CAST(sealed AS BLOB)"
"""Read as bytes whatever was stored (text put there behind the program's back included)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _blob(value: object) -> bytes | None:
    """The sealed column: ``None`` (a plaintext row) or bytes; a value of another type (put
    there behind the program's back) is kept as bytes, so it fails to open."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


# -- sheets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    id: SheetId
    meeting_id: MeetingId
    expert_id: ExpertId
    application_id: ApplicationId
    round: int
    version: int
    status: SheetStatus
    updated_at: str
    submitted_at: str | None
    sealed: bytes | None


_SHEET = (
    "id, meeting_id, expert_id, application_id, round, version, status, updated_at,"
    " submitted_at, sealed"
)
_SHEET_SELECT = _SHEET.replace("sealed", _SEALED)


def _sheet_row(r: tuple[Any, ...]) -> SheetRow:
    return SheetRow(
        SheetId(str(r[0])),
        MeetingId(str(r[1])),
        ExpertId(str(r[2])),
        ApplicationId(str(r[3])),
        int(r[4]),
        int(r[5]),
        SheetStatus(r[6]),
        str(r[7]),
        None if r[8] is None else str(r[8]),
        _blob(r[9]),
    )


def sheet_row(db: sqlite_utils.Database, sheet_id: str) -> SheetRow | None:
    r = db.execute(f"SELECT {_SHEET_SELECT} FROM sheets WHERE id = ?", (sheet_id,)).fetchone()
    return None if r is None else _sheet_row(r)


def sheet_rows(
    db: sqlite_utils.Database, meeting_id: str, expert_id: str, application_id: str
) -> list[SheetRow]:
    return [
        _sheet_row(r)
        for r in db.execute(
            f"SELECT {_SHEET_SELECT} FROM sheets WHERE meeting_id = ? AND expert_id = ?"
            " AND application_id = ? ORDER BY round, version",
            (meeting_id, expert_id, application_id),
        )
    ]


def insert_sheet(db: sqlite_utils.Database, row: SheetRow) -> None:
    db.execute(
        f"INSERT INTO sheets ({_SHEET}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.id,
            row.meeting_id,
            row.expert_id,
            row.application_id,
            row.round,
            row.version,
            row.status.value,
            row.updated_at,
            row.submitted_at,
            row.sealed,
        ),
    )


def seal_sheet(db: sqlite_utils.Database, sheet_id: str, sealed: bytes, updated_at: str) -> None:
    """Store ``sealed`` as the sheet's content and empty every plaintext place of it."""
    db.execute(
        "UPDATE sheets SET sealed = ?, updated_at = ?, opinion = '', recommendation = NULL,"
        " conditions = '' WHERE id = ?",
        (sealed, updated_at, sheet_id),
    )
    db.execute("DELETE FROM sheet_scores WHERE sheet_id = ?", (sheet_id,))
    db.execute("DELETE FROM sheet_criteria WHERE sheet_id = ?", (sheet_id,))


def sheet_state(row: SheetRow) -> Json:
    return {
        "id": row.id,
        "meeting_id": row.meeting_id,
        "expert_id": row.expert_id,
        "application_id": row.application_id,
        "round": row.round,
        "version": row.version,
        "status": row.status.value,
        "updated_at": row.updated_at,
        "submitted_at": row.submitted_at,
        "sealed": _b64(row.sealed or b""),
    }


# -- hearing notes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NoteRow:
    id: NoteId
    meeting_id: MeetingId
    expert_id: ExpertId
    application_id: ApplicationId
    created_at: str
    sealed: bytes | None


_NOTE = "id, meeting_id, expert_id, application_id, created_at, sealed"
_NOTE_SELECT = _NOTE.replace("sealed", _SEALED)


def _note_row(r: tuple[Any, ...]) -> NoteRow:
    return NoteRow(
        NoteId(str(r[0])),
        MeetingId(str(r[1])),
        ExpertId(str(r[2])),
        ApplicationId(str(r[3])),
        str(r[4]),
        _blob(r[5]),
    )


def note_row(db: sqlite_utils.Database, note_id: str) -> NoteRow | None:
    r = db.execute(f"SELECT {_NOTE_SELECT} FROM notes WHERE id = ?", (note_id,)).fetchone()
    return None if r is None else _note_row(r)


def note_rows(
    db: sqlite_utils.Database, meeting_id: str, expert_id: str, application_id: str
) -> list[NoteRow]:
    return [
        _note_row(r)
        for r in db.execute(
            f"SELECT {_NOTE_SELECT} FROM notes WHERE meeting_id = ? AND expert_id = ?"
            " AND application_id = ? ORDER BY created_at, rowid",
            (meeting_id, expert_id, application_id),
        )
    ]


def insert_note(db: sqlite_utils.Database, row: NoteRow) -> None:
    db.execute(
        f"INSERT INTO notes ({_NOTE}) VALUES (?, ?, ?, ?, ?, ?)",
        (row.id, row.meeting_id, row.expert_id, row.application_id, row.created_at, row.sealed),
    )


def seal_note(db: sqlite_utils.Database, note_id: str, sealed: bytes) -> None:
    db.execute(
        "UPDATE notes SET sealed = ?, kind = NULL, text = '', factor = NULL WHERE id = ?",
        (sealed, note_id),
    )


def note_state(row: NoteRow) -> Json:
    return {
        "id": row.id,
        "meeting_id": row.meeting_id,
        "expert_id": row.expert_id,
        "application_id": row.application_id,
        "created_at": row.created_at,
        "sealed": _b64(row.sealed or b""),
    }


# -- conflict declarations ---------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    meeting_id: MeetingId
    expert_id: ExpertId
    application_id: ApplicationId
    has_conflict: bool
    declared_at: str
    sealed: bytes | None


_CONFLICT = "meeting_id, expert_id, application_id, has_conflict, declared_at, sealed"
_CONFLICT_SELECT = _CONFLICT.replace("sealed", _SEALED)


def _conflict_row(r: tuple[Any, ...]) -> ConflictRow:
    return ConflictRow(
        MeetingId(str(r[0])),
        ExpertId(str(r[1])),
        ApplicationId(str(r[2])),
        bool(r[3]),
        str(r[4]),
        _blob(r[5]),
    )


def conflict_row(
    db: sqlite_utils.Database, meeting_id: str, expert_id: str, application_id: str
) -> ConflictRow | None:
    r = db.execute(
        f"SELECT {_CONFLICT_SELECT} FROM conflicts WHERE meeting_id = ? AND expert_id = ?"
        " AND application_id = ?",
        (meeting_id, expert_id, application_id),
    ).fetchone()
    return None if r is None else _conflict_row(r)


def upsert_conflict(db: sqlite_utils.Database, row: ConflictRow) -> None:
    """Insert or replace the sealed declaration (any plaintext reason is emptied)."""
    db.execute(
        f"INSERT INTO conflicts ({_CONFLICT}) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (meeting_id, expert_id, application_id) DO UPDATE SET"
        " has_conflict = excluded.has_conflict, reason = '',"
        " declared_at = excluded.declared_at, sealed = excluded.sealed",
        (
            row.meeting_id,
            row.expert_id,
            row.application_id,
            int(row.has_conflict),
            row.declared_at,
            row.sealed,
        ),
    )


def conflict_state(row: ConflictRow) -> Json:
    return {
        "meeting_id": row.meeting_id,
        "expert_id": row.expert_id,
        "application_id": row.application_id,
        "has_conflict": row.has_conflict,
        "declared_at": row.declared_at,
        "sealed": _b64(row.sealed or b""),
    }


# -- signed copies -----------------------------------------------------------------------------


def signed_copy(db: sqlite_utils.Database, sheet_id: str) -> bytes | None:
    r = db.execute(
        f"SELECT {_SEALED} FROM signed_copies WHERE sheet_id = ?", (sheet_id,)
    ).fetchone()
    return None if r is None else bytes(r[0])


def insert_signed_copy(
    db: sqlite_utils.Database, sheet_id: str, sealed: bytes, stored_at: str
) -> None:
    db.execute(
        "INSERT INTO signed_copies (sheet_id, sealed, stored_at) VALUES (?, ?, ?)",
        (sheet_id, sealed, stored_at),
    )


def signed_copy_state(sheet_id: str, sealed: bytes) -> Json:
    return {"sheet_id": sheet_id, "sealed": _b64(sealed)}


# -- panel opinions (a secretary's, sealed from migration 9) ---------------------------------


@dataclass(frozen=True)
class OpinionRow:
    meeting_id: MeetingId
    application_id: ApplicationId
    round: int
    approved_by: ExpertId | None
    approved_at: str | None
    sealed: bytes | None


def opinion_row(
    db: sqlite_utils.Database, meeting_id: str, application_id: str, round: int
) -> OpinionRow | None:
    r = db.execute(
        f"SELECT approved_by, approved_at, {_SEALED} FROM panel_opinions"
        " WHERE meeting_id = ? AND application_id = ? AND round = ?",
        (meeting_id, application_id, round),
    ).fetchone()
    if r is None:
        return None
    return OpinionRow(
        MeetingId(meeting_id),
        ApplicationId(application_id),
        round,
        None if r[0] is None else ExpertId(str(r[0])),
        None if r[1] is None else str(r[1]),
        _blob(r[2]),
    )


def upsert_sealed_opinion(db: sqlite_utils.Database, row: OpinionRow) -> None:
    """Insert or replace the opinion as sealed (its plaintext columns empty)."""
    db.execute(
        "INSERT INTO panel_opinions (meeting_id, application_id, round, opinion, recommendation,"
        " minority_opinion, approved_by, approved_at, sealed)"
        " VALUES (?, ?, ?, '', NULL, '', ?, ?, ?)"
        " ON CONFLICT (meeting_id, application_id, round) DO UPDATE SET opinion = '',"
        " recommendation = NULL, minority_opinion = '', approved_by = excluded.approved_by,"
        " approved_at = excluded.approved_at, sealed = excluded.sealed",
        (
            row.meeting_id,
            row.application_id,
            row.round,
            row.approved_by,
            row.approved_at,
            row.sealed,
        ),
    )


def opinion_state(row: OpinionRow) -> Json:
    return {
        "meeting_id": row.meeting_id,
        "application_id": row.application_id,
        "round": row.round,
        "approved_by": row.approved_by,
        "approved_at": row.approved_at,
        "sealed": _b64(row.sealed or b""),
    }


def plaintext_opinion_keys(db: sqlite_utils.Database) -> list[tuple[str, str, int]]:
    return [
        (str(r[0]), str(r[1]), int(r[2]))
        for r in db.execute(
            "SELECT meeting_id, application_id, round FROM panel_opinions WHERE sealed IS NULL"
            " ORDER BY round, application_id"
        )
    ]


# -- what is still plaintext -------------------------------------------------------------------


def plaintext_sheet_ids(db: sqlite_utils.Database, meeting_id: str, expert_id: str) -> list[str]:
    return [
        str(r[0])
        for r in db.execute(
            "SELECT id FROM sheets WHERE meeting_id = ? AND expert_id = ? AND sealed IS NULL"
            " ORDER BY round, version",
            (meeting_id, expert_id),
        )
    ]


def plaintext_note_ids(db: sqlite_utils.Database, meeting_id: str, expert_id: str) -> list[str]:
    return [
        str(r[0])
        for r in db.execute(
            "SELECT id FROM notes WHERE meeting_id = ? AND expert_id = ? AND sealed IS NULL"
            " ORDER BY created_at, rowid",
            (meeting_id, expert_id),
        )
    ]


def plaintext_conflict_applications(
    db: sqlite_utils.Database, meeting_id: str, expert_id: str
) -> list[str]:
    return [
        str(r[0])
        for r in db.execute(
            "SELECT application_id FROM conflicts WHERE meeting_id = ? AND expert_id = ?"
            " AND sealed IS NULL ORDER BY application_id",
            (meeting_id, expert_id),
        )
    ]
