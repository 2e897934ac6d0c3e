"""Opening workspace databases: pragmas, migrations, and refusals that change nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from app.errors import StorageError
from storage import database
from storage.migrations import workspace as migrations
from storage.workspace.core import Workspace
from tests.meeting_factory import MEETING


def _files(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def test_every_connection_has_the_durability_pragmas(workspace: Workspace, ws_path: Path) -> None:
    workspace.close()
    db = database.open_database(ws_path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == database.BUSY_TIMEOUT_MS
        assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
    finally:
        db.close()


def test_foreign_keys_are_enforced(workspace: Workspace, ws_path: Path) -> None:
    db = database.open_database(ws_path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            with db.atomic():
                db.execute(
                    "INSERT INTO conflicts (meeting_id, expert_id, application_id,"
                    " has_conflict, reason, declared_at)"
                    " VALUES (?, 'nobody', 'a1', 0, '', '2025-01-01')",
                    (MEETING,),
                )
    finally:
        db.close()


def test_reopening_is_a_no_op(workspace: Workspace, ws_path: Path) -> None:
    before = workspace.audit_head()
    workspace.close()
    for _ in range(2):
        with Workspace.open(ws_path) as again:
            assert again.audit_head() == before
            assert [m.id for m in again.meetings()] == [MEETING]


def test_a_v1_fixture_database_migrates_to_a_later_version(tmp_path: Path) -> None:
    """Fixture: a database built by migration 1 alone, then a (test-only) migration 2."""
    path = tmp_path / "v1.db"
    db = sqlite_utils.Database(sqlite3.connect(path))
    assert migrations.migrate(db, migrations.MIGRATIONS[:1]) == 1
    db.execute("INSERT INTO rubrics VALUES ('r', 1, '{}')")
    db.conn.commit()

    def m002_add_column(db: sqlite_utils.Database) -> None:
        db.execute("ALTER TABLE rubrics ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated'")

    assert migrations.migrate(db, (*migrations.MIGRATIONS[:1], m002_add_column)) == 2
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("SELECT id, note FROM rubrics").fetchall() == [("r", "migrated")]
    db.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    db = sqlite_utils.Database(sqlite3.connect(tmp_path / "v1.db"))
    migrations.migrate(db, migrations.MIGRATIONS[:1])

    def m002_broken(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        raise sqlite3.OperationalError("simulated failure")

    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(db, (*migrations.MIGRATIONS[:1], m002_broken))
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "half_done" not in db.table_names()
    db.close()


def test_a_newer_schema_is_refused_and_left_unchanged(workspace: Workspace, ws_path: Path) -> None:
    workspace.close()
    raw = sqlite3.connect(ws_path)
    raw.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    raw.close()
    before = ws_path.read_bytes()
    with pytest.raises(StorageError, match="newer version") as caught:
        Workspace.open(ws_path)
    assert caught.value.recommendation
    assert ws_path.read_bytes() == before
    with pytest.raises(StorageError, match="newer version"):
        database.open_read_only(ws_path)


def test_a_newer_schema_in_rollback_mode_keeps_its_journal_mode(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE t (x)")
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer version"):
        Workspace.open(path)
    assert path.read_bytes() == before
    assert _files(tmp_path) == {"future.db"}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, this is a text file\n" * 10,
        b"%PDF-1.7\n" + bytes(range(256)) * 8,
    ],
    ids=["empty", "text", "pdf"],
)
def test_a_non_sqlite_file_is_refused_byte_for_byte_unchanged(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "not-a-workspace.review"
    path.write_bytes(content)
    with pytest.raises(StorageError, match="not an Expert Review Desk workspace"):
        Workspace.open(path)
    assert path.read_bytes() == content
    assert _files(tmp_path) == {path.name}  # no -wal or -shm files appeared


def test_a_corrupt_database_is_refused_unchanged(workspace: Workspace, ws_path: Path) -> None:
    workspace.close()
    data = bytearray(ws_path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for i in range(page_size + 8, len(data), 97):  # scribble over every page after the first
        data[i] ^= 0x5A
    ws_path.write_bytes(bytes(data))
    with pytest.raises(StorageError, match="damaged"):
        Workspace.open(ws_path)
    assert ws_path.read_bytes() == bytes(data)


def test_a_sqlite_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE contacts (name TEXT)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not an Expert Review Desk workspace"):
        Workspace.open(path)
    assert path.read_bytes() == before


def test_a_database_locked_by_another_program_is_refused(
    workspace: Workspace, ws_path: Path
) -> None:
    workspace.close()
    other = sqlite3.connect(ws_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program in the middle of a write
    try:
        with pytest.raises(StorageError, match="open in another program") as caught:
            Workspace.open(ws_path)
        assert "Close the other program" in caught.value.recommendation
    finally:
        other.execute("ROLLBACK")
        other.close()
    Workspace.open(ws_path).close()  # and opens once the other program lets go


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        Workspace.open(tmp_path / "nowhere.review")
    assert _files(tmp_path) == set()


def test_create_refuses_to_overwrite(workspace: Workspace, ws_path: Path) -> None:
    before = ws_path.read_bytes()
    with pytest.raises(StorageError, match="already exists"):
        database.create_database(ws_path)
    assert ws_path.read_bytes() == before
