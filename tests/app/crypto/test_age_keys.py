"""Keys, identity files, recipient rules, secrecy of reprs and messages, inspect_header."""

from __future__ import annotations

import io
import os

import pytest

from app import i18n
from app.crypto import (
    AgeArmorError,
    AgeError,
    AgeHeaderError,
    AgeKeyError,
    AgeNoMatchError,
    HybridIdentity,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    bech32,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    inspect_header,
    parse_identity,
    parse_identity_file,
    parse_recipient,
)
from app.crypto.age_header import Header, Stanza, encode_header

PASSPHRASE = "meeting passphrase 2024"
FAST = 10  # a low scrypt work factor keeps the tests quick


def test_bech32_round_trip_and_refusals() -> None:
    data = os.urandom(32)
    text = bech32.encode("age", data)
    assert bech32.decode(text) == ("age", data)
    assert bech32.decode(text.upper()) == ("age", data)
    for bad in (
        text[:-1] + ("q" if text[-1] != "q" else "p"),
        text[:5] + text[5:].upper(),
        "1qqqqqq",
    ):
        with pytest.raises(bech32.Bech32Error):
            bech32.decode(bad)


def test_identity_text_round_trips_and_derives_its_recipient() -> None:
    identity = X25519Identity.generate()
    again = parse_identity(identity.secret_text())
    assert isinstance(again, X25519Identity)
    assert again.recipient == identity.recipient
    assert parse_recipient(str(identity.recipient)) == identity.recipient
    hybrid = HybridIdentity.generate()
    assert parse_identity(hybrid.secret_text()).recipient == hybrid.recipient
    assert parse_recipient(str(hybrid.recipient)) == hybrid.recipient


@pytest.mark.parametrize(
    "text", ["", "age1", "age1qqqqqqq", "AGE1" + "Q" * 58, "ssh-ed25519 AAAA", "age1pq1qqqqqqqqq"]
)
def test_bad_recipients_are_refused(text: str) -> None:
    with pytest.raises(AgeKeyError):
        parse_recipient(text)


def test_identity_file_with_comments_blank_lines_crlf_and_several_keys() -> None:
    first, second = X25519Identity.generate(), X25519Identity.generate()
    text = (
        f"# created: 2024-01-01T00:00:00Z\r\n# public key: {first.recipient}\r\n"
        f"{first.secret_text()}\r\n\r\n   \n# second\n  {second.secret_text()}  \n"
    )
    parsed = parse_identity_file(text)
    assert [p.recipient for p in parsed] == [first.recipient, second.recipient]


def test_identity_file_errors_name_the_line_but_not_the_secret() -> None:
    secret = X25519Identity.generate().secret_text()
    broken = secret[:-1] + ("Q" if secret[-1] != "Q" else "P")
    with pytest.raises(AgeKeyError) as caught:
        parse_identity_file(f"# comment\n{broken}\n")
    assert "line 2" in caught.value.detail
    for text in (str(caught.value), caught.value.detail, repr(caught.value)):
        assert broken not in text and secret[16:40] not in text
    with pytest.raises(AgeKeyError):
        parse_identity_file("# only a comment\n\n")


def test_secrets_stay_out_of_reprs_and_errors() -> None:
    identity = X25519Identity.generate()
    secret = identity.secret_text()
    assert secret not in repr(identity)
    assert PASSPHRASE not in repr(ScryptRecipient(PASSPHRASE)) + repr(ScryptIdentity(PASSPHRASE))
    encrypted = encrypt_bytes(b"x", [ScryptRecipient(PASSPHRASE, FAST)])
    with pytest.raises(AgeNoMatchError) as caught:
        decrypt_bytes(encrypted, [ScryptIdentity("wrong " + PASSPHRASE)])
    assert PASSPHRASE not in str(caught.value) + caught.value.detail + repr(caught.value)


def test_scrypt_round_trip_and_wrong_passphrase_message() -> None:
    encrypted = encrypt_bytes(b"secret minutes", [ScryptRecipient(PASSPHRASE, FAST)])
    assert decrypt_bytes(encrypted, [ScryptIdentity(PASSPHRASE)]) == b"secret minutes"
    with pytest.raises(AgeNoMatchError) as wrong:
        decrypt_bytes(encrypted, [ScryptIdentity("nope")])
    assert "passphrase is not correct" in wrong.value.message
    with pytest.raises(AgeNoMatchError) as keyed:
        decrypt_bytes(encrypted, [X25519Identity.generate()])
    assert "protected by a passphrase" in keyed.value.message


def test_passphrase_cannot_be_mixed_with_other_recipients() -> None:
    with pytest.raises(AgeKeyError):
        encrypt_bytes(b"x", [ScryptRecipient(PASSPHRASE), X25519Identity.generate().recipient])
    with pytest.raises(AgeKeyError):
        encrypt_bytes(b"x", [])
    with pytest.raises(ValueError):
        ScryptRecipient(PASSPHRASE, 23)


