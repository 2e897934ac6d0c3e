"""Hand-worked examples: every expected number below was computed by hand, not by the engine.

The default rubric weighs each factor 25 of 25 points, so an expert's total is the sum of
their four scores; :func:`helpers.sheet` with one number gives it to concept_logic and 20
to each other factor (total = score + 60).
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest

from app.consolidation import (
    ConsolidationInputError,
    ConsolidationRule,
    DispersionLimits,
    Fallback,
    Inclusion,
    MeetingResult,
    Method,
    RoleWeights,
    Standing,
    Status,
    consolidate,
    result_to_document,
)
from app.consolidation.arithmetic import present
from app.domain.ids import ApplicationId, ExpertId, FactorKey, MeetingId
from app.domain.meeting import ExpertRole, Meeting
from app.domain.sheet import ConflictDeclaration, FactorScore, ScoreSheet, SheetStatus
from app.formats.canonical_json import dumps_canonical

from .helpers import C, N, R, expert, meeting, recusal, rubric, sheet

CL = "concept_logic"
MEAN = ConsolidationRule(method=Method.MEAN)


def run(
    m: Meeting,
    sheets: list[ScoreSheet],
    rule: ConsolidationRule | None = None,
    recusals: list[ConflictDeclaration] | None = None,
    round_: int = 1,
) -> MeetingResult:
    return consolidate(m, rubric(), sheets, recusals or [], rule or ConsolidationRule(), round_)


def scored(values: list[int | str], app: str = "a1") -> list[ScoreSheet]:
    return [sheet(f"e{i:02d}", app, v) for i, v in enumerate(values, start=1)]


# --- methods -------------------------------------------------------------------------------


def test_trimmed_mean_of_five_drops_highest_and_lowest() -> None:
    result = run(meeting(5), scored([20, 21, 22, 23, 24])).application("a1")
    figure = result.figure(CL)
    assert figure.exact == 22  # (21 + 22 + 23) / 3
    assert figure.presented == Decimal("22.00")
    assert figure.method_applied is Method.TRIMMED_MEAN and not figure.fell_back
    assert [i.inclusion for i in figure.inputs] == [
        Inclusion.TRIMMED_LOW,
        Inclusion.INCLUDED,
        Inclusion.INCLUDED,
        Inclusion.INCLUDED,
        Inclusion.TRIMMED_HIGH,
    ]
    assert result.total is not None and result.total.exact == 82  # totals 80..84
    assert result.figure("unit_capability").exact == 20
    assert figure.explanation.in_language("en") == (
        "Trimmed mean of 5 scores: highest (Expert e05, 24) and lowest (Expert e01, 20) "
        "dropped, mean of the other 3."
    )


def test_trimmed_mean_of_seven() -> None:
    figure = run(meeting(7), scored([15, 18, 20, 20, 22, 23, 24])).application("a1").figure(CL)
    assert figure.exact == Fraction(103, 5)  # (18 + 20 + 20 + 22 + 23) / 5 = 20.6
    assert figure.presented == Decimal("20.60")


def test_trimmed_mean_falls_back_to_the_mean_and_says_so() -> None:
    figure = run(meeting(4), scored([20, 21, 22, 24])).application("a1").figure(CL)
    assert figure.exact == Fraction(87, 4)  # 21.75
    assert figure.method_applied is Method.MEAN and figure.fell_back
    assert all(i.inclusion is Inclusion.INCLUDED for i in figure.inputs)
    assert figure.explanation.in_language("en") == (
        "Trimmed mean needs at least 5 scores; 4 were counted, so the mean of all 4 was used."
    )


def test_trimmed_mean_refuses_when_the_rule_says_so() -> None:
    rule = ConsolidationRule(fallback=Fallback.REFUSE)
    result = run(meeting(4), scored([20, 21, 22, 24]), rule).application("a1")
    assert result.status is Status.REFUSED_BY_RULE
    assert result.figures == () and result.rank is None
    assert result.reason is not None
    assert result.reason.in_language("en") == (
        "Trimmed mean needs at least 5 scores; application Platform 1 has 4."
    )


def test_trim_threshold_is_configurable() -> None:
    rule = ConsolidationRule(trim_min_experts=3)
    figure = run(meeting(3), scored([10, 20, 24]), rule).application("a1").figure(CL)
    assert figure.exact == 20 and not figure.fell_back


def test_median_of_odd_count_is_the_middle_value() -> None:
    rule = ConsolidationRule(method=Method.MEDIAN)
    figure = run(meeting(3), scored([20, 24, 21]), rule).application("a1").figure(CL)
    assert figure.exact == 21


@pytest.mark.parametrize(
    ("values", "expected"),
    [([20, 21, 23, 24], Fraction(22)), ([20, 21, 22, 24], Fraction(43, 2))],
)
def test_median_of_even_count_is_the_mean_of_the_middle_two(
    values: list[int | str], expected: Fraction
) -> None:
    rule = ConsolidationRule(method=Method.MEDIAN)
    figure = run(meeting(4), scored(values), rule).application("a1").figure(CL)
    assert figure.exact == expected
    assert "mean of the two middle values" in figure.explanation.in_language("en")


def test_plain_mean() -> None:
    figure = run(meeting(3), scored([20, 21, "22.5"]), MEAN).application("a1").figure(CL)
    assert figure.exact == Fraction(127, 6)  # 63.5 / 3 = 21.1666…
    assert figure.presented == Decimal("21.17")


def test_weighted_mean_overall_two_domain_one() -> None:
    m = meeting([expert("e01", ExpertRole.OVERALL), expert("e02"), expert("e03")])
    rule = ConsolidationRule(method=Method.MEAN, role_weights=RoleWeights(Decimal(2), Decimal(1)))
    figure = run(m, scored([24, 18, 21]), rule).application("a1").figure(CL)
    assert figure.exact == Fraction(87, 4)  # (2·24 + 18 + 21) / (2 + 1 + 1)
    assert [i.weight for i in figure.inputs] == [2, 1, 1]
    assert figure.explanation.in_language("en").endswith(
        "Weights: overall experts 2, domain experts 1."
    )


def test_weighted_trimmed_mean_trims_by_value_with_ties_broken_by_expert_id() -> None:
    o, d = ExpertRole.OVERALL, ExpertRole.DOMAIN
    m = meeting(
        [expert("e01", d), expert("e02", o), expert("e03", d), expert("e04", d), expert("e05", o)]
    )
    rule = ConsolidationRule(role_weights=RoleWeights(Decimal(2), Decimal(1)))
    figure = run(m, scored([20, 20, 22, 24, 24]), rule).application("a1").figure(CL)
    # Lowest 20s: e01 < e02, so e01 goes; highest 24s: e05 > e04, so e05 goes.
    # The rest: e02 (overall, 20, weight 2), e03 (22), e04 (24): (40 + 22 + 24) / 4.
    assert figure.exact == Fraction(43, 2)
    inclusion: dict[str, Inclusion] = {i.expert_id: i.inclusion for i in figure.inputs}
    assert inclusion["e01"] is Inclusion.TRIMMED_LOW
    assert inclusion["e05"] is Inclusion.TRIMMED_HIGH


def test_total_is_consolidated_from_expert_totals_not_from_factor_figures() -> None:
    # Trimming drops different experts per factor, so the factor figures need not add up.
    values = [
        [20, 25, 20, 20],
        [21, 20, 21, 20],
        [22, 21, 22, 20],
        [23, 22, 23, 20],
        [25, 23, 24, 10],
    ]
    sheets = [sheet(f"e{i:02d}", "a1", v) for i, v in enumerate(values, start=1)]
    result = run(meeting(5), sheets).application("a1")
    # Expert totals 85, 82, 85, 88, 82: drop 82 (e02, the smaller id of the two 82s) and
    # 88 (e04): (85 + 85 + 82) / 3 = 84. Factor figures: 22, 22, 22 and 20 (sum 86).
    assert result.total is not None and result.total.exact == 84
    factor_sum = sum((f.exact for f in result.factors), Fraction(0))
    assert factor_sum == 22 + 22 + 22 + 20 and factor_sum != result.total.exact
    assert result.total.note is not None


# --- recusal, absence, votes ---------------------------------------------------------------


def test_recused_expert_is_out_of_averages_quorum_and_vote_even_with_a_sheet() -> None:
    sheets = [*scored([20, 21, 22, 23, 24]), sheet("e06", "a1", 5, N)]
    result = run(meeting(6), sheets, recusals=[recusal("e06", "a1")]).application("a1")
    assert result.figure(CL).exact == 22
    assert result.counted_sheets == 5
    assert result.vote.recused == 1 and result.vote.eligible == 5 and result.vote.against == 0
    e06 = result.participants[-1]
    assert e06.standing is Standing.RECUSED and e06.recusal_reason == "former employer"
    assert result.figure(CL).inputs[-1].inclusion is Inclusion.RECUSED
    assert result.figure(CL).inputs[-1].value is None


@pytest.mark.parametrize(
    ("recommendations", "roster", "passed", "needed"),
    [
        ([R, R, R, R, N, N], 6, True, 4),  # 4/6 == 2/3: exactly at the threshold passes
        ([R, R, R, N, N], 5, False, 4),  # 3/5 = 0.6 < 0.667
        ([R, C, R, C, N, N], 6, True, 4),  # conditions count for
        ([R, R, R, R], 6, True, 4),  # two absent: 4/6
        ([R, R, R, N], 6, False, 4),  # two absent count in the denominator: 3/6
    ],
)
def test_vote_threshold_two_thirds(
    recommendations: list[object], roster: int, passed: bool, needed: int
) -> None:
    sheets = [sheet(f"e{i:02d}", "a1", 20, rec) for i, rec in enumerate(recommendations, 1)]  # type: ignore[arg-type]
    vote = run(meeting(roster), sheets).application("a1").vote
    assert (vote.passed, vote.needed, vote.eligible) == (passed, needed, roster)
    assert vote.absent == roster - len(recommendations)


def test_recused_are_out_of_the_vote_denominator() -> None:
    sheets = [sheet(f"e{i:02d}", "a1", 20, r) for i, r in enumerate([R, R, R, R, N, N], 1)]
    vote = run(meeting(7), sheets, recusals=[recusal("e07", "a1")]).application("a1").vote
    assert (vote.votes_for, vote.eligible, vote.passed) == (4, 6, True)
    assert vote.explanation.in_language("en") == (
        "4 of 6 non-recused experts voted for (recommend, with or without conditions); "
        "4 needed at the threshold of 2/3: passed."
    )


def test_conditions_can_be_excluded_from_votes_for() -> None:
    sheets = [sheet(f"e{i:02d}", "a1", 20, r) for i, r in enumerate([R, R, R, C, N, N], 1)]
    rule = ConsolidationRule(conditions_count_for=False)
    vote = run(meeting(6), sheets, rule).application("a1").vote
    assert (vote.recommend, vote.with_conditions, vote.against) == (3, 1, 2)
    assert (vote.votes_for, vote.passed) == (3, False)


def test_everyone_recused_means_no_vote_and_no_figures() -> None:
    recusals = [recusal(f"e0{i}", "a1") for i in (1, 2, 3)]
    result = run(meeting(3), [], recusals=recusals).application("a1")
    assert result.status is Status.NOT_ENOUGH_SHEETS
    assert (result.vote.eligible, result.vote.passed, result.vote.needed) == (0, False, 0)


# --- quorum, dispersion ------------------------------------------------------------------


def test_quorum_not_met_leaves_the_application_unconsolidated() -> None:
    result = run(meeting(5), scored([20, 22])).application("a1")
    assert result.status is Status.NOT_ENOUGH_SHEETS and result.rank is None
    assert result.total is None and result.factors == ()
    assert result.reason is not None and result.reason.in_language("en") == (
        "Not consolidated: 2 submitted sheets from non-recused experts, fewer than the quorum of 3."
    )
    ok = run(meeting(5), scored([20, 22]), ConsolidationRule(quorum_min=2)).application("a1")
    assert ok.status is Status.CONSOLIDATED


@pytest.mark.parametrize(("top", "flagged"), [("24", False), ("24.5", True)])
def test_dispersion_flag_only_above_the_limit(top: str, flagged: bool) -> None:
    limits = DispersionLimits(factors=((FactorKey(CL), Decimal(4)),), total=Decimal(4))
    result = run(
        meeting(5), scored([20, 21, 22, 23, top]), ConsolidationRule(dispersion_limits=limits)
    ).application("a1")
    figure = result.figure(CL)
    assert figure.spread == Fraction(top) - 20  # counted before trimming
    assert figure.flagged is flagged
    assert result.total is not None and result.total.flagged is flagged
    assert result.figure("unit_capability").spread_limit is None
    assert {f.subject for f in result.flags} == ({CL, "total"} if flagged else set())


# --- ranking -----------------------------------------------------------------------------


def _app_sheets(app: str, concept: int, results: int) -> list[ScoreSheet]:
    return [sheet(f"e0{i}", app, [concept, 20, 20, results]) for i in (1, 2, 3)]


def test_ranking_uses_total_then_the_stated_factors_then_hearing_order() -> None:
    sheets = [
        *_app_sheets("a1", 20, 22),  # total 82, concept 20
        *_app_sheets("a2", 21, 21),  # total 82, concept 21
        *_app_sheets("a3", 22, 10),  # total 72
        *_app_sheets("a4", 20, 22),  # identical to a1: hearing order decides
        *_app_sheets("a5", 24, 24),  # total 88
    ]
    result = run(meeting(3, 5, positions=[2, 3, 4, 1, 5]), sheets, MEAN)
    assert [(r.rank, r.application_id, r.decided_by) for r in result.ranking] == [
        (1, "a5", "total"),
        (2, "a2", "concept_logic"),
        (3, "a4", "hearing_position"),  # a4 was heard first
        (4, "a1", "total"),
        (5, "a3", None),
    ]
    assert result.application("a4").rank == 3
    assert result.ranking[2].explanation is not None
    assert result.ranking[2].explanation.in_language("en") == (
        "Ranked above Platform 1 on the hearing order (earlier heard ranks higher)."
    )
    assert [a.application_id for a in result.applications] == ["a4", "a1", "a2", "a3", "a5"]


def test_unconsolidated_applications_are_not_ranked() -> None:
    sheets = [*_app_sheets("a1", 20, 20), sheet("e01", "a2", 25)]
    result = run(meeting(3, 2), sheets, MEAN)
    assert [r.application_id for r in result.ranking] == ["a1"]
    assert result.application("a2").rank is None


# --- which sheets count --------------------------------------------------------------------


def test_latest_submitted_version_counts_superseded_and_drafts_do_not() -> None:
    sheets = [
        sheet("e01", "a1", 10, version=1, status=SheetStatus.SUPERSEDED),
        sheet("e01", "a1", 22, version=2),
        sheet("e01", "a1", 5, version=3, status=SheetStatus.DRAFT),
        sheet("e02", "a1", 20),
        sheet("e03", "a1", 24),
        sheet("e04", "a1", 1, status=SheetStatus.DRAFT),
    ]
    result = run(meeting(4), sheets, MEAN).application("a1")
    assert result.figure(CL).exact == 22  # (22 + 20 + 24) / 3
    assert result.participants[0].sheet_version == 2
    assert result.participants[3].standing is Standing.NO_SUBMITTED_SHEET
    assert result.vote.absent == 1


def test_two_submitted_versions_the_higher_wins() -> None:
    sheets = [sheet("e01", "a1", 10, version=1), sheet("e01", "a1", 22, version=2)]
    result = run(meeting(1), sheets, ConsolidationRule(quorum_min=1)).application("a1")
    assert result.figure(CL).exact == 22


def test_only_the_requested_round_counts() -> None:
    sheets = [
        *scored([20, 20, 20]),
        *(sheet(f"e0{i}", "a1", 24, round_=2) for i in (1, 2, 3)),
    ]
    assert run(meeting(3), sheets, MEAN).application("a1").figure(CL).exact == 20
    assert run(meeting(3), sheets, MEAN, round_=2).application("a1").figure(CL).exact == 24
    assert (
        run(meeting(3), sheets, MEAN, round_=3).application("a1").status is Status.NOT_ENOUGH_SHEETS
    )


# --- inputs that contradict the meeting ------------------------------------------------------


GOOD = sheet("e01", "a1", 20)


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ([replace(GOOD, meeting_id=MeetingId("other"))], "belongs to meeting other"),
        ([replace(GOOD, expert_id=ExpertId("stranger"))], "not both in the meeting"),
        (
            [
                replace(
                    GOOD,
                    scores=(*GOOD.scores[:-1], FactorScore(FactorKey("expected_results"), None)),
                )
            ],
            "has no score for",
        ),
        ([GOOD, sheet("e01", "a1", 21)], "two submitted sheets with version 1"),
        (
            [replace(GOOD, scores=(*GOOD.scores, FactorScore(FactorKey("novelty"), Decimal(1))))],
            "unknown factor novelty",
        ),
    ],
)
def test_contradictory_sheets_are_refused(sheets: list[ScoreSheet], message: str) -> None:
    with pytest.raises(ConsolidationInputError, match=message):
        run(meeting(3), sheets)


def test_recusal_for_an_unknown_application_is_refused() -> None:
    bad = replace(recusal("e01", "a1"), application_id=ApplicationId("a9"))
    with pytest.raises(ConsolidationInputError, match="not both in the meeting"):
        run(meeting(3), [], recusals=[bad])


def test_rubric_must_be_the_meetings() -> None:
    with pytest.raises(ConsolidationInputError, match="uses rubric"):
        run(replace(meeting(3), rubric_id="other-rubric"), [])


def test_application_without_hearing_position_is_refused() -> None:
    m = meeting(3, 2)
    with pytest.raises(ConsolidationInputError, match="hearing order"):
        run(replace(m, agenda=m.agenda[:1]), [])


# --- presentation and determinism ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Fraction(67, 3), 2, "22.33"),
        (Fraction(22345, 1000), 2, "22.35"),
        (Fraction(22005, 1000), 2, "22.01"),
        (Fraction(2, 3), 0, "1"),
        (Fraction(1, 2), 0, "1"),
        (Fraction(22), 2, "22.00"),
        (Fraction(-5, 2), 0, "-3"),
        (Fraction(0), 2, "0.00"),
    ],
)
def test_presented_values_round_half_up_from_the_exact_value(
    value: Fraction, decimals: int, expected: str
) -> None:
    assert format(present(value, decimals), "f") == expected


def test_document_is_identical_for_shuffled_inputs() -> None:
    rng = random.Random(7)
    roster = [
        expert(f"e{i:02d}", ExpertRole.OVERALL if i % 3 == 0 else ExpertRole.DOMAIN)
        for i in range(1, 10)
    ]
    m = meeting(roster, 4)
    sheets = [
        sheet(e.id, f"a{a}", [rng.randrange(0, 51) / 2 for _ in range(4)], rng.choice([R, C, N]))  # type: ignore[misc]
        for e in roster
        for a in range(1, 5)
        if rng.random() < 0.85
    ]
    recusals = [recusal("e02", "a1"), recusal("e05", "a3"), recusal("e05", "a3", "another reason")]
    rule = ConsolidationRule(role_weights=RoleWeights(Decimal("1.5"), Decimal(1)))
    reference = dumps_canonical(
        result_to_document(consolidate(m, rubric(), sheets, recusals, rule, 1))
    )
    for _ in range(5):
        rng.shuffle(sheets)
        rng.shuffle(recusals)
        shuffled = replace(m, experts=tuple(rng.sample(roster, len(roster))))
        again = consolidate(shuffled, rubric(), list(sheets), list(recusals), rule, 1)
        assert dumps_canonical(result_to_document(again)) == reference


def test_document_shape_for_one_figure() -> None:
    doc = result_to_document(run(meeting(5), scored([20, 21, 22, 23, 24])))
    figure = doc["applications"][0]["figures"][1]
    assert figure["subject"] == CL
    assert (figure["exact"], figure["presented"], figure["method_applied"]) == (
        "22/1",
        "22.00",
        "trimmed_mean",
    )
    assert figure["inputs"][0] == {
        "expert_id": "e01",
        "value": "20/1",
        "inclusion": "trimmed_low",
    }
    assert doc["ranking"] == [
        {"rank": 1, "application_id": "a1", "keys": ["82/1", "22/1", "20/1"], "decided_by": None}
    ]


def test_a_tie_at_an_end_says_which_equal_score_was_dropped_and_why() -> None:
    figure = run(meeting(5), scored([20, 20, 22, 24, 24])).application("a1").figure(CL)
    assert figure.explanation.in_language("en").startswith(
        "Trimmed mean of 5 scores: highest (Expert e05, 24) and lowest (Expert e01, 20) dropped"
    )
    said = " ".join(t.in_language("en") for t in figure.ties)
    assert (
        "2 experts gave the lowest value 20 (Expert e01, Expert e02); only one is dropped: "
        "Expert e01, whose expert id (e01) comes first, as the rule drops the smallest expert "
        "id among equal lowest values. Dropping any of them gives the same figure."
    ) in said
    assert (
        "2 experts gave the highest value 24 (Expert e04, Expert e05); only one is dropped: "
        "Expert e05, whose expert id (e05) comes last"
    ) in said
    assert "、" in figure.ties[0].in_language("zh_CN")  # names listed the Chinese way
    untied = run(meeting(5), scored([20, 21, 22, 23, 24])).application("a1").figure(CL)
    assert untied.ties == ()


def test_a_tie_between_unequal_weights_says_the_choice_changes_the_figure() -> None:
    o, d = ExpertRole.OVERALL, ExpertRole.DOMAIN
    m = meeting(
        [expert("e01", d), expert("e02", o), expert("e03", d), expert("e04", d), expert("e05", d)]
    )
    rule = ConsolidationRule(role_weights=RoleWeights(Decimal(2), Decimal(1)))
    figure = run(m, scored([20, 20, 22, 23, 24]), rule).application("a1").figure(CL)
    said = " ".join(t.in_language("en") for t in figure.ties)
    assert "Their weights differ, so which one is dropped changes the figure" in said
    assert "2 experts gave the highest value" not in said
