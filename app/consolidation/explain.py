"""The translated sentences that explain each figure, vote, refusal and ranking step.

Kept apart from the arithmetic so the wording can change without touching a number. The
result document carries the same facts as data (inputs, method applied, trimmed experts),
never these sentences, so a reworded translation cannot change the bytes the ministry
compares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from app.consolidation.arithmetic import Entry, exact_decimal_text, is_terminating, present_text
from app.consolidation.rule import FINAL_TIE_BREAK, TOTAL, RoleWeights, decimal_text
from app.domain.ids import ExpertId
from app.domain.meeting import Application, Expert
from app.domain.rubric import Rubric
from app.i18n import LocalizedText, Msg

Names = Mapping[ExpertId, Expert]

TOTAL_NOTE = Msg.of(
    "The total is consolidated from each expert's own weighted total by the same rule; the "
    "factor figures are consolidated separately, so they need not add up to the total."
)


def show(value: Fraction, decimals: int) -> str:
    """The exact decimal when it has one (``22.5``), else the rounded value marked ``≈``."""
    if is_terminating(value):
        return exact_decimal_text(value)
    return "≈" + present_text(value, decimals)


def _name(names: Names, expert_id: ExpertId) -> LocalizedText:
    return names[expert_id].name


def mean(count: int) -> Msg:
    return Msg.of("Mean of {count} scores.", count=count)


def trimmed(count: int, low: Entry, high: Entry, names: Names, decimals: int) -> Msg:
    return Msg.of(
        "Trimmed mean of {count} scores: highest ({high_expert}, {high_value}) and lowest "
        "({low_expert}, {low_value}) dropped, mean of the other {rest}.",
        count=count,
        high_expert=_name(names, high.expert_id),
        high_value=show(high.value, decimals),
        low_expert=_name(names, low.expert_id),
        low_value=show(low.value, decimals),
        rest=count - 2,
    )


def fell_back(minimum: int, count: int) -> Msg:
    return Msg.of(
        "Trimmed mean needs at least {minimum} scores; {count} were counted, so the mean of "
        "all {count} was used.",
        minimum=minimum,
        count=count,
    )


def median(count: int, middle: Sequence[Entry], names: Names, decimals: int) -> Msg:
    if len(middle) == 1:
        return Msg.of(
            "Median of {count} scores: the middle value ({expert}, {value}).",
            count=count,
            expert=_name(names, middle[0].expert_id),
            value=show(middle[0].value, decimals),
        )
    low, high = middle
    return Msg.of(
        "Median of {count} scores: the mean of the two middle values ({low_expert}, "
        "{low_value}) and ({high_expert}, {high_value}).",
        count=count,
        low_expert=_name(names, low.expert_id),
        low_value=show(low.value, decimals),
        high_expert=_name(names, high.expert_id),
        high_value=show(high.value, decimals),
    )


def with_weights(explanation: Msg, weights: RoleWeights | None) -> Msg:
    if weights is None:
        return explanation
    return Msg.of(
        "{explanation} Weights: overall experts {overall}, domain experts {domain}.",
        explanation=explanation,
        overall=decimal_text(weights.overall),
        domain=decimal_text(weights.domain),
    )


def vote(
    votes_for: int,
    eligible: int,
    needed: int,
    threshold: Fraction,
    conditions_count_for: bool,
    passed: bool,
) -> Msg:
    if eligible == 0:
        return Msg.of("Every expert on the roster is recused from this application; no vote.")
    counted = (
        Msg.of("recommend, with or without conditions")
        if conditions_count_for
        else Msg.of("recommend without conditions only")
    )
    return Msg.of(
        "{votes} of {eligible} non-recused experts voted for ({counted}); {needed} needed at "
        "the threshold of {threshold}: {outcome}.",
        votes=votes_for,
        eligible=eligible,
        counted=counted,
        needed=needed,
        threshold=f"{threshold.numerator}/{threshold.denominator}",
        outcome=Msg.of("passed") if passed else Msg.of("not passed"),
    )


def not_enough_sheets(count: int, quorum: int) -> Msg:
    return Msg.of(
        "Not consolidated: {count} submitted sheets from non-recused experts, fewer than the "
        "quorum of {quorum}.",
        count=count,
        quorum=quorum,
    )


def refused(minimum: int, application: Application, count: int) -> Msg:
    return Msg.of(
        "Trimmed mean needs at least {minimum} scores; application {application} has {count}.",
        minimum=minimum,
        application=application.platform_name,
        count=count,
    )


def ranked_above(decided_by: str, below: Application, rubric: Rubric) -> Msg:
    if decided_by == FINAL_TIE_BREAK:
        criterion: Msg | LocalizedText = Msg.of("the hearing order (earlier heard ranks higher)")
    elif decided_by == TOTAL:
        criterion = Msg.of("the total")
    else:
        criterion = rubric.factor(decided_by).name
    return Msg.of(
        "Ranked above {application} on {criterion}.",
        application=below.platform_name,
        criterion=criterion,
    )
