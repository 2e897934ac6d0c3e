"""Two experts on one workspace file (threat T1): neither sees the other's drafts, notes or
reasons, the file holds none of them in clear, a value moved elsewhere does not open, and
tampering is caught by ``audit verify`` without any key."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from app.domain.ids import CriterionKey, FactorKey
from app.domain.meeting import Meeting
from app.domain.sheet import CriterionVerdict, NoteKind, Recommendation, ScoreSheet
from app.expert.desk import ExpertDesk
from app.expert.session import ExpertSession, session_for
from app.expert.signing import SignedStore, gather, handover_for, kit_hash_for, write_export
from app.expert.unlock import open_expert_drafts
from app.sealed_drafts.errors import RecordsSealedError, SealedRecordError, WrongDraftKeyError
from app.sheets import SignedDocument, read_sheet_file, sign_sheet
from storage.audit import chain as audit
from storage.audit.chain import AuditProblem
from storage.stores import SqliteStores
from storage.workspace import sealed_rows
from storage.workspace.audit_state import verify_file
from storage.workspace.core import Workspace
from storage.workspace.documents import sheet_state
from tests.app.sealed_drafts.conftest import Cast, desk_for, file_bytes
from tests.meeting_factory import APP, EXPERT, MEETING, OTHER_APP, Clock

COMMENT = "OKAPI comment 4711 about the platform"
NOTE = "PANGOLIN note 0815 from the hearing"
REASON = "NARWHAL: former employer of the applicant"
OPINION = "AXOLOTL opinion of the first expert"
CRITERION_NOTE = "QUETZAL criterion note"
SCORE = "21.5"
SECRETS = (COMMENT, NOTE, REASON, OPINION, CRITERION_NOTE)


def fill_in(desk: ExpertDesk, on_frozen: object = None) -> ScoreSheet:
    """The first expert's work: a recusal, a note, a full sheet, submitted."""
    desk.declare(OTHER_APP, True, REASON)
    desk.declare(APP, False)
    desk.add_note(APP, NoteKind.QUESTION, NOTE, FactorKey("concept"))
    desk.record_criterion(APP, CriterionKey("eligible"), CriterionVerdict.MET, CRITERION_NOTE)
    desk.record_criterion(APP, CriterionKey("unique"), CriterionVerdict.UNCLEAR, "")
    for key, score in zip(
        ("concept", "capability", "feasibility", "results"), (SCORE, "20", "18", "19"), strict=True
    ):
        desk.set_score(APP, FactorKey(key), Decimal(score))
    desk.set_comment(APP, FactorKey("concept"), COMMENT)
    desk.set_opinion(APP, OPINION)
    desk.set_recommendation(APP, Recommendation.RECOMMEND_WITH_CONDITIONS, "GECKO conditions")
    return desk.submit(APP, on_frozen)  # type: ignore[arg-type]


def test_the_second_expert_sees_nothing_and_the_file_holds_no_plaintext(
    cast: Cast, meeting: Meeting, ws: Workspace, ws_path: Path, clock: Clock
) -> None:
    first = desk_for(ws, meeting, cast.first, clock)
    fill_in(first)
    assert first.sheet(APP) is not None and first.notes(APP)[0].text == NOTE

    second = desk_for(ws, meeting, cast.second, clock)
    for application in meeting.applications:
        state = second.state(application.id)
        assert state.declaration is None and state.sheet is None
        assert second.notes(application.id) == () and second.versions(application.id) == ()
    with pytest.raises(RecordsSealedError):
        second.repo.sheets(MEETING, EXPERT, APP)
    with pytest.raises(RecordsSealedError):
        second.repo.notes(MEETING, EXPERT, APP)
    with pytest.raises(RecordsSealedError):
        second.repo.conflict(MEETING, EXPERT, OTHER_APP)
    with pytest.raises(RecordsSealedError):
        ws.notes(MEETING, EXPERT, APP)  # a reader that did not sign in
    with pytest.raises(RecordsSealedError):
        ws.conflict(MEETING, EXPERT, OTHER_APP)

    secrets = [s.encode() for s in SECRETS] + [SCORE.encode(), b"GECKO"]
    while_open = file_bytes(ws_path)
    assert Path(f"{ws_path}-wal").exists()
    ws.close()
    for data in (while_open, file_bytes(ws_path)):
        found = [s for s in secrets if s in data]
        assert found == []
    raw = sqlite3.connect(ws_path)
    dump = "\n".join(raw.iterdump())
    assert [s for s in SECRETS if s in dump] == []
    assert raw.execute("SELECT count(*) FROM sheet_scores").fetchone() == (0,)
    assert raw.execute(
        "SELECT reason, has_conflict FROM conflicts WHERE application_id = ?", (OTHER_APP,)
    ).fetchall() == [("", 1)]
    assert raw.execute("SELECT kind, text, factor FROM notes").fetchall() == [(None, "", None)]
    raw.close()
    assert verify_file(ws_path).ok


