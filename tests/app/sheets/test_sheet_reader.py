"""Reading the per-expert sheet file: age to the secretary only, a signed envelope of signed
items.

Outside tools are the oracles: ``age -d`` decrypts the file with the secretary's key,
``openssl cms -verify`` accepts the envelope and item signatures. Every refusal is checked
for its error class, i.e. for the reader stage that must catch it.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import stat
import subprocess
from pathlib import Path

import pytest

from app.crypto import cms
from app.crypto.age_file import inspect_header
from app.crypto.age_keys import X25519Identity
from app.domain.ids import ExpertId
from app.domain.meeting import Expert, Meeting
from app.domain.rubric import Rubric
from app.formats.canonical_json import dumps_canonical, loads_strict
from app.sheets import (
    SheetFileContentError,
    SheetFileContents,
    SheetFileContextError,
    SheetFileDecryptError,
    SheetFileError,
    SheetFileFormatError,
    SheetFileSignatureError,
    SignedDocument,
    read_sheet_file,
    sign_recusal,
    sign_sheet,
)
from app.sheets.documents import encode_sheet
from tests.app.crypto.pki_fixtures import NOW, needs_openssl
from tests.app.sheets.factory import (
    A1,
    A2,
    A3,
    E1,
    E2,
    KIT_HASH,
    OTHER_KIT_HASH,
    People,
    Written,
    context_for,
    craft_file,
    envelope_doc,
    loc,
    make_notes,
    make_recusal,
    make_sheet,
    write_file,
)

needs_age = pytest.mark.tool("age")


def read(
    people: People, meeting: Meeting, rubric: Rubric, source: object, **kw: object
) -> SheetFileContents:
    args: dict[str, object] = {
        "secretary_identity": people.secretary,
        "trust_roots": people.roots,
        "meeting": meeting,
        "rubric": rubric,
        "kit_hash": KIT_HASH,
        "allowed_rounds": {1},
        "now": NOW,
    }
    args.update(kw)
    return read_sheet_file(source, **args)  # type: ignore[arg-type]


# --- the happy path ----------------------------------------------------------------------


def test_write_then_read_gives_back_the_sheets(
    people: People, meeting: Meeting, rubric: Rubric, written: Written
) -> None:
    contents = read(people, meeting, rubric, written.path)
    assert contents.expert == meeting.expert(E1)
    assert contents.signer.fingerprint == people.expert1.fingerprint
    assert contents.round == 1
    assert [s for s, _ in contents.sheets] == [
        make_sheet(A1),
        make_sheet(A1, version=2, scores=("21", "18.5", "22", "15")),
    ]
    assert [r for r, _ in contents.recusals] == [make_recusal(A2)]
    assert contents.notes == make_notes()
    # every item keeps its exact signed bytes, for the result bundle
    kept = [signed for _, signed in contents.sheets] + [signed for _, signed in contents.recusals]
    assert kept == list(written.items)
    assert read(people, meeting, rubric, written.data) == contents


def test_the_file_is_private_and_for_the_secretary_only(written: Written) -> None:
    assert stat.S_IMODE(os.stat(written.path).st_mode) == 0o600
    with written.path.open("rb") as fh:
        header = inspect_header(fh)
    assert header.stanza_count == 1
    assert not any(f.name.endswith(".tmp") for f in written.path.parent.iterdir())


@needs_age
def test_age_decrypts_it_with_the_secretarys_key(
    people: People, written: Written, tmp_path: Path
) -> None:
    key = tmp_path / "secretary.key"
    secret = people.secretary.x25519_private_key.private_bytes_raw()
    key.write_text(X25519Identity.from_secret_bytes(secret).secret_text() + "\n")
    key.chmod(0o600)
    out = subprocess.run(
        ["age", "-d", "-i", str(key), str(written.path)], capture_output=True, check=False
    )
    assert out.returncode == 0, out.stderr
    outer = loads_strict(out.stdout)
    assert set(outer) == {"format", "version", "envelope", "signature"}
    assert outer["format"] == "review-desk/signed-envelope"
    envelope = loads_strict(base64.b64decode(outer["envelope"]))
    assert envelope["format"] == "review-desk/sheet-file"
    assert [base64.b64decode(i["document"]) for i in envelope["items"]] == [
        i.document for i in written.items
    ]
    # the expert, holding only the public key, cannot read it back; nor can another person
    other = tmp_path / "expert.key"
    secret = people.expert1.x25519_private_key.private_bytes_raw()
    other.write_text(X25519Identity.from_secret_bytes(secret).secret_text() + "\n")
    refused = subprocess.run(
        ["age", "-d", "-i", str(other), str(written.path)], capture_output=True, check=False
    )
    assert refused.returncode != 0


@needs_openssl
def test_openssl_accepts_the_envelope_signature(
    people: People, written: Written, tmp_path: Path
) -> None:
    from app.crypto.age_file import decrypt_bytes

    secret = people.secretary.x25519_private_key.private_bytes_raw()
    outer = loads_strict(decrypt_bytes(written.data, [X25519Identity.from_secret_bytes(secret)]))
    (tmp_path / "env.json").write_bytes(base64.b64decode(outer["envelope"]))
    (tmp_path / "env.p7s").write_bytes(base64.b64decode(outer["signature"]))
    out = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-purpose",
            "any",
            "-CAfile",
            str(people.pki.root_pem),
            "-in",
            "env.p7s",
            "-content",
            "env.json",
            "-out",
            "/dev/null",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr


# --- context: another meeting, kit, round, secretary ---------------------------------------


def test_another_meetings_file_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, tmp_path: Path
) -> None:
    context = context_for(people, meeting, meeting_id="m-other")
    sheet = make_sheet(meeting_id="m-other")
    path = write_file(
        people,
        meeting,
        tmp_path,
        context,
        people.expert1,
        (sign_sheet(sheet, context, people.expert1, NOW),),
    )
    with pytest.raises(SheetFileContextError) as info:
        read(people, meeting, rubric, path)
    assert "m-other" in info.value.message and meeting.id in info.value.message


def test_another_kits_file_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, tmp_path: Path
) -> None:
    context = context_for(people, meeting, kit_hash=OTHER_KIT_HASH)
    path = write_file(
        people,
        meeting,
        tmp_path,
        context,
        people.expert1,
        (sign_sheet(make_sheet(), context, people.expert1, NOW),),
    )
    with pytest.raises(SheetFileContextError) as info:
        read(people, meeting, rubric, path)
    assert OTHER_KIT_HASH in info.value.message and KIT_HASH in info.value.message


def test_a_round_not_open_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, tmp_path: Path
) -> None:
    context = context_for(people, meeting)
    sheet = make_sheet(round=2)
    path = write_file(
        people,
        meeting,
        tmp_path,
        context,
        people.expert1,
        (sign_sheet(sheet, context, people.expert1, NOW),),
        round=2,
    )
    with pytest.raises(SheetFileContextError, match="round"):
        read(people, meeting, rubric, path)
    assert read(people, meeting, rubric, path, allowed_rounds={1, 2}).sheets[0][0] == sheet


def test_a_file_naming_another_secretary_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    other = {"role": "secretary", "fingerprint": people.other_secretary.fingerprint}
    data = craft_file(people, envelope_doc(people, [], recipient=other))
    with pytest.raises(SheetFileContextError, match="recipient"):
        read(people, meeting, rubric, data)


# --- who signed ------------------------------------------------------------------------------


def test_an_expert_not_on_the_roster_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, tmp_path: Path
) -> None:
    stranger = Expert(
        ExpertId("e9"),
        loc("Zhao Liu"),
        meeting.experts[1].role,
        loc("X"),
        loc("Dr."),
        False,
        people.stranger.fingerprint,
    )
    context = context_for(people, meeting, expert=stranger)
    path = write_file(people, meeting, tmp_path, context, people.stranger)
    with pytest.raises(SheetFileSignatureError, match="not on this meeting's roster"):
        read(people, meeting, rubric, path)


def test_a_lookalike_certificate_for_a_roster_name_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, tmp_path: Path
) -> None:
    """What a secretary running the CA could mint: same name, same CA, other key."""
    fake = dataclasses.replace(meeting.expert(E1), fingerprint=people.lookalike1.fingerprint)
    context = context_for(people, meeting, expert=fake)
    items = (sign_sheet(make_sheet(), context, people.lookalike1, NOW),)
    path = write_file(people, meeting, tmp_path, context, people.lookalike1, items)
    with pytest.raises(SheetFileSignatureError) as info:
        read(people, meeting, rubric, path)
    assert people.lookalike1.fingerprint in info.value.message
    assert people.expert1.fingerprint in info.value.message


def test_another_rostered_expert_cannot_sign_for_e1(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    data = craft_file(
        people, envelope_doc(people, [], signer=people.expert2), signer=people.expert2
    )
    with pytest.raises(SheetFileSignatureError, match="Li Wei is on the roster"):
        read(people, meeting, rubric, data)


def test_an_expert_without_a_roster_fingerprint_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    data = craft_file(people, envelope_doc(people, [], expert_id="e3"))
    with pytest.raises(SheetFileSignatureError, match="no certificate fingerprint"):
        read(people, meeting, rubric, data)


@pytest.mark.parametrize("who", ["secretary", "foreign_expert"])
def test_a_non_expert_or_untrusted_signer_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, who: str
) -> None:
    signer = getattr(people, who)
    data = craft_file(people, envelope_doc(people, [], signer=signer), signer=signer)
    with pytest.raises(SheetFileSignatureError) as info:
        read(people, meeting, rubric, data)
    expected = cms.SignerRoleError if who == "secretary" else cms.SignerUntrustedError
    assert isinstance(info.value.cause, expected)


def test_an_item_signed_by_another_expert_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    context2 = context_for(people, meeting, E2)
    foreign = sign_sheet(make_sheet(expert_id=E2), context2, people.expert2, NOW)
    data = craft_file(people, envelope_doc(people, [foreign]))
    with pytest.raises(SheetFileSignatureError, match="item 1 was signed by"):
        read(people, meeting, rubric, data)


def test_tampered_item_bytes_are_caught_by_the_item_signature(
    people: People, meeting: Meeting, rubric: Rubric, items: tuple[SignedDocument, ...]
) -> None:
    """The envelope is re-signed and re-encrypted properly: only the item signature
    can tell that the score changed."""
    doc = loads_strict(items[0].document)
    doc["scores"][0]["score"] = "24.5"
    forged = SignedDocument(dumps_canonical(doc), items[0].signature)
    data = craft_file(people, envelope_doc(people, [forged]))
    with pytest.raises(SheetFileSignatureError, match="does not match"):
        read(people, meeting, rubric, data)


# --- items against the envelope, and against each other -----------------------------------


def test_an_item_from_another_kit_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    context = context_for(people, meeting, kit_hash=OTHER_KIT_HASH)
    item = sign_sheet(make_sheet(), context, people.expert1, NOW)
    data = craft_file(people, envelope_doc(people, [item]))
    with pytest.raises(SheetFileContextError) as info:
        read(people, meeting, rubric, data)
    assert "item 1" in info.value.message and OTHER_KIT_HASH in info.value.message


def test_an_item_of_another_round_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    item = sign_sheet(make_sheet(round=2), context_for(people, meeting), people.expert1, NOW)
    data = craft_file(people, envelope_doc(people, [item]))
    with pytest.raises(SheetFileContextError, match="round"):
        read(people, meeting, rubric, data, allowed_rounds={1, 2})


def test_an_item_marked_with_the_wrong_kind_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, items: tuple[SignedDocument, ...]
) -> None:
    entry = {
        "kind": "recusal",
        "document": base64.b64encode(items[0].document).decode(),
        "signature": base64.b64encode(items[0].signature).decode(),
    }
    data = craft_file(people, envelope_doc(people, [entry]))
    with pytest.raises(SheetFileFormatError, match="marked"):
        read(people, meeting, rubric, data)


def test_a_duplicate_item_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, items: tuple[SignedDocument, ...]
) -> None:
    data = craft_file(people, envelope_doc(people, [items[0], items[0]]))
    with pytest.raises(SheetFileContentError, match="appears twice"):
        read(people, meeting, rubric, data)


def test_a_duplicate_recusal_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, items: tuple[SignedDocument, ...]
) -> None:
    data = craft_file(people, envelope_doc(people, [items[2], items[2]]))
    with pytest.raises(SheetFileContentError, match="appears twice"):
        read(people, meeting, rubric, data)


def test_a_sheet_and_a_recusal_for_one_application_are_refused(
    people: People, meeting: Meeting, rubric: Rubric, items: tuple[SignedDocument, ...]
) -> None:
    recusal = sign_recusal(make_recusal(A1), context_for(people, meeting), people.expert1, NOW)
    data = craft_file(people, envelope_doc(people, [items[0], recusal]))
    with pytest.raises(SheetFileContentError, match="both a sheet and a recusal"):
        read(people, meeting, rubric, data)


def test_an_invalid_sheet_signed_by_a_crafted_writer_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    sheet = make_sheet(scores=("20", "18.5", "22"))  # "results" has no score
    document = encode_sheet(sheet, context_for(people, meeting))
    item = SignedDocument(document, cms.sign_detached(document, people.expert1))
    data = craft_file(people, envelope_doc(people, [item]))
    with pytest.raises(SheetFileContentError, match="Results has no score"):
        read(people, meeting, rubric, data)


def test_an_application_not_in_the_meeting_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    item = sign_sheet(make_sheet("a9"), context_for(people, meeting), people.expert1, NOW)
    data = craft_file(people, envelope_doc(people, [item]))
    with pytest.raises(SheetFileContentError, match="a9"):
        read(people, meeting, rubric, data)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"application_id": "a9"}, SheetFileContentError),
        ({"factor": "charisma"}, SheetFileContentError),
        ({"kind": "shout"}, SheetFileFormatError),
        ({"created_at": "2026-03-02 11:00"}, SheetFileFormatError),
        ({"extra": 1}, SheetFileFormatError),
    ],
)
def test_bad_notes_are_refused(
    people: People,
    meeting: Meeting,
    rubric: Rubric,
    change: dict[str, object],
    error: type[SheetFileError],
) -> None:
    note: dict[str, object] = {
        "id": "n1",
        "application_id": A3,
        "kind": "note",
        "text": "t",
        "factor": None,
        "created_at": "2026-03-02T11:00:00Z",
    }
    note.update(change)
    data = craft_file(people, envelope_doc(people, [], notes=[note]))
    with pytest.raises(error):
        read(people, meeting, rubric, data)


def test_an_unknown_version_is_named(people: People, meeting: Meeting, rubric: Rubric) -> None:
    data = craft_file(people, envelope_doc(people, []), version=2)
    with pytest.raises(SheetFileFormatError, match="version 2"):
        read(people, meeting, rubric, data)
    data = craft_file(people, envelope_doc(people, [], version=3))
    with pytest.raises(SheetFileFormatError, match="version 3"):
        read(people, meeting, rubric, data)


def test_a_non_canonical_base64_envelope_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    data = craft_file(people, envelope_doc(people, []), signature="QR==")
    with pytest.raises(SheetFileFormatError, match="base64"):
        read(people, meeting, rubric, data)


# --- encryption ------------------------------------------------------------------------------


def test_a_file_for_someone_else_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    data = craft_file(people, envelope_doc(people, []), recipients=[people.other_secretary])
    with pytest.raises(SheetFileDecryptError, match="not encrypted to any of your keys") as info:
        read(people, meeting, rubric, data)
    assert info.value.detail.startswith("AgeNoMatchError")


def test_a_copy_readable_by_others_too_is_refused(
    people: People, meeting: Meeting, rubric: Rubric
) -> None:
    data = craft_file(
        people, envelope_doc(people, []), recipients=[people.secretary, people.expert2]
    )
    with pytest.raises(SheetFileFormatError, match="secretary only"):
        read(people, meeting, rubric, data)


def test_a_missing_file_is_a_typed_error(
    people: People, meeting: Meeting, rubric: Rubric, tmp_path: Path
) -> None:
    with pytest.raises(SheetFileDecryptError, match="cannot be read"):
        read(people, meeting, rubric, tmp_path / "nope.oisheet")


def test_every_truncation_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, written: Written
) -> None:
    data = written.data
    for length in range(len(data)):
        with pytest.raises(SheetFileDecryptError):
            read(people, meeting, rubric, data[:length])


def test_trailing_garbage_is_refused(
    people: People, meeting: Meeting, rubric: Rubric, written: Written
) -> None:
    for tail in (b"\x00", b"garbage", bytes(64 * 1024)):
        with pytest.raises(SheetFileDecryptError):
            read(people, meeting, rubric, written.data + tail)


def test_bit_flips_are_refused(
    people: People, meeting: Meeting, rubric: Rubric, written: Written
) -> None:
    import random

    data = written.data
    rng = random.Random(20260302)
    header_end = data.index(b"\n---") + 48
    positions = list(range(header_end * 8)) + rng.sample(range(len(data) * 8), 400)
    refused: dict[str, int] = {}
    for bit in positions:
        flipped = bytearray(data)
        flipped[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(SheetFileError) as info:
            read(people, meeting, rubric, bytes(flipped))
        refused[type(info.value).__name__] = refused.get(type(info.value).__name__, 0) + 1
    assert set(refused) <= {"SheetFileDecryptError", "SheetFileFormatError"}


def test_a_malformed_signed_item_is_named(
    people: People, meeting: Meeting, rubric: Rubric, items: tuple[SignedDocument, ...]
) -> None:
    doc = loads_strict(items[0].document)
    doc["scores"][1]["score"] = "18.50"  # a second spelling of the same value
    document = dumps_canonical(doc)
    item = SignedDocument(document, cms.sign_detached(document, people.expert1))
    data = craft_file(people, envelope_doc(people, [item]))
    with pytest.raises(SheetFileFormatError) as info:
        read(people, meeting, rubric, data)
    assert "item 1" in info.value.message and "scores[1].score" in info.value.message
