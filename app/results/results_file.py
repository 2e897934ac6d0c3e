"""``results.json`` (bundle v1, section 5): what the secretary states about the round.

It holds the inputs the ministry needs to recompute (meeting with the roster's fingerprints,
rubric, rule, round), the consolidation result to be checked, the secretary's absence
statements and the panel opinions. :func:`parse_results` refuses anything but the canonical
bytes of a valid document, and wraps every lower-level format error (meeting, rubric, rule)
as :class:`BundleResultsError` naming the member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from app.consolidation import (
    ConsolidationRule,
    RuleError,
    check_rule_for_rubric,
    parse_rule,
    rule_to_document,
)
from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import PanelOpinion, Recommendation
from app.errors import UserFacingError
from app.formats.canonical_json import (
    JsonFormatError,
    canonical_members_of_parsed,
    canonical_of_parsed,
    dumps_canonical,
    loads_strict,
)
from app.formats.meeting_file import meeting_to_document, parse_meeting
from app.formats.rubric_file import parse_rubric, rubric_to_document
from app.i18n import Msg
from app.results.errors import BundleResultsError
from app.sheets import codec

FORMAT: Final = "review-desk/results"
VERSION: Final = 1
MAX_RESULTS_SIZE: Final = 48 * 1024 * 1024
MAX_DEPTH: Final = 32
NOTE_LIMIT: Final = 2_000
OPINION_LIMIT: Final = 20_000
STATED_BY: Final = "secretary"
_FIELDS: Final = (
    "format",
    "version",
    "meeting_id",
    "kit_hash",
    "round",
    "bundle_version",
    "is_demo",
    "meeting",
    "rubric",
    "rule",
    "result",
    "absences",
    "opinions",
)
_ABSENCE_FIELDS: Final = ("expert_id", "application_id", "stated_by", "note")
_OPINION_FIELDS: Final = (
    "application_id",
    "round",
    "opinion",
    "recommendation",
    "minority_opinion",
    "approved_by",
    "approved_at",
    "approval",
)


@dataclass(frozen=True)
class Absence:
    """The secretary's statement that an expert handed in nothing for an application.

    Not signed by the expert: it is presented as the secretary's word, and it only fills a
    gap - it never outweighs a sheet or a recusal (a reader refuses such a contradiction).
    """

    expert_id: ExpertId
    application_id: ApplicationId
    note: str = ""


@dataclass(frozen=True)
class OpinionEntry:
    """A panel opinion; ``approval`` names the chair-signed member, ``None`` if unapproved."""

    opinion: PanelOpinion
    approval: str | None


@dataclass(frozen=True)
class Results:
    meeting_id: str
    kit_hash: str
    round: int
    bundle_version: int
    is_demo: bool
    meeting: Meeting
    rubric: Rubric
    rule: ConsolidationRule
    result: dict[str, Any]
    absences: tuple[Absence, ...]
    opinions: tuple[OpinionEntry, ...]
    result_bytes: bytes | None = None
    """The canonical bytes of ``result`` as read (``parse_results``; ``None`` when the
    results were not read from bytes): the reader compares the recomputed figures with
    them without encoding ``result`` a second time."""


def results_bytes(results: Results) -> bytes:
    """The canonical bytes of ``results.json``."""
    return dumps_canonical(
        {
            "format": FORMAT,
            "version": VERSION,
            "meeting_id": results.meeting_id,
            "kit_hash": results.kit_hash,
            "round": results.round,
            "bundle_version": results.bundle_version,
            "is_demo": results.is_demo,
            "meeting": meeting_to_document(results.meeting),
            "rubric": rubric_to_document(results.rubric),
            "rule": rule_to_document(results.rule),
            "result": results.result,
            "absences": [
                {
                    "expert_id": a.expert_id,
                    "application_id": a.application_id,
                    "stated_by": STATED_BY,
                    "note": a.note,
                }
                for a in results.absences
            ],
            "opinions": [_opinion_doc(o) for o in results.opinions],
        },
        max_depth=MAX_DEPTH,
    )


def _opinion_doc(entry: OpinionEntry) -> dict[str, Any]:
    o = entry.opinion
    return {
        "application_id": o.application_id,
        "round": o.round,
        "opinion": o.opinion,
        "recommendation": o.recommendation.value,
        "minority_opinion": o.minority_opinion,
        "approved_by": o.approved_by,
        "approved_at": None if o.approved_at is None else codec.encode_time(o.approved_at),
        "approval": entry.approval,
    }


# --- reading -----------------------------------------------------------------------------


def _bad(where: str, reason: Msg) -> BundleResultsError:
    return BundleResultsError(
        Msg.of("{field}: {reason}", field=where[:80], reason=reason),
        f"{where}: {reason.in_language('en')}",
    )


def parse_results(data: bytes) -> Results:
    """Strictly parse verified ``results.json`` bytes (see the module docstring)."""
    try:
        raw = loads_strict(data, max_size=MAX_RESULTS_SIZE, max_depth=MAX_DEPTH)
        if isinstance(raw, dict):
            canonical, members = canonical_members_of_parsed(raw)
        else:
            canonical, members = canonical_of_parsed(raw), {}
    except JsonFormatError as exc:
        raise BundleResultsError(exc.msg, f"strict JSON: {exc.msg.in_language('en')}") from exc
    if canonical != data:
        raise BundleResultsError(
            Msg.of("the file is not in its one canonical form."), "results.json not canonical"
        )
    try:
        doc: dict[str, Any] = dict(codec.version_marker(raw, "$", FORMAT))
        codec.fields(doc, "$", _FIELDS)
        meeting_id = codec.identifier(doc["meeting_id"], "meeting_id")
        kit_hash = codec.kit_hash(doc["kit_hash"], "kit_hash")
        round_ = codec.whole(doc["round"], "round", 1, 99)
        bundle_version = codec.whole(doc["bundle_version"], "bundle_version", 1, 1_000_000)
        codec.boolean(doc["is_demo"], "is_demo")
        if not isinstance(doc["result"], dict):
            raise codec.FieldError("result", Msg.of("must be a JSON object."))
    except codec.FieldError as exc:
        raise _bad(exc.path, exc.reason) from None
    meeting = _sub(lambda: parse_meeting(doc["meeting"]), "meeting")
    rubric = _sub(lambda: parse_rubric(doc["rubric"]), "rubric")
    rule = _sub(lambda: parse_rule(doc["rule"]), "rule")
    if meeting.id != meeting_id:
        raise _bad("meeting.id", Msg.of("differs from meeting_id."))
    if meeting.rubric_id != rubric.id:
        raise _bad("rubric.id", Msg.of("differs from the meeting's rubric_id."))
    try:
        check_rule_for_rubric(rule, rubric)
    except RuleError as exc:
        raise _bad("rule", exc.msg) from None
    try:
        absences = _absences(doc["absences"], meeting)
        opinions = _opinions(doc["opinions"], meeting)
    except codec.FieldError as exc:
        raise _bad(exc.path, exc.reason) from None
    return Results(
        meeting_id=meeting_id,
        kit_hash=kit_hash,
        round=round_,
        bundle_version=bundle_version,
        is_demo=doc["is_demo"],
        meeting=meeting,
        rubric=rubric,
        rule=rule,
        result=doc["result"],
        absences=absences,
        opinions=opinions,
        result_bytes=members["result"],
    )


def _sub(parse: Any, where: str) -> Any:
    try:
        return parse()
    except UserFacingError as exc:
        raise _bad(where, exc.msg) from None


def _absences(value: Any, meeting: Meeting) -> tuple[Absence, ...]:
    experts = {e.id for e in meeting.experts}
    apps = {a.id for a in meeting.applications}
    items = codec.array(value, "absences", len(experts) * len(apps))
    seen: set[tuple[str, str]] = set()
    absences: list[Absence] = []
    for i, item in enumerate(items):
        where = f"absences[{i}]"
        obj = codec.fields(item, where, _ABSENCE_FIELDS)
        expert = codec.identifier(obj["expert_id"], f"{where}.expert_id")
        app = codec.identifier(obj["application_id"], f"{where}.application_id")
        codec.exact(obj["stated_by"], f"{where}.stated_by", STATED_BY)
        note = codec.text(obj["note"], f"{where}.note", NOTE_LIMIT)
        if expert not in experts or app not in apps:
            raise codec.FieldError(
                where, Msg.of("names an expert or application not in the meeting.")
            )
        if (expert, app) in seen:
            raise codec.FieldError(where, Msg.of("repeats an earlier absence."))
        seen.add((expert, app))
        absences.append(Absence(ExpertId(expert), ApplicationId(app), note))
    return tuple(absences)


def _opinions(value: Any, meeting: Meeting) -> tuple[OpinionEntry, ...]:
    apps = {a.id for a in meeting.applications}
    items = codec.array(value, "opinions", 99 * len(apps))
    seen: set[tuple[str, int]] = set()
    entries: list[OpinionEntry] = []
    for i, item in enumerate(items):
        where = f"opinions[{i}]"
        obj = codec.fields(item, where, _OPINION_FIELDS)
        app = codec.identifier(obj["application_id"], f"{where}.application_id")
        round_ = codec.whole(obj["round"], f"{where}.round", 1, 99)
        if app not in apps:
            raise codec.FieldError(where, Msg.of("names an application not in the meeting."))
        if (app, round_) in seen:
            raise codec.FieldError(where, Msg.of("repeats an earlier opinion."))
        seen.add((app, round_))
        approved_by = obj["approved_by"]
        approved_at = obj["approved_at"]
        approval = obj["approval"]
        if approved_by is None:
            if approved_at is not None or approval is not None:
                raise codec.FieldError(where, Msg.of("an unapproved opinion has no approval."))
        elif not isinstance(approval, str):
            raise codec.FieldError(f"{where}.approval", Msg.of("this member is required."))
        opinion = PanelOpinion(
            meeting_id=MeetingId(meeting.id),
            application_id=ApplicationId(app),
            round=round_,
            opinion=codec.text(obj["opinion"], f"{where}.opinion", OPINION_LIMIT),
            recommendation=Recommendation(
                codec.choice(
                    obj["recommendation"],
                    f"{where}.recommendation",
                    tuple(r.value for r in Recommendation),
                )
            ),
            minority_opinion=codec.text(
                obj["minority_opinion"], f"{where}.minority_opinion", OPINION_LIMIT
            ),
            approved_by=None
            if approved_by is None
            else ExpertId(codec.identifier(approved_by, f"{where}.approved_by")),
            approved_at=None
            if approved_at is None
            else codec.time(approved_at, f"{where}.approved_at"),
        )
        entries.append(OpinionEntry(opinion, approval))
    return tuple(entries)
