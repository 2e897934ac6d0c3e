"""Migration 4 (storage/migrations/m004_sealed_drafts.py) from a version-3 workspace holding
plaintext rows:
nothing recorded is lost or changed, the audit chain still verifies, and the database rules
keep protecting submitted sheets, sealed or not."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.sheet import NoteKind, SheetStatus
from storage.migrations import workspace as migrations
from storage.workspace.audit_state import verify_file
from storage.workspace.core import Workspace
from tests.meeting_factory import APP, EXPERT, MEETING, OTHER_APP, Clock, make_meeting, make_rubric
from tests.storage.v3_fixture import V3Workspace


@pytest.fixture
def v3_path(tmp_path: Path) -> Path:
    path = tmp_path / "v3.sqlite"
    old = V3Workspace(path, make_meeting(), make_rubric(), Clock())
    old.declare(EXPERT, APP, False, "")
    old.declare(EXPERT, OTHER_APP, True, "former employer")
    old.note(EXPERT, APP, "a plaintext note", NoteKind.QUESTION, "concept")
    old.sheet(EXPERT, APP, 1, "first", ("20", "20", "20", "20"), SheetStatus.SUBMITTED)
    old.sheet(EXPERT, APP, 2, "second", ("21", "20", "20", "20"), SheetStatus.DRAFT)
    old.close()
    return path


def test_a_version_three_workspace_migrates_and_keeps_everything(v3_path: Path) -> None:
    assert verify_file(v3_path).ok  # read-only, not migrated
    raw = sqlite3.connect(v3_path)
    before = {
        table: raw.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
        for table in ("conflicts", "notes", "sheets", "sheet_scores", "sheet_criteria", "audit_log")
    }
    raw.close()
    with Workspace.open(v3_path) as ws:
        version = int(ws._db.execute("PRAGMA user_version").fetchone()[0])
        assert version == migrations.SCHEMA_VERSION
        assert {"draft_keys", "signed_copies"} <= set(ws._db.table_names())
        assert ws.verify_audit().ok
        assert ws.conflict(MEETING, EXPERT, OTHER_APP).reason == "former employer"  # type: ignore[union-attr]
        assert [n.text for n in ws.notes(MEETING, EXPERT, APP)] == ["a plaintext note"]
        assert [s.status for s in ws.sheets(MEETING, EXPERT, APP)] == [
            SheetStatus.SUBMITTED,
            SheetStatus.DRAFT,
        ]
    raw = sqlite3.connect(v3_path)
    after = {
        "conflicts": raw.execute(
            "SELECT meeting_id, expert_id, application_id, has_conflict, reason, declared_at"
            " FROM conflicts ORDER BY 1, 2, 3"
        ).fetchall(),
        "notes": raw.execute(
            "SELECT id, meeting_id, expert_id, application_id, kind, text, factor, created_at"
            " FROM notes ORDER BY 1, 2, 3"
        ).fetchall(),
        "sheets": raw.execute(
            "SELECT id, meeting_id, expert_id, application_id, round, version, status, opinion,"
            " recommendation, conditions, updated_at, submitted_at FROM sheets ORDER BY 1, 2, 3"
        ).fetchall(),
        **{
            table: raw.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3").fetchall()
            for table in ("sheet_scores", "sheet_criteria", "audit_log")
        },
    }
    assert raw.execute("SELECT count(*) FROM sheets WHERE sealed IS NOT NULL").fetchone() == (0,)
    indexes = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "notes_by_pair" in indexes
    raw.close()
    # Migration 8 adds one entry: the meeting's state without its forms.
    added = after["audit_log"][len(before["audit_log"]) :]
    assert [(e[2], e[3]) for e in added] == [("migration", "meeting.forms_removed")]
    after["audit_log"] = after["audit_log"][: len(before["audit_log"])]
    assert after == before
    assert verify_file(v3_path).ok


def _refused(path: Path, statement: str, message: str) -> None:
    raw = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match=message):
            raw.execute(statement)
    finally:
        raw.close()


def test_after_migration_a_submitted_plaintext_sheet_is_still_immutable(v3_path: Path) -> None:
    Workspace.open(v3_path).close()
    submitted = "s-e1-a1-1"
    sealing = "sealed = x'01', opinion = '', recommendation = NULL"
    for statement in (
        f"UPDATE sheets SET opinion = 'forged' WHERE id = '{submitted}'",
        f"DELETE FROM sheet_scores WHERE sheet_id = '{submitted}'",
        f"UPDATE sheet_scores SET score = '25' WHERE sheet_id = '{submitted}'",
        f"INSERT INTO sheet_scores VALUES ('{submitted}', 'extra', 9, '1', '')",
        # Sealing is the one change allowed, and only on its own.
        f"UPDATE sheets SET status = 'superseded', {sealing} WHERE id = '{submitted}'",
        f"UPDATE sheets SET updated_at = 'x', {sealing} WHERE id = '{submitted}'",
    ):
        _refused(v3_path, statement, "immutable")


def test_the_new_rules_refuse_plaintext_beside_a_sealed_value(v3_path: Path) -> None:
    Workspace.open(v3_path).close()
    draft = "s-e1-a1-2"
    raw = sqlite3.connect(v3_path)
    raw.execute(
        "UPDATE sheets SET sealed = x'01', opinion = '', recommendation = NULL WHERE id = ?",
        (draft,),
    )
    raw.execute("DELETE FROM sheet_scores WHERE sheet_id = ?", (draft,))
    raw.commit()
    raw.close()
    for statement, message in (
        (f"UPDATE sheets SET opinion = 'x' WHERE id = '{draft}'", "keeps no plaintext"),
        (f"UPDATE sheets SET sealed = NULL WHERE id = '{draft}'", "keeps no plaintext"),
        (f"INSERT INTO sheet_scores VALUES ('{draft}', 'concept', 1, '1', '')", "no plaintext"),
        (
            "INSERT INTO conflicts (meeting_id, expert_id, application_id, has_conflict, reason,"
            f" declared_at, sealed) VALUES ('{MEETING}', 'e2', '{APP}', 0, 'x', 't', x'01')",
            "CHECK",
        ),
        (
            "INSERT INTO conflicts (meeting_id, expert_id, application_id, has_conflict, reason,"
            f" declared_at) VALUES ('{MEETING}', 'e2', '{APP}', 1, '', 't')",
            "CHECK",
        ),
        (
            "INSERT INTO notes (id, meeting_id, expert_id, application_id, created_at)"
            f" VALUES ('n9', '{MEETING}', 'e2', '{APP}', 't')",
            "CHECK",
        ),
        (
            "INSERT INTO notes (id, meeting_id, expert_id, application_id, kind, text, created_at,"
            f" sealed) VALUES ('n9', '{MEETING}', 'e2', '{APP}', 'note', '', 't', x'01')",
            "CHECK",
        ),
        (
            f"INSERT INTO signed_copies VALUES ('{draft}', x'01', 't')",
            "only a submitted sheet",
        ),
    ):
        _refused(v3_path, statement, message)


def test_draft_keys_and_signed_copies_are_written_once(v3_path: Path) -> None:
    Workspace.open(v3_path).close()
    raw = sqlite3.connect(v3_path)
    raw.execute("INSERT INTO draft_keys VALUES (?, ?, 'FP', x'01', x'02', 't')", (MEETING, EXPERT))
    raw.execute("INSERT INTO signed_copies VALUES ('s-e1-a1-1', x'01', 't')")
    raw.commit()
    raw.close()
    for statement in (
        "UPDATE draft_keys SET wrapped_key = x'03'",
        "DELETE FROM draft_keys",
        "UPDATE signed_copies SET sealed = x'03'",
        "DELETE FROM signed_copies",
    ):
        _refused(v3_path, statement, "written once")
