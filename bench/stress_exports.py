"""M16 at scale: SIGKILL during exports, many trials at random units of work.

    .venv/bin/python bench/stress_exports.py [--trials 200] [--seed N]

Plays the proof meeting (tests/proof/meeting.py, about 15 s on an idle machine) in a
temporary folder, learns how many units of work each export's writer has (report PDF,
workbook, bundle, sheet file, kit; tests/proof/export_child.py), then runs ``--trials``
kills, each export and unit drawn at random: the target must be the old file (or absent,
for the publication's new names) or exactly the new one. Prints the trials per export, the
states found (absent / old / new), the temporary files the kills left and how many of them
the next write of the same target left (it sweeps them: 0), and failures. Exit status 1 on
any failure.
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

from tests.proof.export_kills import Export


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    from tests.proof.export_kills import run_trial
    from tests.proof.formats import exports
    from tests.proof.meeting import play

    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    failures: list[str] = []
    states: Counter[tuple[str, str]] = Counter()
    leftovers = 0
    swept_left = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        started = time.perf_counter()
        meeting = play(base / "meeting")
        print(f"proof meeting played in {time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        units = {}
        chosen = exports(meeting)
        for export in chosen:
            units[export.name] = _units(export, base)
        print("units of work: " + ", ".join(f"{k} {v}" for k, v in units.items()))
        for n in range(1, args.trials + 1):
            export = rng.choice(chosen)
            kill_at = rng.randrange(1, units[export.name] + 1)
            try:
                trial = run_trial(export, base / f"trial-{n}", kill_at)
            except AssertionError as exc:
                failures.append(f"trial {n} ({export.name}, unit {kill_at}): {exc}")
                continue
            states[(trial.export, trial.state)] += 1
            leftovers += trial.leftovers
            if trial.leftovers:
                # The next write of the same target must sweep what the kill left.
                again = run_trial(export, base / f"trial-{n}", 10**6)
                swept_left += again.leftovers
                if again.state != "new" or again.leftovers:
                    failures.append(f"trial {n} ({export.name}): the next write left {again}")
            if n % 50 == 0:
                print(f"... {n} trials", flush=True)
        elapsed = time.perf_counter() - started
    print(f"seed: {seed}")
    print(f"trials: {args.trials}")
    for (name, state), count in sorted(states.items()):
        print(f"  {name}: {state} {count}")
    print(f"temporary files left by kills: {leftovers}")
    print(f"temporary files left after the next write of the same target: {swept_left}")
    print(f"failures (partial or wrong targets): {len(failures)}")
    for failure in failures:
        print(f"  {failure}")
    print(f"time: {elapsed:.1f} s")
    return 1 if failures else 0


def _units(export: Export, base: Path) -> int:
    """The number of units of a full write (the child prints it when it finishes)."""
    import os
    import subprocess

    from tests.proof.export_kills import REPO

    folder = base / f"units-{export.name}"
    folder.mkdir()
    new_file = folder / "new"
    new_file.write_bytes(export.new)
    done = subprocess.run(
        [sys.executable, "-m", "tests.proof.export_child", export.writer,
         str(folder / export.target), str(new_file), str(10**9)],
        cwd=REPO, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    ).stdout  # fmt: skip
    return int(done.split()[1])


if __name__ == "__main__":
    raise SystemExit(main())
