"""The two checks that make the ministry independent of the secretary's word (threat T3).

* :func:`completeness_gaps` - every roster expert × application of the round has a signed
  sheet of that round, a signed recusal, or the secretary's absence statement; an absence
  never contradicts a sheet or a recusal. Used by the writer (refuse to build) and the
  reader (refuse to import), so both apply one rule.
* :func:`first_difference` - where two consolidation-result documents first disagree,
  named as application and figure, so a refusal tells the clerk what to look at.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from app.domain.meeting import Meeting
from app.results.results_file import Absence

Pair = tuple[str, str]
"""(expert id, application id)."""


@dataclass(frozen=True)
class Gap:
    """One pair that breaks completeness; ``contradiction`` when an absence names a pair
    that has a sheet or a recusal, otherwise nothing at all covers the pair."""

    expert_id: str
    application_id: str
    contradiction: bool


def completeness_gaps(
    meeting: Meeting,
    sheets: Collection[Pair],
    recusals: Collection[Pair],
    absences: Iterable[Absence],
) -> list[Gap]:
    """Gaps in roster order × hearing order (empty when the round is complete)."""
    absent = {(a.expert_id, a.application_id) for a in absences}
    gaps: list[Gap] = []
    for expert in meeting.experts:
        for app in meeting.applications_in_order():
            pair = (expert.id, app.id)
            covered = pair in sheets or pair in recusals
            if covered and pair in absent:
                gaps.append(Gap(expert.id, app.id, True))
            elif not covered and pair not in absent:
                gaps.append(Gap(expert.id, app.id, False))
    return gaps


@dataclass(frozen=True)
class Difference:
    """Where the stated result leaves the recomputed one. ``figure`` is a subject
    (``total`` or a factor key) or a member name such as ``vote`` or ``rank``."""

    application_id: str | None
    figure: str
    path: str


def first_difference(stated: Any, recomputed: dict[str, Any]) -> Difference:
    """The first disagreement between two result documents (call only when they differ)."""
    if not isinstance(stated, dict):
        return Difference(None, "result", "$")
    for key in recomputed:
        if key != "applications" and stated.get(key) != recomputed[key]:
            return Difference(None, key, f"$.{key}")
    apps_stated = stated.get("applications")
    apps = recomputed.get("applications", [])
    if not isinstance(apps_stated, list) or len(apps_stated) != len(apps):
        return Difference(None, "applications", "$.applications")
    for i, (mine, theirs) in enumerate(zip(apps, apps_stated, strict=True)):
        if mine == theirs:
            continue
        app_id = str(mine.get("application_id"))
        if not isinstance(theirs, dict):
            return Difference(app_id, "application", f"$.applications[{i}]")
        figures = mine.get("figures", [])
        stated_figures = theirs.get("figures")
        if isinstance(stated_figures, list) and len(stated_figures) == len(figures):
            for j, (f_mine, f_theirs) in enumerate(zip(figures, stated_figures, strict=True)):
                if f_mine != f_theirs:
                    return Difference(
                        app_id, str(f_mine.get("subject")), f"$.applications[{i}].figures[{j}]"
                    )
        for key in mine:
            if theirs.get(key) != mine[key]:
                return Difference(app_id, key, f"$.applications[{i}].{key}")
        return Difference(app_id, "application", f"$.applications[{i}]")
    extra = [k for k in stated if k not in recomputed]
    return Difference(None, extra[0] if extra else "result", "$")
