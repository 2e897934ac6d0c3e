"""The meeting key: one X25519 identity per meeting, sealed under the meeting passphrase.

age allows a passphrase (scrypt) stanza only *alone* in a file, so a package cannot be
encrypted to "the experts and the passphrase" at once. Instead every package is encrypted
to {each expert, the secretary, the meeting key}, and the meeting key's secret travels in
the meeting kit as a small age file with a single scrypt stanza. An expert without their
own identity at hand unlocks the meeting key with the passphrase read out at the meeting.

The sealed file decrypts (``age -d``) to an identity file as ``age-keygen`` writes it, so
the reference ``age`` command can open packages with it too.

Passphrases from :func:`generate_meeting_passphrase` are 6 groups of 4 decimal digits
(``0123-4567-...``), easy to read aloud in Chinese or English: 24 uniformly random digits
from :mod:`secrets`, i.e. log2(10**24) ~= 79.7 bits of entropy, on top of which scrypt
(work factor 2**18) makes each guess cost about a second.
"""

from __future__ import annotations

import io
import math
import os
import re
import secrets
import unicodedata
from typing import Final

from app.crypto.age_errors import AgeError, AgeNoMatchError
from app.crypto.age_file import decrypt_bytes, encrypt_bytes, read_age_header
from app.crypto.age_keys import (
    SCRYPT_WRITE_LOG_N,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    check_stanzas,
    parse_identity_file,
)
from app.errors import UserFacingError
from app.formats.bounded_read import read_input_file
from app.i18n import Msg

PASSPHRASE_GROUPS: Final = 6
PASSPHRASE_GROUP_DIGITS: Final = 4
PASSPHRASE_ENTROPY_BITS: Final = PASSPHRASE_GROUPS * PASSPHRASE_GROUP_DIGITS * math.log2(10)
MAX_SEALED_SIZE: Final = 64 * 1024
MEETING_KEY_MAX_LOG_N: Final = SCRYPT_WRITE_LOG_N + 2
"""The largest scrypt work factor (log2) a meeting key file may ask for: what this program
writes plus a margin of 2 (4 times the work). The age spec lets a reader go to 2**22 (about a
minute and 4 GB here); a meeting key file asking for more than 2**20 is refused before any
key derivation, so a doctored file cannot make an expert's laptop stall (kit-v1.md)."""
_DIGIT_PASSPHRASE = re.compile(r"[0-9\s\-\u2010-\u2015\u30fc\uff0d]+")


class MeetingKeyError(UserFacingError):
    """A meeting key file that cannot be used (not one, damaged)."""


class MeetingKeyPassphraseError(MeetingKeyError):
    """The meeting passphrase does not unlock the meeting key."""

    def __init__(self) -> None:
        super().__init__(
            Msg.of("The meeting passphrase is not correct."),
            Msg.of(
                "Type it again exactly as announced: six groups of four digits. Spaces and "
                "dashes between the groups do not matter."
            ),
        )


class MeetingKeyWorkFactorError(MeetingKeyError):
    """The meeting key file asks for a scrypt work factor above :data:`MEETING_KEY_MAX_LOG_N`."""

    def __init__(self, log_n: int) -> None:
        super().__init__(
            Msg.of(
                "This meeting key file asks for more work than this program allows: scrypt "
                "work factor 2^{asked}, at most 2^{allowed}. It was not written by Expert "
                "Review Desk, or it was altered.",
                asked=log_n,
                allowed=MEETING_KEY_MAX_LOG_N,
            ),
            Msg.of("Use the meeting key file from the meeting kit, or ask the secretary for it."),
        )
        self.log_n = log_n


def generate_meeting_key() -> X25519Identity:
    """A fresh meeting identity; encrypt packages to its ``.recipient``."""
    return X25519Identity.generate()


