"""``consolidate``: from the round's signed sheets and recusals to figures, votes and a ranking.

Pure: no I/O, no clock, no Qt. The same inputs in any order give the same result, so the
ministry, recomputing from the signed sheets, gets the same document byte for byte.

What counts (docs/consolidation.md has the arithmetic):

- For each (expert, application) pair, the highest-version SUBMITTED sheet of the round;
  drafts and superseded versions are ignored, as are other rounds.
- A recused expert (any conflict declaration with ``has_conflict``) is out of the figures,
  the quorum and the vote denominator, even if a sheet exists.
- Every roster expert is expected on every application; one without a submitted sheet is
  absent: out of the figures and the quorum, inside the vote denominator.
- The total figure consolidates each expert's own weighted total (Σ score × weight / max)
  with the same method; factor figures are consolidated separately.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from app.consolidation import arithmetic, explain
from app.consolidation.arithmetic import Entry
from app.consolidation.errors import ConsolidationInputError
from app.consolidation.model import (
    ApplicationResult,
    Figure,
    FigureInput,
    Inclusion,
    MeetingResult,
    Participant,
    RankEntry,
    Standing,
    Status,
    VoteTally,
)
from app.consolidation.rule import (
    FINAL_TIE_BREAK,
    TOTAL,
    ConsolidationRule,
    Fallback,
    Method,
    check_rule_for_rubric,
)
from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import Application, Expert, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, Recommendation, ScoreSheet, SheetStatus
from app.i18n import Msg

_Pair = tuple[ExpertId, ApplicationId]
_STANDING_TO_INCLUSION = {
    Standing.RECUSED: Inclusion.RECUSED,
    Standing.ABSENT: Inclusion.ABSENT,
    Standing.NO_SUBMITTED_SHEET: Inclusion.NO_SUBMITTED_SHEET,
}


@dataclass(frozen=True)
class _Inputs:
    """The round's inputs, indexed and checked once."""

    roster: tuple[Expert, ...]
    """Sorted by expert id."""
    names: Mapping[ExpertId, Expert]
    positions: Mapping[ApplicationId, int]
    submitted: Mapping[_Pair, ScoreSheet]
    other_sheets: frozenset[_Pair]
    recused: Mapping[_Pair, str]


def consolidate(
    meeting: Meeting,
    rubric: Rubric,
    sheets: Iterable[ScoreSheet],
    recusals: Iterable[ConflictDeclaration],
    rule: ConsolidationRule,
    round: int,
) -> MeetingResult:
    """Consolidate one round of ``meeting``.

    Raises :class:`RuleError` when the rule names factors the rubric lacks, and
    :class:`ConsolidationInputError` when sheets or recusals contradict the meeting (another
    meeting, an unknown expert or application, two submitted sheets with the same version, a
    submitted sheet missing a score).
    """
    check_rule_for_rubric(rule, rubric)
    if meeting.rubric_id != rubric.id:
        raise ConsolidationInputError(
            Msg.of(
                "The meeting uses rubric {expected}, not {found}.",
                expected=meeting.rubric_id,
                found=rubric.id,
            )
        )
    inputs = _index(meeting, rubric, sheets, recusals, round)
    results = [
        _application(app, inputs, rubric, rule)
        for app in sorted(meeting.applications, key=lambda a: inputs.positions[a.id])
    ]
    ranking = _rank(results, meeting, rubric, rule)
    ranks = {entry.application_id: entry.rank for entry in ranking}
    return MeetingResult(
        meeting_id=meeting.id,
        round=round,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rule=rule,
        applications=tuple(_with_rank(r, ranks.get(r.application_id)) for r in results),
        ranking=ranking,
    )


# --- indexing and input checks -----------------------------------------------------------


