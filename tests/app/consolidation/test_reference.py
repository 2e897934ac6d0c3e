"""Property test: a deliberately plain reference implementation agrees with the engine.

The reference below shares no code with ``app.consolidation``: straightforward loops over
plain Fractions, integer arithmetic for rounding, and a comparison function for the ranking.
Random meetings (3-30 experts of both roles, 1-8 applications, scores on the rubric's 0.5
steps, recusals, absences, drafts, superseded versions, sheets of another round) and random
rules must give the same figures, presented values, flags, trims, votes, statuses and ranking.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.consolidation import (
    ConsolidationRule,
    DispersionLimits,
    Fallback,
    Inclusion,
    Method,
    RoleWeights,
    Status,
    consolidate,
    result_to_document,
)
from app.domain.ids import FactorKey
from app.domain.meeting import ExpertRole, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ConflictDeclaration, Recommendation, ScoreSheet, SheetStatus
from app.formats.canonical_json import dumps_canonical

from .helpers import FACTORS, expert, meeting, recusal, rubric, sheet

# --- the reference ---------------------------------------------------------------------------


@dataclass
class RefFigure:
    exact: Fraction
    presented: str
    flagged: bool
    dropped_low: str | None
    dropped_high: str | None


@dataclass
class RefApp:
    status: str
    votes_for: int
    eligible: int
    passed: bool
    figures: dict[str, RefFigure]


def round_half_up(value: Fraction, decimals: int) -> str:
    """Non-negative values only (scores are never negative)."""
    quotient, remainder = divmod(value.numerator * 10**decimals, value.denominator)
    if 2 * remainder >= value.denominator:
        quotient += 1
    digits = str(quotient)
    if decimals == 0:
        return digits
    digits = digits.rjust(decimals + 1, "0")
    return digits[:-decimals] + "." + digits[-decimals:]


def reference(
    m: Meeting,
    rub: Rubric,
    sheets: list[ScoreSheet],
    recusals: list[ConflictDeclaration],
    rule: ConsolidationRule,
    round_: int,
) -> tuple[dict[str, RefApp], list[str]]:
    recused = set()
    for r in recusals:
        if r.has_conflict:
            recused.add((r.expert_id, r.application_id))
    latest: dict[tuple[str, str], ScoreSheet] = {}
    for s in sheets:
        if s.round != round_ or s.status != SheetStatus.SUBMITTED:
            continue
        key = (s.expert_id, s.application_id)
        if key not in latest or s.version > latest[key].version:
            latest[key] = s

    def weight(role: ExpertRole) -> Fraction:
        if rule.role_weights is None:
            return Fraction(1)
        if role == ExpertRole.OVERALL:
            return Fraction(str(rule.role_weights.overall))
        return Fraction(str(rule.role_weights.domain))

    apps: dict[str, RefApp] = {}
    for app in m.applications:
        counted = []
        votes_for = 0
        recused_count = 0
        for e in m.experts:
            if (e.id, app.id) in recused:
                recused_count += 1
                continue
            found = latest.get((e.id, app.id))
            if found is None:
                continue
            counted.append((e, found))
            if found.recommendation == Recommendation.RECOMMEND:
                votes_for += 1
            if (
                found.recommendation == Recommendation.RECOMMEND_WITH_CONDITIONS
                and rule.conditions_count_for
            ):
                votes_for += 1
        eligible = len(m.experts) - recused_count
        passed = eligible > 0 and Fraction(votes_for, eligible) >= rule.vote_threshold
        if len(counted) < rule.quorum_min:
            apps[app.id] = RefApp("not_enough_sheets", votes_for, eligible, passed, {})
            continue
        if (
            rule.method == Method.TRIMMED_MEAN
            and len(counted) < rule.trim_min_experts
            and rule.fallback == Fallback.REFUSE
        ):
            apps[app.id] = RefApp("refused_by_rule", votes_for, eligible, passed, {})
            continue
        figures = {}
        for subject in ["total", *FACTORS]:
            items = []  # (value, expert id, weight)
            for e, s in counted:
                if subject == "total":
                    value = Fraction(0)
                    for f in rub.factors:
                        score = next(x.score for x in s.scores if x.factor == f.key)
                        value += (
                            Fraction(str(score))
                            * Fraction(str(f.weight))
                            / Fraction(str(f.max_points))
                        )
                else:
                    value = Fraction(str(next(x.score for x in s.scores if x.factor == subject)))
                items.append((value, e.id, weight(e.role)))
            low = high = None
            if rule.method == Method.MEDIAN:
                values = sorted(v for v, _i, _w in items)
                n = len(values)
                if n % 2 == 1:
                    exact = values[n // 2]
                else:
                    exact = (values[n // 2 - 1] + values[n // 2]) / 2
            else:
                use = items
                if rule.method == Method.TRIMMED_MEAN and len(items) >= rule.trim_min_experts:
                    ordered = sorted(items, key=lambda t: (t[0], t[1]))
                    low, high = ordered[0][1], ordered[-1][1]
                    use = ordered[1:-1]
                top = Fraction(0)
                bottom = Fraction(0)
                for v, _i, w in use:
                    top += v * w
                    bottom += w
                exact = top / bottom
            limit = rule.dispersion_limits.limit_for(subject)
            values_all = [v for v, _i, _w in items]
            flagged = limit is not None and max(values_all) - min(values_all) > Fraction(str(limit))
            figures[subject] = RefFigure(
                exact, round_half_up(exact, rule.decimals), flagged, low, high
            )
        apps[app.id] = RefApp("consolidated", votes_for, eligible, passed, figures)

    position: dict[str, int] = {item.application_id: item.position for item in m.agenda}

    def compare(a: str, b: str) -> int:
        for key in rule.tie_break:
            x, y = apps[a].figures[key].exact, apps[b].figures[key].exact
            if x != y:
                return -1 if x > y else 1
        return position[a] - position[b]

    ranked = [a for a in apps if apps[a].status == "consolidated"]
    ranked.sort(key=functools.cmp_to_key(compare))
    return apps, ranked


# --- random meetings and rules -------------------------------------------------------------

HALF_STEPS = st.integers(min_value=0, max_value=50)
WEIGHTS = st.sampled_from(["0.5", "1", "1.5", "2", "3"])
# Mostly submitted; the rest exercise every way a pair can end up not counted.
PAIR_STATES = st.sampled_from(
    ["submitted"] * 6 + ["recused", "absent", "draft", "superseded", "other_round"]
)


@st.composite
def rules(draw: st.DrawFn) -> ConsolidationRule:
    method = draw(st.sampled_from(list(Method)))
    weights = None
    if draw(st.booleans()):
        overall = Decimal(draw(WEIGHTS))
        domain = overall if method is Method.MEDIAN else Decimal(draw(WEIGHTS))
        weights = RoleWeights(overall, domain)
    denominator = draw(st.integers(1, 10))
    limited = draw(st.lists(st.sampled_from(FACTORS), unique=True))
    subjects = ["total", *FACTORS]
    return ConsolidationRule(
        method=method,
        trim_min_experts=draw(st.integers(3, 8)),
        fallback=draw(st.sampled_from(list(Fallback))),
        role_weights=weights,
        vote_threshold=Fraction(draw(st.integers(1, denominator)), denominator),
        conditions_count_for=draw(st.booleans()),
        quorum_min=draw(st.integers(1, 6)),
        dispersion_limits=DispersionLimits(
            factors=tuple(sorted((FactorKey(k), Decimal(draw(HALF_STEPS)) / 2) for k in limited)),
            total=draw(st.none() | st.integers(0, 60).map(Decimal)),
        ),
        tie_break=tuple(draw(st.permutations(subjects))[: draw(st.integers(0, 5))]),
        decimals=draw(st.integers(0, 4)),
    )


@st.composite
def meetings(
    draw: st.DrawFn,
) -> tuple[Meeting, list[ScoreSheet], list[ConflictDeclaration]]:
    size = draw(st.integers(3, 30))
    roster = [expert(f"x{i:02d}", draw(st.sampled_from(list(ExpertRole)))) for i in range(size)]
    count = draw(st.integers(1, 8))
    m = meeting(roster, count, positions=draw(st.permutations(range(1, count + 1))))
    # A narrow band of scores now and then, so ties (and tie-breaks) really happen.
    base = draw(st.integers(0, 44))
    width = draw(st.sampled_from([1, 2, 6, 50]))
    score = st.integers(base, min(50, base + width)).map(lambda h: Decimal(h) / 2)
    sheets: list[ScoreSheet] = []
    recusals: list[ConflictDeclaration] = []
    for app in m.applications:
        for e in roster:
            state = draw(PAIR_STATES)
            scores = [draw(score) for _ in FACTORS]
            rec = draw(st.sampled_from(list(Recommendation)))
            if state == "recused":
                recusals.append(recusal(e.id, app.id))
                if draw(st.booleans()):  # a stray sheet must not count
                    sheets.append(sheet(e.id, app.id, scores, rec))
            elif state == "draft":
                sheets.append(sheet(e.id, app.id, scores, rec, status=SheetStatus.DRAFT))
            elif state == "superseded":
                old = [draw(score) for _ in FACTORS]
                sheets.append(sheet(e.id, app.id, old, rec, status=SheetStatus.SUPERSEDED))
                sheets.append(sheet(e.id, app.id, scores, rec, version=2))
            elif state == "other_round":
                sheets.append(sheet(e.id, app.id, scores, rec, round_=2))
                if draw(st.booleans()):
                    sheets.append(sheet(e.id, app.id, scores, rec))
            elif state == "submitted":
                sheets.append(sheet(e.id, app.id, scores, rec))
    return m, draw(st.permutations(sheets)), recusals


@settings(max_examples=300, derandomize=True, deadline=None)
@given(case=meetings(), rule=rules())
def test_engine_agrees_with_the_reference(case: Any, rule: ConsolidationRule) -> None:
    m, sheets, recusals = case
    expected_apps, expected_ranking = reference(m, rubric(), sheets, recusals, rule, 1)
    result = consolidate(m, rubric(), sheets, recusals, rule, 1)

    assert [r.application_id for r in result.ranking] == expected_ranking
    for app in result.applications:
        ref = expected_apps[app.application_id]
        assert app.status.value == ref.status
        assert (app.vote.votes_for, app.vote.eligible, app.vote.passed) == (
            ref.votes_for,
            ref.eligible,
            ref.passed,
        )
        assert (app.rank is not None) == (app.status is Status.CONSOLIDATED)
        assert {f.subject for f in app.figures} == set(ref.figures)
        for figure in app.figures:
            want = ref.figures[figure.subject]
            assert figure.exact == want.exact
            assert format(figure.presented, "f") == want.presented
            assert figure.flagged == want.flagged
            lows = [i.expert_id for i in figure.inputs if i.inclusion is Inclusion.TRIMMED_LOW]
            highs = [i.expert_id for i in figure.inputs if i.inclusion is Inclusion.TRIMMED_HIGH]
            assert lows == ([want.dropped_low] if want.dropped_low else [])
            assert highs == ([want.dropped_high] if want.dropped_high else [])
    dumps_canonical(result_to_document(result))  # always canonical-ready
