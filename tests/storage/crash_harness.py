"""Kill-at-a-random-moment trials (reliability note, M8), shared by the test suite and
``bench/stress_durability.py``.

Each trial starts :mod:`tests.storage.crash_child` on one workspace, kills it with SIGKILL
once it has acknowledged a given number of edits (with 0, as soon as it is started, often
before it has even opened the file), so the kill lands somewhere inside the next edit,
whatever the machine's load; no trial depends on how fast the child runs. It then reopens the
workspace and checks: the connection has WAL and ``synchronous=FULL``; ``integrity_check``
is ok; every acknowledged edit is present (at most the one in flight is extra); the audit
chain and every subject's state verify.

With a draft key (``prepare(path, sealed=True)``) the same trials run through the expert's
sealing repository (workspace-drafts-v1), and the checks read through it.

SIGKILL lets the operating system flush what the process wrote, so this proves crash
safety, not power-loss safety (that needs a LazyFS-style harness, M8b).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app.expert import scoring
from app.ports import ScoringRepository
from app.sealed_drafts.cipher import DraftCipher
from storage import database
from storage.workspace.core import Workspace
from storage.workspace.expert import ExpertWorkspace
from tests.meeting_factory import APP, EXPERT, MEETING, Clock, make_meeting, make_rubric

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TrialResult:
    acknowledged: int
    """Edits the child reported as committed in this trial."""
    in_flight_committed: bool
    """The edit being made when the kill came had committed, though never acknowledged."""


@dataclass
class History:
    """What all trials so far on one workspace have done."""

    acknowledged: set[int] = field(default_factory=set)
    committed_unacknowledged: set[int] = field(default_factory=set)
    next_first: int = 1
    draft_key: bytes | None = None
    """The expert's draft key when the trials write sealed (``prepare(..., sealed=True)``)."""


def _repo(ws: Workspace, draft_key: bytes | None) -> ScoringRepository:
    if draft_key is None:
        return ws
    return ExpertWorkspace(ws, DraftCipher(draft_key, MEETING, EXPERT))


def prepare(path: Path, *, sealed: bool = False) -> History:
    """A fresh workspace with "no conflict" declared; the history to run trials with."""
    history = History(draft_key=secrets.token_bytes(32) if sealed else None)
    ws = Workspace.create(path, make_meeting(), make_rubric(), "secretary", now=Clock())
    try:
        repo = _repo(ws, history.draft_key)
        scoring.declare_conflict(
            scoring.SheetRef(repo, Clock(), "e1", MEETING, EXPERT, APP), False, ""
        )
    finally:
        ws.close()
    return history


def run_trial(path: Path, kill_after: int, history: History) -> TrialResult:
    """One kill, sent as soon as the child has acknowledged ``kill_after`` edits; raises
    AssertionError on any lost edit or damage; updates ``history``."""
    first = history.next_first
    key = [] if history.draft_key is None else [history.draft_key.hex()]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.crash_child", str(path), str(first), *key],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert child.stdout is not None and child.stderr is not None
    acked: list[int] = []
    while len(acked) < kill_after:
        line = child.stdout.readline()
        if not line:
            break  # the child ended on its own: reported below
        acked.append(int(line))
    child.send_signal(signal.SIGKILL)
    child.wait()
    # Edits acknowledged between the last line read and the kill are acknowledged too.
    acked.extend(int(line) for line in child.stdout.read().split())
    stderr = child.stderr.read().decode(errors="replace")
    child.stdout.close()
    child.stderr.close()
    if child.returncode != -signal.SIGKILL:
        raise AssertionError(f"child ended on its own ({child.returncode}): {stderr}")
    history.acknowledged.update(acked)
    in_flight = (acked[-1] if acked else first - 1) + 1
    committed = _check(path, history, in_flight)
    if committed:
        history.committed_unacknowledged.add(in_flight)
    history.next_first = in_flight + 1
    return TrialResult(len(acked), committed)


def _check(path: Path, history: History, in_flight: int) -> bool:
    acknowledged = history.acknowledged | history.committed_unacknowledged
    db = database.open_database(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    with Workspace.open(path) as ws:
        repo = _repo(ws, history.draft_key)
        notes = {int(n.text.split()[1]) for n in repo.notes(MEETING, EXPERT, APP)}
        missing = sorted(i for i in acknowledged if i % 2 == 0 and i not in notes)
        assert not missing, f"acknowledged notes lost: {missing[:10]}"
        extra = notes - acknowledged - {in_flight}
        assert not extra, f"notes that were never made: {sorted(extra)[:10]}"
        sheet = scoring.current_sheet(repo, MEETING, EXPERT, APP)
        odd = [i for i in history.acknowledged if i % 2 == 1]
        if odd:
            assert sheet is not None
            entry = sheet.score_for("concept")
            assert entry is not None
            shown = int(entry.comment.split()[1])
            assert shown >= max(odd) and shown in (*acknowledged, in_flight), (shown, in_flight)
        report = ws.verify_audit()
        assert report.ok, report
        return in_flight in notes or (
            sheet is not None
            and (entry := sheet.score_for("concept")) is not None
            and entry.comment == f"edit {in_flight}"
        )
