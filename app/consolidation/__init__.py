"""Consolidation of expert scores: the rule as data, the engine, and the result document.

Pure (no Qt, no I/O). Every figure is exact (``fractions.Fraction``) and carries its inputs
and a translated explanation; rounding happens only when presenting. See
``docs/consolidation.md`` for the arithmetic a ministry clerk can redo by hand.
"""

from app.consolidation.document import result_to_document
from app.consolidation.engine import consolidate
from app.consolidation.errors import ConsolidationInputError, RuleError
from app.consolidation.model import (
    ApplicationResult,
    Figure,
    FigureInput,
    Inclusion,
    MeetingResult,
    Participant,
    RankEntry,
    Standing,
    Status,
    VoteTally,
)
from app.consolidation.rule import (
    TOTAL,
    ConsolidationRule,
    DispersionLimits,
    Fallback,
    Method,
    RoleWeights,
    check_rule_for_rubric,
    parse_rule,
    rule_to_document,
)

__all__ = [
    "TOTAL",
    "ApplicationResult",
    "ConsolidationInputError",
    "ConsolidationRule",
    "DispersionLimits",
    "Fallback",
    "Figure",
    "FigureInput",
    "Inclusion",
    "MeetingResult",
    "Method",
    "Participant",
    "RankEntry",
    "RoleWeights",
    "RuleError",
    "Standing",
    "Status",
    "VoteTally",
    "check_rule_for_rubric",
    "consolidate",
    "parse_rule",
    "result_to_document",
    "rule_to_document",
]