def _index(
    meeting: Meeting,
    rubric: Rubric,
    sheets: Iterable[ScoreSheet],
    recusals: Iterable[ConflictDeclaration],
    round_: int,
) -> _Inputs:
    names = {e.id: e for e in meeting.experts}
    if len(names) != len(meeting.experts):
        raise ConsolidationInputError(Msg.of("The roster lists an expert twice."))
    app_ids = {a.id for a in meeting.applications}
    positions: dict[ApplicationId, int] = {}
    for item in meeting.agenda:
        if item.application_id in positions:
            raise ConsolidationInputError(
                Msg.of(
                    "Application {application} appears twice in the hearing order.",
                    application=item.application_id,
                )
            )
        positions[item.application_id] = item.position
    if len(set(positions.values())) != len(positions):
        raise ConsolidationInputError(
            Msg.of("Two applications share a place in the hearing order.")
        )
    for app_id in sorted(app_ids - positions.keys()):
        raise ConsolidationInputError(
            Msg.of(
                "Application {application} has no place in the hearing order, which the final "
                "tie-break needs.",
                application=app_id,
            )
        )

    def check_pair(meeting_id: str, expert_id: ExpertId, application_id: ApplicationId) -> None:
        if meeting_id != meeting.id:
            raise ConsolidationInputError(
                Msg.of(
                    "A sheet or recusal belongs to meeting {found}, not {expected}.",
                    found=meeting_id,
                    expected=meeting.id,
                )
            )
        if expert_id not in names or application_id not in app_ids:
            raise ConsolidationInputError(
                Msg.of(
                    "A sheet or recusal names expert {expert} and application {application}, "
                    "which are not both in the meeting.",
                    expert=expert_id,
                    application=application_id,
                )
            )

    recused: dict[_Pair, str] = {}
    for declaration in recusals:
        pair = (declaration.expert_id, declaration.application_id)
        check_pair(declaration.meeting_id, *pair)
        if declaration.has_conflict:
            # A conflict cannot be withdrawn (app.expert.scoring); keep the smallest reason text so
            # repeated declarations give the same result in any order.
            reason = declaration.reason
            recused[pair] = min(reason, recused[pair]) if pair in recused else reason

    submitted: dict[_Pair, ScoreSheet] = {}
    others: set[_Pair] = set()
    factor_keys: set[str] = set(rubric.factor_keys())
    for sheet in sheets:
        pair = (sheet.expert_id, sheet.application_id)
        check_pair(sheet.meeting_id, *pair)
        if sheet.round != round_:
            continue
        if sheet.status is not SheetStatus.SUBMITTED:
            others.add(pair)
            continue
        _check_scores(sheet, rubric, factor_keys)
        current = submitted.get(pair)
        if current is not None and current.version == sheet.version:
            raise ConsolidationInputError(
                Msg.of(
                    "Expert {expert} has two submitted sheets with version {version} for "
                    "application {application}.",
                    expert=sheet.expert_id,
                    version=sheet.version,
                    application=sheet.application_id,
                )
            )
        if current is None or sheet.version > current.version:
            submitted[pair] = sheet
    return _Inputs(
        roster=tuple(sorted(meeting.experts, key=lambda e: e.id)),
        names=names,
        positions=positions,
        submitted=submitted,
        other_sheets=frozenset(others),
        recused=recused,
    )


def _check_scores(sheet: ScoreSheet, rubric: Rubric, factor_keys: set[str]) -> None:
    for given in sheet.scores:
        if given.factor not in factor_keys:
            raise ConsolidationInputError(
                Msg.of(
                    "Expert {expert}'s submitted sheet for application {application} scores "
                    "an unknown factor {factor}.",
                    expert=sheet.expert_id,
                    application=sheet.application_id,
                    factor=given.factor,
                )
            )
    for factor in rubric.factors:
        entry = sheet.score_for(factor.key)
        if entry is None or entry.score is None or not entry.score.is_finite():
            raise ConsolidationInputError(
                Msg.of(
                    "Expert {expert}'s submitted sheet for application {application} has no "
                    "score for {factor}.",
                    expert=sheet.expert_id,
                    application=sheet.application_id,
                    factor=factor.name,
                )
            )


# --- one application ---------------------------------------------------------------------


