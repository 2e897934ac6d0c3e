"""The consolidation rule as data, and its JSON document form for the result bundle.

A meeting chooses its rule before consolidating and the result bundle carries it, so the
ministry recomputes every figure with exactly the same rule. The rule is validated when it
is built (an invalid rule cannot exist) and :func:`parse_rule` checks every field of the
document form, naming the field; ``parse_rule(rule_to_document(r)) == r``.

Numbers in the document are strings: decimals as ``"2.5"`` and exact fractions as ``"2/3"``,
so no reader ever rounds a binary float. See ``docs/consolidation.md`` for the arithmetic.
"""

from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

from app.consolidation.errors import RuleError
from app.domain.ids import FactorKey
from app.domain.meeting import ExpertRole
from app.domain.rubric import Rubric
from app.formats import fields as check
from app.formats.fields import checked
from app.i18n import Msg

FORMAT: Final = "review-desk/consolidation-rule"
VERSION: Final = 1
TOTAL: Final = "total"
"""The subject name of the total figure, in tie-break lists and dispersion limits."""

FINAL_TIE_BREAK: Final = "hearing_position"
ROUNDING: Final = "half_up"
TOTAL_BASIS: Final = "per_expert_totals"
"""The total figure consolidates each expert's own weighted total (not the factor figures)."""

_E = TypeVar("_E", bound=enum.Enum)
MAX_DECIMALS: Final = 6
_KEY: Final = re.compile(r"[a-z][a-z0-9_]{0,47}")
_DECIMAL: Final = re.compile(r"(0|[1-9][0-9]{0,5})(\.[0-9]{1,4})?")
_FRACTION: Final = re.compile(r"([1-9][0-9]{0,5})/([1-9][0-9]{0,5})")
_FIELDS: Final = (
    "format",
    "version",
    "method",
    "trim_min_experts",
    "fallback",
    "role_weights",
    "vote_threshold",
    "conditions_count_for",
    "quorum_min",
    "dispersion_limits",
    "tie_break",
    "final_tie_break",
    "decimals",
    "rounding",
    "total_basis",
)


class Method(enum.Enum):
    """How the scores of the counted experts become one figure."""

    MEAN = "mean"
    TRIMMED_MEAN = "trimmed_mean"
    """Drop one highest and one lowest value (去掉一个最高分和一个最低分), mean of the rest."""
    MEDIAN = "median"


class Fallback(enum.Enum):
    """What a trimmed mean does when fewer than ``trim_min_experts`` scores were counted."""

    MEAN = "mean"
    """Use the (weighted) mean of all counted scores, and say so in the explanation."""
    REFUSE = "refuse"
    """Do not consolidate that application; its status says why."""


@dataclass(frozen=True)
class RoleWeights:
    """Weights of an overall expert's and a domain expert's score in a weighted mean."""

    overall: Decimal
    domain: Decimal

    def of(self, role: ExpertRole) -> Fraction:
        return Fraction(self.overall if role is ExpertRole.OVERALL else self.domain)

    @property
    def equal(self) -> bool:
        return self.overall == self.domain


@dataclass(frozen=True)
class DispersionLimits:
    """Largest allowed spread (highest minus lowest counted value) before a figure is flagged.

    A spread *equal* to the limit is not flagged; only a spread strictly above it is.
    """

    factors: tuple[tuple[FactorKey, Decimal], ...] = ()
    """Per factor key, sorted by key; factors not listed are never flagged."""
    total: Decimal | None = None

    def limit_for(self, subject: str) -> Decimal | None:
        if subject == TOTAL:
            return self.total
        return dict(self.factors).get(FactorKey(subject))


@dataclass(frozen=True)
class ConsolidationRule:
    """Everything that decides a consolidated figure, a vote and the ranking.

    Defaults follow common Chinese panel practice: trimmed mean from five scores, mean below
    that, a two-thirds vote of the non-recused experts, a quorum of three sheets.
    """

    method: Method = Method.TRIMMED_MEAN
    trim_min_experts: int = 5
    """A trimmed mean applies only when at least this many scores were counted (at least 3)."""
    fallback: Fallback = Fallback.MEAN
    role_weights: RoleWeights | None = None
    """None: every counted score has weight 1."""
    vote_threshold: Fraction = Fraction(2, 3)
    """Share of the non-recused roster (absent experts included) that must vote for."""
    conditions_count_for: bool = True
    """Whether "recommend with conditions" counts as a vote for (plain "recommend" always does)."""
    quorum_min: int = 3
    """Fewest submitted sheets of non-recused experts for the application to be consolidated."""
    dispersion_limits: DispersionLimits = field(default_factory=DispersionLimits)
    tie_break: tuple[str, ...] = (TOTAL, "concept_logic", "expected_results")
    """Figures compared in turn, higher first; the hearing position decides any remaining tie."""
    decimals: int = 2
    """Decimal places when presenting (ROUND_HALF_UP); comparisons always use exact values."""

    def __post_init__(self) -> None:
        _validate(self)

    def weight_of(self, role: ExpertRole) -> Fraction:
        return Fraction(1) if self.role_weights is None else self.role_weights.of(role)


