"""M7 at scale: fuzz every parser of outside bytes (tests/proof/parsers.py) with N inputs each.

    .venv/bin/python bench/fuzz_parsers.py [--count 1000000] [--parser NAME ...]
        [--engine hypothesis|random|atheris] [--seed N] [--until HH:MM] [--tamper]

The inputs start from the proof meeting's real bytes. ``--engine hypothesis`` (the default)
and ``--engine random`` mutate them by the M6 strategy of ``tests/proof/fuzz.py`` (bit flips,
overwritten and deleted bytes, insertions, duplications, cuts, or unrelated bytes): drawn by
hypothesis (not derandomised, no example database), or from a seeded ``random.Random``
(several times faster). ``--engine atheris`` is coverage-guided: libFuzzer's mutations
(through atheris, the program's ``app`` package instrumented on import) from the seed as the
corpus, one forked child per parser (POSIX only). atheris is not a project dependency: run
this script with a Python that has it and the project's packages, e.g. a throwaway venv
(``python -m venv /tmp/fz && /tmp/fz/bin/pip install atheris``) with a ``.pth`` file naming
the project venv's ``site-packages``, and ``PYTHONPATH`` set to the repository. The proof
meeting is played first (about 15 s on an idle machine), in a temporary folder.

``--until HH:MM`` (UTC, today or, if past, tomorrow) bounds the run: each parser gets an equal
share of the time left when its turn comes and stops at ``--count`` or at its share, so the
counts printed are the inputs actually tried, not the ones asked for.

Prints, per parser: inputs tried, accepted, refused (a typed UserFacingError) and unhandled
(any other exception: RecursionError, MemoryError, UnicodeDecodeError, ...), with the first
unhandled inputs' errors (atheris: each distinct error with its count, and its first input
saved next to the log, the path printed),
then one table of all parsers. ``--tamper`` also runs the full M3/M4 matrix of
tests/proof/mutations.py (every bit of every region of every format, not the suite's sample).
Exit status 1 if anything was unhandled.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:  # imported in main(): --engine atheris instruments them on import
    from tests.proof.meeting import ProofMeeting
    from tests.proof.parsers import Parser


class _OutOfTime(BaseException):
    """The parser's share of ``--until`` is spent (a BaseException: hypothesis lets it out)."""


def _fuzz_random(
    parser: Parser, count: int, rng: random.Random, stop_at: float
) -> tuple[Counter[str], list[str]]:
    from tests.proof.fuzz import mutate
    from tests.proof.parsers import outcome

    kinds = ["flip", "set", "delete", "insert", "duplicate", "cut"]
    tally: Counter[str] = Counter()
    unhandled: list[str] = []
    for _ in range(count):
        if time.monotonic() >= stop_at:
            break
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


def _fuzz_hypothesis(parser: Parser, count: int, stop_at: float) -> tuple[Counter[str], list[str]]:
    from hypothesis import HealthCheck, Phase, given, settings

    from tests.proof.fuzz import inputs
    from tests.proof.parsers import outcome

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
        if time.monotonic() >= stop_at:
            raise _OutOfTime
        result = outcome(parser, data)
        tally[result.split(":")[0]] += 1
        if result.startswith("unhandled") and len(unhandled) < 5:
            unhandled.append(result)

    try:
        run()
    except _OutOfTime:
        pass
    return tally, unhandled


def _fuzz_atheris(
    parser: Parser, count: int, stop_at: float, seed: int, scratch: Path
) -> tuple[Counter[str], list[str]]:
    """One forked child runs libFuzzer on ``parser`` (so a crash of the engine itself, or an
    input that kills the process, cannot take the other parsers with it); it writes its tally
    to a file every 1000 inputs and at the end, which the parent reads."""
    slug = "".join(c if c.isalnum() else "-" for c in parser.name)
    work = scratch / f"atheris-{slug}"
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "seed").write_bytes(parser.seed)
    tally_file = work / "tally.json"
    sys.stdout.flush()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child never returns
        status = 3
        try:
            _atheris_child(parser, count, stop_at, seed, work, corpus, tally_file)
        except BaseException as exc:  # reported through a file, then the child exits
            (work / "child-error.txt").write_text(f"{type(exc).__name__}: {exc}\n")
        finally:
            os._exit(status)
    _pid, status = os.waitpid(child, 0)
    tally: Counter[str] = Counter()
    unhandled: list[str] = []
    if tally_file.exists():
        saved = json.loads(tally_file.read_text())
        tally.update(saved["tally"])
        unhandled = saved["unhandled"]
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        error = work / "child-error.txt"
        why = error.read_text().strip() if error.exists() else f"exit status {code}"
        unhandled.append(f"engine: the fuzzing child ended early ({why}); log {work / 'log.txt'}")
    return tally, unhandled