def test_scrypt_work_factor_above_cap_is_a_header_failure() -> None:
    # log N = 23 must be refused before any scrypt work is done.
    stanza = Stanza("scrypt", ("AAAAAAAAAAAAAAAAAAAAAA", "23"), bytes(32))
    data = encode_header(Header((stanza,), bytes(32))) + bytes(32)
    with pytest.raises(AgeHeaderError):
        decrypt_bytes(data, [ScryptIdentity(PASSPHRASE)])


def test_unknown_recipient_types_say_unsupported() -> None:
    stanza = Stanza("ssh-ed25519", ("abc",), bytes(32))
    data = encode_header(Header((stanza,), bytes(32))) + bytes(32)
    with pytest.raises(AgeNoMatchError) as caught:
        decrypt_bytes(data, [X25519Identity.generate()])
    assert "ssh-ed25519" in caught.value.message


def test_not_a_recipient_message() -> None:
    encrypted = encrypt_bytes(b"x", [X25519Identity.generate().recipient])
    with pytest.raises(AgeNoMatchError) as caught:
        decrypt_bytes(encrypted, [X25519Identity.generate()])
    assert "not encrypted to any of your keys" in caught.value.message


def test_several_recipients_including_post_quantum() -> None:
    keys: list[X25519Identity | HybridIdentity] = [
        X25519Identity.generate(),
        HybridIdentity.generate(),
        X25519Identity.generate(),
    ]
    plaintext = os.urandom(70_000)
    encrypted = encrypt_bytes(plaintext, [k.recipient for k in keys])
    for key in keys:
        assert decrypt_bytes(encrypted, [key]) == plaintext


def test_streaming_encrypt_and_decrypt_between_file_objects() -> None:
    identity = X25519Identity.generate()
    plaintext = os.urandom(3 * 65536)
    encrypted = io.BytesIO()
    encrypt(io.BytesIO(plaintext), encrypted, [identity.recipient])
    encrypted.seek(0)
    out = io.BytesIO()
    decrypt(encrypted, out, [identity])
    assert out.getvalue() == plaintext


def test_armor_round_trip_and_refusal() -> None:
    identity = X25519Identity.generate()
    armored = encrypt_bytes(b"hello" * 100, [identity.recipient], armor=True)
    assert armored.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert decrypt_bytes(b"\n  " + armored.replace(b"\n", b"\r\n"), [identity]) == b"hello" * 100
    with pytest.raises(AgeArmorError):
        decrypt_bytes(armored.replace(b"\n", b" \n", 2), [identity])


def test_inspect_header_needs_no_secret() -> None:
    keys = [X25519Identity.generate().recipient, X25519Identity.generate().recipient]
    encrypted = encrypt_bytes(os.urandom(100_000), keys)
    info = inspect_header(io.BytesIO(encrypted))
    assert info.stanza_counts == (("X25519", 2),)
    assert info.stanza_count == 2 and not info.passphrase_protected and not info.armored
    assert info.plaintext_size == 100_000
    assert info.payload_size == len(encrypted) - info.header_size
    scrypt = encrypt_bytes(b"", [ScryptRecipient(PASSPHRASE, FAST)], armor=True)
    info = inspect_header(io.BytesIO(scrypt))
    assert info.passphrase_protected and info.armored and info.plaintext_size == 0
    with pytest.raises(AgeHeaderError):
        inspect_header(io.BytesIO(b"not an age file\n"))


def test_every_error_message_is_translated() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "installers"))
    import update_catalog  # type: ignore[import-not-found]

    catalog, _missing = update_catalog.build()
    errors: list[AgeError] = [
        AgeHeaderError("x"),
        AgeNoMatchError.not_a_recipient(),
        AgeNoMatchError.wrong_passphrase(),
        AgeNoMatchError.needs_passphrase(),
        AgeNoMatchError.unsupported("foo"),
        AgeArmorError("x"),
    ]
    with pytest.raises(AgeKeyError) as caught:
        parse_recipient("nope")
    errors.append(caught.value)
    for error in errors:
        for msg in (error.msg, error.rec):
            assert msg is not None
            entry = catalog.get(msg.source)
            assert entry is not None and entry.string, msg.source
    i18n.set_language("zh_CN")
    assert "foo" in AgeNoMatchError.unsupported("foo").message


def test_identities_check_stanzas_themselves() -> None:
    malformed = [Stanza("X25519", (), bytes(32))]
    for identity in (X25519Identity.generate(), HybridIdentity.generate(), ScryptIdentity("x")):
        with pytest.raises(AgeHeaderError):
            identity.unwrap(malformed)
