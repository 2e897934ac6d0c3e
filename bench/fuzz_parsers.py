"""M7 at scale: fuzz every parser of outside bytes (tests/proof/parsers.py) with N inputs each.

    .venv/bin/python bench/fuzz_parsers.py [--count 1000000] [--parser NAME ...]
        [--engine hypothesis|random] [--seed N] [--tamper]

The inputs are the proof meeting's real bytes mutated by the M6 strategy of
``tests/proof/fuzz.py`` (bit flips, overwritten and deleted bytes, insertions,
duplications, cuts, or unrelated bytes). ``--engine hypothesis`` (the default; atheris is not
installed here) draws them with hypothesis, not derandomised, no example database;
``--engine random`` applies the same edits from a seeded ``random.Random``, several times
faster. The proof meeting is played first (about 15 s on an idle machine), in a temporary
folder.

Prints, per parser: inputs tried, accepted, refused (a typed UserFacingError) and unhandled
(any other exception: RecursionError, MemoryError, UnicodeDecodeError, ...), with the first
unhandled inputs' errors. ``--tamper`` also runs the full M3/M4 matrix of
tests/proof/mutations.py (every bit of every region of every format, not the suite's sample).
Exit status 1 if anything was unhandled.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.proof.meeting import ProofMeeting
from tests.proof.parsers import Parser, outcome


def _fuzz_random(parser: Parser, count: int, rng: random.Random) -> tuple[Counter[str], list[str]]:
    from tests.proof.fuzz import mutate

    kinds = ["flip", "set", "delete", "insert", "duplicate", "cut"]
    tally: Counter[str] = Counter()
    unhandled: list[str] = []
    for _ in range(count):
        if rng.randrange(8) == 0:
            data = rng.randbytes(rng.randrange(513))
        else:
            edits = [
                (
                    rng.choice(kinds),
                    rng.randrange(2**31),
                    rng.randrange(256),
                    rng.randbytes(rng.randrange(1, 17)),
                )
                for _ in range(rng.randrange(1, 5))
            ]
            data = mutate(parser.seed, edits)
        result = outcome(parser, data)
        tally[result.split(":")[0]] += 1
        if result.startswith("unhandled") and len(unhandled) < 5:
            unhandled.append(result)
    return tally, unhandled


def _fuzz_hypothesis(parser: Parser, count: int) -> tuple[Counter[str], list[str]]:
    from hypothesis import HealthCheck, Phase, given, settings

    from tests.proof.fuzz import inputs

    tally: Counter[str] = Counter()
    unhandled: list[str] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=inputs(parser.seed))
    def run(data: bytes) -> None:
        result = outcome(parser, data)
        tally[result.split(":")[0]] += 1
        if result.startswith("unhandled") and len(unhandled) < 5:
            unhandled.append(result)

    run()
    return tally, unhandled


def _tamper(meeting: ProofMeeting, scratch: Path) -> int:
    from tests.proof.formats import formats
    from tests.proof.mutations import extensions, flips, problems, truncations

    bad = 0
    for fmt in formats(meeting, scratch):
        started = time.perf_counter()
        n_flips, wrong_flips = problems(fmt, flips(fmt, every=1))
        n_cuts, wrong_cuts = problems(fmt, truncations(fmt))
        n_ext, wrong_ext = problems(fmt, extensions(fmt))
        wrong = wrong_flips + wrong_cuts + wrong_ext
        accepted = [w for w in wrong if w.endswith("accepted")]
        print(
            f"tamper {fmt.name}: {len(fmt.data)} bytes, {n_flips} flips, {n_cuts} cuts, "
            f"{n_ext} extensions; not refused: {len(wrong)} (accepted {len(accepted)}, "
            f"unhandled {len(wrong) - len(accepted)}) [{time.perf_counter() - started:.1f} s]",
            flush=True,
        )
        for line in wrong[:5]:
            print(f"    {line}")
        bad += len(wrong) - len(accepted)
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="inputs per parser")
    parser.add_argument("--parser", action="append", help="only this parser (repeatable)")
    parser.add_argument("--engine", choices=["hypothesis", "random"], default="hypothesis")
    parser.add_argument("--seed", type=int, default=None, help="seed of --engine random")
    parser.add_argument("--tamper", action="store_true", help="also the full M3/M4 matrix")
    args = parser.parse_args()

    from tests.proof.meeting import play
    from tests.proof.parsers import parsers

    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    unhandled_total = 0
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        meeting = play(Path(tmp) / "meeting")
        print(f"proof meeting played in {time.perf_counter() - started:.1f} s", flush=True)
        chosen = [p for p in parsers(meeting) if not args.parser or p.name in args.parser]
        print(f"engine: {args.engine}" + (f", seed {seed}" if args.engine == "random" else ""))
        for item in chosen:
            started = time.perf_counter()
            if args.engine == "random":
                tally, unhandled = _fuzz_random(item, args.count, rng)
            else:
                tally, unhandled = _fuzz_hypothesis(item, args.count)
            tried = sum(tally.values())
            print(
                f"{item.name}: tried {tried}, accepted {tally['accepted']}, "
                f"refused {tally['refused']}, unhandled {tally['unhandled']} "
                f"[{time.perf_counter() - started:.1f} s]",
                flush=True,
            )
            for line in unhandled:
                print(f"    {line}")
            unhandled_total += tally["unhandled"]
        if args.tamper:
            unhandled_total += _tamper(meeting, Path(tmp))
    print(f"unhandled in all: {unhandled_total}")
    return 1 if unhandled_total else 0


if __name__ == "__main__":
    raise SystemExit(main())
