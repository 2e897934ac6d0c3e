"""Words shared by the PDF report, the sheet PDF and the workbook, in the report's language.

Every string is a :class:`Msg` translated with the *document's* language, never the UI's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from app.consolidation.arithmetic import present_text
from app.consolidation.model import ApplicationResult
from app.consolidation.rule import TOTAL, ConsolidationRule, Method
from app.domain.meeting import Expert
from app.domain.rubric import Rubric
from app.domain.sheet import Recommendation, ScoreSheet
from app.i18n import LocalizedText, Msg

DASH = "—"


def method_name(method: Method) -> Msg:
    return {
        Method.MEAN: Msg.of("mean"),
        Method.TRIMMED_MEAN: Msg.of("trimmed mean (highest and lowest dropped)"),
        Method.MEDIAN: Msg.of("median"),
    }[method]


def rule_summary(rule: ConsolidationRule) -> Msg:
    return Msg.of(
        "Figures: {method}, rounded half up to {decimals} decimals; quorum {quorum} sheets; "
        "recommended when at least {threshold} of the non-recused experts vote for.",
        method=method_name(rule.method),
        decimals=rule.decimals,
        quorum=rule.quorum_min,
        threshold=f"{rule.vote_threshold.numerator}/{rule.vote_threshold.denominator}",
    )


def subject_name(subject: str, rubric: Rubric) -> Msg | LocalizedText:
    """ "Total" or the factor's name (a figure's subject is ``"total"`` or a factor key)."""
    return Msg.of("Total") if subject == TOTAL else rubric.factor(subject).name


def subject_max(subject: str, rubric: Rubric) -> Decimal:
    return rubric.total_weight if subject == TOTAL else rubric.factor(subject).max_points


def role_text(expert: Expert) -> Msg:
    role = Msg.of(expert.role.label)
    return Msg.of("Chair, {role}", role=role) if expert.is_chair else role


def recommendation_text(recommendation: Recommendation | None) -> Msg:
    return Msg.of(recommendation.label) if recommendation else Msg.of("No recommendation")


def expert_total(sheet: ScoreSheet, rubric: Rubric) -> Fraction | None:
    """The expert's own weighted total (Σ score × weight / max), exactly as consolidated."""
    total = Fraction(0)
    for factor in rubric.factors:
        score = sheet.score_for(factor.key)
        if score is None or score.score is None:
            return None
        total += Fraction(score.score) * Fraction(factor.weight) / Fraction(factor.max_points)
    return total


def number_text(value: Fraction, decimals: int) -> str:
    return present_text(value, decimals)


def score_text(value: Decimal | None) -> str:
    return DASH if value is None else f"{value.normalize():f}"


def status_text(result: ApplicationResult) -> Msg:
    return Msg.of(result.status.label)


REPORT_ZONE = dt.timezone(dt.timedelta(hours=8), "CST")
"""The time zone of every time an official output prints: Beijing time (UTC+8, no daylight
saving), where the meetings are held. A fixed zone, not the machine's, because the chair's
machine and the ministry regenerate the report byte for byte from the signed results."""

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_text(day: dt.date, language: str) -> str:
    """2026年4月16日 in Chinese, 16 April 2026 in English."""
    if language == "zh_CN":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def local_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` (timezone-aware) in Beijing time."""
    return moment.astimezone(REPORT_ZONE)


def datetime_text(moment: dt.datetime, language: str) -> str:
    """2026年4月17日 01:30（北京时间）, or 17 April 2026, 01:30 (Beijing time, UTC+8)."""
    local = local_time(moment)
    day = date_text(local.date(), language)
    clock = f"{local:%H:%M}"
    zone = Msg.of("Beijing time").in_language(language)
    if language == "zh_CN":
        return f"{day} {clock}（{zone}）"
    return f"{day}, {clock} ({zone}, UTC+8)"
