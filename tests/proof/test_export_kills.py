"""M16: SIGKILL during each export - report PDF, workbook, bundle, sheet file, kit - leaves
the target the old file (or absent, for the publication's new names) or the new one, never
a partial file. 14 trials, each killed at a chosen unit of work of the writer (temporary file
made, half of a block written, a block written, fsync, rename, folder fsync:
:mod:`tests.proof.export_child`); ``bench/stress_exports.py`` runs 200 at random units."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.proof.export_kills import Export, Trial, run_trial
from tests.proof.formats import exports
from tests.proof.meeting import ProofMeeting

# Units of ``atomic``: 1 temp made, 2-3 the two halves, 4 fsync, 5 rename, 6 folder fsync.
# ``stream`` (the kit, two 64 KiB blocks): 1 temp, 2-5 the halves, 6 fsync, 7 rename, 8 folder.
KILLS = {
    "report": (2,),
    "workbook": (4,),
    "bundle": (1, 2, 5),
    "sheet file": (2, 4, 5),
    "kit": (1, 3, 5, 6, 7, 8),
}


@pytest.fixture(scope="module")
def by_name(proof_meeting: ProofMeeting) -> dict[str, Export]:
    return {e.name: e for e in exports(proof_meeting)}


@pytest.mark.parametrize("name", sorted(KILLS))
def test_a_kill_leaves_the_old_or_the_new_file(
    by_name: dict[str, Export], name: str, tmp_path: Path
) -> None:
    trials: list[Trial] = [
        run_trial(by_name[name], tmp_path / f"trial-{unit}", unit) for unit in KILLS[name]
    ]
    assert all(t.killed for t in trials)
    before = "absent" if by_name[name].old is None else "old"
    states = [t.state for t in trials]
    for trial in trials:
        # Up to the rename the target is untouched; from the rename on it is the new file.
        rename = 7 if by_name[name].writer == "stream" else 5
        assert trial.state == ("new" if trial.kill_at >= rename else before), trial
    assert set(states) <= {before, "new"}


@pytest.mark.parametrize("name", ["sheet file", "kit"])
def test_the_next_write_sweeps_what_a_kill_left(
    by_name: dict[str, Export], name: str, tmp_path: Path
) -> None:
    """A kill mid-write leaves its temporary file; the next write of the same target (a new
    process: the killed writer's id is dead) removes it and leaves only the new file."""
    killed = run_trial(by_name[name], tmp_path, 2)
    assert killed.killed and killed.leftovers == 1
    again = run_trial(by_name[name], tmp_path, 10**6)  # never paused: a whole write
    assert not again.killed and again.state == "new" and again.leftovers == 0


def test_the_trials_count_a_dozen() -> None:
    assert sum(len(units) for units in KILLS.values()) >= 12
