"""Killing the program at any moment loses no acknowledged edit (DESIGN section 6, M8).

30 SIGKILL trials on one workspace, and 15 more writing sealed (an expert's sealing
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
    total = 0
    for _ in range(TRIALS):
        total += run_trial(path, rng.uniform(0.05, 0.6), history).acknowledged
    assert total > TRIALS * 5, "the child should commit many edits before most kills"
    assert len(history.acknowledged) == total


@pytest.mark.slow
def test_sealed_edits_survive_sigkill_too(tmp_path: Path) -> None:
    path = tmp_path / "sealed-crash.review"
    history = prepare(path, sealed=True)
    rng = random.Random(20250302)
    total = sum(run_trial(path, rng.uniform(0.05, 0.6), history).acknowledged for _ in range(15))
    assert total > 15 * 5
    assert len(history.acknowledged) == total
