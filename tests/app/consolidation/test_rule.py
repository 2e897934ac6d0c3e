"""The rule: built valid or not at all; its document form round-trips and is parsed strictly."""

from __future__ import annotations

import copy
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from app.consolidation import (
    ConsolidationRule,
    DispersionLimits,
    Fallback,
    Method,
    RoleWeights,
    RuleError,
    check_rule_for_rubric,
    parse_rule,
    rule_to_document,
)
from app.domain.ids import FactorKey
from app.formats.canonical_json import dumps_canonical, loads_strict

from .helpers import rubric

CUSTOM = ConsolidationRule(
    method=Method.MEAN,
    trim_min_experts=7,
    fallback=Fallback.REFUSE,
    role_weights=RoleWeights(overall=Decimal("2"), domain=Decimal("1.5")),
    vote_threshold=Fraction(3, 4),
    conditions_count_for=False,
    quorum_min=4,
    dispersion_limits=DispersionLimits(
        factors=(
            (FactorKey("concept_logic"), Decimal("5")),
            (FactorKey("plan_feasibility"), Decimal("4.5")),
        ),
        total=Decimal("15"),
    ),
    tie_break=("expected_results", "total"),
    decimals=3,
)


def test_default_rule_document_is_exactly_this() -> None:
    assert rule_to_document(ConsolidationRule()) == {
        "format": "review-desk/consolidation-rule",
        "version": 1,
        "method": "trimmed_mean",
        "trim_min_experts": 5,
        "fallback": "mean",
        "role_weights": None,
        "vote_threshold": "2/3",
        "conditions_count_for": True,
        "quorum_min": 3,
        "dispersion_limits": {"factors": {}, "total": None},
        "tie_break": ["total", "concept_logic", "expected_results"],
        "final_tie_break": "hearing_position",
        "decimals": 2,
        "rounding": "half_up",
        "total_basis": "per_expert_totals",
    }


@pytest.mark.parametrize("rule", [ConsolidationRule(), CUSTOM], ids=["default", "custom"])
def test_document_round_trips_through_canonical_json(rule: ConsolidationRule) -> None:
    raw = dumps_canonical(rule_to_document(rule))
    assert parse_rule(loads_strict(raw)) == rule
    assert dumps_canonical(rule_to_document(parse_rule(loads_strict(raw)))) == raw


def _doc(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(rule_to_document(CUSTOM))
    doc.update(changes)
    return doc


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        (_doc(format="something-else"), "format"),
        (_doc(version=2), "version"),
        (_doc(method="mode"), "method"),
        (_doc(trim_min_experts=2), "trim_min_experts"),
        (_doc(trim_min_experts=True), "trim_min_experts"),
        (_doc(trim_min_experts="5"), "trim_min_experts"),
        (_doc(fallback="median"), "fallback"),
        (_doc(role_weights={"overall": "0", "domain": "1"}), "role_weights.overall"),
        (_doc(role_weights={"overall": "2"}), "role_weights"),
        (_doc(role_weights={"overall": 2, "domain": "1"}), "role_weights.overall"),
        (_doc(role_weights={"overall": "1e2", "domain": "1"}), "role_weights.overall"),
        (_doc(vote_threshold="4/6"), "vote_threshold"),
        (_doc(vote_threshold="3/2"), "vote_threshold"),
        (_doc(vote_threshold="0/1"), "vote_threshold"),
        (_doc(vote_threshold="0.66"), "vote_threshold"),
        (_doc(conditions_count_for=1), "conditions_count_for"),
        (_doc(quorum_min=0), "quorum_min"),
        (_doc(quorum_min=3.0), "quorum_min"),
        (_doc(dispersion_limits={"factors": {}}), "dispersion_limits"),
        (
            _doc(dispersion_limits={"factors": {"x": "-1"}, "total": None}),
            "dispersion_limits.factors.x",
        ),
        (
            _doc(dispersion_limits={"factors": {"Bad": "1"}, "total": None}),
            "dispersion_limits.factors",
        ),
        (_doc(dispersion_limits={"factors": [], "total": None}), "dispersion_limits.factors"),
        (_doc(tie_break="total"), "tie_break"),
        (_doc(tie_break=["total", "total"]), "tie_break[1]"),
        (_doc(tie_break=[3]), "tie_break[0]"),
        (_doc(final_tie_break="random"), "final_tie_break"),
        (_doc(decimals=7), "decimals"),
        (_doc(rounding="half_even"), "rounding"),
        (_doc(total_basis="sum_of_factor_figures"), "total_basis"),
        (_doc(extra=1), "extra"),
        ([], "$"),
    ],
)
def test_parse_names_the_bad_field(doc: Any, field: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(doc)
    assert caught.value.field == field
    assert field in caught.value.in_language("en")


def test_parse_refuses_a_missing_field() -> None:
    doc = _doc()
    del doc["quorum_min"]
    with pytest.raises(RuleError, match="quorum_min: this field is missing"):
        parse_rule(doc)


def test_median_with_unequal_weights_cannot_apply() -> None:
    with pytest.raises(RuleError, match="median cannot apply unequal role weights") as caught:
        ConsolidationRule(method=Method.MEDIAN, role_weights=RoleWeights(Decimal(2), Decimal(1)))
    assert caught.value.field == "role_weights"
    # Equal weights change nothing, so the median accepts them.
    ConsolidationRule(method=Method.MEDIAN, role_weights=RoleWeights(Decimal(2), Decimal(2)))


def test_rule_naming_a_factor_the_rubric_lacks_is_refused() -> None:
    with pytest.raises(RuleError) as caught:
        check_rule_for_rubric(ConsolidationRule(tie_break=("total", "novelty")), rubric())
    assert caught.value.field == "tie_break[1]"
    limits = DispersionLimits(factors=((FactorKey("novelty"), Decimal(1)),))
    with pytest.raises(RuleError):
        check_rule_for_rubric(ConsolidationRule(dispersion_limits=limits), rubric())
    check_rule_for_rubric(CUSTOM, rubric())


def test_unsorted_or_duplicate_limits_are_refused() -> None:
    with pytest.raises(RuleError):
        ConsolidationRule(
            dispersion_limits=DispersionLimits(
                factors=((FactorKey("b"), Decimal(1)), (FactorKey("a"), Decimal(1)))
            )
        )
