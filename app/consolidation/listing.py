"""A consolidated round as text: the rule, each application's inputs (every expert's score
per factor and own total), its figures with their explanations, and the ranking with the
flagged applications marked. ``review-desk secretary consolidate`` prints it; the console's
consolidation page shows the same sentences (:func:`rule_text`, :func:`flag_note`).

Lines are :class:`Msg` (or plain text for the figures' grid), translated when printed.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.consolidation.explain import NameList, Row, show
from app.consolidation.model import ApplicationResult, Figure, Inclusion, MeetingResult
from app.consolidation.rule import TOTAL, ConsolidationRule, Fallback, Method, decimal_text
from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import Expert
from app.domain.rubric import Rubric
from app.i18n import Localizable, LocalizedText, Msg

DROPPED_LOW = "↓"
DROPPED_HIGH = "↑"
FLAG = "⚑"


def subject_name(subject: str, rubric: Rubric) -> Msg | LocalizedText:
    """ "Total" or the factor's name."""
    if subject == TOTAL:
        return Msg.of("Total")
    try:
        return rubric.factor(subject).name
    except KeyError:
        return LocalizedText(subject, subject)


def rule_text(rule: ConsolidationRule, rubric: Rubric) -> tuple[Msg, ...]:
    """The rule in sentences: method, weights, quorum, vote, dispersion limits, ranking."""
    if rule.method is Method.TRIMMED_MEAN:
        otherwise = (
            Msg.of("the mean of all")
            if rule.fallback is Fallback.MEAN
            else Msg.of("not consolidated")
        )
        method = Msg.of(
            "Trimmed mean: with at least {minimum} scores the highest and the lowest are "
            "dropped (among equal values, the smallest expert id at the low end and the "
            "largest at the high end) and the rest averaged; with fewer, {otherwise}.",
            minimum=rule.trim_min_experts,
            otherwise=otherwise,
        )
    elif rule.method is Method.MEDIAN:
        method = Msg.of("Median of the scores (the mean of the two middle ones when even).")
    else:
        method = Msg.of("Mean of the scores.")
    weights = (
        Msg.of("Every counted score has the same weight.")
        if rule.role_weights is None
        else Msg.of(
            "Weights: overall experts {overall}, domain experts {domain}.",
            overall=decimal_text(rule.role_weights.overall),
            domain=decimal_text(rule.role_weights.domain),
        )
    )
    counted = (
        Msg.of("recommend, with or without conditions")
        if rule.conditions_count_for
        else Msg.of("recommend without conditions only")
    )
    vote = Msg.of(
        "Quorum: {quorum} submitted sheets of non-recused experts. Recommended when at "
        "least {threshold} of the non-recused experts vote for ({counted}).",
        quorum=rule.quorum_min,
        threshold=f"{rule.vote_threshold.numerator}/{rule.vote_threshold.denominator}",
        counted=counted,
    )
    limits = [
        Msg.of("{subject} {limit}", subject=subject_name(key, rubric), limit=decimal_text(value))
        for key, value in (
            *(((TOTAL, rule.dispersion_limits.total),) if rule.dispersion_limits.total else ()),
            *rule.dispersion_limits.factors,
        )
    ]
    dispersion = (
        Msg.of(
            "Flagged for disagreement when the spread (highest minus lowest score) is above: "
            "{limits}.",
            limits=NameList(tuple(limits)),
        )
        if limits
        else Msg.of("No dispersion limits: no figure is flagged.")
    )
    order: tuple[Localizable, ...] = (
        *(subject_name(key, rubric) for key in rule.tie_break),
        Msg.of("the hearing order (earlier heard ranks higher)"),
    )
    ranking = Msg.of(
        "Ranking: higher first on {keys}, in turn. Figures rounded half up to {decimals} "
        "decimals for display; comparisons use exact values.",
        keys=NameList(order),
        decimals=rule.decimals,
    )
    return (method, weights, vote, dispersion, ranking)


