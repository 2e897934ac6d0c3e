"""The translated sentences that explain each figure, vote, refusal and ranking step.

Kept apart from the arithmetic so the wording can change without touching a number. The
result document carries the same facts as data (inputs, method applied, trimmed experts),
never these sentences, so a reworded translation cannot change the bytes the ministry
compares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from app.consolidation.arithmetic import Entry, exact_decimal_text, is_terminating, present_text
from app.consolidation.rule import FINAL_TIE_BREAK, TOTAL, RoleWeights, decimal_text
from app.domain.ids import ExpertId
from app.domain.meeting import Application, Expert
from app.domain.rubric import Rubric
from app.i18n import Localizable, LocalizedText, Msg, current_language

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


@dataclass(frozen=True)
class NameList:
    """Names joined as each language lists them ("A, B" / "A、B")."""

    names: tuple[Localizable, ...]

    def in_language(self, language: str) -> str:
        separator = "、" if language.startswith("zh") else ", "
        return separator.join(n.in_language(language) for n in self.names)


@dataclass(frozen=True)
class Row:
    """Cells joined by ``separator``, each in the language printed; ``zh_separator`` (when
    given) joins them in Chinese (sentences: "" instead of a space)."""

    cells: tuple[Localizable | str, ...]
    separator: str
    zh_separator: str | None = None

    def __str__(self) -> str:
        return self.in_language(current_language())

    def in_language(self, language: str) -> str:
        separator = self.separator
        if self.zh_separator is not None and language.startswith("zh"):
            separator = self.zh_separator
        return separator.join(
            c if isinstance(c, str) else c.in_language(language) for c in self.cells
        )


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


def ties(
    low: Entry, high: Entry, entries: Sequence[Entry], names: Names, decimals: int
) -> tuple[Msg, ...]:
    """For each trimmed end where several experts gave the dropped value, which of them was
    dropped and why (``entries``: every counted value)."""
    found = (
        tie_at_end(low, entries, names, decimals, lowest=True),
        tie_at_end(high, entries, names, decimals, lowest=False),
    )
    return tuple(m for m in found if m is not None)


def tie_at_end(
    dropped: Entry, entries: Sequence[Entry], names: Names, decimals: int, *, lowest: bool
) -> Msg | None:
    """Why ``dropped`` and not another expert with the same value: equal values are ordered
    by expert id, so the smallest id goes at the low end and the largest at the high end
    (never the order the sheets arrived in). None when no one else gave that value."""
    equal = [e for e in entries if e.value == dropped.value]
    if len(equal) < 2:
        return None
    params: dict[str, object] = {
        "count": len(equal),
        "value": show(dropped.value, decimals),
        "experts": NameList(tuple(_name(names, e.expert_id) for e in equal)),
        "expert": _name(names, dropped.expert_id),
        "id": dropped.expert_id,
    }
    same = all(e.weight == dropped.weight for e in equal)
    if lowest and same:
        return Msg.of(
            "{count} experts gave the lowest value {value} ({experts}); only one is dropped: "
            "{expert}, whose expert id ({id}) comes first, as the rule drops the smallest "
            "expert id among equal lowest values. Dropping any of them gives the same figure.",
            **params,
        )
    if lowest:
        return Msg.of(
            "{count} experts gave the lowest value {value} ({experts}); only one is dropped: "
            "{expert}, whose expert id ({id}) comes first, as the rule drops the smallest "
            "expert id among equal lowest values. Their weights differ, so which one is "
            "dropped changes the figure; the expert id decides it.",
            **params,
        )
    if same:
        return Msg.of(
            "{count} experts gave the highest value {value} ({experts}); only one is "
            "dropped: {expert}, whose expert id ({id}) comes last, as the rule drops the "
            "largest expert id among equal highest values. Dropping any of them gives the "
            "same figure.",
            **params,
        )
    return Msg.of(
        "{count} experts gave the highest value {value} ({experts}); only one is "
        "dropped: {expert}, whose expert id ({id}) comes last, as the rule drops the "
        "largest expert id among equal highest values. Their weights differ, so which one "
        "is dropped changes the figure; the expert id decides it.",
        **params,
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
