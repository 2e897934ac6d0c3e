"""``review-desk audit verify``: exit 0 / 1 / 2, one line per part naming the first broken
entry of each; an expert's workspace has two parts, a secretary's three (its own tables too)."""

from __future__ import annotations

import shutil
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
import sqlite_utils

from app.cli import main
from app.domain.ids import FactorKey, MeetingId
from app.domain.sheet import NoteKind, Recommendation
from app.expert import scoring
from app.secretary import collect, opinions
from app.secretary.kit import issue_kit
from app.secretary.packages import import_packages
from storage.audit import chain as audit
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import (
    Cast,
    expert_workspace,
    recusal,
    score,
    setup_meeting_with_key,
    sheet_file,
)
from tests.app.sheets.factory import make_rubric as make_sheet_rubric
from tests.meeting_factory import APP, EXPERT, MEETING, Clock, make_meeting, make_rubric


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.review"
    clock = Clock()
    with Workspace.create(path, make_meeting(), make_rubric(), "secretary", now=clock) as ws:
        args = scoring.SheetRef(ws, clock, "e1", MEETING, EXPERT, APP)
        scoring.declare_conflict(args, False, "")
        for i in range(3):
            scoring.add_note(args, NoteKind.NOTE, f"note {i}")
            scoring.set_factor_score(args, FactorKey("concept"), Decimal(10 + i))
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


CHAIN = "Audit log (hash chain)"
MEETING_DATA = "Meeting data (meeting, rubric, kit, sheets, notes, opinions)"
SECRETARY_DATA = (
    "Secretary's records (setup, roster, packages, agenda, rounds, collected documents)"
)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.strip().splitlines()