def test_the_same_expert_finds_everything_again(
    cast: Cast, meeting: Meeting, ws_path: Path, clock: Clock
) -> None:
    with Workspace.open(ws_path) as ws:
        submitted = fill_in(desk_for(ws, meeting, cast.first, clock))
        entries = ws.audit_head().count
    with Workspace.open(ws_path) as ws:
        again = desk_for(ws, meeting, cast.first, clock)
        assert again.sheet(APP) == submitted
        assert again.state(OTHER_APP).recused
        assert again.state(OTHER_APP).declaration.reason == REASON  # type: ignore[union-attr]
        assert [n.text for n in again.notes(APP)] == [NOTE]
        assert ws.audit_head().count == entries  # signing in again writes nothing
        assert ws.verify_audit().ok


def test_the_draft_key_is_made_once_and_audited(
    cast: Cast, meeting: Meeting, ws: Workspace, clock: Clock
) -> None:
    before = ws.audit_head().count
    desk_for(ws, meeting, cast.first, clock)
    log = audit.entries(ws._db)
    assert [e.action for e in log[before:]] == ["draft_key.create"]
    assert log[-1].subject == f"draft_key:{MEETING}/{EXPERT}"
    record = ws.draft_key(MEETING, EXPERT)
    assert record is not None and record.fingerprint == cast.first.fingerprint
    desk_for(ws, meeting, cast.first, clock)
    assert ws.audit_head().count == before + 1
    assert ws.verify_audit().ok


def test_a_different_identity_cannot_unwrap_and_nothing_changes(
    cast: Cast, meeting: Meeting, ws_path: Path, clock: Clock
) -> None:
    """Someone who rewrites the roster so that their own certificate names the first expert
    signs in as them, and is refused by the key itself."""
    with Workspace.open(ws_path) as ws:
        fill_in(desk_for(ws, meeting, cast.first, clock))
    raw = sqlite3.connect(ws_path)
    raw.execute(
        "UPDATE experts SET fingerprint = ? WHERE id = ?", (cast.second.fingerprint, EXPERT)
    )
    raw.commit()
    raw.close()
    before = file_bytes(ws_path)
    with Workspace.open(ws_path) as ws:
        forged = ws.meeting(MEETING)
        session = session_for(forged, cast.second, clock())
        assert session.expert.id == EXPERT
        with pytest.raises(WrongDraftKeyError) as caught:
            open_expert_drafts(SqliteStores(), ws, session, clock())
        assert caught.value.recommendation
        stranger = ExpertSession(forged, forged.expert(EXPERT), cast.stranger, clock())
        with pytest.raises(WrongDraftKeyError):
            open_expert_drafts(SqliteStores(), ws, stranger, clock())
    assert file_bytes(ws_path) == before


def _copy(path: Path, statement: str, *args: object) -> None:
    raw = sqlite3.connect(path)
    raw.execute(statement, args)
    raw.commit()
    raw.close()


