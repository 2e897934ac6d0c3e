"""``review-desk audit verify``: exit 0 / 1 / 2, naming the first broken entry."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from app import scoring
from app.cli import main
from app.domain.ids import FactorKey
from app.domain.sheet import NoteKind
from storage.workspace import Workspace
from tests.meeting_factory import APP, EXPERT, MEETING, Clock, make_meeting, make_rubric


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.review"
    clock = Clock()
    with Workspace.create(path, make_meeting(), make_rubric(), "secretary", now=clock) as ws:
        args = (ws, clock, "e1", MEETING, EXPERT, APP)
        scoring.declare_conflict(*args, False, "")
        for i in range(3):
            scoring.add_note(*args, NoteKind.NOTE, f"note {i}")
            scoring.set_factor_score(*args, FactorKey("concept"), Decimal(10 + i))
    return path  # 9 entries


def _sqlite3_cli(path: Path, *statements: str) -> None:
    """Edit the file as someone with the sqlite3 command-line tool would."""
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("DROP TRIGGER audit_log_no_delete")
    for statement in statements:
        raw.execute(statement)
    raw.commit()
    raw.close()


def test_an_intact_log_verifies(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = db_file.read_bytes()
    assert main(["audit", "verify", "--db", str(db_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 9 entries, head ")
    head = out.split()[-1]
    assert len(head) == 64
    assert db_file.read_bytes() == before  # read-only
    assert main(["audit", "verify", "--db", str(db_file), "--checkpoint", f"9:{head}"]) == 0


def test_an_edited_entry_is_named(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite3_cli(db_file, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 4")
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    assert capsys.readouterr().out.strip() == (
        "BROKEN: entry 4 of 9: it was edited after it was written"
    )


def test_a_deleted_entry_is_named(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite3_cli(db_file, "DELETE FROM audit_log WHERE seq = 6")
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    assert capsys.readouterr().out.strip() == "BROKEN: entry 6 of 8: an entry was deleted here"


def test_swapped_entries_are_named(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite3_cli(
        db_file,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    )
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    assert capsys.readouterr().out.strip() == "BROKEN: entry 2 of 9: entries were reordered"


def test_a_score_changed_behind_the_programs_back_is_named(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sqlite3_cli(db_file, "UPDATE sheet_scores SET score = '25' WHERE factor = 'concept'")
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("BROKEN: entry 9 of 9: the stored data of sheet:")
    assert "changed without an audit entry" in out


def test_a_removed_tail_is_caught_by_a_checkpoint(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["audit", "verify", "--db", str(db_file)])
    head = capsys.readouterr().out.split()[-1]
    _sqlite3_cli(db_file, "DELETE FROM audit_log WHERE seq = 9")
    assert main(["audit", "verify", "--db", str(db_file), "--checkpoint", f"9:{head}"]) == 1
    assert "BROKEN: entry 9 of 8" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "does not exist"), (b"garbage" * 100, "not an Expert Review Desk workspace")],
)
def test_missing_or_corrupt_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "x.review"
    if content is not None:
        path.write_bytes(content)
    assert main(["audit", "verify", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    if content is not None:
        assert path.read_bytes() == content


def test_a_malformed_checkpoint_exits_2(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--db", str(db_file), "--checkpoint", "abc"]) == 2
    assert "COUNT:HASH" in capsys.readouterr().err