def check_rule_for_rubric(rule: ConsolidationRule, rubric: Rubric) -> None:
    """Refuse a rule that names factors the rubric does not have."""
    known = set(rubric.factor_keys())
    for i, key in enumerate(rule.tie_break):
        if key != TOTAL and key not in known:
            raise RuleError(
                f"tie_break[{i}]",
                Msg.of("the rubric has no factor “{key}”.", key=key),
            )
    for key, _limit in rule.dispersion_limits.factors:
        if key not in known:
            raise RuleError(
                f"dispersion_limits.factors.{key}",
                Msg.of("the rubric has no factor “{key}”.", key=key),
            )


# --- validation --------------------------------------------------------------------------


def _validate(rule: ConsolidationRule) -> None:
    _whole(rule.trim_min_experts, "trim_min_experts", minimum=3)
    _whole(rule.quorum_min, "quorum_min", minimum=1)
    _whole(rule.decimals, "decimals", minimum=0, maximum=MAX_DECIMALS)
    if not isinstance(rule.method, Method):
        raise RuleError("method", Msg.of("not a known method."))
    if not isinstance(rule.fallback, Fallback):
        raise RuleError("fallback", Msg.of("not a known fallback."))
    if not isinstance(rule.conditions_count_for, bool):
        raise RuleError("conditions_count_for", Msg.of("must be true or false."))
    threshold = rule.vote_threshold
    if not isinstance(threshold, Fraction) or not 0 < threshold <= 1:
        raise RuleError(
            "vote_threshold", Msg.of("must be a fraction above 0 and at most 1, such as 2/3.")
        )
    weights = rule.role_weights
    if weights is not None:
        for name, value in (("overall", weights.overall), ("domain", weights.domain)):
            if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
                raise RuleError(f"role_weights.{name}", Msg.of("must be a decimal number above 0."))
        if rule.method is Method.MEDIAN and not weights.equal:
            raise RuleError(
                "role_weights",
                Msg.of(
                    "the median cannot apply unequal role weights; choose the mean or the "
                    "trimmed mean, or make the weights equal."
                ),
            )
    _validate_limits(rule.dispersion_limits)
    seen: set[str] = set()
    for i, key in enumerate(rule.tie_break):
        where = f"tie_break[{i}]"
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise RuleError(where, Msg.of("must be “total” or a factor key."))
        if key in seen:
            raise RuleError(where, Msg.of("“{key}” is listed twice.", key=key))
        seen.add(key)


def _validate_limits(limits: DispersionLimits) -> None:
    keys = [key for key, _value in limits.factors]
    if keys != sorted(set(keys)):
        raise RuleError(
            "dispersion_limits.factors", Msg.of("factor keys must be unique and sorted.")
        )
    for key, value in limits.factors:
        if not _KEY.fullmatch(key) or key == TOTAL:
            raise RuleError(
                "dispersion_limits.factors", Msg.of("“{key}” is not a factor key.", key=key)
            )
        _non_negative(value, f"dispersion_limits.factors.{key}")
    if limits.total is not None:
        _non_negative(limits.total, "dispersion_limits.total")


def _whole(value: object, where: str, minimum: int, maximum: int = 1000) -> None:
    checked(RuleError, check.whole, value, where, minimum, maximum)


