"""The hash-chained audit log: appended with each change, tampering detected (M18)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlite_utils

from app.domain.ids import FactorKey
from app.domain.sheet import NoteKind
from app.expert import scoring
from storage.audit import chain as audit
from storage.audit.chain import AuditProblem, Checkpoint
from storage.migrations import workspace as migrations
from storage.workspace.audit_state import verify_file
from storage.workspace.core import Workspace
from tests.meeting_factory import APP, EXPERT, MEETING, Clock

T0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def _tamper(path: Path, *statements: str) -> None:
    """What someone with the sqlite3 command-line tool could do behind the program's back."""
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    raw.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


@pytest.fixture
def busy_workspace(workspace: Workspace, clock: Clock) -> Workspace:
    """A workspace with a dozen audited changes."""
    args = scoring.SheetRef(workspace, clock, "e1", MEETING, EXPERT, APP)
    scoring.declare_conflict(args, False, "")
    for i in range(4):
        scoring.add_note(args, NoteKind.NOTE, f"note {i}")
        scoring.set_factor_score(args, FactorKey("concept"), Decimal(10 + i))
    return workspace


def test_each_change_appends_one_chained_entry(busy_workspace: Workspace, ws_path: Path) -> None:
    db = sqlite_utils.Database(sqlite3.connect(ws_path))
    log = audit.entries(db)
    db.close()
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert [e.action for e in log[:3]] == ["rubric.fix", "meeting.create", "conflict.declare"]
    assert log[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(log):
        assert after.prev_hash == before.entry_hash
    assert all(e.actor in ("secretary", "e1") for e in log)
    report = busy_workspace.verify_audit()
    assert report.ok and report.count == len(log) == 11
    assert report.head_hash == log[-1].entry_hash


def test_the_hash_is_the_documented_construction() -> None:
    content = {"seq": 1, "at": "t", "actor": "a", "action": "x", "subject": "s", "digest": "d"}
    expected = hashlib.sha256(
        bytes(32) + b'{"action":"x","actor":"a","at":"t","digest":"d","seq":1,"subject":"s"}'
    ).hexdigest()
    assert audit.entry_hash(audit.GENESIS, content) == expected
    assert audit.canonical_json({"b": "中", "a": [1, None]}) == '{"a":[1,null],"b":"中"}'.encode()


def test_the_digest_is_of_the_new_state(busy_workspace: Workspace, ws_path: Path) -> None:
    from storage.workspace.documents import sheet_state

    sheet = scoring.current_sheet(busy_workspace, MEETING, EXPERT, APP)
    assert sheet is not None
    db = sqlite_utils.Database(sqlite3.connect(ws_path))
    last = audit.entries(db)[-1]
    db.close()
    assert last.subject == f"sheet:{sheet.id}"
    assert last.digest == audit.digest_of(sheet_state(sheet))


def test_an_edited_entry_is_detected(busy_workspace: Workspace, ws_path: Path) -> None:
    busy_workspace.close()
    _tamper(ws_path, "UPDATE audit_log SET actor = 'e2' WHERE seq = 5")
    report = verify_file(ws_path)
    assert (report.ok, report.first_bad_seq, report.reason) == (False, 5, AuditProblem.EDITED)


def test_an_edited_digest_is_detected(busy_workspace: Workspace, ws_path: Path) -> None:
    busy_workspace.close()
    _tamper(ws_path, "UPDATE audit_log SET digest = '" + "0" * 64 + "' WHERE seq = 7")
    report = verify_file(ws_path)
    assert (report.first_bad_seq, report.reason) == (7, AuditProblem.EDITED)


def test_a_deleted_entry_is_detected(busy_workspace: Workspace, ws_path: Path) -> None:
    busy_workspace.close()
    _tamper(ws_path, "DELETE FROM audit_log WHERE seq = 4")
    report = verify_file(ws_path)
    assert (report.first_bad_seq, report.reason) == (4, AuditProblem.DELETED)


def test_a_deleted_entry_with_renumbering_is_detected(
    busy_workspace: Workspace, ws_path: Path
) -> None:
    busy_workspace.close()
    _tamper(
        ws_path,
        "DELETE FROM audit_log WHERE seq = 4",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq > 4",
    )
    report = verify_file(ws_path)
    assert report.first_bad_seq == 4 and report.reason in (
        AuditProblem.EDITED,
        AuditProblem.REORDERED,
        AuditProblem.DELETED,
    )
    assert not report.ok


def test_swapped_entries_are_detected_as_reordered(
    busy_workspace: Workspace, ws_path: Path
) -> None:
    busy_workspace.close()
    _tamper(
        ws_path,
        "UPDATE audit_log SET seq = -1 WHERE seq = 5",
        "UPDATE audit_log SET seq = 5 WHERE seq = 6",
        "UPDATE audit_log SET seq = 6 WHERE seq = -1",
    )
    report = verify_file(ws_path)
    assert (report.first_bad_seq, report.reason) == (5, AuditProblem.REORDERED)


def test_a_data_row_edited_behind_the_programs_back_is_detected(
    busy_workspace: Workspace, ws_path: Path
) -> None:
    sheet = scoring.current_sheet(busy_workspace, MEETING, EXPERT, APP)
    assert sheet is not None
    busy_workspace.close()
    _tamper(ws_path, "UPDATE sheet_scores SET score = '25' WHERE factor = 'concept'")
    report = verify_file(ws_path)
    assert (report.ok, report.reason) == (False, AuditProblem.STATE_CHANGED)
    assert report.subject == f"sheet:{sheet.id}"


def test_a_deleted_data_row_is_detected(busy_workspace: Workspace, ws_path: Path) -> None:
    busy_workspace.close()
    _tamper(ws_path, "DELETE FROM notes WHERE text = 'note 2'")
    report = verify_file(ws_path)
    assert report.reason is AuditProblem.STATE_CHANGED
    assert report.subject is not None and report.subject.startswith("note:")


def test_truncation_shows_when_the_data_outlives_its_entry(
    busy_workspace: Workspace, ws_path: Path
) -> None:
    head = busy_workspace.audit_head()
    busy_workspace.close()
    _tamper(ws_path, f"DELETE FROM audit_log WHERE seq = {head.count}")
    report = verify_file(ws_path)
    assert (report.ok, report.reason) == (False, AuditProblem.STATE_CHANGED)


def test_truncation_with_its_data_needs_a_checkpoint(
    busy_workspace: Workspace, ws_path: Path, clock: Clock
) -> None:
    scoring.add_note(
        scoring.SheetRef(busy_workspace, clock, "e1", MEETING, EXPERT, APP), NoteKind.NOTE, "last"
    )
    head = busy_workspace.audit_head()
    busy_workspace.close()
    assert verify_file(ws_path, head).ok
    _tamper(
        ws_path,
        f"DELETE FROM audit_log WHERE seq = {head.count}",
        "DELETE FROM notes WHERE text = 'last'",
    )
    assert verify_file(ws_path).ok  # documented limit: a removed tail can go unnoticed ...
    report = verify_file(ws_path, head)  # ... unless a checkpoint was recorded elsewhere
    assert (report.ok, report.reason) == (False, AuditProblem.CHECKPOINT_MISMATCH)


# -- M18 on a 1,000-entry log -----------------------------------------------------------------


@pytest.fixture
def long_log() -> Iterator[sqlite_utils.Database]:
    db = sqlite_utils.Database(memory=True, execute_plugins=False)
    migrations.migrate(db)
    with db.atomic():
        for i in range(1000):
            audit.append(
                db,
                at=T0 + dt.timedelta(seconds=i),
                actor=f"e{i % 7}",
                action="sheet.score",
                subject=f"sheet:s{i % 13}",
                state={"i": i},
            )
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("DROP TRIGGER audit_log_no_delete")
    yield db
    db.close()


def test_a_long_log_verifies(long_log: sqlite_utils.Database) -> None:
    report = audit.verify_chain(long_log)
    assert report.ok and report.count == 1000


@pytest.mark.parametrize("seq", [1, 2, 500, 999])
def test_every_kind_of_tampering_in_a_long_log(long_log: sqlite_utils.Database, seq: int) -> None:
    db = long_log
    with db.atomic():
        db.execute("SAVEPOINT s")
        db.execute("UPDATE audit_log SET at = 'x' WHERE seq = ?", (seq,))
        assert audit.verify_chain(db).first_bad_seq == seq
        db.execute("ROLLBACK TO s")
        db.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
        report = audit.verify_chain(db)
        assert (report.first_bad_seq, report.reason) == (seq, AuditProblem.DELETED)
        db.execute("ROLLBACK TO s")
        db.execute("UPDATE audit_log SET seq = -1 WHERE seq = ?", (seq,))
        db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (seq, seq + 1))
        db.execute("UPDATE audit_log SET seq = ? WHERE seq = -1", (seq + 1,))
        report = audit.verify_chain(db)
        assert (report.first_bad_seq, report.reason) == (seq, AuditProblem.REORDERED)
        db.execute("ROLLBACK TO s")
        db.execute("RELEASE s")


def test_a_truncated_and_rehashed_log_is_caught_only_by_a_checkpoint(
    long_log: sqlite_utils.Database,
) -> None:
    db = long_log
    checkpoint = Checkpoint(1000, audit.verify_chain(db).head_hash)
    # Rewrite history from entry 400 on, recomputing every hash: undetectable on its own.
    db.execute("DELETE FROM audit_log WHERE seq >= 400")
    with db.atomic():
        for i in range(400, 1001):
            audit.append(db, at=T0, actor="forger", action="x", subject="s", state=i)
    assert audit.verify_chain(db).ok
    report = audit.verify_chain(db, checkpoint=checkpoint)
    assert (report.ok, report.reason) == (False, AuditProblem.CHECKPOINT_MISMATCH)


def test_the_program_itself_cannot_rewrite_the_log(
    busy_workspace: Workspace, ws_path: Path
) -> None:
    db = sqlite_utils.Database(sqlite3.connect(ws_path))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_log")
    db.close()


def test_append_outside_a_transaction_is_a_programming_error() -> None:
    db = sqlite_utils.Database(memory=True, execute_plugins=False)
    migrations.migrate(db)
    with pytest.raises(RuntimeError):
        audit.append(db, at=T0, actor="a", action="x", subject="s", state=None)
