"""One spelling per value, and no input that escapes the typed errors (M5, M6).

Hypothesis is derandomised (the project's CI setting): the same examples every run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.crypto.age_file import decrypt_bytes, encrypt_bytes
from app.crypto.age_keys import X25519Identity, X25519Recipient
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.formats.canonical_json import dumps_canonical, loads_strict
from app.formats.fields import CONTROL_CHARACTERS
from app.sheets import SheetFileError, SignedDocument, codec, read_sheet_file, sign_sheet
from app.sheets.codec import FieldError
from app.sheets.documents import decode_document, encode_sheet
from tests.app.crypto.pki_fixtures import NOW
from tests.app.sheets.factory import (
    KIT_HASH,
    People,
    context_for,
    craft_file,
    envelope_doc,
    make_sheet,
)

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- one spelling per value ------------------------------------------------------------------


@given(st.datetimes(timezones=st.just(dt.UTC)))
@settings(derandomize=True)
def test_times_round_trip_with_one_spelling(value: dt.datetime) -> None:
    text = codec.encode_time(value)
    assert codec.time(text, "t") == value
    assert codec.encode_time(codec.time(text, "t")) == text


def test_local_times_are_written_in_utc() -> None:
    china = dt.timezone(dt.timedelta(hours=8))
    assert codec.encode_time(dt.datetime(2026, 3, 2, 17, 0, tzinfo=china)) == "2026-03-02T09:00:00Z"
    with pytest.raises(ValueError):
        codec.encode_time(dt.datetime(2026, 3, 2, 9, 0))


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T09:00:00.000000Z",
        "2026-03-02T09:00:00.5Z",
        "2026-03-02T09:00:00+00:00",
        "2026-03-02T09:00:00z",
        "2026-03-02 09:00:00Z",
        "2026-02-30T09:00:00Z",
        "2026-03-02T24:00:00Z",
        "",
        20260302,
    ],
)
def test_other_time_spellings_are_refused(text: object) -> None:
    with pytest.raises(FieldError):
        codec.time(text, "t")


@given(st.decimals(min_value=0, max_value=999999, places=4, allow_nan=False))
@settings(derandomize=True)
def test_scores_round_trip_with_one_spelling(value: Decimal) -> None:
    text = codec.encode_score(value)
    assert codec.score(text, "s") == value
    assert codec.encode_score(codec.score(text, "s")) == text


@pytest.mark.parametrize(
    "text", ["22.50", "025", "-1", "1e3", " 1", "1.", ".5", "22.", "1234567", "0.00001", 22, None]
)
def test_other_score_spellings_are_refused(text: object) -> None:
    with pytest.raises(FieldError):
        codec.score(text, "s")


@given(st.binary(max_size=64))
@settings(derandomize=True)
def test_base64_round_trips(data: bytes) -> None:
    assert codec.base64_bytes(codec.encode_base64(data), "b", 64) == data


@pytest.mark.parametrize("text", ["QR==", "QQ", "QQ=", "Q Q==", "QQ==\n", "QUJD\nREVG", "-_8="])
def test_other_base64_spellings_are_refused(text: str) -> None:
    with pytest.raises(FieldError):
        codec.base64_bytes(text, "b", 64)


def test_base64_limit_is_checked_before_decoding() -> None:
    with pytest.raises(FieldError, match="at most"):
        codec.base64_bytes("A" * 1000, "b", 10)


# --- non-malleability of the sheet document (M5) ---------------------------------------------

_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x7f"), max_size=40
).filter(lambda s: not CONTROL_CHARACTERS.search(s))


@given(
    scores=st.lists(st.sampled_from(["0", "0.5", "12", "24.5", "25"]), min_size=4, max_size=4),
    opinion=_text,
    version=st.integers(1, 999),
    round_=st.integers(1, 99),
)
@FUZZ
def test_decode_encode_is_the_identity(
    people: People, meeting: Meeting, scores: list[str], opinion: str, version: int, round_: int
) -> None:
    import dataclasses

    sheet = dataclasses.replace(
        make_sheet(scores=scores, version=version, round=round_), opinion=opinion
    )
    context = context_for(people, meeting)
    document = encode_sheet(sheet, context)
    decoded = decode_document(document)
    assert decoded.sheet == sheet  # type: ignore[union-attr]
    assert encode_sheet(decoded.sheet, context) == document  # type: ignore[union-attr]


# --- structured fuzz: nothing but typed errors ------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)


def _read(people: People, meeting: Meeting, rubric: Rubric, data: bytes) -> object:
    return read_sheet_file(
        data, people.secretary, people.roots, meeting, rubric, KIT_HASH, {1}, NOW
    )


@pytest.fixture(scope="module")
def plaintext(people: People, meeting: Meeting) -> bytes:
    item = sign_sheet(make_sheet(), context_for(people, meeting), people.expert1, NOW)
    data = craft_file(people, envelope_doc(people, [item]))
    secret = people.secretary.x25519_private_key.private_bytes_raw()
    return decrypt_bytes(data, [X25519Identity.from_secret_bytes(secret)])


@given(data=st.data())
@FUZZ
def test_mutated_plaintext_gives_only_typed_errors(
    people: People, meeting: Meeting, rubric: Rubric, plaintext: bytes, data: st.DataObject
) -> None:
    """Re-encrypted to the secretary, so the age layer cannot catch the change."""
    buf = bytearray(plaintext)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(buf) - 1))
        op = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if op == "flip":
            buf[at] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "delete":
            del buf[at : at + data.draw(st.integers(1, 16))]
        else:
            buf[at:at] = data.draw(st.binary(min_size=1, max_size=8))
    assume(bytes(buf) != plaintext)
    encrypted = encrypt_bytes(bytes(buf), [X25519Recipient(people.secretary.x25519_public_bytes)])
    with pytest.raises(SheetFileError):
        _read(people, meeting, rubric, encrypted)


_ENVELOPE_MEMBERS = [
    "format",
    "version",
    "document_type",
    "meeting_id",
    "kit_hash",
    "expert_id",
    "expert_fingerprint",
    "round",
    "signer_role",
    "recipient",
    "created_at",
    "items",
    "notes",
    "progress",
]


@given(member=st.sampled_from(_ENVELOPE_MEMBERS), value=_json)
@FUZZ
def test_signed_envelopes_with_any_member_value_give_only_typed_errors(
    people: People, meeting: Meeting, rubric: Rubric, member: str, value: Any
) -> None:
    envelope = envelope_doc(people, [])
    assume(envelope[member] != value)
    envelope[member] = value
    with pytest.raises(SheetFileError):
        _read(people, meeting, rubric, craft_file(people, envelope))


@given(member=st.integers(0, 100), value=_json)
@FUZZ
def test_signed_sheets_with_any_member_value_give_only_typed_errors(
    people: People, meeting: Meeting, rubric: Rubric, member: int, value: Any
) -> None:
    doc = loads_strict(encode_sheet(make_sheet(), context_for(people, meeting)))
    key = sorted(doc)[member % len(doc)]
    assume(doc[key] != value)
    doc[key] = value
    document = dumps_canonical(doc)
    from app.crypto import cms

    item = SignedDocument(document, cms.sign_detached(document, people.expert1))
    data = craft_file(people, envelope_doc(people, [item]))
    try:
        _read(people, meeting, rubric, data)
    except SheetFileError:
        pass  # refused with a typed error; a harmless change (another text) may be accepted
