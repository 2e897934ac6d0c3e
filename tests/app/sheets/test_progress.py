"""Draft reports in the sheet file (sheet-v1.md §4.3, reader stage 9): which applications the
expert holds only an unsubmitted draft for, and when it was last edited — never its content."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from app.crypto.age_file import decrypt_bytes
from app.crypto.age_keys import X25519Identity
from app.domain.ids import ApplicationId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ScoreSheet, SheetStatus
from app.formats.canonical_json import loads_strict
from app.sheets import (
    DraftReport,
    SheetFileContentError,
    SheetFileContextError,
    SheetFileError,
    SheetFileFormatError,
    SignedDocument,
    draft_reports,
    read_sheet_file,
    sign_recusal,
    sign_sheet,
    write_sheet_file,
)
from tests.app.crypto.pki_fixtures import NOW
from tests.app.sheets.factory import (
    A1,
    A2,
    A3,
    KIT_HASH,
    T0,
    People,
    context_for,
    craft_file,
    envelope_doc,
    make_recusal,
    make_sheet,
)

EDITED = T0 + dt.timedelta(minutes=42)


def draft(
    application: str, *, round: int = 1, version: int = 1, at: dt.datetime = EDITED
) -> ScoreSheet:
    return dataclasses.replace(
        make_sheet(application, round=round, version=version, scores=("11.5", None)),
        status=SheetStatus.DRAFT,
        submitted_at=None,
        updated_at=at,
        opinion="秘密草稿 secret draft opinion",
    )


def entry(application: str = A3, **change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "application_id": application,
        "round": 1,
        "updated_at": "2026-03-02T10:57:30.123456Z",
    }
    doc.update(change)
    return doc


def read(people: People, meeting: Meeting, rubric: Rubric, data: bytes) -> Any:
    return read_sheet_file(
        data, people.secretary, people.roots, meeting, rubric, KIT_HASH, {1}, NOW
    )


@pytest.fixture(scope="module")
def signed(people: People, meeting: Meeting) -> tuple[SignedDocument, SignedDocument]:
    """A submitted sheet for A1 and a recusal from A2."""
    context = context_for(people, meeting)
    return (
        sign_sheet(make_sheet(A1), context, people.expert1, NOW),
        sign_recusal(make_recusal(A2), context, people.expert1, NOW),
    )


# --- what an expert's file reports --------------------------------------------------------


def test_only_unsubmitted_drafts_of_the_round_are_reported() -> None:
    submitted = make_sheet(A1)
    versions = [
        draft(A1, version=2),  # a new version after a submitted one: the sheet reports it
        submitted,
        draft(A2, at=EDITED - dt.timedelta(hours=1)),
        draft(A2, version=2),  # the latest draft's time
        draft(A3, round=2),  # another round
    ]
    assert draft_reports(versions, 1) == (DraftReport(A2, 1, EDITED),)
    assert draft_reports(versions, 2) == (DraftReport(A3, 2, EDITED),)
    assert draft_reports(versions, 1, recused={A2}) == ()
    assert draft_reports([], 1) == ()


def test_a_written_file_reports_drafts_and_nothing_of_their_content(
    people: People,
    meeting: Meeting,
    rubric: Rubric,
    signed: tuple[SignedDocument, SignedDocument],
    tmp_path: Path,
) -> None:
    path = tmp_path / "e1.oisheet"
    report = draft_reports([draft(A3)], 1)
    write_sheet_file(
        path,
        signed,
        [],
        context_for(people, meeting),
        people.expert1,
        people.secretary.certificate,
        NOW,
        round=1,
        trust_roots=people.roots,
        progress=report,
    )
    contents = read(people, meeting, rubric, path.read_bytes())
    assert contents.drafts == (DraftReport(A3, 1, EDITED),)
    assert [s.application_id for s, _ in contents.sheets] == [A1]
    # the decrypted envelope: exactly application, round and time; no score, no opinion
    secret = people.secretary.x25519_private_key.private_bytes_raw()
    plaintext = decrypt_bytes(path.read_bytes(), [X25519Identity.from_secret_bytes(secret)])
    envelope_bytes = base64.b64decode(loads_strict(plaintext)["envelope"])
    envelope = loads_strict(envelope_bytes)
    assert envelope["progress"] == [
        {"application_id": "a3", "round": 1, "updated_at": "2026-03-02T10:57:30.123456Z"}
    ]
    assert b"11.5" not in envelope_bytes and "秘密草稿".encode() not in envelope_bytes


def test_a_file_without_drafts_has_an_empty_progress_list(
    people: People, meeting: Meeting, rubric: Rubric, signed: tuple[SignedDocument, ...]
) -> None:
    contents = read(people, meeting, rubric, craft_file(people, envelope_doc(people, signed)))
    assert contents.drafts == ()


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "error", "says"),
    [
        # content in an entry is not part of the format (independence)
        ([entry(scores=[{"factor": "concept", "score": "11.5"}])], SheetFileFormatError, "scores"),
        ([entry(opinion="secret")], SheetFileFormatError, "opinion"),
        ([entry(score="11.5")], SheetFileFormatError, "score"),
        ([{"application_id": A3, "round": 1}], SheetFileFormatError, "updated_at"),
        ([entry(updated_at="2026-03-02 10:57")], SheetFileFormatError, "updated_at"),
        ([entry(round=0)], SheetFileFormatError, "round"),
        ([entry(application_id="not an id")], SheetFileFormatError, "application_id"),
        (["a3"], SheetFileFormatError, "progress"),
        # the file's round only
        ([entry(round=2)], SheetFileContextError, "round"),
        # content rules
        ([entry("a9")], SheetFileContentError, "a9"),
        ([entry(), entry()], SheetFileContentError, "appears twice"),
        ([entry(A1)], SheetFileContentError, "a1"),  # A1 has a submitted sheet in the file
        ([entry(A2)], SheetFileContentError, "a2"),  # the expert is recused from A2
    ],
)
def test_bad_draft_reports_are_refused(
    people: People,
    meeting: Meeting,
    rubric: Rubric,
    signed: tuple[SignedDocument, ...],
    progress: list[Any],
    error: type[SheetFileError],
    says: str,
) -> None:
    data = craft_file(people, envelope_doc(people, signed, progress=progress))
    with pytest.raises(error) as info:
        read(people, meeting, rubric, data)
    assert type(info.value) is error
    assert says in info.value.in_language("en")


def test_an_envelope_without_the_progress_member_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    envelope = envelope_doc(people, [])
    del envelope["progress"]
    with pytest.raises(SheetFileFormatError, match="progress"):
        read(people, meeting, rubric, craft_file(people, envelope))


def test_progress_that_is_not_a_list_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    envelope = envelope_doc(people, [])
    envelope["progress"] = {"application_id": A3}
    data = craft_file(people, envelope)
    with pytest.raises(SheetFileFormatError, match="progress"):
        read(people, meeting, rubric, data)


def test_the_writer_refuses_a_draft_report_for_a_submitted_application(
    people: People,
    meeting: Meeting,
    signed: tuple[SignedDocument, SignedDocument],
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad.oisheet"
    with pytest.raises(SheetFileContentError):
        write_sheet_file(
            path,
            signed,
            [],
            context_for(people, meeting),
            people.expert1,
            people.secretary.certificate,
            NOW,
            round=1,
            trust_roots=people.roots,
            progress=[DraftReport(ApplicationId(A1), 1, EDITED)],
        )
    assert not path.exists()
