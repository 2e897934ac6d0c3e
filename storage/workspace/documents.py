"""JSON documents for domain values: column encodings, and the *state documents* whose digest
the audit log records.

A state document is built from the domain object (never from raw rows), both when a change is
written and when ``audit verify`` re-reads the stored object, so the two digests agree exactly
when the stored data is what the program last wrote. Decimals and times are strings, so the
documents hash byte-stably (see :func:`storage.audit.chain.canonical_json`).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from app.domain.meeting import AgendaItem, Application, Expert, Meeting
from app.domain.sheet import ConflictDeclaration, HearingNote, PanelOpinion, ScoreSheet
from app.i18n import LocalizedText

Json = dict[str, Any]


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loc(text: LocalizedText) -> Json:
    return {"en": text.en, "zh_CN": text.zh_CN}


def loc_from(column: str) -> LocalizedText:
    doc = json.loads(column)
    return LocalizedText(en=str(doc["en"]), zh_CN=str(doc["zh_CN"]))


def time_text(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def time_from(column: str | None) -> dt.datetime | None:
    return None if column is None else dt.datetime.fromisoformat(column)


def decimal_text(value: Decimal | None) -> str | None:
    """Exact text of a score (``str(Decimal)`` round-trips, ``"22.50"`` stays ``"22.50"``)."""
    return None if value is None else str(value)


def expert_doc(e: Expert) -> Json:
    return {
        "id": e.id,
        "name": loc(e.name),
        "role": e.role.value,
        "organisation": loc(e.organisation),
        "title": loc(e.title),
        "is_chair": e.is_chair,
        "fingerprint": e.fingerprint,
    }


def application_doc(a: Application) -> Json:
    return {
        "id": a.id,
        "applicant_unit": loc(a.applicant_unit),
        "platform_name": loc(a.platform_name),
        "sub_domain": loc(a.sub_domain),
        "sub_domain_tags": list(a.sub_domain_tags),
    }


def agenda_doc(item: AgendaItem) -> Json:
    return {
        "application_id": item.application_id,
        "position": item.position,
        "report_minutes": item.report_minutes,
        "qa_minutes": item.qa_minutes,
        "starts_at": time_text(item.starts_at),
    }


def meeting_state(m: Meeting) -> Json:
    return {
        "id": m.id,
        "title": loc(m.title),
        "date": m.date.isoformat(),
        "venue": loc(m.venue),
        "rubric_id": m.rubric_id,
        "is_demo": m.is_demo,
        "experts": [expert_doc(e) for e in m.experts],
        "applications": [application_doc(a) for a in m.applications],
        "agenda": [agenda_doc(i) for i in sorted(m.agenda, key=lambda i: i.position)],
    }


def sheet_state(s: ScoreSheet) -> Json:
    return {
        "id": s.id,
        "meeting_id": s.meeting_id,
        "expert_id": s.expert_id,
        "application_id": s.application_id,
        "round": s.round,
        "version": s.version,
        "status": s.status.value,
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
        "updated_at": time_text(s.updated_at),
        "submitted_at": time_text(s.submitted_at),
    }


def conflict_state(c: ConflictDeclaration) -> Json:
    return {
        "meeting_id": c.meeting_id,
        "expert_id": c.expert_id,
        "application_id": c.application_id,
        "has_conflict": c.has_conflict,
        "reason": c.reason,
        "declared_at": time_text(c.declared_at),
    }


def note_state(n: HearingNote) -> Json:
    return {
        "id": n.id,
        "meeting_id": n.meeting_id,
        "expert_id": n.expert_id,
        "application_id": n.application_id,
        "kind": n.kind.value,
        "text": n.text,
        "factor": n.factor,
        "created_at": time_text(n.created_at),
    }


def opinion_state(p: PanelOpinion) -> Json:
    return {
        "meeting_id": p.meeting_id,
        "application_id": p.application_id,
        "round": p.round,
        "opinion": p.opinion,
        "recommendation": p.recommendation.value,
        "minority_opinion": p.minority_opinion,
        "approved_by": p.approved_by,
        "approved_at": time_text(p.approved_at),
    }
