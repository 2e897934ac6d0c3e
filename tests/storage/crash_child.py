"""Child process of the durability test: edit a workspace in a loop until killed.

Run as ``python -m tests.storage.crash_child WORKSPACE FIRST [DRAFT_KEY_HEX]``; with a draft
key the edits go through the expert's sealing repository. Edit *i* (starting at FIRST)
goes through the real use cases: an even *i* adds the hearing note ``edit i``, an odd *i* sets
the comment of factor ``concept`` to ``edit i``. The number is printed and flushed only after
the use case returned, i.e. after COMMIT: a printed number is an acknowledged edit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.domain.ids import FactorKey
from app.domain.sheet import NoteKind
from app.expert import scoring
from app.ports import ScoringRepository
from app.sealed_drafts.cipher import DraftCipher
from storage.workspace.core import Workspace, utc_now
from storage.workspace.expert import ExpertWorkspace
from tests.meeting_factory import APP, EXPERT, MEETING

FACTOR = FactorKey("concept")


def main(argv: list[str]) -> None:
    ws = Workspace.open(Path(argv[0]))
    i = int(argv[1])
    repo: ScoringRepository = ws
    if len(argv) > 2:
        repo = ExpertWorkspace(ws, DraftCipher(bytes.fromhex(argv[2]), MEETING, EXPERT))
    while True:
        if i % 2 == 0:
            scoring.add_note(
                scoring.SheetRef(repo, utc_now, "e1", MEETING, EXPERT, APP),
                NoteKind.NOTE,
                f"edit {i}",
            )
        else:
            scoring.set_factor_comment(
                scoring.SheetRef(repo, utc_now, "e1", MEETING, EXPERT, APP), FACTOR, f"edit {i}"
            )
        sys.stdout.write(f"{i}\n")
        sys.stdout.flush()
        i += 1


if __name__ == "__main__":
    main(sys.argv[1:])
