"""What is inside a sealed value, and where it is bound (workspace-drafts-v1 §4).

Each kind of record seals one JSON object (UTF-8, keys sorted, no spaces) holding exactly the
confidential fields of the row; the row's clear columns named in ``bound`` go into the
associated data, so a value only opens in the row it was sealed for. Decoders are strict: a
value that opens but does not hold what its kind must hold raises ``ValueError`` (the caller
reports it as a damaged record).
"""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain.ids import CriterionKey, FactorKey
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    HearingNote,
    NoteKind,
    Recommendation,
    ScoreSheet,
)
from app.domain.signed import SignedDocument
from storage.workspace.documents import decimal_text, time_from
from storage.workspace.sealed_rows import ConflictRow, NoteRow, SheetRow

SHEET = "sheet"
NOTE = "note"
CONFLICT = "conflict"
SIGNED_SHEET = "signed-sheet"


def canonical(value: dict[str, Any]) -> bytes:
    """A sealed value's content as §4 spells it: UTF-8 JSON, keys sorted, no spaces (shared
    with the secretary's kinds, ``storage/secretary/sealed.py``)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def members(data: bytes, keys: set[str]) -> dict[str, Any]:
    """The object in ``data``, which must hold exactly ``keys`` (``ValueError`` otherwise)."""
    value = json.loads(data.decode("utf-8"))
    if not isinstance(value, dict) or set(value) != keys:
        raise ValueError("sealed value does not hold the fields of its kind")
    return value


def text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def optional_text(value: object) -> str | None:
    return None if value is None else text(value)


# -- where each kind is bound ------------------------------------------------------------------


def sheet_bound(row: SheetRow) -> tuple[str, ...]:
    return (row.id, row.application_id, str(row.round), str(row.version))


def note_bound(row: NoteRow) -> tuple[str, ...]:
    return (row.id, row.application_id, row.created_at)


def conflict_bound(row: ConflictRow) -> tuple[str, ...]:
    return (row.application_id, "1" if row.has_conflict else "0", row.declared_at)


def signed_bound(sheet_id: str) -> tuple[str, ...]:
    return (sheet_id,)


# -- score sheets ------------------------------------------------------------------------------

_SHEET_KEYS = {"scores", "criteria", "opinion", "recommendation", "conditions"}


def sheet_content(s: ScoreSheet) -> bytes:
    return canonical(
        {
            "scores": [
                {"factor": f.factor, "score": decimal_text(f.score), "comment": f.comment}
                for f in s.scores
            ],
            "criteria": [
                {
                    "criterion": c.criterion,
                    "verdict": None if c.verdict is None else c.verdict.value,
                    "note": c.note,
                }
                for c in s.criteria
            ],
            "opinion": s.opinion,
            "recommendation": None if s.recommendation is None else s.recommendation.value,
            "conditions": s.conditions,
        }
    )


def sheet_from(row: SheetRow, content: bytes) -> ScoreSheet:
    doc = members(content, _SHEET_KEYS)
    try:
        scores = tuple(
            FactorScore(
                FactorKey(text(f["factor"])),
                None if f["score"] is None else Decimal(text(f["score"])),
                text(f["comment"]),
            )
            for f in doc["scores"]
        )
    except (InvalidOperation, TypeError) as exc:
        raise ValueError("malformed score") from exc
    criteria = tuple(
        CriterionAnswer(
            CriterionKey(text(c["criterion"])),
            None if c["verdict"] is None else CriterionVerdict(c["verdict"]),
            text(c["note"]),
        )
        for c in doc["criteria"]
    )
    recommendation = optional_text(doc["recommendation"])
    updated_at = time_from(row.updated_at)
    assert updated_at is not None
    return ScoreSheet(
        id=row.id,
        meeting_id=row.meeting_id,
        expert_id=row.expert_id,
        application_id=row.application_id,
        round=row.round,
        version=row.version,
        status=row.status,
        scores=scores,
        criteria=criteria,
        opinion=text(doc["opinion"]),
        recommendation=None if recommendation is None else Recommendation(recommendation),
        conditions=text(doc["conditions"]),
        updated_at=updated_at,
        submitted_at=time_from(row.submitted_at),
    )


# -- hearing notes -----------------------------------------------------------------------------


def note_content(n: HearingNote) -> bytes:
    return canonical({"kind": n.kind.value, "text": n.text, "factor": n.factor})


def note_from(row: NoteRow, content: bytes) -> HearingNote:
    doc = members(content, {"kind", "text", "factor"})
    factor = optional_text(doc["factor"])
    created_at = time_from(row.created_at)
    assert created_at is not None
    return HearingNote(
        id=row.id,
        meeting_id=row.meeting_id,
        expert_id=row.expert_id,
        application_id=row.application_id,
        kind=NoteKind(doc["kind"]),
        text=text(doc["text"]),
        factor=None if factor is None else FactorKey(factor),
        created_at=created_at,
    )


# -- conflict declarations ---------------------------------------------------------------------


def conflict_content(c: ConflictDeclaration) -> bytes:
    return canonical({"reason": c.reason})


def conflict_from(row: ConflictRow, content: bytes) -> ConflictDeclaration:
    doc = members(content, {"reason"})
    declared_at = time_from(row.declared_at)
    assert declared_at is not None
    return ConflictDeclaration(
        meeting_id=row.meeting_id,
        expert_id=row.expert_id,
        application_id=row.application_id,
        has_conflict=row.has_conflict,
        reason=text(doc["reason"]),
        declared_at=declared_at,
    )


# -- signed copies -----------------------------------------------------------------------------


def signed_content(signed: SignedDocument) -> bytes:
    return canonical(
        {
            "document": base64.b64encode(signed.document).decode("ascii"),
            "signature": base64.b64encode(signed.signature).decode("ascii"),
        }
    )


def signed_from(content: bytes) -> SignedDocument:
    doc = members(content, {"document", "signature"})
    return SignedDocument(_base64(doc["document"]), _base64(doc["signature"]))


def _base64(value: object) -> bytes:
    """Standard base64 that re-encodes to itself (sheet-v1 conventions)."""
    encoded = text(value)
    try:
        data = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise ValueError("malformed base64") from exc
    if base64.b64encode(data).decode("ascii") != encoded:
        raise ValueError("non-canonical base64")
    return data