def _application(
    app: Application, inputs: _Inputs, rubric: Rubric, rule: ConsolidationRule
) -> ApplicationResult:
    participants = tuple(_participant(e, app.id, inputs, rule) for e in inputs.roster)
    counted = [
        inputs.submitted[(p.expert_id, app.id)]
        for p in participants
        if p.standing is Standing.SUBMITTED
    ]
    vote = _vote(participants, rule)
    status, reason = Status.CONSOLIDATED, None
    if len(counted) < rule.quorum_min:
        status, reason = (
            Status.NOT_ENOUGH_SHEETS,
            explain.not_enough_sheets(len(counted), rule.quorum_min),
        )
    elif (
        rule.method is Method.TRIMMED_MEAN
        and len(counted) < rule.trim_min_experts
        and rule.fallback is Fallback.REFUSE
    ):
        status, reason = (
            Status.REFUSED_BY_RULE,
            explain.refused(rule.trim_min_experts, app, len(counted)),
        )
    total: Figure | None = None
    factors: tuple[Figure, ...] = ()
    if status is Status.CONSOLIDATED:
        scores = {s.expert_id: _scores(s, rubric) for s in counted}
        multipliers = [Fraction(f.weight) / Fraction(f.max_points) for f in rubric.factors]
        total = _figure(
            TOTAL,
            {
                expert_id: arithmetic.dot(values, multipliers)
                for expert_id, values in scores.items()
            },
            participants,
            inputs,
            rule,
        )
        factors = tuple(
            _figure(
                factor.key,
                {expert_id: values[i] for expert_id, values in scores.items()},
                participants,
                inputs,
                rule,
            )
            for i, factor in enumerate(rubric.factors)
        )
    return ApplicationResult(
        application_id=app.id,
        hearing_position=inputs.positions[app.id],
        status=status,
        reason=reason,
        counted_sheets=len(counted),
        participants=participants,
        total=total,
        factors=factors,
        vote=vote,
        rank=None,
    )


def _participant(
    expert: Expert, app_id: ApplicationId, inputs: _Inputs, rule: ConsolidationRule
) -> Participant:
    pair = (expert.id, app_id)
    sheet = inputs.submitted.get(pair)
    if pair in inputs.recused:
        standing = Standing.RECUSED
    elif sheet is not None:
        standing = Standing.SUBMITTED
    elif pair in inputs.other_sheets:
        standing = Standing.NO_SUBMITTED_SHEET
    else:
        standing = Standing.ABSENT
    counted = standing is Standing.SUBMITTED and sheet is not None
    return Participant(
        expert_id=expert.id,
        role=expert.role,
        weight=rule.weight_of(expert.role),
        standing=standing,
        sheet_version=sheet.version if counted and sheet is not None else None,
        recommendation=sheet.recommendation if counted and sheet is not None else None,
        recusal_reason=inputs.recused.get(pair, ""),
    )


def _scores(sheet: ScoreSheet, rubric: Rubric) -> list[Fraction]:
    """The sheet's scores in rubric order, exactly.

    The expert's total is Σ score × weight / max_points over these, computed in Fraction
    (``Factor.weighted`` divides in Decimal, which could round).
    """
    by_factor = {s.factor: s.score for s in sheet.scores}
    values: list[Fraction] = []
    for factor in rubric.factors:
        score = by_factor.get(factor.key)
        assert score is not None  # checked in _check_scores
        values.append(Fraction(score))
    return values


def _figure(
    subject: str,
    values: Mapping[ExpertId, Fraction],
    participants: Sequence[Participant],
    inputs: _Inputs,
    rule: ConsolidationRule,
) -> Figure:
    entries = [
        Entry(p.expert_id, values[p.expert_id], p.weight)
        for p in participants
        if p.expert_id in values
    ]
    count = len(entries)
    low = high = None
    ties: tuple[Msg, ...] = ()
    fell_back = False
    if rule.method is Method.MEDIAN:
        method = Method.MEDIAN
        exact = arithmetic.median(entries)
        explanation = explain.median(
            count, arithmetic.median_entries(entries), inputs.names, rule.decimals
        )
    elif rule.method is Method.TRIMMED_MEAN and count >= rule.trim_min_experts:
        method = Method.TRIMMED_MEAN
        low, high, rest = arithmetic.trim(entries)
        exact = arithmetic.weighted_mean(rest)
        explanation = explain.trimmed(count, low, high, inputs.names, rule.decimals)
        ties = explain.ties(low, high, entries, inputs.names, rule.decimals)
    else:
        # The rule's mean, or a trimmed mean falling back (REFUSE never gets here).
        method = Method.MEAN
        fell_back = rule.method is Method.TRIMMED_MEAN
        exact = arithmetic.weighted_mean(entries)
        explanation = (
            explain.fell_back(rule.trim_min_experts, count) if fell_back else explain.mean(count)
        )
    if method is not Method.MEDIAN:
        explanation = explain.with_weights(explanation, rule.role_weights)

    def inclusion(p: Participant) -> Inclusion:
        if p.standing is not Standing.SUBMITTED:
            return _STANDING_TO_INCLUSION[p.standing]
        if low is not None and p.expert_id == low.expert_id:
            return Inclusion.TRIMMED_LOW
        if high is not None and p.expert_id == high.expert_id:
            return Inclusion.TRIMMED_HIGH
        return Inclusion.INCLUDED

    return Figure(
        subject=subject,
        exact=exact,
        presented=arithmetic.present(exact, rule.decimals),
        method_applied=method,
        fell_back=fell_back,
        inputs=tuple(
            FigureInput(p.expert_id, p.role, values.get(p.expert_id), p.weight, inclusion(p))
            for p in participants
        ),
        spread=arithmetic.spread(entries),
        spread_limit=rule.dispersion_limits.limit_for(subject),
        explanation=explanation,
        note=explain.TOTAL_NOTE if subject == TOTAL else None,
        ties=ties,
    )


