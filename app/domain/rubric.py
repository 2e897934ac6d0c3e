"""The rubric: factors, weights, maximum points, grade bands, guiding questions, basic criteria.

A rubric is data (``resources/rubrics/*.json``, read by :mod:`app.formats.rubric_file`). The meeting
fixes it before scoring; it is signed into the kit so experts and the ministry see the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.ids import CriterionKey, FactorKey
from app.i18n import LocalizedText


@dataclass(frozen=True)
class GradeBand:
    """A band of a factor's points, e.g. *excellent* from 90 % of the maximum upwards.

    ``min_fraction`` is inclusive; a band runs up to the next band's minimum (exclusive) or,
    for the top band, up to the maximum (inclusive).
    """

    key: str
    name: LocalizedText
    min_fraction: Decimal


@dataclass(frozen=True)
class Factor:
    key: FactorKey
    name: LocalizedText
    weight: Decimal
    max_points: Decimal
    step: Decimal
    descriptors: tuple[tuple[str, LocalizedText], ...]
    """Band key -> what a score in that band means for this factor."""
    guiding_questions: tuple[LocalizedText, ...]

    def descriptor(self, band_key: str) -> LocalizedText | None:
        return dict(self.descriptors).get(band_key)

    def weighted(self, score: Decimal) -> Decimal:
        """Points this factor contributes to the 100-point total."""
        return score * self.weight / self.max_points


@dataclass(frozen=True)
class BasicCriterion:
    key: CriterionKey
    text: LocalizedText
    hint: LocalizedText


@dataclass(frozen=True)
class Rubric:
    id: str
    version: int
    title: LocalizedText
    factors: tuple[Factor, ...]
    bands: tuple[GradeBand, ...]
    """Ordered from the top band (highest ``min_fraction``) down to the bottom band (0)."""
    criteria: tuple[BasicCriterion, ...]

    @property
    def total_weight(self) -> Decimal:
        return sum((f.weight for f in self.factors), Decimal(0))

    def factor(self, key: str) -> Factor:
        for f in self.factors:
            if f.key == key:
                return f
        raise KeyError(key)

    def factor_keys(self) -> tuple[FactorKey, ...]:
        return tuple(f.key for f in self.factors)

    def band_for(self, points: Decimal, maximum: Decimal) -> GradeBand:
        """The band a score falls in; ``maximum`` is the factor's (or the total's) maximum."""
        fraction = points / maximum if maximum else Decimal(0)
        for band in self.bands:
            if fraction >= band.min_fraction:
                return band
        return self.bands[-1]

    def band_range(self, band: GradeBand, factor: Factor) -> tuple[Decimal, Decimal]:
        """The lowest and highest score of ``factor`` (on its steps) that fall in ``band``:
        from its minimum up to one step below the next band's minimum, or the maximum for
        the top band (where the steps do not reach a minimum exactly, the next step up)."""
        index = self.bands.index(band)
        step = factor.step
        low = _step_at_or_above(band.min_fraction * factor.max_points, step)
        if index == 0:
            return low, factor.max_points
        upper = self.bands[index - 1].min_fraction * factor.max_points
        high = _step_at_or_above(upper, step) - step
        return low, max(low, high)

    def is_extreme(self, points: Decimal, maximum: Decimal) -> bool:
        """True in the top or bottom band, where a comment is required."""
        band = self.band_for(points, maximum)
        return band.key in (self.bands[0].key, self.bands[-1].key)


def _step_at_or_above(value: Decimal, step: Decimal) -> Decimal:
    """The smallest multiple of ``step`` that is at least ``value``."""
    steps = (value / step).to_integral_value(rounding="ROUND_CEILING")
    return steps * step