def _non_negative(value: object, where: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise RuleError(where, Msg.of("must be a decimal number of at least 0."))


# --- document form -----------------------------------------------------------------------


def rule_to_document(rule: ConsolidationRule) -> dict[str, Any]:
    """The JSON-ready document for ``rule`` (every number a string, keys fixed)."""
    weights = rule.role_weights
    return {
        "format": FORMAT,
        "version": VERSION,
        "method": rule.method.value,
        "trim_min_experts": rule.trim_min_experts,
        "fallback": rule.fallback.value,
        "role_weights": None
        if weights is None
        else {"overall": decimal_text(weights.overall), "domain": decimal_text(weights.domain)},
        "vote_threshold": fraction_text(rule.vote_threshold),
        "conditions_count_for": rule.conditions_count_for,
        "quorum_min": rule.quorum_min,
        "dispersion_limits": {
            "factors": {key: decimal_text(value) for key, value in rule.dispersion_limits.factors},
            "total": None
            if rule.dispersion_limits.total is None
            else decimal_text(rule.dispersion_limits.total),
        },
        "tie_break": list(rule.tie_break),
        "final_tie_break": FINAL_TIE_BREAK,
        "decimals": rule.decimals,
        "rounding": ROUNDING,
        "total_basis": TOTAL_BASIS,
    }


def parse_rule(doc: Any) -> ConsolidationRule:
    """Build a rule from its decoded JSON document; :class:`RuleError` names any bad field."""
    obj = _object(doc, "$")
    for name in obj:
        if name not in _FIELDS:
            raise RuleError(name, Msg.of("this field is not part of a consolidation rule."))
    for name in _FIELDS:
        if name not in obj:
            raise RuleError(name, Msg.of("this field is missing."))
    _constant(obj, "format", FORMAT)
    if type(obj["version"]) is not int or obj["version"] != VERSION:
        raise RuleError(
            "version",
            Msg.of(
                "version {found} is not supported; this program reads version {supported}.",
                found=str(obj["version"]),
                supported=VERSION,
            ),
        )
    _constant(obj, "final_tie_break", FINAL_TIE_BREAK)
    _constant(obj, "rounding", ROUNDING)
    _constant(obj, "total_basis", TOTAL_BASIS)
    weights_doc = obj["role_weights"]
    weights = None
    if weights_doc is not None:
        weights_obj = _object(weights_doc, "role_weights")
        _exact_keys(weights_obj, "role_weights", ("domain", "overall"))
        weights = RoleWeights(
            overall=_decimal(weights_obj["overall"], "role_weights.overall"),
            domain=_decimal(weights_obj["domain"], "role_weights.domain"),
        )
    limits_obj = _object(obj["dispersion_limits"], "dispersion_limits")
    _exact_keys(limits_obj, "dispersion_limits", ("factors", "total"))
    factor_limits = _object(limits_obj["factors"], "dispersion_limits.factors")
    total_limit = limits_obj["total"]
    tie_break = obj["tie_break"]
    if not isinstance(tie_break, list) or len(tie_break) > 50:
        raise RuleError("tie_break", Msg.of("must be a list of at most 50 keys."))
    for i, key in enumerate(tie_break):
        if not isinstance(key, str):
            raise RuleError(f"tie_break[{i}]", Msg.of("must be “total” or a factor key."))
    return ConsolidationRule(
        method=_enum(Method, obj["method"], "method"),
        trim_min_experts=_int(obj["trim_min_experts"], "trim_min_experts"),
        fallback=_enum(Fallback, obj["fallback"], "fallback"),
        role_weights=weights,
        vote_threshold=_fraction(obj["vote_threshold"], "vote_threshold"),
        conditions_count_for=_bool(obj["conditions_count_for"], "conditions_count_for"),
        quorum_min=_int(obj["quorum_min"], "quorum_min"),
        dispersion_limits=DispersionLimits(
            factors=tuple(
                (FactorKey(_factor_key(key)), _decimal(value, f"dispersion_limits.factors.{key}"))
                for key, value in sorted(factor_limits.items())
            ),
            total=None if total_limit is None else _decimal(total_limit, "dispersion_limits.total"),
        ),
        tie_break=tuple(tie_break),
        decimals=_int(obj["decimals"], "decimals"),
    )


def decimal_text(value: Decimal) -> str:
    """``Decimal("2.50")`` -> ``"2.5"``: one spelling per value, never an exponent."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def fraction_text(value: Fraction) -> str:
    """An exact value as ``"p/q"`` in lowest terms, the denominator always written."""
    return f"{value.numerator}/{value.denominator}"


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError(where, Msg.of("must be a JSON object."))
    return value


def _exact_keys(obj: dict[str, Any], where: str, keys: tuple[str, ...]) -> None:
    if sorted(obj) != sorted(keys):
        raise RuleError(
            where, Msg.of("must have exactly the fields {fields}.", fields=", ".join(keys))
        )


def _constant(obj: dict[str, Any], name: str, expected: str) -> None:
    if obj[name] != expected:
        raise RuleError(name, Msg.of("expected “{expected}”.", expected=expected))


def _enum(kind: type[_E], value: Any, where: str) -> _E:
    choices = [m.value for m in kind]
    if not isinstance(value, str) or value not in choices:
        raise RuleError(where, Msg.of("must be one of {choices}.", choices=", ".join(choices)))
    return kind(value)


def _int(value: Any, where: str) -> int:
    if type(value) is not int:
        raise RuleError(where, Msg.of("must be a whole number."))
    return value


def _bool(value: Any, where: str) -> bool:
    return checked(RuleError, check.boolean, value, where)


def _factor_key(key: str) -> str:
    if not _KEY.fullmatch(key) or key == TOTAL:
        raise RuleError(
            "dispersion_limits.factors", Msg.of("“{key}” is not a factor key.", key=key)
        )
    return key


def _decimal(value: Any, where: str) -> Decimal:
    if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
        raise RuleError(
            where, Msg.of('must be a decimal number written as a string, such as "2.5".')
        )
    return Decimal(value)


def _fraction(value: Any, where: str) -> Fraction:
    match = _FRACTION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise RuleError(where, Msg.of('must be a fraction written as a string, such as "2/3".'))
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if math.gcd(numerator, denominator) != 1:
        raise RuleError(where, Msg.of("write the fraction in lowest terms."))
    return Fraction(numerator, denominator)