def _atheris_child(
    parser: Parser,
    count: int,
    stop_at: float,
    seed: int,
    work: Path,
    corpus: Path,
    tally_file: Path,
) -> None:
    atheris = _atheris()

    from tests.proof.parsers import outcome

    log = os.open(work / "log.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 2)  # libFuzzer's own reports
    tally: Counter[str] = Counter()
    kinds: dict[str, list[object]] = {}  # error text -> [count, first input's file]

    def save() -> None:
        lines = [f"{n} x {text} (first input: {path})" for text, (n, path) in kinds.items()]
        part = tally_file.with_suffix(".part")
        part.write_text(json.dumps({"tally": tally, "unhandled": lines}))
        os.replace(part, tally_file)

    def one(data: bytes) -> None:
        result = outcome(parser, data)
        tally[result.split(":")[0]] += 1
        if result.startswith("unhandled"):
            kind = kinds.get(result)
            if kind is not None:
                kind[0] = cast(int, kind[0]) + 1
            elif len(kinds) < 20:  # each distinct error once, with its first input
                saved = work / f"unhandled-{len(kinds) + 1}.bin"
                saved.write_bytes(data)
                kinds[result] = [1, saved]
                save()
        tried = tally.total()
        if tried >= count or time.monotonic() >= stop_at:
            save()
            os._exit(0)
        if tried % 1000 == 0:
            save()

    atheris.Setup(
        [
            sys.argv[0],
            f"-seed={seed % (1 << 31) or 1}",
            f"-max_len={len(parser.seed) + 4096}",
            "-rss_limit_mb=4096",
            "-timeout=600",
            str(corpus),
        ],
        one,
    )
    atheris.Fuzz()


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


def _atheris() -> Any:
    """atheris, not a project dependency (see the module doc), so untyped and imported late."""
    try:
        return importlib.import_module("atheris")
    except ImportError:
        raise SystemExit("--engine atheris needs atheris installed (see --help)") from None


def _deadline(until: str | None) -> float:
    """``--until HH:MM`` (UTC) as a :func:`time.monotonic` instant; no bound without it."""
    if until is None:
        return float("inf")
    hour, minute = (int(part) for part in until.split(":"))
    now = datetime.now(UTC)
    end = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if end <= now:
        end += timedelta(days=1)
    return time.monotonic() + (end - now).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="inputs per parser")
    parser.add_argument(
        "--parser", action="append", help="only this parser (repeatable; run in this order)"
    )
    parser.add_argument(
        "--engine", choices=["hypothesis", "random", "atheris"], default="hypothesis"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed of --engine random/atheris")
    parser.add_argument("--until", default=None, help="stop by this UTC time (HH:MM)")
    parser.add_argument("--tamper", action="store_true", help="also the full M3/M4 matrix")
    args = parser.parse_args()
    end = _deadline(args.until)

    if args.engine == "atheris":
        atheris = _atheris()
        # Coverage for the program's own code (instrumenting all 20,000-odd loaded functions,
        # the standard library's and hypothesis's too, takes minutes per child), on import,
        # before anything has imported it; the forked children inherit it.
        with atheris.instrument_imports(include=["app"]):
            from tests.proof.meeting import play
            from tests.proof.parsers import parsers
    else:
        from tests.proof.meeting import play
        from tests.proof.parsers import parsers

    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    unhandled_total = 0
    rows: list[tuple[str, int, int, int, int, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        meeting = play(Path(tmp) / "meeting")
        print(f"proof meeting played in {time.perf_counter() - started:.1f} s", flush=True)
        every = {p.name: p for p in parsers(meeting)}
        unknown = sorted(set(args.parser or ()) - set(every))
        if unknown:
            raise SystemExit(f"unknown parser(s): {', '.join(unknown)}; known: {', '.join(every)}")
        # In the order given: with --until, the fast ones first leave their spare time to
        # the slow ones at the end.
        chosen = [every[name] for name in args.parser] if args.parser else list(every.values())
        seeded = args.engine != "hypothesis"
        print(f"engine: {args.engine}" + (f", seed {seed}" if seeded else ""), flush=True)
        if args.engine == "atheris":
            scratch = Path(tempfile.mkdtemp(prefix="fuzz-parsers-"))
            print(f"atheris work folder (logs, unhandled inputs): {scratch}", flush=True)
        for index, item in enumerate(chosen):
            started = time.perf_counter()
            stop_at = time.monotonic() + (end - time.monotonic()) / (len(chosen) - index)
            if args.engine == "random":
                tally, unhandled = _fuzz_random(item, args.count, rng, stop_at)
            elif args.engine == "atheris":
                tally, unhandled = _fuzz_atheris(item, args.count, stop_at, seed + index, scratch)
            else:
                tally, unhandled = _fuzz_hypothesis(item, args.count, stop_at)
            tried = sum(tally.values())
            elapsed = time.perf_counter() - started
            note = "" if tried >= args.count else " (stopped at its share of --until)"
            print(
                f"{item.name}: tried {tried}, accepted {tally['accepted']}, "
                f"refused {tally['refused']}, unhandled {tally['unhandled']} "
                f"[{elapsed:.1f} s]{note}",
                flush=True,
            )
            for line in unhandled:
                print(f"    {line}")
            rows.append(
                (item.name, tried, tally["accepted"], tally["refused"], tally["unhandled"], elapsed)
            )
            unhandled_total += tally["unhandled"] + sum(
                1 for line in unhandled if line.startswith("engine:")
            )
        _table(rows)
        if args.tamper:
            unhandled_total += _tamper(meeting, Path(tmp))
    print(f"unhandled in all: {unhandled_total}")
    return 1 if unhandled_total else 0


def _table(rows: list[tuple[str, int, int, int, int, float]]) -> None:
    print()
    print(
        f"{'parser':<24} {'inputs':>10} {'accepted':>10} {'refused':>10} {'unhandled':>9} {'s':>8}"
    )
    for name, tried, accepted, refused, unhandled, elapsed in rows:
        print(f"{name:<24} {tried:>10} {accepted:>10} {refused:>10} {unhandled:>9} {elapsed:>8.1f}")
    totals = [sum(int(r[i]) for r in rows) for i in range(1, 5)]
    print(
        f"{'all':<24} {totals[0]:>10} {totals[1]:>10} {totals[2]:>10} {totals[3]:>9} "
        f"{sum(r[5] for r in rows):>8.1f}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
