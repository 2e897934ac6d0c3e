"""A workspace from before sealed drafts (schema version 3, plaintext rows, signed copies as
files under ``signed/<expert>/``): each expert's first sign-in seals their rows, moves their
signed copies in, and leaves none of their plaintext in the file; the others' rows wait for
their own sign-in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.meeting import Meeting
from app.domain.sheet import NoteKind, SheetStatus
from app.expert.signing import SECRETARY_FILE, SignedStore, signed_root
from app.sheets import SignedDocument
from storage.audit import chain as audit
from storage.stores import SqliteStores
from storage.workspace.audit_state import verify_file
from storage.workspace.core import Workspace
from tests.app.sealed_drafts.conftest import Cast, desk_for, file_bytes
from tests.meeting_factory import APP, EXPERT, MEETING, OTHER_APP, OTHER_EXPERT, Clock, make_rubric
from tests.storage.v3_fixture import V3Workspace

FIRST_SECRETS = ("HERON reason", "IBIS note", "JACKAL first", "KOALA second", "LEMUR third")
SECOND_SECRET = "MARMOT note of the second expert"


@pytest.fixture
def legacy(tmp_path: Path, meeting: Meeting, clock: Clock) -> Path:
    folder = tmp_path / "meeting"
    folder.mkdir()
    path = folder / "workspace.sqlite"
    old = V3Workspace(path, meeting, make_rubric(), clock)
    old.declare(EXPERT, OTHER_APP, True, FIRST_SECRETS[0])
    old.declare(EXPERT, APP, False, "")
    old.note(EXPERT, APP, FIRST_SECRETS[1], NoteKind.QUESTION, "concept")
    old.sheet(EXPERT, APP, 1, FIRST_SECRETS[2], ("20", "20", "20", "20"), SheetStatus.SUPERSEDED)
    old.sheet(EXPERT, APP, 2, FIRST_SECRETS[3], ("21", "20", "20", "20"), SheetStatus.SUBMITTED)
    old.sheet(EXPERT, APP, 3, FIRST_SECRETS[4], ("22", "20", "20", "20"), SheetStatus.DRAFT)
    old.declare(OTHER_EXPERT, APP, False, "")
    old.note(OTHER_EXPERT, APP, SECOND_SECRET)
    old.close()
    signed = signed_root(path) / EXPERT
    signed.mkdir(parents=True)
    for version in (1, 2):
        (signed / f"s-e1-a1-{version}.json").write_bytes(f'{{"v":{version}}}'.encode())
        (signed / f"s-e1-a1-{version}.json.p7s").write_bytes(b"sig %d" % version)
    (signed / "exported.txt").write_bytes(b"exported\n")
    (signed / "s-never-committed.json").write_bytes(b'{"plaintext": "LEMUR leftover"}')
    (signed_root(path) / SECRETARY_FILE).write_bytes(b"-----BEGIN CERTIFICATE-----\n")
    return path


def test_the_first_sign_in_seals_the_experts_plaintext(
    cast: Cast, meeting: Meeting, legacy: Path, clock: Clock
) -> None:
    with Workspace.open(legacy) as ws:
        expected = (
            ws.conflict(MEETING, EXPERT, OTHER_APP),
            ws.notes(MEETING, EXPERT, APP),
            ws.sheets(MEETING, EXPERT, APP),
        )
        before = ws.audit_head().count
        desk = desk_for(ws, meeting, cast.first, clock)
        assert (
            desk.state(OTHER_APP).declaration,
            desk.notes(APP),
            desk.versions(APP),
        ) == expected
        actions = [e.action for e in audit.entries(ws._db)[before:]]
        assert actions == [
            "draft_key.create",
            "conflict.seal",
            "conflict.seal",
            "note.seal",
            "sheet.seal",
            "sheet.seal",
            "sheet.seal",
            "sheet.signed_copy",
            "sheet.signed_copy",
        ]
        versions = desk.versions(APP)
        store = SignedStore(desk)
        assert store.load(versions[0]) == SignedDocument(b'{"v":1}', b"sig 1")
        assert store.load(versions[1]) == SignedDocument(b'{"v":2}', b"sig 2")
        assert ws.verify_audit().ok
        # The second expert's rows wait, in plaintext, for their own sign-in.
        assert [n.text for n in ws.notes(MEETING, OTHER_EXPERT, APP)] == [SECOND_SECRET]

    assert not (signed_root(legacy) / EXPERT).exists()
    assert (signed_root(legacy) / SECRETARY_FILE).exists()  # public, stays
    data = file_bytes(legacy)
    assert [s for s in FIRST_SECRETS if s.encode() in data] == []
    assert SECOND_SECRET.encode() in data
    raw = sqlite3.connect(legacy)
    assert raw.execute(
        "SELECT count(*) FROM sheet_scores JOIN sheets ON sheets.id = sheet_id WHERE expert_id = ?",
        (EXPERT,),
    ).fetchone() == (0,)
    assert raw.execute(
        "SELECT count(*) FROM sheets WHERE expert_id = ? AND (sealed IS NULL OR opinion <> '')",
        (EXPERT,),
    ).fetchone() == (0,)
    raw.close()
    assert verify_file(legacy).ok

    with Workspace.open(legacy) as ws:
        count = ws.audit_head().count
        desk_for(ws, meeting, cast.first, clock)
        assert ws.audit_head().count == count  # nothing left to seal
        second = desk_for(ws, meeting, cast.second, clock)
        assert [n.text for n in second.notes(APP)] == [SECOND_SECRET]
    assert SECOND_SECRET.encode() not in file_bytes(legacy)
    assert verify_file(legacy).ok


def test_a_submitted_sheet_sealed_at_sign_in_stays_immutable(
    cast: Cast, meeting: Meeting, legacy: Path, clock: Clock
) -> None:
    with Workspace.open(legacy) as ws:
        desk_for(ws, meeting, cast.first, clock)
    raw = sqlite3.connect(legacy)
    for statement in (
        "UPDATE sheets SET sealed = x'01' WHERE id = 's-e1-a1-2'",
        "UPDATE sheets SET status = 'draft' WHERE id = 's-e1-a1-2'",
        "DELETE FROM sheets WHERE id = 's-e1-a1-1'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            raw.execute(statement)
    raw.close()


def test_a_wrong_identity_seals_nothing(
    cast: Cast, meeting: Meeting, legacy: Path, clock: Clock
) -> None:
    from app.expert.session import ExpertSession
    from app.expert.unlock import open_expert_drafts
    from app.sealed_drafts.errors import WrongDraftKeyError

    with Workspace.open(legacy) as ws:
        desk_for(ws, meeting, cast.first, clock).add_note(APP, NoteKind.NOTE, "sealed")
    raw = sqlite3.connect(legacy)  # a plaintext row added behind the program's back
    raw.execute(
        "INSERT INTO notes (id, meeting_id, expert_id, application_id, kind, text, created_at)"
        " VALUES ('late', ?, ?, ?, 'note', 'late plaintext', 't')",
        (MEETING, EXPERT, APP),
    )
    raw.commit()
    raw.close()
    with Workspace.open(legacy) as ws:
        impostor = ExpertSession(meeting, meeting.expert(EXPERT), cast.second, clock())
        with pytest.raises(WrongDraftKeyError):
            open_expert_drafts(SqliteStores(), ws, impostor, clock())
        assert ws.notes(MEETING, OTHER_EXPERT, APP)  # still readable: untouched
    assert b"late plaintext" in file_bytes(legacy)