def generate_meeting_passphrase() -> str:
    """``dddd-dddd-dddd-dddd-dddd-dddd`` from :mod:`secrets` (~79.7 bits, see module doc)."""
    groups = (
        "".join(secrets.choice("0123456789") for _ in range(PASSPHRASE_GROUP_DIGITS))
        for _ in range(PASSPHRASE_GROUPS)
    )
    return "-".join(groups)


def normalize_meeting_passphrase(passphrase: str) -> str:
    """The canonical form of a digit passphrase as typed (spaces, dashes, full-width digits
    and dashes tolerated); any other passphrase is returned NFC-normalised, unchanged."""
    text = unicodedata.normalize("NFKC", passphrase).strip()
    digits = re.sub(r"\D", "", text)
    size = PASSPHRASE_GROUPS * PASSPHRASE_GROUP_DIGITS
    if _DIGIT_PASSPHRASE.fullmatch(text) and len(digits) == size:
        step = PASSPHRASE_GROUP_DIGITS
        return "-".join(digits[i : i + step] for i in range(0, size, step))
    return unicodedata.normalize("NFC", passphrase)


def seal_meeting_key(
    identity: X25519Identity, passphrase: str, *, log_n: int = SCRYPT_WRITE_LOG_N
) -> bytes:
    """An age file (one scrypt stanza) holding ``identity`` as an age identity file."""
    if not passphrase:
        raise ValueError("the meeting passphrase must not be empty")
    if log_n > MEETING_KEY_MAX_LOG_N:
        raise ValueError("a meeting key above the readers' work-factor cap could not be opened")
    text = (
        f"# review-desk meeting key\n# public key: {identity.recipient}\n{identity.secret_text()}\n"
    )
    recipient = ScryptRecipient(normalize_meeting_passphrase(passphrase), log_n=log_n)
    return encrypt_bytes(text.encode("ascii"), [recipient])


def unlock_meeting_key(data: bytes, passphrase: str) -> X25519Identity:
    """The meeting identity in ``data``; :class:`MeetingKeyPassphraseError` if the
    passphrase is wrong, :class:`MeetingKeyWorkFactorError` (before any key derivation) if
    the file asks for a work factor above :data:`MEETING_KEY_MAX_LOG_N`,
    :class:`MeetingKeyError` if ``data`` is not a meeting key file."""
    if len(data) > MAX_SEALED_SIZE:
        raise _not_a_key()
    try:
        _stream, header, _length = read_age_header(io.BytesIO(data))
        check_stanzas(header.stanzas)
        if [s.type for s in header.stanzas] != ["scrypt"]:
            raise _not_a_key()
        log_n = int(header.stanzas[0].args[1])  # a canonical decimal (check_stanzas)
        if log_n > MEETING_KEY_MAX_LOG_N:
            raise MeetingKeyWorkFactorError(log_n)  # before any key derivation
        identity = ScryptIdentity(
            normalize_meeting_passphrase(passphrase), max_log_n=MEETING_KEY_MAX_LOG_N
        )
        plain = decrypt_bytes(data, [identity])
    except AgeNoMatchError:
        raise MeetingKeyPassphraseError() from None
    except AgeError as exc:
        raise _not_a_key() from exc
    try:
        identities = parse_identity_file(plain.decode("ascii"))
    except (UnicodeDecodeError, AgeError):
        raise _not_a_key() from None
    if len(identities) != 1 or not isinstance(identities[0], X25519Identity):
        raise _not_a_key()
    return identities[0]


def read_meeting_key_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a meeting key file the user named, at most :data:`MAX_SEALED_SIZE`
    (:class:`~app.formats.bounded_read.InputFileError`)."""
    return read_input_file(path, MAX_SEALED_SIZE, Msg.of("the meeting key file"))


def _not_a_key() -> MeetingKeyError:
    return MeetingKeyError(
        Msg.of("This is not a meeting key file, or it is damaged."),
        Msg.of("Use the meeting key file from the meeting kit, or ask the secretary for it."),
    )
