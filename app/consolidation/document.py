"""The result as a JSON-ready document for the result bundle (``review-desk/consolidation-result``).

Deterministic: lists are in a fixed order (applications by hearing position, participants and
inputs by expert id, factors in rubric order), exact values are ``"p/q"`` strings in lowest
terms, presented values are decimal strings with exactly ``decimals`` places, and there are
no floats, so :func:`app.formats.canonical_json.dumps_canonical` gives the same bytes for the same
inputs. The ministry recomputes this document from the signed sheets and compares bytes.

An expert's role and weight are listed once per application under ``participants``; the
inputs of each figure name the expert by id.

Explanations are *not* in the document: they are prose, derived from the data below (inputs
with their inclusion, method applied, fallback), and a translation change must not change
the bytes.
"""

from __future__ import annotations

from typing import Any, Final

from app.consolidation.arithmetic import present_text
from app.consolidation.model import (
    ApplicationResult,
    Figure,
    MeetingResult,
    Participant,
    RankEntry,
    Status,
    VoteTally,
)
from app.consolidation.rule import decimal_text, fraction_text, rule_to_document

FORMAT: Final = "review-desk/consolidation-result"
VERSION: Final = 1


def result_to_document(result: MeetingResult) -> dict[str, Any]:
    decimals = result.rule.decimals
    return {
        "format": FORMAT,
        "version": VERSION,
        "meeting_id": result.meeting_id,
        "round": result.round,
        "rubric": {"id": result.rubric_id, "revision": result.rubric_version},
        "rule": rule_to_document(result.rule),
        "applications": [_application(a, result, decimals) for a in result.applications],
        "ranking": [_rank(r) for r in result.ranking],
    }


def _application(app: ApplicationResult, result: MeetingResult, decimals: int) -> dict[str, Any]:
    return {
        "application_id": app.application_id,
        "hearing_position": app.hearing_position,
        "status": app.status.value,
        "reason": _reason(app, result),
        "counted_sheets": app.counted_sheets,
        "participants": [_participant(p) for p in app.participants],
        "figures": [_figure(f, decimals) for f in app.figures],
        "vote": _vote(app.vote),
        "rank": app.rank,
    }


def _reason(app: ApplicationResult, result: MeetingResult) -> dict[str, Any] | None:
    if app.status is Status.NOT_ENOUGH_SHEETS:
        return {"counted_sheets": app.counted_sheets, "required": result.rule.quorum_min}
    if app.status is Status.REFUSED_BY_RULE:
        return {"counted_sheets": app.counted_sheets, "required": result.rule.trim_min_experts}
    return None


def _participant(p: Participant) -> dict[str, Any]:
    return {
        "expert_id": p.expert_id,
        "role": p.role.value,
        "weight": fraction_text(p.weight),
        "standing": p.standing.value,
        "sheet_version": p.sheet_version,
        "recommendation": None if p.recommendation is None else p.recommendation.value,
        "recusal_reason": p.recusal_reason,
    }


def _figure(f: Figure, decimals: int) -> dict[str, Any]:
    return {
        "subject": f.subject,
        "method_applied": f.method_applied.value,
        "fell_back": f.fell_back,
        "exact": fraction_text(f.exact),
        "presented": present_text(f.exact, decimals),
        "inputs": [
            {
                "expert_id": i.expert_id,
                "value": None if i.value is None else fraction_text(i.value),
                "inclusion": i.inclusion.value,
            }
            for i in f.inputs
        ],
        "spread": fraction_text(f.spread),
        "spread_limit": None if f.spread_limit is None else decimal_text(f.spread_limit),
        "flagged": f.flagged,
    }


def _vote(v: VoteTally) -> dict[str, Any]:
    return {
        "recommend": v.recommend,
        "recommend_with_conditions": v.with_conditions,
        "do_not_recommend": v.against,
        "no_recommendation": v.no_recommendation,
        "recused": v.recused,
        "absent": v.absent,
        "eligible": v.eligible,
        "votes_for": v.votes_for,
        "threshold": fraction_text(v.threshold),
        "needed": v.needed,
        "passed": v.passed,
    }


def _rank(r: RankEntry) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "application_id": r.application_id,
        "keys": [fraction_text(k) for k in r.keys],
        "decided_by": r.decided_by,
    }
