"""Benchmark the ministry's import: many verified result bundles into one ministry database.

    .venv/bin/python bench/bench_ministry.py [--bundles 200] [--apps 20] [--experts 15]
                                             [--repeat 3]

``--bundles`` result bundles of distinct meetings (``--apps`` applications, ``--experts``
experts, every expert scoring every application: signed sheets, consolidated figures,
signed manifest; made once, not timed) are

* **imported** into a new ministry database (``app.ministry.importing.import_bundle``: the
  whole verification of bundle v1 section 7, every sheet's signature, the figures
  recomputed, then the replay decision and the write under the write lock), against
* **verified alone** (``app.results.verify_bundle``, the same work without the database),

interleaved, ``--repeat`` times, one signature verifier per run (a session: each expert's
certificate path validated once per run). Printed: bundles per second of each (target for
the import: >= 25 bundles/s) and the ratio of their times. The report and workbook stages
(``export.bundle_checks``, which renders the report again) are not part of this figure:
these bundles carry no report; ``bench_bundle`` and ``bench_export`` measure those parts.
Everything lives in a temporary directory, deleted afterwards.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from bench_bundle import SIGNED, VERIFY, _identity, _input, _meeting, _sheets

from app.crypto.cms import SignatureVerifier
from app.crypto.profile import Role
from app.ministry.importing import import_bundle
from app.results import build_bundle, verify_bundle
from storage.ministry.database import MinistryDatabase


def _profile(work: Callable[[], object], bundles: int) -> None:
    """One more pass under cProfile (which slows Python code more than C: read the shares,
    not the times); milliseconds per bundle."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(work)
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    rows = stats.stats  # type: ignore[attr-defined]
    for title, column in (("own time", 2), ("time inside", 3)):
        print(f"profile, by {title} (ms per bundle, share of the pass):")
        ranked = sorted(rows.items(), key=lambda kv: -kv[1][column])[:15]
        for (file, line, name), values in ranked:
            where = f"{Path(file).parent.name}/{Path(file).name}:{line}" if line else file
            seconds = values[column]
            print(f"  {seconds / bundles * 1e3:8.2f}  {seconds / total:6.1%}  {name}  {where}")


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--bundles", type=int, default=200, help="bundles (default 200)")
    parser.add_argument("--apps", type=int, default=20, help="applications each (20)")
    parser.add_argument("--experts", type=int, default=15, help="experts each (15)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print where one more import pass spends its time (cProfile: the slowest "
        "functions by their own time and by time inside them, per bundle)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.bundles, args.apps, args.experts, args.repeat = 3, 2, 3, 1
    size = f"{args.bundles} bundles of {args.apps}x{args.experts}"
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        ca = benchlib.bench_ca()
        roots = [ca.certificate]
        secretary = _identity(ca, Role.SECRETARY, "秘书")
        experts = {
            f"e{i + 1:02d}": _identity(ca, Role.EXPERT, f"专家{i + 1}") for i in range(args.experts)
        }
        start = time.perf_counter()
        bundles: list[Path] = []
        for i in range(args.bundles):
            meeting = _meeting(f"m-bench-{i:04d}", experts, args.apps)
            path = base / f"{meeting.id}.oibundle"
            build_bundle(
                _input(meeting, _sheets(meeting, experts, secretary)), secretary, path, SIGNED
            )
            bundles.append(path)
        print(f"{size} made in {time.perf_counter() - start:.1f} s (not timed)")
        runs = iter(range(10**6))

        def verify_all() -> None:
            verifier = SignatureVerifier()
            for path in bundles:
                verify_bundle(path, roots, VERIFY, verifier=verifier)

        def import_all() -> None:
            db = MinistryDatabase(base / f"ministry-{next(runs)}.sqlite")
            verifier = SignatureVerifier()
            for path in bundles:
                import_bundle(db, path, roots, VERIFY, documents=None, verifier=verifier)

        verify_all()  # warm-up: lazy imports, the file cache
        times = benchlib.interleaved(args.repeat, {"import": import_all, "verify": verify_all})
        if args.profile:
            _profile(import_all, len(bundles))
    n = len(bundles)
    return [
        benchlib.value_row(
            "ministry",
            f"import with full verification ({size})",
            [n / t for t in times["import"]],
            "bundles/s",
            baseline=[n / t for t in times["verify"]],
            baseline_name="verification alone",
            at_least=25,
        ),
        benchlib.ratio_row(
            "ministry",
            f"import time against verification alone ({size})",
            times["import"],
            times["verify"],
            "verify_bundle, same bundles",
            scale=1.0,
            unit="s",
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