def test_a_sealed_value_moved_to_another_row_or_expert_does_not_open(
    cast: Cast, meeting: Meeting, ws_path: Path, clock: Clock
) -> None:
    with Workspace.open(ws_path) as ws:
        first = desk_for(ws, meeting, cast.first, clock)
        first.declare(APP, False)
        kept = first.add_note(APP, NoteKind.NOTE, "kept")
        moved = first.add_note(APP, NoteKind.NOTE, NOTE)
        second = desk_for(ws, meeting, cast.second, clock)
        second.declare(APP, False)
        victim = second.add_note(APP, NoteKind.NOTE, "mine")
    # Within the expert: another row of theirs.
    _copy(
        ws_path,
        "UPDATE notes SET sealed = (SELECT sealed FROM notes WHERE id = ?) WHERE id = ?",
        moved.id,
        kept.id,
    )
    # Across experts: the second expert's row.
    _copy(
        ws_path,
        "UPDATE notes SET sealed = (SELECT sealed FROM notes WHERE id = ?) WHERE id = ?",
        moved.id,
        victim.id,
    )
    with Workspace.open(ws_path) as ws:
        with pytest.raises(SealedRecordError) as caught:
            desk_for(ws, meeting, cast.first, clock).notes(APP)
        assert caught.value.kind == "note" and caught.value.recommendation
        with pytest.raises(SealedRecordError):
            desk_for(ws, meeting, cast.second, clock).notes(APP)


def test_a_clear_column_bound_to_its_value_cannot_be_changed(
    cast: Cast, meeting: Meeting, ws_path: Path, clock: Clock
) -> None:
    with Workspace.open(ws_path) as ws:
        desk_for(ws, meeting, cast.first, clock).declare(OTHER_APP, True, REASON)
    _copy(ws_path, "UPDATE conflicts SET has_conflict = 0")
    with Workspace.open(ws_path) as ws:
        with pytest.raises(SealedRecordError):
            desk_for(ws, meeting, cast.first, clock).state(OTHER_APP)
        report = ws.verify_audit()
    assert not report.ok and report.reason is AuditProblem.STATE_CHANGED
    assert report.subject == f"conflict:{MEETING}/{EXPERT}/{OTHER_APP}"


def _tamper(path: Path, statement: str, *args: object) -> None:
    """Edit as someone with the sqlite3 tool would, removing the backstop triggers first."""
    raw = sqlite3.connect(path)
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        raw.execute(f"DROP TRIGGER {name}")
    raw.execute(statement, args)
    raw.commit()
    raw.close()


@pytest.mark.parametrize(
    ("statement", "subject_kind"),
    [
        (
            "UPDATE sheets SET sealed = substr(sealed, 1, 40) || x'00' || substr(sealed, 42)",
            "sheet",
        ),
        (
            "UPDATE sheets SET sealed = NULL, opinion = 'forged', recommendation = 'recommend'",
            "sheet",
        ),
        ("UPDATE notes SET sealed = randomblob(length(sealed))", "note"),
        ("UPDATE signed_copies SET sealed = randomblob(length(sealed))", "signed_copy"),
        ("UPDATE draft_keys SET fingerprint = 'XXXX-XXXX-XXXX-XXXX-XXXX'", "draft_key"),
    ],
)
def test_tampering_with_sealed_rows_is_caught_without_a_key(
    cast: Cast, meeting: Meeting, ws_path: Path, clock: Clock, statement: str, subject_kind: str
) -> None:
    with Workspace.open(ws_path) as ws:
        desk = desk_for(ws, meeting, cast.first, clock)
        fill_in(desk, lambda frozen: SignedStore(desk).save(frozen, SignedDocument(b"doc", b"sig")))
    assert verify_file(ws_path).ok
    _tamper(ws_path, statement)
    report = verify_file(ws_path)
    assert not report.ok and report.reason is AuditProblem.STATE_CHANGED
    assert report.subject is not None and report.subject.startswith(subject_kind + ":")


