"""The exact arithmetic behind every figure: plain :class:`Fraction` values, no rounding.

Scores are decimals on the rubric's steps, weights are decimals, and means of them are
fractions; a :class:`Fraction` holds each exactly, so comparisons and the ranking never
depend on rounding. Rounding happens once, in :func:`present`, for display only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from app.domain.ids import ExpertId


@dataclass(frozen=True)
class Entry:
    """One counted value of one expert, with the weight of the expert's role."""

    expert_id: ExpertId
    value: Fraction
    weight: Fraction


def _scale(values: Sequence[Fraction]) -> tuple[int, list[int]]:
    """(D, [v·D]): the values as integers over their least common denominator D.

    Exact, and much faster than Fraction arithmetic for the sums and comparisons below.
    """
    common = math.lcm(*(v.denominator for v in values))
    return common, [v.numerator * (common // v.denominator) for v in values]


def ordered(entries: Sequence[Entry]) -> list[Entry]:
    """By value, then expert id (Unicode code point order): the order trimming and median use."""
    _common, scaled = _scale([e.value for e in entries])
    keyed = sorted(zip(scaled, (e.expert_id for e in entries), entries, strict=True))
    return [entry for _value, _id, entry in keyed]


def weighted_mean(entries: Sequence[Entry]) -> Fraction:
    """Σ weight·value / Σ weight; with all weights 1 this is the plain mean."""
    if not entries:
        raise ValueError("a mean of no values")
    value_denominator, values = _scale([e.value for e in entries])
    _weight_denominator, weights = _scale([e.weight for e in entries])
    top = sum(w * v for w, v in zip(weights, values, strict=True))
    return Fraction(top, value_denominator * sum(weights))


def dot(values: Sequence[Fraction], multipliers: Sequence[Fraction]) -> Fraction:
    """Σ value·multiplier, exactly: an expert's total from their scores and weight/max ratios."""
    value_denominator, scaled_values = _scale(values)
    multiplier_denominator, scaled_multipliers = _scale(multipliers)
    top = sum(v * k for v, k in zip(scaled_values, scaled_multipliers, strict=True))
    return Fraction(top, value_denominator * multiplier_denominator)


def trim(entries: Sequence[Entry]) -> tuple[Entry, Entry, list[Entry]]:
    """(lowest, highest, the rest): one entry off each end of :func:`ordered`.

    Among equal lowest values the smallest expert id is dropped; among equal highest values
    the largest expert id is dropped. Needs at least three entries.
    """
    if len(entries) < 3:
        raise ValueError("trimming needs at least three values")
    ranked = ordered(entries)
    return ranked[0], ranked[-1], ranked[1:-1]


def median_entries(entries: Sequence[Entry]) -> list[Entry]:
    """The middle entry (odd count) or the two middle entries (even count) of :func:`ordered`."""
    if not entries:
        raise ValueError("a median of no values")
    ranked = ordered(entries)
    middle = len(ranked) // 2
    return [ranked[middle]] if len(ranked) % 2 else [ranked[middle - 1], ranked[middle]]


def median(entries: Sequence[Entry]) -> Fraction:
    middle = median_entries(entries)
    return sum((e.value for e in middle), Fraction(0)) / len(middle)


def spread(entries: Sequence[Entry]) -> Fraction:
    """Highest minus lowest value: the disagreement measure behind dispersion flags."""
    common, scaled = _scale([e.value for e in entries])
    return Fraction(max(scaled) - min(scaled), common)


def present(value: Fraction, decimals: int) -> Decimal:
    """``value`` rounded to ``decimals`` places, halves away from zero (ROUND_HALF_UP).

    Computed on the exact fraction, so 22.345 is 22.35 even where a float would read
    22.344999…; the result always has exactly ``decimals`` places (``Decimal("22.00")``).
    """
    scaled = abs(value) * 10**decimals
    rounded = math.floor(scaled + Fraction(1, 2))
    result = Decimal(rounded).scaleb(-decimals)
    return -result if value < 0 and rounded else result


def present_text(value: Fraction, decimals: int) -> str:
    return format(present(value, decimals), "f")


def is_terminating(value: Fraction) -> bool:
    """True when ``value`` has a finite decimal expansion (denominator of 2s and 5s only)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def exact_decimal_text(value: Fraction) -> str:
    """A terminating fraction as its full decimal (``45/2`` -> ``"22.5"``)."""
    if not is_terminating(value):
        raise ValueError("not a terminating decimal")
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    text = format(Decimal((value * 10**places).numerator).scaleb(-places), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
