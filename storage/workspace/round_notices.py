"""The ``round_notices`` rows of an expert-side workspace (migration 7).

A round notice (``docs/formats/round-notice-v1.md``) is the secretary's signed word that a
later scoring round is open for some applications. The workspace keeps each accepted notice
whole - its exact notice bytes and CMS signature - with the round and applications in clear
columns (they are no secret: the kit lists every application, and a notice carries no
scores), so it is shared by every expert signing in on the machine. A row is written once and
never changed (triggers refuse UPDATE and DELETE). The caller
(:class:`storage.workspace.core.Workspace`) owns the transaction and the audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlite_utils

from app.domain.signed import SignedDocument
from app.round_notice.codec import decode_notice
from app.round_notice.model import HeldRoundNotice


def insert_notice(db: sqlite_utils.Database, held: HeldRoundNotice) -> None:
    notice = held.notice
    db.execute(
        "INSERT INTO round_notices (round, meeting_id, kit_hash, application_ids, document,"
        " signature, document_sha256, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            notice.round,
            notice.meeting_id,
            notice.kit_hash,
            json.dumps(list(notice.application_ids)),
            held.signed.document,
            held.signed.signature,
            held.signed.sha256,
            held.imported_at.isoformat(),
        ),
    )


def load_notices(db: sqlite_utils.Database) -> tuple[HeldRoundNotice, ...]:
    """Every notice held, by round. The notice is decoded again from its exact bytes (it was
    verified before it was stored)."""
    rows = db.execute(
        "SELECT document, signature, imported_at FROM round_notices ORDER BY round"
    ).fetchall()
    return tuple(
        HeldRoundNotice(
            notice=decode_notice(bytes(row[0])),
            signed=SignedDocument(bytes(row[0]), bytes(row[1])),
            imported_at=dt.datetime.fromisoformat(row[2]),
        )
        for row in rows
    )


def load_notice(db: sqlite_utils.Database, round: int) -> HeldRoundNotice | None:
    return next((h for h in load_notices(db) if h.notice.round == round), None)


def notice_state(held: HeldRoundNotice) -> dict[str, Any]:
    """The audited state of a held notice (the bytes by their SHA-256)."""
    notice = held.notice
    return _state(
        notice.round,
        notice.meeting_id,
        notice.kit_hash,
        list(notice.application_ids),
        held.signed.document,
        held.signed.signature,
        held.imported_at.isoformat(),
    )


def stored_state(db: sqlite_utils.Database, round: int) -> dict[str, Any] | None:
    """The state of the row as stored now, read column by column (never decoded, so a row
    changed behind the program's back is reported by the audit check, not raised)."""
    row = db.execute(
        "SELECT round, meeting_id, kit_hash, application_ids, document, signature, imported_at"
        " FROM round_notices WHERE round = ?",
        (round,),
    ).fetchone()
    if row is None:
        return None
    return _state(row[0], row[1], row[2], json.loads(row[3]), bytes(row[4]), bytes(row[5]), row[6])


def _state(
    round: int,
    meeting_id: str,
    kit_hash: str,
    application_ids: list[str],
    document: bytes,
    signature: bytes,
    imported_at: str,
) -> dict[str, Any]:
    return {
        "round": round,
        "meeting_id": meeting_id,
        "kit_hash": kit_hash,
        "application_ids": application_ids,
        "document_sha256": hashlib.sha256(document).hexdigest(),
        "signature_sha256": hashlib.sha256(signature).hexdigest(),
        "imported_at": imported_at,
    }