def test_the_audit_log_holds_no_guessable_digest_of_a_sealed_state(
    cast: Cast, meeting: Meeting, ws: Workspace, clock: Clock
) -> None:
    """Anyone can hash every possible score; nobody can hash the sealed bytes."""
    desk = desk_for(ws, meeting, cast.first, clock)
    desk.declare(APP, False)
    sheet = desk.set_score(APP, FactorKey("concept"), Decimal(SCORE))
    latest = [e for e in audit.entries(ws._db) if e.subject == f"sheet:{sheet.id}"][-1]
    row = sealed_rows.sheet_row(ws._db, sheet.id)
    assert row is not None and row.sealed is not None
    assert latest.digest == audit.digest_of(sealed_rows.sheet_state(row))
    assert latest.digest != audit.digest_of(sheet_state(sheet))
    declared = [e for e in audit.entries(ws._db) if e.subject.startswith("conflict:")][-1]
    assert declared.digest != audit.digest_of(
        {
            "meeting_id": MEETING,
            "expert_id": EXPERT,
            "application_id": APP,
            "has_conflict": False,
            "reason": "",
            "declared_at": desk.state(APP).declaration.declared_at.isoformat(),  # type: ignore[union-attr]
        }
    )


def test_signed_copies_are_sealed_and_export_the_same_bytes(
    cast: Cast, meeting: Meeting, ws: Workspace, ws_path: Path, clock: Clock
) -> None:
    desk = desk_for(ws, meeting, cast.first, clock)
    handover = handover_for(desk, cast.secretary.certificate, cast.first)
    signed: list[SignedDocument] = []

    def sign_and_store(frozen: ScoreSheet) -> None:
        signed.append(sign_sheet(frozen, handover.context, cast.first, clock()))
        SignedStore(desk).save(frozen, signed[-1])

    frozen = fill_in(desk, sign_and_store)
    assert SignedStore(desk).load(frozen) == signed[0]
    assert not (ws_path.parent / "signed").exists()
    assert signed[0].document not in file_bytes(ws_path)
    items = gather(desk, SignedStore(desk))
    assert items.sheets == (signed[0],)
    out = ws_path.parent / "usb"
    out.mkdir()
    written = write_export(out, items, handover, cast.first, clock())
    contents = read_sheet_file(
        written.path,
        cast.secretary,
        [cast.pki.ca.certificate],
        meeting,
        desk.rubric,
        kit_hash_for(meeting),
        {1},
        clock(),
    )
    assert [s for _sheet, s in contents.sheets] == [signed[0]]
    assert contents.sheets[0][0].scores[0].comment == COMMENT
    assert [d.reason for d, _s in contents.recusals] == [REASON]
    with pytest.raises(sqlite3.IntegrityError, match="written once"):
        ws._db.execute("DELETE FROM signed_copies")


def test_the_second_expert_cannot_read_a_signed_copy_of_the_first(
    cast: Cast, meeting: Meeting, ws: Workspace, clock: Clock
) -> None:
    first = desk_for(ws, meeting, cast.first, clock)
    frozen = fill_in(first, lambda f: SignedStore(first).save(f, SignedDocument(b"d", b"s")))
    second = desk_for(ws, meeting, cast.second, clock)
    with pytest.raises(RecordsSealedError):
        SignedStore(second).load(frozen)


def test_a_plain_workspace_does_not_write_over_a_sealed_declaration(
    cast: Cast, meeting: Meeting, ws: Workspace, clock: Clock
) -> None:
    from app.expert import scoring

    desk_for(ws, meeting, cast.first, clock).declare(APP, False)
    with pytest.raises(RecordsSealedError):
        scoring.declare_conflict(
            scoring.SheetRef(ws, clock, "x", MEETING, EXPERT, APP), True, "forged"
        )
    assert ws.verify_audit().ok
