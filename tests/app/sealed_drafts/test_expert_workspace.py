"""The sealing repository through the whole life of a sheet (versions, recusal, rounds),
its refusals, and values that open but do not hold what their kind must."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.ids import FactorKey
from app.domain.meeting import Meeting
from app.domain.sheet import NoteKind, SheetStatus
from app.expert.unlock import legacy_folder
from app.sealed_drafts.cipher import DraftCipher
from app.sealed_drafts.errors import RecordsSealedError, SealedRecordError
from storage.workspace import sealed_content
from storage.workspace.core import Workspace
from storage.workspace.expert import ExpertWorkspace
from tests.app.sealed_drafts.conftest import Cast, desk_for, file_bytes
from tests.app.sealed_drafts.test_isolation import COMMENT, fill_in
from tests.meeting_factory import APP, EXPERT, MEETING, OTHER_APP, OTHER_EXPERT, Clock, make_rubric
from tests.storage.v3_fixture import V3Workspace


def test_versions_supersede_and_stay_sealed(
    cast: Cast, meeting: Meeting, ws: Workspace, ws_path: Path, clock: Clock
) -> None:
    desk = desk_for(ws, meeting, cast.first, clock)
    fill_in(desk)
    desk.start_new_version(APP)
    desk.set_comment(APP, FactorKey("concept"), "SECOND version comment")
    desk.submit(APP)
    versions = desk.versions(APP)
    assert [v.status for v in versions] == [SheetStatus.SUPERSEDED, SheetStatus.SUBMITTED]
    assert versions[1].scores[0].comment == "SECOND version comment"
    assert versions[0].scores[0].comment == COMMENT
    assert ws.verify_audit().ok
    assert b"SECOND version" not in file_bytes(ws_path)


def test_a_recusal_discards_the_sealed_draft(
    cast: Cast, meeting: Meeting, ws: Workspace, clock: Clock
) -> None:
    desk = desk_for(ws, meeting, cast.first, clock)
    desk.declare(APP, False)
    desk.set_score(APP, FactorKey("concept"), Decimal("20"))
    desk.declare(APP, True, "became a consultant of the applicant")
    assert desk.versions(APP) == ()
    assert desk.state(APP).recused
    assert ws._db.execute("SELECT count(*) FROM sheets").fetchone() == (0,)
    assert ws.verify_audit().ok


def test_programming_errors_stay_programming_errors(
    cast: Cast, meeting: Meeting, ws: Workspace, clock: Clock
) -> None:
    desk = desk_for(ws, meeting, cast.first, clock)
    desk.declare(APP, False)
    sheet = desk.set_score(APP, FactorKey("concept"), Decimal("20"))
    repo = desk.repo
    with repo.transaction("x", clock()):
        with pytest.raises(RuntimeError, match="only drafts"):
            repo.add_sheet(dataclasses.replace(sheet, status=SheetStatus.SUBMITTED), "x")
        with pytest.raises(RuntimeError, match="only a submitted"):
            repo.supersede_sheet(sheet.id)
    with pytest.raises(RuntimeError, match="transaction"):
        repo.save_draft(sheet, "x")
    note = desk.add_note(APP, NoteKind.NOTE, "n")
    with pytest.raises(RecordsSealedError), repo.transaction("x", clock()):
        repo.add_note(dataclasses.replace(note, id="n2", expert_id=OTHER_EXPERT))


def test_a_value_that_opens_but_holds_the_wrong_fields_is_damaged(
    cast: Cast, meeting: Meeting, ws_path: Path, clock: Clock
) -> None:
    with Workspace.open(ws_path) as ws:
        desk = desk_for(ws, meeting, cast.first, clock)
        desk.declare(APP, False)
        note = desk.add_note(APP, NoteKind.NOTE, "fine")
        cipher = desk.repo._sealer  # type: ignore[attr-defined]
        row = ws._db.execute("SELECT created_at FROM notes WHERE id = ?", (note.id,)).fetchone()
        bound = (note.id, APP, row[0])
    for content in (
        b'{"kind":"note","text":"x"}',
        b"not json",
        b'{"kind":"memo","text":"x","factor":null}',
    ):
        raw = sqlite3.connect(ws_path)
        raw.execute(
            "UPDATE notes SET sealed = ? WHERE id = ?",
            (cipher.seal(sealed_content.NOTE, bound, content), note.id),
        )
        raw.commit()
        raw.close()
        with Workspace.open(ws_path) as ws:
            with pytest.raises(SealedRecordError):
                desk_for(ws, meeting, cast.first, clock).notes(APP)


def test_rows_from_before_sealing_are_read_until_they_are_sealed(
    cast: Cast, meeting: Meeting, tmp_path: Path, clock: Clock
) -> None:
    path = tmp_path / "old.sqlite"
    old = V3Workspace(path, meeting, make_rubric(), clock)
    old.declare(EXPERT, APP, False, "")
    old.declare(EXPERT, OTHER_APP, True, "old reason")
    old.note(EXPERT, APP, "old note")
    old.sheet(EXPERT, APP, 1, "old comment", ("20", "20", "20", "20"), SheetStatus.SUBMITTED)
    old.close()
    with Workspace.open(path) as ws:
        repo = ExpertWorkspace(ws, DraftCipher(os.urandom(32), MEETING, EXPERT))
        assert repo.plaintext_count() == 4
        assert repo.conflict(MEETING, EXPERT, OTHER_APP).reason == "old reason"  # type: ignore[union-attr]
        assert [n.text for n in repo.notes(MEETING, EXPERT, APP)] == ["old note"]
        sheet = repo.sheets(MEETING, EXPERT, APP)[0]
        assert sheet.scores[0].comment == "old comment"
        with repo.transaction("e1", clock()):
            report = repo.seal_plaintext()
        assert (report.conflicts, report.notes, report.sheets, report.total) == (2, 1, 1, 4)
        assert repo.plaintext_count() == 0
        assert repo.sheets(MEETING, EXPERT, APP) == (sheet,)
        assert ws.verify_audit().ok


@pytest.mark.parametrize("expert_id", ["", ".", "..", "a/b", "../e1"])
def test_an_odd_expert_id_never_names_a_folder_to_remove(tmp_path: Path, expert_id: str) -> None:
    assert legacy_folder(tmp_path / "workspace.sqlite", expert_id) is None
    assert legacy_folder(tmp_path / "workspace.sqlite", "e01") == tmp_path / "signed" / "e01"
