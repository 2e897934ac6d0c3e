"""Domain rules a score sheet must satisfy before it can be submitted and signed.

Each violation is a specific, translated message naming the factor or criterion, so the
expert can fix exactly what is wrong. The UI shows these inline; :func:`require_valid`
raises them together as one :class:`SheetInvalid`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from app.domain.rubric import Rubric
from app.domain.sheet import CriterionVerdict, Recommendation, ScoreSheet
from app.errors import ValidationError
from app.i18n import Msg


class ViolationCode(enum.Enum):
    SCORE_MISSING = "score_missing"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    SCORE_OFF_STEP = "score_off_step"
    COMMENT_REQUIRED = "comment_required"
    CRITERION_UNANSWERED = "criterion_unanswered"
    RECOMMENDATION_MISSING = "recommendation_missing"
    CONDITIONS_MISSING = "conditions_missing"
    OPINION_MISSING = "opinion_missing"
    UNKNOWN_FACTOR = "unknown_factor"


@dataclass(frozen=True)
class Violation:
    code: ViolationCode
    field: str
    """The factor or criterion key, or ``opinion`` / ``recommendation`` / ``conditions``."""
    message: Msg


class SheetInvalid(ValidationError):
    def __init__(self, violations: tuple[Violation, ...]) -> None:
        self.violations = violations
        lines = "\n".join(f"- {v.message.in_language('en')}" for v in violations)
        super().__init__(
            Msg.of("The sheet cannot be submitted yet:\n{problems}", problems=_Lines(violations)),
            Msg.of("Correct the marked fields, then submit again."),
        )
        self.args = (f"The sheet cannot be submitted yet:\n{lines}",)


@dataclass(frozen=True)
class _Lines:
    violations: tuple[Violation, ...]

    def in_language(self, language: str) -> str:
        return "\n".join(f"- {v.message.in_language(language)}" for v in self.violations)

    def __str__(self) -> str:
        return "\n".join(f"- {v.message}" for v in self.violations)


def check_score(rubric: Rubric, factor_key: str, score: Decimal) -> Violation | None:
    """Range and step check for one score, used both inline and on submit."""
    factor = rubric.factor(factor_key)
    if score < 0 or score > factor.max_points:
        return Violation(
            ViolationCode.SCORE_OUT_OF_RANGE,
            factor_key,
            Msg.of(
                "{factor}: {score} is outside 0 to {maximum}.",
                factor=factor.name,
                score=_fmt(score),
                maximum=_fmt(factor.max_points),
            ),
        )
    if factor.step and (score / factor.step) % 1 != 0:
        return Violation(
            ViolationCode.SCORE_OFF_STEP,
            factor_key,
            Msg.of(
                "{factor}: scores go in steps of {step}; {score} is not one of them.",
                factor=factor.name,
                step=_fmt(factor.step),
                score=_fmt(score),
            ),
        )
    return None


def validate_sheet(sheet: ScoreSheet, rubric: Rubric) -> tuple[Violation, ...]:
    """Every problem that stops ``sheet`` from being submitted, in rubric order."""
    problems: list[Violation] = []
    known = set(rubric.factor_keys())
    for given in sheet.scores:
        if given.factor not in known:
            problems.append(
                Violation(
                    ViolationCode.UNKNOWN_FACTOR,
                    given.factor,
                    Msg.of("The sheet scores an unknown factor: {key}.", key=given.factor),
                )
            )
    for criterion in rubric.criteria:
        answer = sheet.answer_for(criterion.key)
        if answer is None or answer.verdict is None:
            problems.append(
                Violation(
                    ViolationCode.CRITERION_UNANSWERED,
                    criterion.key,
                    Msg.of("Basic criterion not answered: {criterion}", criterion=criterion.text),
                )
            )
    for factor in rubric.factors:
        entry = sheet.score_for(factor.key)
        if entry is None or entry.score is None:
            problems.append(
                Violation(
                    ViolationCode.SCORE_MISSING,
                    factor.key,
                    Msg.of("{factor} has no score.", factor=factor.name),
                )
            )
            continue
        bad = check_score(rubric, factor.key, entry.score)
        if bad is not None:
            problems.append(bad)
            continue
        if rubric.is_extreme(entry.score, factor.max_points) and not entry.comment.strip():
            band = rubric.band_for(entry.score, factor.max_points)
            problems.append(
                Violation(
                    ViolationCode.COMMENT_REQUIRED,
                    factor.key,
                    Msg.of(
                        "{factor}: {score} is in the “{band}” band; explain it in a comment.",
                        factor=factor.name,
                        score=_fmt(entry.score),
                        band=band.name,
                    ),
                )
            )
    if not sheet.opinion.strip():
        problems.append(
            Violation(
                ViolationCode.OPINION_MISSING,
                "opinion",
                Msg.of("Write your overall opinion of the application."),
            )
        )
    if sheet.recommendation is None:
        problems.append(
            Violation(
                ViolationCode.RECOMMENDATION_MISSING,
                "recommendation",
                Msg.of("Choose a recommendation."),
            )
        )
    elif (
        sheet.recommendation is Recommendation.RECOMMEND_WITH_CONDITIONS
        and not sheet.conditions.strip()
    ):
        problems.append(
            Violation(
                ViolationCode.CONDITIONS_MISSING,
                "conditions",
                Msg.of("State the conditions of your recommendation."),
            )
        )
    return tuple(problems)


def require_valid(sheet: ScoreSheet, rubric: Rubric) -> None:
    problems = validate_sheet(sheet, rubric)
    if problems:
        raise SheetInvalid(problems)


def total_points(sheet: ScoreSheet, rubric: Rubric) -> Decimal | None:
    """The weighted total out of the rubric's total weight, or None while a factor is unscored."""
    total = Decimal(0)
    for factor in rubric.factors:
        entry = sheet.score_for(factor.key)
        if entry is None or entry.score is None:
            return None
        total += factor.weighted(entry.score)
    return total


def recommendation_against_band(
    sheet: ScoreSheet, rubric: Rubric, recommendation: Recommendation | None
) -> Msg | None:
    """What to ask when ``recommendation`` contradicts the sheet's total: a recommendation
    (with or without conditions) for a total in the bottom band, or "do not recommend" for
    one in the top band. None when they agree or a factor is still unscored."""
    total = total_points(sheet, rubric)
    if total is None or recommendation is None:
        return None
    band = rubric.band_for(total, rubric.total_weight)
    recommends = recommendation is not Recommendation.DO_NOT_RECOMMEND
    if recommends and band.key == rubric.bands[-1].key:
        leaning = Msg.of("the lowest band")
    elif not recommends and band.key == rubric.bands[0].key:
        leaning = Msg.of("the highest band")
    else:
        return None
    return Msg.of(
        "Your total is {total} of {maximum}, in {leaning} (“{band}”), but you chose "
        "“{recommendation}”. Keep this recommendation?",
        total=_fmt(total.quantize(Decimal("0.01"))),
        maximum=_fmt(rubric.total_weight),
        leaning=leaning,
        band=band.name,
        recommendation=Msg.of(recommendation.label),
    )


def criteria_all_met(sheet: ScoreSheet) -> bool:
    return all(c.verdict is CriterionVerdict.MET for c in sheet.criteria)


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text
