"""The demo's sample sheets (``resources/demo/sample_sheets.json``): fictional demo scores.

``review-desk demo --complete`` drives the real expert and secretary use cases with these
values (:mod:`app.demo.complete`); nothing here signs or stores anything. The file is read
strictly: every expert × application of the demo meeting has exactly one sheet or one
recusal, every factor and basic criterion of the rubric is answered, scores are decimals,
verdicts and recommendations are the enum values, and unknown keys are refused, so a typo
in the demo data fails loudly instead of producing a plausible-looking meeting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, TypeVar

from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import CriterionVerdict, Recommendation
from app.errors import ValidationError
from app.i18n import Msg
from app.paths import DEMO

SAMPLE_SHEETS: Final = DEMO / "sample_sheets.json"
FORMAT: Final = "review-desk/demo-sample-sheets"
VERSION: Final = 1

_E = TypeVar("_E", CriterionVerdict, Recommendation)


@dataclass(frozen=True)
class SampleSheet:
    expert_id: str
    application_id: str
    scores: tuple[tuple[str, Decimal], ...]
    """(factor key, score) in rubric order."""
    comments: tuple[tuple[str, str], ...]
    criteria: tuple[tuple[str, CriterionVerdict], ...]
    opinion: str
    recommendation: Recommendation
    conditions: str


@dataclass(frozen=True)
class SampleRecusal:
    expert_id: str
    application_id: str
    reason: str


@dataclass(frozen=True)
class SamplePanelOpinion:
    application_id: str
    opinion: str
    recommendation: Recommendation
    minority_opinion: str


@dataclass(frozen=True)
class SampleMeeting:
    """Everything the complete demo enters, in file order."""

    meeting_id: str
    dispersion_limit_total: Decimal
    sheets: tuple[SampleSheet, ...]
    recusals: tuple[SampleRecusal, ...]
    panel_opinions: tuple[SamplePanelOpinion, ...]

    def sheets_of(self, expert_id: str) -> tuple[SampleSheet, ...]:
        return tuple(s for s in self.sheets if s.expert_id == expert_id)

    def recusals_of(self, expert_id: str) -> tuple[SampleRecusal, ...]:
        return tuple(r for r in self.recusals if r.expert_id == expert_id)


def load_sample_meeting(
    meeting: Meeting, rubric: Rubric, path: Path = SAMPLE_SHEETS
) -> SampleMeeting:
    """Read and check the sample sheets of ``meeting``; :class:`ValidationError` if wrong."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad("file", str(exc)) from exc
    top = _object(
        doc,
        "file",
        {
            "format",
            "version",
            "comment",
            "meeting_id",
            "dispersion_limit_total",
            "sheets",
            "recusals",
            "panel_opinions",
        },
    )
    if top["format"] != FORMAT or top["version"] != VERSION:
        raise _bad("format", f"expected {FORMAT} version {VERSION}")
    if top["meeting_id"] != meeting.id:
        raise _bad("meeting_id", f"the demo meeting is {meeting.id}")
    experts = {str(e.id) for e in meeting.experts}
    applications = [str(a.id) for a in meeting.applications]
    factors = [str(k) for k in rubric.factor_keys()]
    criteria = [str(c.key) for c in rubric.criteria]
    sheets = tuple(
        _sheet(item, f"sheets[{i}]", experts, applications, factors, criteria)
        for i, item in enumerate(_list(top["sheets"], "sheets"))
    )
    recusals = tuple(
        _recusal(item, f"recusals[{i}]", experts, applications)
        for i, item in enumerate(_list(top["recusals"], "recusals"))
    )
    opinions = tuple(
        _panel(item, f"panel_opinions[{i}]", applications)
        for i, item in enumerate(_list(top["panel_opinions"], "panel_opinions"))
    )
    pairs = [(s.expert_id, s.application_id) for s in sheets] + [
        (r.expert_id, r.application_id) for r in recusals
    ]
    expected = {(e, a) for e in experts for a in applications}
    if len(pairs) != len(set(pairs)) or set(pairs) != expected:
        raise _bad("sheets", "each expert × application needs exactly one sheet or recusal")
    if sorted(o.application_id for o in opinions) != sorted(applications):
        raise _bad("panel_opinions", "each application needs exactly one panel opinion")
    return SampleMeeting(
        meeting_id=str(top["meeting_id"]),
        dispersion_limit_total=_decimal(top["dispersion_limit_total"], "dispersion_limit_total"),
        sheets=sheets,
        recusals=recusals,
        panel_opinions=opinions,
    )


