"""The secretary console through a whole large meeting: does the window stay responsive?

    .venv/bin/python bench/bench_secretary_ui.py [--applications 200] [--experts 30]

Setup (not timed) comes from bench_secretary.py: a throw-away CA, every expert's signed sheet
file, a frozen secretary workspace, the chair's identity file and the ministry's
certificate. Then, offscreen, the real :class:`SecretaryWindow` is opened on that workspace
and driven through the session the secretary works through, clicking its buttons (the file
pickers and the passphrase prompt answered by a stub dialog service):

1. round 1: the collect page's import of every sheet file (it ends with every page
   re-read), the consolidation page, the progress board;
2. round 2, opened for the application chosen on the consolidation page (nothing is
   flagged at these sizes), its notice written; every expert's round-2 sheet file for it
   (signed between the phases, not timed) imported; its consolidation;
3. the panel opinion of the round's application written and saved, the chair approving it
   with the identity file and passphrase;
4. the outputs: the report and workbook prepared, the chair signing at the console, the
   secretary signing and writing the report, workbook and encrypted result bundle (which
   carries every sheet of both rounds and is read back and verified).

Each phase runs under its own :class:`StallMeter` (a 10 ms ``QTimer`` on the GUI thread; the
longest gap between ticks is the longest time the window could neither repaint nor answer
input). Completion is awaited on signals and by polling state from the event loop, never
sleeping. Printed: each phase's time and longest stall, the GUI-thread calls that took
longest (and those overlapping the longest stall), and round 1's import, consolidation and
board against ``consolidate()`` in memory on the same sheets (bench_consolidation.py's
baseline), measured in the same run. Target: no stall over 100 ms in the whole session.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib


def measure(argv: list[str]) -> list[benchlib.Row]:
    from secretary_session import measure as session

    return session(argv)


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
