"""Killing the program at any moment loses no acknowledged edit (DESIGN section 6, M8).

30 SIGKILL trials on one workspace, each after a random number of acknowledged edits (never
after a time, so a busy machine changes nothing), and 15 more writing sealed (an expert's sealing
repository, workspace-drafts-v1); ``bench/stress_durability.py`` runs many more.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.storage.crash_harness import prepare, run_trial

TRIALS = 30


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_edit(tmp_path: Path) -> None:
    path = tmp_path / "crash.review"
    history = prepare(path)
    rng = random.Random(20250301)
    asked = [rng.randrange(0, 25) for _ in range(TRIALS)]
    total = sum(run_trial(path, kill_after, history).acknowledged for kill_after in asked)
    assert total >= sum(asked), "each child acknowledges the edits it was asked for"
    assert len(history.acknowledged) == total


@pytest.mark.slow
def test_sealed_edits_survive_sigkill_too(tmp_path: Path) -> None:
    path = tmp_path / "sealed-crash.review"
    history = prepare(path, sealed=True)
    rng = random.Random(20250302)
    asked = [rng.randrange(0, 25) for _ in range(15)]
    total = sum(run_trial(path, kill_after, history).acknowledged for kill_after in asked)
    assert total >= sum(asked)
    assert len(history.acknowledged) == total