def _sheet(
    item: Any,
    where: str,
    experts: set[str],
    applications: list[str],
    factors: list[str],
    criteria: list[str],
) -> SampleSheet:
    keys = {
        "expert",
        "application",
        "scores",
        "comments",
        "criteria",
        "opinion",
        "recommendation",
        "conditions",
    }
    obj = _object(item, where, keys)
    expert, application = _pair(obj, where, experts, applications)
    scores = _object(obj["scores"], f"{where}.scores", set(factors))
    comments = _object(obj["comments"], f"{where}.comments", set(factors), partial=True)
    verdicts = _object(obj["criteria"], f"{where}.criteria", set(criteria))
    return SampleSheet(
        expert_id=expert,
        application_id=application,
        scores=tuple((k, _decimal(scores[k], f"{where}.scores.{k}")) for k in factors),
        comments=tuple(
            (k, _text(comments[k], f"{where}.comments.{k}")) for k in factors if k in comments
        ),
        criteria=tuple(
            (k, _enum(CriterionVerdict, verdicts[k], f"{where}.criteria.{k}")) for k in criteria
        ),
        opinion=_text(obj["opinion"], f"{where}.opinion"),
        recommendation=_enum(Recommendation, obj["recommendation"], f"{where}.recommendation"),
        conditions=_text(obj["conditions"], f"{where}.conditions", empty=True),
    )


def _recusal(item: Any, where: str, experts: set[str], applications: list[str]) -> SampleRecusal:
    obj = _object(item, where, {"expert", "application", "reason"})
    expert, application = _pair(obj, where, experts, applications)
    return SampleRecusal(expert, application, _text(obj["reason"], f"{where}.reason"))


def _panel(item: Any, where: str, applications: list[str]) -> SamplePanelOpinion:
    obj = _object(item, where, {"application", "opinion", "recommendation", "minority_opinion"})
    application = obj["application"]
    if application not in applications:
        raise _bad(f"{where}.application", f"unknown application {application!r}")
    return SamplePanelOpinion(
        application_id=str(application),
        opinion=_text(obj["opinion"], f"{where}.opinion"),
        recommendation=_enum(Recommendation, obj["recommendation"], f"{where}.recommendation"),
        minority_opinion=_text(obj["minority_opinion"], f"{where}.minority_opinion", empty=True),
    )


def _pair(
    obj: dict[str, Any], where: str, experts: set[str], applications: list[str]
) -> tuple[str, str]:
    expert, application = obj["expert"], obj["application"]
    if expert not in experts:
        raise _bad(f"{where}.expert", f"unknown expert {expert!r}")
    if application not in applications:
        raise _bad(f"{where}.application", f"unknown application {application!r}")
    return str(expert), str(application)


def _object(value: Any, where: str, keys: set[str], *, partial: bool = False) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(where, "expected an object")
    unknown = set(value) - keys
    missing = set() if partial else keys - set(value)
    if unknown or missing:
        raise _bad(where, f"unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _bad(where, "expected a list")
    return value


def _text(value: Any, where: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise _bad(where, "expected a non-empty string" if not empty else "expected a string")
    return value


def _decimal(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise _bad(where, "expected a decimal as a string")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise _bad(where, f"not a decimal: {value!r}") from exc
    if not number.is_finite():
        raise _bad(where, f"not a finite decimal: {value!r}")
    return number


def _enum(kind: type[_E], value: Any, where: str) -> _E:
    try:
        return kind(value)
    except ValueError as exc:
        raise _bad(where, f"unknown value {value!r}") from exc


def _bad(where: str, reason: str) -> ValidationError:
    return ValidationError(
        Msg.of(
            "The demo sample sheets are invalid at {where}: {reason}", where=where, reason=reason
        ),
        Msg.of("Restore resources/demo/sample_sheets.json from the installation."),
    )
