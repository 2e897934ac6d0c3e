"""The ``kit`` row of an expert-side workspace: which meeting kit it was created from.

At most one row (``singleton = 1``), written once when the kit is imported and never
changed (triggers refuse UPDATE and DELETE): a workspace belongs to exactly one kit, and
every sheet written in it names that kit's hash. The caller
(:class:`storage.workspace.core.Workspace`) owns the transaction and the audit entry.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import sqlite_utils

from app.kit.record import KitRecord


def insert_kit(db: sqlite_utils.Database, record: KitRecord) -> None:
    db.execute(
        "INSERT INTO kit (singleton, kit_hash, kit_id, meeting_id, secretary_certificate,"
        " trust_roots, sealed_meeting_key, imported_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.kit_hash,
            record.kit_id,
            record.meeting_id,
            record.secretary_certificate_pem,
            record.trust_roots_pem,
            record.sealed_meeting_key,
            record.imported_at.isoformat(),
        ),
    )


def load_kit(db: sqlite_utils.Database) -> KitRecord | None:
    row = db.execute(
        "SELECT kit_hash, kit_id, meeting_id, secretary_certificate, trust_roots,"
        " sealed_meeting_key, imported_at FROM kit WHERE singleton = 1"
    ).fetchone()
    if row is None:
        return None
    return KitRecord(
        kit_hash=row[0],
        kit_id=row[1],
        meeting_id=row[2],
        secretary_certificate_pem=row[3],
        trust_roots_pem=row[4],
        sealed_meeting_key=bytes(row[5]),
        imported_at=dt.datetime.fromisoformat(row[6]),
    )


def kit_state(record: KitRecord) -> dict[str, Any]:
    """The audited state of the kit record (large values by their SHA-256)."""
    return {
        "kit_hash": record.kit_hash,
        "kit_id": record.kit_id,
        "meeting_id": record.meeting_id,
        "secretary_certificate_sha256": _sha(record.secretary_certificate_pem.encode()),
        "trust_roots_sha256": _sha(record.trust_roots_pem.encode()),
        "sealed_meeting_key": base64.b64encode(record.sealed_meeting_key).decode("ascii"),
        "imported_at": record.imported_at.isoformat(),
    }


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
