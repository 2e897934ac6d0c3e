"""Time ``consolidate()`` on a large meeting: 200 applications, 30 experts, every sheet in.

    .venv/bin/python bench/bench_consolidation.py [APPLICATIONS] [EXPERTS]

Baseline for the secretary's UI benchmark: the result screen recomputes on every imported
sheet, so this number bounds how often it can afford to. Also times ``result_to_document``
plus canonical JSON (what the result bundle signs). Prints the best of 5 runs.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.consolidation import ConsolidationRule, DispersionLimits, consolidate, result_to_document
from app.domain.ids import ApplicationId, ExpertId, FactorKey, MeetingId, SheetId
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole, Meeting
from app.domain.sheet import (
    ConflictDeclaration,
    FactorScore,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.formats.canonical_json import dumps_canonical
from app.formats.rubric_file import load_default_rubric
from app.i18n import LocalizedText

AT = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
MEETING = MeetingId("bench")


def _text(en: str) -> LocalizedText:
    return LocalizedText(en, en)


def build(
    applications: int, experts: int
) -> tuple[Meeting, list[ScoreSheet], list[ConflictDeclaration]]:
    rng = random.Random(2025)
    rubric = load_default_rubric()
    roster = tuple(
        Expert(
            ExpertId(f"e{i:02d}"),
            _text(f"Expert {i}"),
            ExpertRole.OVERALL if i % 4 == 0 else ExpertRole.DOMAIN,
            _text("Unit"),
            _text("Prof."),
        )
        for i in range(experts)
    )
    apps = tuple(
        Application(ApplicationId(f"a{i:03d}"), _text("U"), _text(f"P{i}"), _text("S"), (), ())
        for i in range(applications)
    )
    meeting = Meeting(
        MEETING,
        _text("Bench"),
        dt.date(2025, 3, 1),
        _text("Room"),
        rubric.id,
        roster,
        apps,
        tuple(AgendaItem(a.id, i + 1, 20, 10) for i, a in enumerate(apps)),
    )
    sheets: list[ScoreSheet] = []
    recusals: list[ConflictDeclaration] = []
    for app in apps:
        for e in roster:
            if rng.random() < 0.03:
                recusals.append(ConflictDeclaration(MEETING, e.id, app.id, True, "conflict", AT))
                continue
            sheets.append(
                ScoreSheet(
                    SheetId(f"{e.id}-{app.id}"),
                    MEETING,
                    e.id,
                    app.id,
                    1,
                    1,
                    SheetStatus.SUBMITTED,
                    tuple(
                        FactorScore(f.key, Decimal(rng.randrange(20, 51)) / 2)
                        for f in rubric.factors
                    ),
                    (),
                    "opinion",
                    rng.choice(list(Recommendation)),
                    "",
                    AT,
                    AT,
                )
            )
    return meeting, sheets, recusals


def _best(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    applications = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    experts = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rubric = load_default_rubric()
    meeting, sheets, recusals = build(applications, experts)
    rule = ConsolidationRule(
        dispersion_limits=DispersionLimits(
            factors=tuple(
                (FactorKey(f.key), Decimal(8)) for f in sorted(rubric.factors, key=lambda f: f.key)
            ),
            total=Decimal(20),
        )
    )

    def run() -> object:
        return consolidate(meeting, rubric, sheets, recusals, rule, 1)

    result = consolidate(meeting, rubric, sheets, recusals, rule, 1)
    seconds = _best(5, run)
    doc_seconds = _best(5, lambda: dumps_canonical(result_to_document(result)))
    size = len(dumps_canonical(result_to_document(result)))
    print(
        f"consolidate: {applications} applications x {experts} experts "
        f"({len(sheets)} sheets): {seconds * 1000:.1f} ms (best of 5)"
    )
    print(f"result_to_document + canonical JSON: {doc_seconds * 1000:.1f} ms, {size} bytes")


if __name__ == "__main__":
    main()
