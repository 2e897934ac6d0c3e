"""Round notices (round-notice-v1): written and read back, verified by openssl, and refused
at the right stage for every way one can be wrong."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import random
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.crypto import cms
from app.crypto.cms import SignerRoleError, SignerUntrustedError
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.ids import ApplicationId, MeetingId
from app.domain.meeting import Meeting
from app.formats.canonical_json import dumps_canonical, loads_strict
from app.round_notice import (
    NoticeExpectations,
    RoundNotice,
    RoundNoticeContainerError,
    RoundNoticeContentError,
    RoundNoticeContextError,
    RoundNoticeError,
    RoundNoticeFormatError,
    RoundNoticeSignatureError,
    RoundNoticeSigningError,
    RoundNoticeStaleError,
    RoundNoticeVersionError,
    RoundNoticeWriteError,
    container_bytes,
    encode_notice,
    notice_file_name,
    read_round_notice,
    sign_round_notice,
    write_round_notice,
)
from app.round_notice.notice import MAX_FILE_SIZE
from app.sheets.documents import SignedDocument
from tests.app.crypto.pki_fixtures import NOW, in_memory_identity, needs_openssl
from tests.app.sheets.factory import A2, A3, KIT_HASH, OTHER_KIT_HASH, People

OPENED = NOW + dt.timedelta(hours=2, microseconds=250)


def notice_of(people: People, meeting: Meeting, **changes: Any) -> RoundNotice:
    base = RoundNotice(
        meeting_id=meeting.id,
        kit_hash=KIT_HASH,
        round=2,
        application_ids=(A2, A3),
        opened_at=OPENED,
        reason="Flagged for disagreement: a2 (total); a3 (capability)",
        secretary_fingerprint=people.secretary.fingerprint,
    )
    return dataclasses.replace(base, **changes)


def expect(
    people: People, meeting: Meeting, held: dict[int, str] | None = None
) -> NoticeExpectations:
    return NoticeExpectations(
        meeting=meeting,
        kit_hash=KIT_HASH,
        secretary_certificate=people.secretary.certificate,
        trust_roots=tuple(people.roots),
        held=held or {},
    )


def doc_of(notice: RoundNotice) -> dict[str, Any]:
    value = loads_strict(encode_notice(notice))
    assert isinstance(value, dict)
    return value


def craft(doc: dict[str, Any] | bytes, signer: Identity, **container: Any) -> bytes:
    """A notice file signed by ``signer`` over whatever ``doc`` is (no writer checks)."""
    document = doc if isinstance(doc, bytes) else dumps_canonical(doc)
    outer: dict[str, Any] = {
        "format": "review-desk/signed-envelope",
        "version": 1,
        "envelope": base64.b64encode(document).decode(),
        "signature": base64.b64encode(cms.sign_detached(document, signer)).decode(),
    }
    outer.update(container)
    return dumps_canonical(outer)


def sha(signed_file: bytes) -> str:
    outer = json.loads(signed_file)
    return hashlib.sha256(base64.b64decode(outer["envelope"])).hexdigest()


@pytest.fixture(scope="module")
def written(people: People, meeting: Meeting, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notice")
    out = folder / notice_file_name(meeting.id, 2)
    write_round_notice(
        out,
        notice_of(people, meeting),
        people.secretary,
        NOW,
        meeting=meeting,
        trust_roots=people.roots,
    )
    return out


# --- writing and reading back -------------------------------------------------------------


def test_a_written_notice_reads_back_exactly(
    people: People, meeting: Meeting, written: Path
) -> None:
    assert written.name == "m-2026-03-round-2.oiround"
    opened = read_round_notice(written, expect(people, meeting), NOW)
    assert opened.notice == notice_of(people, meeting)
    assert opened.signer.fingerprint == people.secretary.fingerprint
    assert opened.signer.role is Role.SECRETARY
    assert not opened.already_held
    # the container is the signed-envelope of sheet-v1 §4.2, not encrypted, canonical
    outer = loads_strict(written.read_bytes())
    assert isinstance(outer, dict)
    assert list(outer) == ["envelope", "format", "signature", "version"]
    assert outer["format"] == "review-desk/signed-envelope"
    assert dumps_canonical(outer) == written.read_bytes()
    inner = loads_strict(opened.signed.document)
    assert isinstance(inner, dict)
    assert set(inner) == {
        "format",
        "version",
        "meeting_id",
        "kit_hash",
        "round",
        "application_ids",
        "opened_at",
        "reason",
        "secretary_fingerprint",
        "signer_role",
    }
    assert inner["format"] == "review-desk/round-notice" and inner["version"] == 1
    assert inner["opened_at"] == "2026-03-02T11:00:00.000250Z"
    assert inner["signer_role"] == "secretary"
    assert inner["application_ids"] == ["a2", "a3"]


def test_the_same_round_gives_the_same_notice_bytes(
    people: People, meeting: Meeting, written: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.oiround"
    write_round_notice(
        again,
        notice_of(people, meeting),
        people.secretary,
        NOW + dt.timedelta(days=1),
        meeting=meeting,
        trust_roots=people.roots,
    )
    assert again.read_bytes() != written.read_bytes()  # ECDSA is randomised
    assert sha(again.read_bytes()) == sha(written.read_bytes())
    held = {2: sha(written.read_bytes())}
    assert read_round_notice(again, expect(people, meeting, held), NOW).already_held


@needs_openssl
def test_openssl_accepts_the_notice_signature(
    people: People, written: Path, tmp_path: Path
) -> None:
    outer = json.loads(written.read_bytes())
    (tmp_path / "notice.json").write_bytes(base64.b64decode(outer["envelope"]))
    (tmp_path / "notice.p7s").write_bytes(base64.b64decode(outer["signature"]))
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
        "notice.p7s",
        "-content",
        "notice.json",
        "-out",
        "/dev/null",
    ]
    ok = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr


# --- the writer refuses -------------------------------------------------------------------


def test_only_the_secretary_named_in_the_notice_signs_it(
    people: People, meeting: Meeting, tmp_path: Path
) -> None:
    out = tmp_path / "n.oiround"
    with pytest.raises(RoundNoticeSigningError, match="only the meeting secretary"):
        write_round_notice(
            out,
            notice_of(people, meeting),
            people.expert1,
            NOW,
            meeting=meeting,
            trust_roots=people.roots,
        )
    with pytest.raises(RoundNoticeSigningError, match="names the secretary"):
        write_round_notice(
            out,
            notice_of(people, meeting),
            people.other_secretary,
            NOW,
            meeting=meeting,
            trust_roots=people.roots,
        )
    with pytest.raises(RoundNoticeSigningError, match="round"):
        sign_round_notice(notice_of(people, meeting, round=1), people.secretary, NOW)
    with pytest.raises(RoundNoticeContentError, match="zz"):
        write_round_notice(
            out,
            notice_of(people, meeting, application_ids=(ApplicationId("zz"),)),
            people.secretary,
            NOW,
            meeting=meeting,
            trust_roots=people.roots,
        )
    assert not out.exists()


def test_a_failed_write_is_reported(people: People, meeting: Meeting, tmp_path: Path) -> None:
    with pytest.raises(RoundNoticeWriteError) as info:
        write_round_notice(
            tmp_path / "missing" / "n.oiround",
            notice_of(people, meeting),
            people.secretary,
            NOW,
            meeting=meeting,
            trust_roots=people.roots,
        )
    assert "missing" in info.value.message and info.value.recommendation


# --- the reader refuses, stage by stage ---------------------------------------------------


def test_a_notice_signed_by_an_expert_is_refused(people: People, meeting: Meeting) -> None:
    data = craft(doc_of(notice_of(people, meeting)), people.expert1)
    with pytest.raises(RoundNoticeSignatureError) as info:
        read_round_notice(data, expect(people, meeting), NOW)
    assert isinstance(info.value.cause, SignerRoleError)


def test_another_secretary_certificate_than_the_kits_is_refused(
    people: People, meeting: Meeting
) -> None:
    """Same CA, secretary role, but not the certificate that signed the kit."""
    doc = doc_of(
        notice_of(people, meeting, secretary_fingerprint=people.other_secretary.fingerprint)
    )
    with pytest.raises(RoundNoticeSignatureError) as info:
        read_round_notice(craft(doc, people.other_secretary), expect(people, meeting), NOW)
    assert "kit secretary" in info.value.detail
    assert people.secretary.fingerprint in info.value.message


def test_a_secretary_of_another_ca_is_not_trusted(people: People, meeting: Meeting) -> None:
    foreign = in_memory_identity(people.pki.other_ca, Role.SECRETARY, "外部秘书")
    doc = doc_of(notice_of(people, meeting, secretary_fingerprint=foreign.fingerprint))
    with pytest.raises(RoundNoticeSignatureError) as info:
        read_round_notice(craft(doc, foreign), expect(people, meeting), NOW)
    assert isinstance(info.value.cause, SignerUntrustedError)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"meeting_id": "m-other"}, "meeting"),
        ({"kit_hash": OTHER_KIT_HASH}, "meeting kit hash"),
        ({"secretary_fingerprint": "AAAA-BBBB-CCCC-DDDD-EEEE"}, "secretary fingerprint"),
    ],
)
def test_a_notice_for_another_context_is_refused(
    people: People, meeting: Meeting, change: dict[str, str], field: str
) -> None:
    doc = doc_of(notice_of(people, meeting)) | change
    with pytest.raises(RoundNoticeContextError) as info:
        read_round_notice(craft(doc, people.secretary), expect(people, meeting), NOW)
    assert str(info.value.field) == field
    assert next(iter(change.values())) in info.value.message


def test_a_tampered_byte_is_refused(people: People, meeting: Meeting, written: Path) -> None:
    outer = json.loads(written.read_bytes())
    document = base64.b64decode(outer["envelope"]).replace(b'"a3"', b'"a1"')
    outer["envelope"] = base64.b64encode(document).decode()
    with pytest.raises(RoundNoticeSignatureError, match="changed or damaged"):
        read_round_notice(dumps_canonical(outer), expect(people, meeting), NOW)


def test_a_flipped_bit_is_refused_or_changes_nothing(
    people: People, meeting: Meeting, written: Path
) -> None:
    """A flip is refused with a typed error, or (inside the copy of the CA certificate the
    CMS carries, which no verifier relies on: the roots are its own) changes nothing."""
    data = written.read_bytes()
    original = read_round_notice(data, expect(people, meeting), NOW)
    rng = random.Random(20260302)
    for _ in range(40):
        mutated = bytearray(data)
        at = rng.randrange(len(mutated))
        mutated[at] ^= 1 << rng.randrange(8)
        try:
            opened = read_round_notice(bytes(mutated), expect(people, meeting), NOW)
        except RoundNoticeError:
            continue
        assert opened.notice == original.notice, at
        assert opened.signed.document == original.signed.document, at
        assert opened.signer.certificate == original.signer.certificate, at


def test_an_unknown_version_is_named(people: People, meeting: Meeting) -> None:
    doc = doc_of(notice_of(people, meeting)) | {"version": 2}
    with pytest.raises(RoundNoticeVersionError, match="version 2; this program reads version 1"):
        read_round_notice(craft(doc, people.secretary), expect(people, meeting), NOW)
    with pytest.raises(RoundNoticeContainerError, match="version 3"):
        read_round_notice(
            craft(doc_of(notice_of(people, meeting)), people.secretary, version=3),
            expect(people, meeting),
            NOW,
        )
    other = doc_of(notice_of(people, meeting)) | {"format": "review-desk/sheet-file"}
    with pytest.raises(RoundNoticeFormatError, match="review-desk/round-notice"):
        read_round_notice(craft(other, people.secretary), expect(people, meeting), NOW)


@pytest.mark.parametrize(
    ("change", "member"),
    [
        ({"extra": 1}, "extra"),
        ({"round": 1}, "round"),
        ({"round": "2"}, "round"),
        ({"application_ids": []}, "application_ids"),
        ({"application_ids": ["bad id"]}, "application_ids[0]"),
        ({"opened_at": "2026-03-02 11:00:00"}, "opened_at"),
        ({"reason": "x\x00"}, "reason"),
        ({"signer_role": "expert"}, "signer_role"),
    ],
)
def test_a_malformed_notice_is_refused_naming_the_member(
    people: People, meeting: Meeting, change: dict[str, Any], member: str
) -> None:
    doc = doc_of(notice_of(people, meeting)) | change
    with pytest.raises(RoundNoticeFormatError) as info:
        read_round_notice(craft(doc, people.secretary), expect(people, meeting), NOW)
    assert member in info.value.message


def test_a_missing_member_is_refused(people: People, meeting: Meeting) -> None:
    doc = doc_of(notice_of(people, meeting))
    del doc["reason"]
    with pytest.raises(RoundNoticeFormatError, match="reason"):
        read_round_notice(craft(doc, people.secretary), expect(people, meeting), NOW)


def test_an_application_not_in_the_meeting_is_refused(people: People, meeting: Meeting) -> None:
    doc = doc_of(notice_of(people, meeting)) | {"application_ids": ["a2", "a9"]}
    with pytest.raises(RoundNoticeContentError, match="a9, which is not in this meeting"):
        read_round_notice(craft(doc, people.secretary), expect(people, meeting), NOW)
    doc = doc_of(notice_of(people, meeting)) | {"application_ids": ["a2", "a2"]}
    with pytest.raises(RoundNoticeContentError, match="twice"):
        read_round_notice(craft(doc, people.secretary), expect(people, meeting), NOW)


def test_a_round_that_is_not_newer_is_refused(
    people: People, meeting: Meeting, written: Path
) -> None:
    data = written.read_bytes()
    with pytest.raises(RoundNoticeStaleError, match="round 3 is already open"):
        read_round_notice(data, expect(people, meeting, {3: "0" * 64}), NOW)
    with pytest.raises(RoundNoticeStaleError, match="different notice for round 2"):
        read_round_notice(data, expect(people, meeting, {2: "0" * 64}), NOW)
    newer = craft(doc_of(notice_of(people, meeting, round=4)), people.secretary)
    opened = read_round_notice(newer, expect(people, meeting, {2: sha(data), 3: "0" * 64}), NOW)
    assert opened.notice.round == 4 and not opened.already_held


def test_the_container_is_checked_before_anything_else(people: People, meeting: Meeting) -> None:
    with pytest.raises(RoundNoticeContainerError, match="larger than"):
        read_round_notice(b"{" + b" " * MAX_FILE_SIZE, expect(people, meeting), NOW)
    with pytest.raises(RoundNoticeContainerError, match="JSON"):
        read_round_notice(b"PK\x03\x04 not json", expect(people, meeting), NOW)
    good = craft(doc_of(notice_of(people, meeting)), people.secretary)
    outer = json.loads(good)
    outer["envelope"] = outer["envelope"].rstrip("=") + "!"
    with pytest.raises(RoundNoticeContainerError, match="envelope"):
        read_round_notice(json.dumps(outer).encode(), expect(people, meeting), NOW)
    with pytest.raises(RoundNoticeContainerError, match="cannot be read"):
        read_round_notice(Path("/nonexistent/n.oiround"), expect(people, meeting), NOW)


def test_expectations_come_from_the_kit_record(people: People, meeting: Meeting) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    from app.kit.record import KitRecord

    record = KitRecord(
        kit_hash=KIT_HASH,
        kit_id="k",
        meeting_id=meeting.id,
        secretary_certificate_pem=people.secretary.certificate.public_bytes(Encoding.PEM).decode(),
        trust_roots_pem=people.pki.root_pem.read_text(),
        sealed_meeting_key=b"",
        imported_at=NOW,
    )
    expected = NoticeExpectations.from_kit(record, meeting, {2: "x" * 64})
    assert expected.latest_round == 2
    assert expected.trust_roots == (people.pki.ca.certificate,)
    assert expected.secretary_certificate == people.secretary.certificate
    signed = sign_round_notice(notice_of(people, meeting, round=3), people.secretary, NOW)
    assert read_round_notice(container_bytes(signed), expected, NOW).notice.round == 3


def test_meeting_ids_are_typed(people: People, meeting: Meeting) -> None:
    opened = read_round_notice(
        container_bytes(sign_round_notice(notice_of(people, meeting), people.secretary, NOW)),
        expect(people, meeting),
        NOW,
    )
    assert opened.notice.meeting_id == MeetingId("m-2026-03")
    assert opened.signed == SignedDocument(opened.signed.document, opened.signed.signature)
