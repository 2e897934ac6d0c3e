"""What a secretary's workspace seals and where each value is bound (secretary-workspace-v1
§2-§4): the workspace-key row, the bound clear columns of each kind, the contents that are not
already an expert-side kind (:mod:`storage.workspace.sealed_content` holds sheet, note,
conflict and signed-sheet), and :class:`Sealing`, which seals and opens with the session's
:class:`app.ports.WorkspaceSealer`. Row functions and codecs only; the caller owns
transactions and audit entries.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import sqlite_utils

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.sheet import PanelOpinion, Recommendation
from app.domain.signed import SignedDocument
from app.ports import WorkspaceSealer
from app.sealed_drafts.errors import secretary_record_damaged, workspace_locked
from app.sealed_drafts.record import WorkspaceKeyRecord
from storage.workspace import sealed_content
from storage.workspace.documents import time_from, time_text
from storage.workspace.sealed_content import canonical, members, optional_text, text
from storage.workspace.sealed_rows import ConflictRow, NoteRow, SheetRow

SHEET = sealed_content.SHEET
SIGNED_SHEET = sealed_content.SIGNED_SHEET
NOTE = sealed_content.NOTE
CONFLICT = sealed_content.CONFLICT
RECUSAL = "recusal"
OPINION = "opinion"
APPROVAL = "approval"

_T = TypeVar("_T")


class Sealing:
    """The session's sealer, or none (a workspace opened without the secretary's identity:
    every sealed read and write then raises ``RecordsSealedError``)."""

    def __init__(self) -> None:
        self._sealer: WorkspaceSealer | None = None

    @property
    def unlocked(self) -> bool:
        return self._sealer is not None

    def use(self, sealer: WorkspaceSealer) -> None:
        self._sealer = sealer

    def _require(self) -> WorkspaceSealer:
        if self._sealer is None:
            raise workspace_locked()
        return self._sealer

    def require(self) -> None:
        self._require()

    def seal(self, kind: str, bound: tuple[str, ...], content: bytes) -> bytes:
        return self._require().seal(kind, bound, content)

    def open(
        self, kind: str, bound: tuple[str, ...], sealed: bytes, decode: Callable[[bytes], _T]
    ) -> _T:
        plaintext = self._require().open(kind, bound, sealed)
        try:
            return decode(plaintext)
        except (ValueError, KeyError, TypeError) as exc:
            raise secretary_record_damaged(kind) from exc


# -- where each kind is bound ------------------------------------------------------------------


def sheet_bound(row: SheetRow) -> tuple[str, ...]:
    return (row.id, row.expert_id, row.application_id, str(row.round), str(row.version))


def signed_bound(sheet_id: str, expert_id: str, sha256: str, signer: str) -> tuple[str, ...]:
    return (sheet_id, expert_id, sha256, signer)


def recusal_bound(
    expert_id: str, application_id: str, round: int, declared_at: str, sha256: str, signer: str
) -> tuple[str, ...]:
    return (expert_id, application_id, str(round), declared_at, sha256, signer)


def conflict_bound(row: ConflictRow) -> tuple[str, ...]:
    return (row.expert_id, row.application_id, "1" if row.has_conflict else "0", row.declared_at)


def note_bound(row: NoteRow) -> tuple[str, ...]:
    return (row.id, row.expert_id, row.application_id, row.created_at)


def opinion_bound(
    application_id: str, round: int, approved_by: str | None, approved_at: str | None
) -> tuple[str, ...]:
    return (application_id, str(round), approved_by or "", approved_at or "")


def approval_bound(
    application_id: str,
    round: int,
    chair_id: str,
    chair_fingerprint: str,
    approved_at: str,
    sha256: str,
) -> tuple[str, ...]:
    return (application_id, str(round), chair_id, chair_fingerprint, approved_at, sha256)


# -- contents of the secretary's own kinds -----------------------------------------------------


def recusal_content(reason: str, signed: SignedDocument) -> bytes:
    return canonical(
        {
            "reason": reason,
            "document": _b64(signed.document),
            "signature": _b64(signed.signature),
        }
    )


def recusal_from(content: bytes) -> tuple[str, SignedDocument]:
    doc = members(content, {"reason", "document", "signature"})
    signed = sealed_content.signed_from(
        canonical({"document": doc["document"], "signature": doc["signature"]})
    )
    return text(doc["reason"]), signed


def opinion_content(p: PanelOpinion) -> bytes:
    return canonical(
        {
            "opinion": p.opinion,
            "recommendation": p.recommendation.value,
            "minority_opinion": p.minority_opinion,
        }
    )


def opinion_from(
    meeting_id: str,
    application_id: str,
    round: int,
    approved_by: str | None,
    approved_at: str | None,
    content: bytes,
) -> PanelOpinion:
    doc = members(content, {"opinion", "recommendation", "minority_opinion"})
    recommendation = optional_text(doc["recommendation"])
    if recommendation is None:
        raise ValueError("a panel opinion has a recommendation")
    return PanelOpinion(
        meeting_id=MeetingId(meeting_id),
        application_id=ApplicationId(application_id),
        round=round,
        opinion=text(doc["opinion"]),
        recommendation=Recommendation(recommendation),
        minority_opinion=text(doc["minority_opinion"]),
        approved_by=None if approved_by is None else ExpertId(approved_by),
        approved_at=time_from(approved_at),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def blob(value: object) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def with_sealed(state: dict[str, Any], sealed: bytes | None) -> dict[str, Any]:
    """A plaintext row's state as before version 9; a sealed row's gains its sealed bytes."""
    return state if sealed is None else {**state, "sealed": _b64(sealed)}


# -- the workspace key -------------------------------------------------------------------------


def has_key_table(db: sqlite_utils.Database) -> bool:
    return "secretary_workspace_key" in db.table_names()


def insert_workspace_key(db: sqlite_utils.Database, record: WorkspaceKeyRecord) -> None:
    db.execute(
        "INSERT INTO secretary_workspace_key (singleton, meeting_id, fingerprint, wrapped_key,"
        " signature, created_at) VALUES (1, ?, ?, ?, ?, ?)",
        (
            record.meeting_id,
            record.fingerprint,
            record.wrapped_key,
            record.signature,
            time_text(record.created_at),
        ),
    )


def load_workspace_key(db: sqlite_utils.Database) -> WorkspaceKeyRecord | None:
    if not has_key_table(db):
        return None
    row = db.execute(
        "SELECT meeting_id, fingerprint, CAST(wrapped_key AS BLOB), CAST(signature AS BLOB),"
        " created_at FROM secretary_workspace_key WHERE singleton = 1"
    ).fetchone()
    if row is None:
        return None
    return WorkspaceKeyRecord(
        meeting_id=str(row[0]),
        fingerprint=str(row[1]),
        wrapped_key=blob(row[2]) or b"",
        signature=blob(row[3]) or b"",
        created_at=dt.datetime.fromisoformat(str(row[4])),
    )


def workspace_key_state(record: WorkspaceKeyRecord) -> dict[str, Any]:
    """The audited state (all public; the key is wrapped)."""
    return {
        "meeting_id": record.meeting_id,
        "fingerprint": record.fingerprint,
        "wrapped_key": _b64(record.wrapped_key),
        "signature": _b64(record.signature),
        "created_at": time_text(record.created_at),
    }
