"""Durability stress (reliability note M8): many SIGKILL trials on one workspace.

    .venv/bin/python bench/stress_durability.py --trials 1000 [--per-workspace 20]
        [--max-edits 40] [--seed N] [--sealed]

``--sealed`` writes through an expert's sealing repository (workspace-drafts-v1).

Every ``--per-workspace`` trials a fresh workspace is started, because each check re-verifies
the whole audit log and every note (so checking cost grows with the log).

Prints the trial count, acknowledged edits, edits checked after the last kill, kills that
landed between COMMIT and the acknowledgement, and failures (each with its reason). Exit
status 1 if any trial lost an acknowledged edit or left a damaged database. Proves crash
safety (the OS still flushes after SIGKILL), not power-loss safety.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.storage.crash_harness import History, prepare, run_trial


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--per-workspace", type=int, default=20)
    parser.add_argument(
        "--max-edits", type=int, default=40, help="kill after 0..N acknowledged edits"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--sealed", action="store_true", help="write sealed drafts")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    rng = random.Random(seed)
    failures: list[str] = []
    in_flight = 0
    n = 0
    started = time.perf_counter()
    acknowledged = 0
    with tempfile.TemporaryDirectory() as tmp:
        history = History()
        path = Path(tmp)
        for n in range(1, args.trials + 1):
            if (n - 1) % args.per_workspace == 0:
                acknowledged += len(history.acknowledged)
                path = Path(tmp) / f"stress-{n}.review"
                history = prepare(path, sealed=args.sealed)
            try:
                result = run_trial(path, rng.randrange(0, args.max_edits + 1), history)
            except AssertionError as exc:
                failures.append(f"trial {n}: {exc}")
                break  # the workspace is no longer a trustworthy base for further trials
            in_flight += result.in_flight_committed
            if n % 50 == 0:
                done = acknowledged + len(history.acknowledged)
                print(f"... {n} trials, {done} acknowledged edits", flush=True)
        acknowledged += len(history.acknowledged)
    elapsed = time.perf_counter() - started
    print(f"seed: {seed}")
    print(f"trials: {n}")
    print(f"acknowledged edits: {acknowledged} (each re-checked after every later kill)")
    print(f"kills between COMMIT and acknowledgement (committed, unacknowledged): {in_flight}")
    print(f"failures: {len(failures)}")
    for failure in failures:
        print(f"  {failure}")
    print(f"time: {elapsed:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
