"""Signed sheets and recusals: exact canonical bytes, verified by openssl and by our reader."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from app.crypto import cms
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.rules import SheetInvalid, ViolationCode
from app.domain.sheet import SheetStatus
from app.formats.canonical_json import dumps_canonical, loads_strict
from app.sheets import (
    RecusalDocument,
    SheetDocument,
    SheetFileContentError,
    SheetFileContextError,
    SheetFileFormatError,
    SheetFileSignatureError,
    SheetSigningError,
    SignedDocument,
    open_signed_document,
    parse_signed_sheet,
    sign_recusal,
    sign_sheet,
)
from app.sheets.documents import encode_sheet
from tests.app.crypto.pki_fixtures import NOW, needs_openssl
from tests.app.sheets.factory import (
    A1,
    E1,
    KIT_HASH,
    MEETING,
    OTHER_KIT_HASH,
    People,
    context_for,
    make_recusal,
    make_rubric,
    make_sheet,
)


@pytest.fixture(scope="module")
def signed(people: People, meeting: Meeting) -> SignedDocument:
    return sign_sheet(make_sheet(), context_for(people, meeting), people.expert1, NOW)


def _parse(people: People, signed: SignedDocument, **kw: object) -> object:
    return parse_signed_sheet(signed, people.roots, at=NOW, **kw)  # type: ignore[arg-type]


# --- the document ----------------------------------------------------------------------


def test_the_document_names_its_whole_context(people: People, signed: SignedDocument) -> None:
    doc = json.loads(signed.document)
    assert doc["format"] == "review-desk/sheet" and doc["version"] == 1
    assert doc["document_type"] == "score-sheet"
    assert (doc["meeting_id"], doc["kit_hash"], doc["expert_id"]) == (MEETING, KIT_HASH, E1)
    assert doc["application_id"] == A1
    assert doc["expert_fingerprint"] == people.expert1.fingerprint
    assert (doc["round"], doc["sheet_version"]) == (1, 1)
    assert doc["rubric"] == {"id": "test-rubric", "revision": 1}
    assert doc["signer_role"] == "expert"
    assert doc["recipient"] == {"role": "secretary", "fingerprint": people.secretary.fingerprint}
    assert [s["score"] for s in doc["scores"]] == ["20", "18.5", "22", "15"]
    assert doc["submitted_at"] == "2026-03-02T10:20:30.123456Z"


def test_canonical_bytes_are_stable(people: People, meeting: Meeting) -> None:
    context = context_for(people, meeting)
    first = sign_sheet(make_sheet(), context, people.expert1, NOW)
    second = sign_sheet(make_sheet(), context, people.expert1, NOW.replace(hour=17))
    assert first.document == second.document
    assert first.signature != second.signature  # ECDSA is randomised
    assert dumps_canonical(loads_strict(first.document)) == first.document


def test_trailing_zeros_do_not_change_the_bytes(people: People, meeting: Meeting) -> None:
    context = context_for(people, meeting)
    plain = encode_sheet(make_sheet(scores=("20", "18.5", "22", "15")), context)
    padded = encode_sheet(make_sheet(scores=("20.00", "18.50", "2.2E+1", "15.0")), context)
    assert plain == padded


@needs_openssl
def test_openssl_accepts_a_signed_sheet(
    people: People, signed: SignedDocument, tmp_path: Path
) -> None:
    (tmp_path / "doc.json").write_bytes(signed.document)
    (tmp_path / "doc.p7s").write_bytes(signed.signature)
    (tmp_path / "root.pem").write_bytes(people.pki.root_pem.read_bytes())
    cmd = [
        "openssl",
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-purpose",
        "any",
        "-CAfile",
        "root.pem",
        "-in",
        "doc.p7s",
        "-content",
        "doc.json",
        "-out",
        "/dev/null",
    ]
    ok = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert "Verification successful" in ok.stderr
    (tmp_path / "doc.json").write_bytes(signed.document.replace(b'"20"', b'"25"'))
    bad = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert bad.returncode != 0


# --- reading back ------------------------------------------------------------------------


def test_a_signed_sheet_reads_back_exactly(
    people: People, signed: SignedDocument, rubric: Rubric
) -> None:
    sheet = _parse(
        people,
        signed,
        meeting_id=MEETING,
        kit_hash=KIT_HASH,
        rubric=rubric,
        expert_fingerprint=people.expert1.fingerprint,
    )
    assert sheet == make_sheet()
    verified = open_signed_document(signed, people.roots, at=NOW)
    assert isinstance(verified.content, SheetDocument)
    assert verified.signer.fingerprint == people.expert1.fingerprint
    assert verified.content.context.recipient_fingerprint == people.secretary.fingerprint


@pytest.mark.parametrize(
    ("expectation", "value"),
    [("meeting_id", "m-other"), ("kit_hash", OTHER_KIT_HASH)],
)
def test_a_sheet_out_of_context_is_refused(
    people: People, signed: SignedDocument, expectation: str, value: str
) -> None:
    with pytest.raises(SheetFileContextError) as info:
        _parse(people, signed, **{expectation: value})
    assert value in info.value.message
    assert info.value.found in info.value.message


def test_another_rubric_is_refused(people: People, signed: SignedDocument) -> None:
    with pytest.raises(SheetFileContextError, match="other-rubric"):
        _parse(people, signed, rubric=make_rubric("other-rubric"))


def test_changed_bytes_are_refused(people: People, signed: SignedDocument) -> None:
    forged = dataclasses.replace(signed, document=signed.document.replace(b'"20"', b'"25"'))
    with pytest.raises(SheetFileSignatureError):
        _parse(people, forged)


def test_an_untrusted_signer_is_refused(people: People, meeting: Meeting) -> None:
    signed = encode_and_sign(people, meeting, people.foreign_expert)
    with pytest.raises(SheetFileSignatureError, match="not trusted"):
        _parse(people, signed)


def test_a_secretary_signature_is_refused(people: People, meeting: Meeting) -> None:
    signed = encode_and_sign(people, meeting, people.secretary)
    with pytest.raises(SheetFileSignatureError) as info:
        _parse(people, signed)
    assert isinstance(info.value.cause, cms.SignerRoleError)


def test_a_document_naming_another_certificate_is_refused(people: People, meeting: Meeting) -> None:
    # expert 2 signs a document that names expert 1's certificate
    signed = encode_and_sign(people, meeting, people.expert2)
    with pytest.raises(SheetFileSignatureError, match="names the certificate"):
        _parse(people, signed)


def test_a_recusal_is_not_a_sheet(people: People, meeting: Meeting) -> None:
    signed = sign_recusal(make_recusal(), context_for(people, meeting), people.expert1, NOW)
    with pytest.raises(SheetFileFormatError, match="recusal"):
        _parse(people, signed)


def test_an_invalid_sheet_signed_anyway_is_refused_with_a_rubric(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    sheet = make_sheet(scores=("20", "18.5", "22"))  # results unscored
    signed = encode_and_sign(people, meeting, people.expert1, sheet)
    assert _parse(people, signed) == sheet  # without a rubric: just the record
    with pytest.raises(SheetFileContentError, match="Results has no score"):
        _parse(people, signed, rubric=rubric)


def encode_and_sign(
    people: People, meeting: Meeting, signer: object, sheet: object = None
) -> SignedDocument:
    document = encode_sheet(sheet or make_sheet(), context_for(people, meeting))  # type: ignore[arg-type]
    return SignedDocument(document, cms.sign_detached(document, signer))  # type: ignore[arg-type]


# --- refusing to sign ----------------------------------------------------------------------


def test_only_submitted_sheets_are_signed(people: People, meeting: Meeting) -> None:
    draft = dataclasses.replace(make_sheet(), status=SheetStatus.DRAFT, submitted_at=None)
    with pytest.raises(SheetSigningError, match="submitted"):
        sign_sheet(draft, context_for(people, meeting), people.expert1, NOW)


def test_an_invalid_sheet_is_not_signed(people: People, meeting: Meeting) -> None:
    sheet = make_sheet(scores=("25", None, "22", "30"))
    with pytest.raises(SheetInvalid) as info:
        sign_sheet(sheet, context_for(people, meeting), people.expert1, NOW)
    codes = {v.code for v in info.value.violations}
    assert {ViolationCode.SCORE_MISSING, ViolationCode.SCORE_OUT_OF_RANGE} <= codes


@pytest.mark.parametrize("who", ["lookalike1", "expert2", "secretary"])
def test_only_the_rostered_identity_signs(people: People, meeting: Meeting, who: str) -> None:
    with pytest.raises(SheetSigningError):
        sign_sheet(make_sheet(), context_for(people, meeting), getattr(people, who), NOW)


def test_a_sheet_of_another_meeting_or_expert_is_not_signed(
    people: People, meeting: Meeting
) -> None:
    context = context_for(people, meeting)
    with pytest.raises(SheetSigningError, match="meeting"):
        sign_sheet(make_sheet(meeting_id="m-other"), context, people.expert1, NOW)
    with pytest.raises(SheetSigningError, match="expert"):
        sign_sheet(make_sheet(expert_id="e2"), context, people.expert1, NOW)


def test_what_a_reader_would_refuse_is_not_signed(people: People, meeting: Meeting) -> None:
    sheet = dataclasses.replace(make_sheet(), opinion="bell \x07 character")
    with pytest.raises(SheetSigningError, match="control character"):
        sign_sheet(sheet, context_for(people, meeting), people.expert1, NOW)


def test_an_expired_identity_does_not_sign(people: People, meeting: Meeting) -> None:
    from app.crypto.identity import IdentityExpiredError

    with pytest.raises(IdentityExpiredError):
        sign_sheet(
            make_sheet(), context_for(people, meeting), people.expert1, NOW.replace(year=2040)
        )


# --- recusals ------------------------------------------------------------------------------


def test_a_recusal_round_trips(people: People, meeting: Meeting) -> None:
    signed = sign_recusal(
        make_recusal(), context_for(people, meeting), people.expert1, NOW, round=2
    )
    doc = json.loads(signed.document)
    assert doc["format"] == "review-desk/recusal" and doc["document_type"] == "recusal"
    assert doc["round"] == 2 and doc["kit_hash"] == KIT_HASH
    verified = open_signed_document(signed, people.roots, at=NOW)
    assert isinstance(verified.content, RecusalDocument)
    assert verified.content.declaration == make_recusal()
    assert verified.content.context.round == 2


def test_no_conflict_and_no_reason_are_not_recusals(people: People, meeting: Meeting) -> None:
    context = context_for(people, meeting)
    with pytest.raises(SheetSigningError, match="no conflict"):
        sign_recusal(
            dataclasses.replace(make_recusal(), has_conflict=False), context, people.expert1, NOW
        )
    with pytest.raises(SheetSigningError, match="reason"):
        sign_recusal(dataclasses.replace(make_recusal(), reason="  "), context, people.expert1, NOW)
