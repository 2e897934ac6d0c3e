"""The ``draft_keys`` rows: one expert's wrapped draft key per meeting (migration 4).

Written once at the expert's first sign-in and never changed (triggers refuse UPDATE and
DELETE). The caller (:class:`storage.workspace.core.Workspace`) owns the transaction and the audit
entry; :mod:`app.sealed_drafts.keys` makes, signs and checks the record.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import sqlite_utils

from app.sealed_drafts.record import DraftKeyRecord


def insert_draft_key(db: sqlite_utils.Database, record: DraftKeyRecord) -> None:
    db.execute(
        "INSERT INTO draft_keys (meeting_id, expert_id, fingerprint, wrapped_key, signature,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (
            record.meeting_id,
            record.expert_id,
            record.fingerprint,
            record.wrapped_key,
            record.signature,
            record.created_at.isoformat(),
        ),
    )


def load_draft_key(
    db: sqlite_utils.Database, meeting_id: str, expert_id: str
) -> DraftKeyRecord | None:
    row = db.execute(
        "SELECT fingerprint, CAST(wrapped_key AS BLOB), CAST(signature AS BLOB), created_at"
        " FROM draft_keys"
        " WHERE meeting_id = ? AND expert_id = ?",
        (meeting_id, expert_id),
    ).fetchone()
    if row is None:
        return None
    return DraftKeyRecord(
        meeting_id=meeting_id,
        expert_id=expert_id,
        fingerprint=str(row[0]),
        wrapped_key=_bytes(row[1]),
        signature=_bytes(row[2]),
        created_at=dt.datetime.fromisoformat(str(row[3])),
    )


def draft_key_state(record: DraftKeyRecord) -> dict[str, Any]:
    """The audited state (everything in the record is public; the key is wrapped)."""
    return {
        "meeting_id": record.meeting_id,
        "expert_id": record.expert_id,
        "fingerprint": record.fingerprint,
        "wrapped_key": base64.b64encode(record.wrapped_key).decode("ascii"),
        "signature": base64.b64encode(record.signature).decode("ascii"),
        "created_at": record.created_at.isoformat(),
    }


def _bytes(value: object) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")