def _vote(participants: Sequence[Participant], rule: ConsolidationRule) -> VoteTally:
    def count(standing: Standing, recommendation: Recommendation | None = None) -> int:
        return sum(
            1
            for p in participants
            if p.standing is standing
            and (standing is not Standing.SUBMITTED or p.recommendation is recommendation)
        )

    recommend = count(Standing.SUBMITTED, Recommendation.RECOMMEND)
    conditions = count(Standing.SUBMITTED, Recommendation.RECOMMEND_WITH_CONDITIONS)
    recused = count(Standing.RECUSED)
    eligible = len(participants) - recused
    votes_for = recommend + (conditions if rule.conditions_count_for else 0)
    # votes/eligible >= t  <=>  votes >= t*eligible  <=>  votes >= ceil(t*eligible)
    needed = math.ceil(rule.vote_threshold * eligible)
    passed = eligible > 0 and votes_for >= needed
    return VoteTally(
        recommend=recommend,
        with_conditions=conditions,
        against=count(Standing.SUBMITTED, Recommendation.DO_NOT_RECOMMEND),
        no_recommendation=count(Standing.SUBMITTED, None),
        recused=recused,
        absent=count(Standing.ABSENT) + count(Standing.NO_SUBMITTED_SHEET),
        eligible=eligible,
        votes_for=votes_for,
        threshold=rule.vote_threshold,
        needed=needed,
        passed=passed,
        explanation=explain.vote(
            votes_for, eligible, needed, rule.vote_threshold, rule.conditions_count_for, passed
        ),
    )


# --- ranking -----------------------------------------------------------------------------


def _rank(
    results: Sequence[ApplicationResult],
    meeting: Meeting,
    rubric: Rubric,
    rule: ConsolidationRule,
) -> tuple[RankEntry, ...]:
    """Consolidated applications, by each tie-break figure (higher first), then hearing order.

    Hearing positions are unique, so no two applications share a rank.
    """
    keyed = [
        (tuple(r.figure(key).exact for key in rule.tie_break), r.hearing_position, r.application_id)
        for r in results
        if r.status is Status.CONSOLIDATED
    ]
    keyed.sort(key=lambda k: (tuple(-v for v in k[0]), k[1]))
    entries: list[RankEntry] = []
    for i, (keys, _position, app_id) in enumerate(keyed):
        decided_by: str | None = None
        explanation: Msg | None = None
        if i + 1 < len(keyed):
            next_keys, _next_position, next_id = keyed[i + 1]
            decided_by = next(
                (key for key, a, b in zip(rule.tie_break, keys, next_keys, strict=True) if a != b),
                FINAL_TIE_BREAK,
            )
            explanation = explain.ranked_above(decided_by, meeting.application(next_id), rubric)
        entries.append(RankEntry(i + 1, app_id, keys, decided_by, explanation))
    return tuple(entries)


def _with_rank(result: ApplicationResult, rank: int | None) -> ApplicationResult:
    return result if rank is None else replace(result, rank=rank)