def flag_note(result: ApplicationResult, rubric: Rubric) -> Msg | None:
    """Which figures of ``result`` are flagged for disagreement; None when none is."""
    if not result.flags:
        return None
    return Msg.of(
        "Flagged: experts disagree on {figures}.",
        figures=NameList(tuple(subject_name(f.subject, rubric) for f in result.flags)),
    )


def _value(figure: Figure, expert_id: ExpertId, decimals: int) -> str:
    for item in figure.inputs:
        if item.expert_id == expert_id:
            if item.value is None:
                return "—"
            mark = {Inclusion.TRIMMED_LOW: DROPPED_LOW, Inclusion.TRIMMED_HIGH: DROPPED_HIGH}
            return show(item.value, decimals) + mark.get(item.inclusion, "")
    return "—"


def application_lines(
    result: ApplicationResult,
    rubric: Rubric,
    experts: Mapping[ExpertId, Expert],
    decimals: int,
) -> list[Line]:
    """One application's inputs grid (an expert a row, a factor and the total a column) and
    its figures with their explanations."""
    lines: list[Line] = []
    if result.reason is not None:
        lines.append(result.reason)
    figures = [*result.factors, *([result.total] if result.total is not None else [])]
    if not figures:
        return lines
    lines.append(
        Msg.of(
            "Inputs ({low} dropped as the lowest, {high} as the highest, — no score):",
            low=DROPPED_LOW,
            high=DROPPED_HIGH,
        )
    )
    header = [Msg.of("Expert"), *(subject_name(f.subject, rubric) for f in figures)]
    lines.append(Row(tuple(header), "\t"))
    for participant in result.participants:
        expert = experts.get(participant.expert_id)
        who: tuple[Localizable | str, ...] = (
            (participant.expert_id, expert.name) if expert is not None else (participant.expert_id,)
        )
        cells: list[Localizable | str] = [Row(who, " ")]
        cells += [_value(f, participant.expert_id, decimals) for f in figures]
        lines.append(Row(tuple(cells), "\t"))
    lines.append(Msg.of("Figures:"))
    for figure in figures:
        lines.append(
            Msg.of(
                "{subject}: {figure} — {explanation}",
                subject=subject_name(figure.subject, rubric),
                figure=str(figure.presented),
                explanation=figure.explanation,
            )
        )
        lines += ["  " + str(tie) for tie in figure.ties]
        if figure.flagged:
            lines.append(
                Msg.of(
                    "{flag} Flagged: the spread {spread} is above the limit {limit}.",
                    flag=FLAG,
                    spread=show(figure.spread, decimals),
                    limit=str(figure.spread_limit),
                )
            )
    return lines


Line = Msg | Row | str


def ranking_lines(
    result: MeetingResult, rubric: Rubric, names: Mapping[ApplicationId, LocalizedText]
) -> list[Msg]:
    """The ranking, a line per application: rank, name, total, why above the next, flags."""
    lines = []
    for entry in result.ranking:
        application = result.application(entry.application_id)
        total = application.total
        parts: list[Localizable | str] = []
        if entry.explanation is not None:
            parts.append(entry.explanation)
        flagged = flag_note(application, rubric)
        if flagged is not None:
            parts.append(Row((FLAG, flagged), " "))
        shown = Row((entry.application_id, names.get(entry.application_id, "")), " ")
        figure = str(total.presented) if total is not None else "—"
        if parts:
            lines.append(
                Msg.of(
                    "{rank}. {application}: {total}. {notes}",
                    rank=entry.rank,
                    application=shown,
                    total=figure,
                    notes=Row(tuple(parts), " ", ""),
                )
            )
        else:
            lines.append(
                Msg.of(
                    "{rank}. {application}: {total}.",
                    rank=entry.rank,
                    application=shown,
                    total=figure,
                )
            )
    return lines
