"""The round notices of an expert-side workspace (migration 7): written once with their
audit entry, never changed, read back whole; a row changed behind the program's back shows in
the audit check."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from app.domain.ids import ApplicationId
from app.errors import ValidationError
from app.round_notice import HeldRoundNotice, RoundNotice, encode_notice
from app.sheets.documents import SignedDocument
from storage import database
from storage.migrations import workspace as migrations
from storage.workspace import meetings
from storage.workspace.audit_state import verify_file
from storage.workspace.core import Workspace
from tests.meeting_factory import APP, MEETING, OTHER_APP, make_meeting, make_rubric
from tests.storage.legacy_meeting import insert_meeting_with_forms

AT = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)
FINGERPRINT = "K3QF-9ZPA-M2XW-7RTC-4HND"


def held(round: int = 2, applications: tuple[str, ...] = (OTHER_APP,)) -> HeldRoundNotice:
    """A notice as the reader accepted it (storage does not verify: the signature is opaque
    bytes here)."""
    notice = RoundNotice(
        meeting_id=MEETING,
        kit_hash="ab" * 32,
        round=round,
        application_ids=tuple(ApplicationId(a) for a in applications),
        opened_at=AT,
        reason="Flagged for disagreement: a2 (total)",
        secretary_fingerprint=FINGERPRINT,
    )
    return HeldRoundNotice(notice, SignedDocument(encode_notice(notice), b"\x30cms"), AT)


def test_a_notice_is_recorded_once_with_its_audit_entry(workspace: Workspace) -> None:
    assert workspace.round_notices() == ()
    before = workspace.audit_head()
    with workspace.transaction("expert:e1", AT):
        workspace.add_round_notice(held(2))
    with workspace.transaction("expert:e1", AT):
        workspace.add_round_notice(held(3, (APP, OTHER_APP)))
    assert [h.notice.round for h in workspace.round_notices()] == [2, 3]
    assert workspace.round_notices()[0] == held(2)
    assert workspace.audit_head().count == before.count + 2
    assert workspace.verify_audit().ok
    with pytest.raises(ValidationError, match="round 2 is already recorded"):
        with workspace.transaction("expert:e1", AT):
            workspace.add_round_notice(held(2, (APP,)))
    assert workspace.round_notices()[0] == held(2)
    with pytest.raises(RuntimeError):
        workspace.add_round_notice(held(4))


def test_a_recorded_notice_is_never_changed_or_removed(workspace: Workspace) -> None:
    with workspace.transaction("expert:e1", AT):
        workspace.add_round_notice(held(2))
    with pytest.raises(sqlite3.IntegrityError, match="never changed"):
        workspace._db.execute("UPDATE round_notices SET application_ids = '[]'")
    with pytest.raises(sqlite3.IntegrityError, match="never removed"):
        workspace._db.execute("DELETE FROM round_notices")
    with pytest.raises(sqlite3.IntegrityError):
        workspace._db.execute(
            "INSERT INTO round_notices VALUES (1, 'm', 'k', '[]', x'00', x'00', 's', 't')"
        )


def test_a_notice_changed_behind_the_programs_back_shows_in_the_audit(
    workspace: Workspace, ws_path: Path
) -> None:
    with workspace.transaction("expert:e1", AT):
        workspace.add_round_notice(held(2))
    workspace.close()
    raw = sqlite3.connect(ws_path)
    raw.execute("DROP TRIGGER round_notices_no_update")
    raw.execute('UPDATE round_notices SET application_ids = \'["a1", "a2"]\'')
    raw.commit()
    raw.close()
    report = verify_file(ws_path)
    assert not report.ok
    assert "round_notice" in str(report)


def test_a_version_six_workspace_migrates_to_seven(tmp_path: Path) -> None:
    assert migrations.MIGRATIONS[6].__name__ == "m007_round_notices"
    path = tmp_path / "old.sqlite"
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    migrations.migrate(db, migrations.MIGRATIONS[:6])
    with db.atomic():
        meetings.insert_rubric(db, make_rubric())
        insert_meeting_with_forms(db, make_meeting())
    assert "round_notices" not in db.table_names()
    db.close()

    reopened = database.open_database(path)
    assert int(reopened.execute("PRAGMA user_version").fetchone()[0]) >= 7
    assert "round_notices" in reopened.table_names()
    reopened.close()
    with Workspace.open(path) as ws:
        assert ws.round_notices() == ()
        with ws.transaction("expert:e1", AT):
            ws.add_round_notice(held(2))
        assert [h.notice.application_ids for h in ws.round_notices()] == [(OTHER_APP,)]