def test_an_intact_log_verifies(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = db_file.read_bytes()
    assert main(["audit", "verify", "--db", str(db_file)]) == 0
    lines = _lines(capsys)
    assert lines[0] == f"{db_file}: an expert's workspace"
    assert lines[1:3] == [
        f"{CHAIN}: OK — 9 entries",
        f"{MEETING_DATA}: OK — 7 records match the log",
    ]
    assert lines[3].startswith("OK: 9 entries, head ")
    head = lines[3].split()[-1]
    assert len(head) == 64
    assert db_file.read_bytes() == before  # read-only
    assert main(["audit", "verify", "--db", str(db_file), "--checkpoint", f"9:{head}"]) == 0


def test_an_edited_entry_is_named(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite3_cli(db_file, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 4")
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    lines = _lines(capsys)
    assert lines[1] == f"{CHAIN}: BROKEN — entry 4 of 9: it was edited after it was written"
    assert lines[2].startswith(f"{MEETING_DATA}: OK")  # the data still matches its entries
    assert lines[-1] == "BROKEN: 1 of 2 parts failed."


def test_a_deleted_entry_is_named(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite3_cli(db_file, "DELETE FROM audit_log WHERE seq = 6")
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    assert _lines(capsys)[1] == f"{CHAIN}: BROKEN — entry 6 of 8: an entry was deleted here"


def test_swapped_entries_are_named(db_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite3_cli(
        db_file,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    )
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    assert _lines(capsys)[1] == f"{CHAIN}: BROKEN — entry 2 of 9: entries were reordered"


def test_a_score_changed_behind_the_programs_back_is_named(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sqlite3_cli(db_file, "UPDATE sheet_scores SET score = '25' WHERE factor = 'concept'")
    assert main(["audit", "verify", "--db", str(db_file)]) == 1
    lines = _lines(capsys)
    assert lines[1] == f"{CHAIN}: OK — 9 entries"
    assert lines[2].startswith(f"{MEETING_DATA}: BROKEN — entry 9 of 9: sheet ")
    assert "was changed without an audit entry (sheet:" in lines[2]
    assert lines[-1] == "BROKEN: 1 of 2 parts failed."


def test_a_removed_tail_is_caught_by_a_checkpoint(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["audit", "verify", "--db", str(db_file)])
    head = capsys.readouterr().out.split()[-1]
    _sqlite3_cli(db_file, "DELETE FROM audit_log WHERE seq = 9")
    assert main(["audit", "verify", "--db", str(db_file), "--checkpoint", f"9:{head}"]) == 1
    assert f"{CHAIN}: BROKEN — entry 9 of 8: the log does not contain" in capsys.readouterr().out


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


# -- a meeting secretary's workspace: the meeting tables and the secretary's own --------------


@pytest.fixture(scope="module")
def secretary_file(tmp_path_factory: pytest.TempPathFactory, cast: Cast) -> Path:
    """A secretary workspace that ran a small meeting: packages (one refused), the kit, two
    experts' sheet files (one with a recusal), a panel opinion approved by the chair."""
    base = tmp_path_factory.mktemp("secretary-audit")
    rubric = make_sheet_rubric()
    ws, packages, kit_path, key = setup_meeting_with_key(base, cast, rubric)
    import_packages(ws, cast.secretary, packages, meeting_key=key.key, actor="sec", now=NOW)
    kit = issue_kit(ws, cast.secretary, kit_path, actor="sec", now=NOW)
    meeting = ws.meeting(MeetingId("sec-2026-04"))
    repo = expert_workspace(base / "expert.sqlite", meeting, rubric)
    for expert, apps, recused in (("e01", ("a01", "a02", "a03"), ()), ("e05", ("a01",), ("a03",))):
        sheets = [score(repo, meeting, rubric, expert, a, ["20"] * 4) for a in apps]
        extra = [recusal(cast, meeting, rubric, kit.kit_hash, expert, a) for a in recused]
        path = sheet_file(
            base / f"{expert}.oisheet",
            cast,
            meeting,
            rubric,
            kit.kit_hash,
            expert,
            sheets,
            recusals=extra,
        )
        collect.import_sheet_file(ws, cast.secretary, path, actor="sec", now=NOW)
    opinions.save_panel_opinion(
        ws, "a01", "The panel supports it.", Recommendation.RECOMMEND, actor="sec", now=NOW
    )
    opinions.approve_panel_opinion(ws, cast.experts[0], "a01", actor="chair", now=NOW)
    repo.close()
    ws.close()
    return ws.path


@pytest.fixture
def secretary_copy(secretary_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / secretary_file.name
    shutil.copyfile(secretary_file, copy)
    return copy


def test_a_clean_secretary_workspace_verifies_in_three_parts(
    secretary_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = secretary_copy.read_bytes()
    assert main(["audit", "verify", "--db", str(secretary_copy)]) == 0
    lines = _lines(capsys)
    assert lines[0] == f"{secretary_copy}: a meeting secretary's workspace"
    assert lines[1].startswith(f"{CHAIN}: OK — ")
    assert lines[2].startswith(f"{MEETING_DATA}: OK — ")
    assert lines[3].startswith(f"{SECRETARY_DATA}: OK — ")
    assert lines[4].startswith("OK: ") and len(lines) == 5  # every kind of record is known
    assert secretary_copy.read_bytes() == before


_DROP_APPEND_ONLY = tuple(
    f"DROP TRIGGER {table}_append_only_update"
    for table in ("secretary_signed_sheets", "secretary_recusals", "secretary_sheet_files")
)


@pytest.mark.parametrize(
    ("statement", "what", "subject"),
    [
        (
            'UPDATE secretary_roster SET title = \'{"en": "Forged", "zh_CN": "伪"}\''
            " WHERE expert_id = 'e02'",
            "the roster",
            "secretary-roster",
        ),
        (
            'UPDATE secretary_setup SET venue = \'{"en": "Elsewhere", "zh_CN": "别处"}\'',
            "the meeting setup (header, rubric, rule, certificates, key)",
            "secretary-setup",
        ),
        (
            "UPDATE secretary_agenda SET qa_minutes = 99 WHERE application_id = 'a01'",
            "the hearing order",
            "secretary-agenda",
        ),
        (
            "UPDATE secretary_packages SET issuer_name = 'Forger' WHERE application_id = 'a02'",
            "the record of package file ",
            "secretary-package:",
        ),
        (
            "UPDATE secretary_recusals SET round = 2",
            "the signed recusal of e05 from a03",
            "secretary-recusal:e05/a03",
        ),
        (
            "UPDATE secretary_sheet_files SET expert_id = 'e02' WHERE expert_id = 'e05'",
            "the record of sheet file ",
            "secretary-sheet-file:",
        ),
        (
            "UPDATE secretary_signed_sheets SET signer_fingerprint = 'ab'"
            " WHERE rowid = (SELECT min(rowid) FROM secretary_signed_sheets)",
            "the signed copy of sheet ",
            "secretary-signed-sheet:",
        ),
        (
            "UPDATE secretary_opinion_approvals SET chair_id = 'e02'",
            "the chair's approval of the opinion on a01, round 1",
            "secretary-approval:a01/1",
        ),
    ],
)
def test_a_tampered_secretary_row_is_named(
    secretary_copy: Path,
    capsys: pytest.CaptureFixture[str],
    statement: str,
    what: str,
    subject: str,
) -> None:
    _sqlite3_cli(secretary_copy, *_DROP_APPEND_ONLY, statement)
    assert main(["audit", "verify", "--db", str(secretary_copy)]) == 1
    lines = _lines(capsys)
    assert lines[1].startswith(f"{CHAIN}: OK — ")
    assert lines[2].startswith(f"{MEETING_DATA}: OK — ")
    broken = lines[3]
    assert broken.startswith(f"{SECRETARY_DATA}: BROKEN — entry "), broken
    assert f": {what}" in broken and "was changed without an audit entry" in broken, broken
    assert f"({subject}" in broken, broken
    assert lines[-1] == "BROKEN: 1 of 3 parts failed."


def test_the_meeting_tables_of_a_secretary_workspace_are_checked_too(
    secretary_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the opinion's text and recommendation are sealed (secretary-workspace-v1); a clear
    # column of it changed behind the program's back is found without the key
    _sqlite3_cli(
        secretary_copy, "UPDATE panel_opinions SET approved_at = '2020-01-01T00:00:00+00:00'"
    )
    assert main(["audit", "verify", "--db", str(secretary_copy)]) == 1
    lines = _lines(capsys)
    assert lines[2].startswith(f"{MEETING_DATA}: BROKEN — entry ")
    assert "the panel opinion on a01, round 1 was changed" in lines[2]
    assert lines[3].startswith(f"{SECRETARY_DATA}: OK — ")


def test_every_broken_part_is_reported(
    secretary_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sqlite3_cli(
        secretary_copy,
        "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2",
        "UPDATE secretary_agenda SET report_minutes = 1",
    )
    assert main(["audit", "verify", "--db", str(secretary_copy)]) == 1
    lines = _lines(capsys)
    assert lines[1] == f"{CHAIN}: BROKEN — entry 2 of {lines[1].split(' of ')[1]}"
    assert "it was edited after it was written" in lines[1]
    assert "the hearing order was changed" in lines[3]
    assert lines[-1] == "BROKEN: 2 of 3 parts failed."


def test_the_report_speaks_the_users_language(
    secretary_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "zh_CN", "audit", "verify", "--db", str(secretary_copy)]) == 0
    assert _lines(capsys)[-1].startswith("正常：共 ")


def test_records_of_an_unknown_kind_are_named_not_passed_silently(
    db_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = sqlite_utils.Database(sqlite3.connect(db_file))
    with db.atomic():  # what a later version might write
        audit.append(
            db, at=NOW, actor="x", action="future.thing", subject="future_thing:1", state={"a": 1}
        )
    db.close()
    assert main(["audit", "verify", "--db", str(db_file)]) == 0
    lines = _lines(capsys)
    assert lines[2] == f"{MEETING_DATA}: OK — 7 records match the log"
    assert lines[3].strip() == (
        "not compared (a kind of record this version does not know): future_thing"
    )
