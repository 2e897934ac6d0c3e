"""Time ``consolidate()`` on a large meeting: 200 applications, 30 experts, every sheet in.

    .venv/bin/python bench/bench_consolidation.py [--applications 200] [--experts 30]
                                                  [--repeat 5]

Baseline for the secretary's benchmarks: the result screen recomputes on every imported
sheet, so this number bounds how often it can afford to. Also times ``result_to_document``
plus canonical JSON (what the result bundle signs) against ``json.dumps`` of the same
document (sorted keys, no whitespace: the same bytes for this text). Interleaved,
min and median of ``--repeat`` runs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

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
        Application(
            ApplicationId(f"a{i:03d}"), _text("U"), _text(f"P{i}"), _text("S"), (f"s{i}",), ()
        )
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


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (default 5)")
    args = parser.parse_args(argv)
    if args.quick:
        args.applications, args.experts, args.repeat = 5, 3, 1
    rubric = load_default_rubric()
    meeting, sheets, recusals = build(args.applications, args.experts)
    rule = ConsolidationRule(
        dispersion_limits=DispersionLimits(
            factors=tuple(
                (FactorKey(f.key), Decimal(8)) for f in sorted(rubric.factors, key=lambda f: f.key)
            ),
            total=Decimal(20),
        )
    )
    result = consolidate(meeting, rubric, sheets, recusals, rule, 1)
    document = result_to_document(result)

    def bare_json() -> bytes:
        return json.dumps(
            document, ensure_ascii=False, separators=(",", ":"), sort_keys=True
        ).encode()

    times = benchlib.interleaved(
        args.repeat,
        {
            "consolidate": lambda: consolidate(meeting, rubric, sheets, recusals, rule, 1),
            "document": lambda: dumps_canonical(result_to_document(result)),
            "json": bare_json,
        },
    )
    size = f"{args.applications}x{args.experts}"
    print(f"{len(sheets)} sheets, result document {len(dumps_canonical(document))} bytes")
    return [
        benchlib.value_row(
            "consolidation",
            f"consolidate() ({size}, {len(sheets)} sheets)",
            [t * 1e3 for t in times["consolidate"]],
            "ms",
        ),
        benchlib.ratio_row(
            "consolidation",
            f"result_to_document + canonical JSON ({size})",
            times["document"],
            times["json"],
            "json.dumps of the document",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
