"""The meeting key's scrypt work factor is capped before any key derivation.

The program writes 2**18 (``SCRYPT_WRITE_LOG_N``); a file asking for more than 2**20 is
refused before scrypt runs (a 214-byte file with 2**22 used to cost about a minute and
4 GB before "passphrase not correct"). The general age reader keeps the age spec's cap
of 2**22 (the CCTV vectors), the meeting key path the stricter one.
"""

from __future__ import annotations

import re

import pytest

from app.crypto import age_keys
from app.crypto.age_keys import SCRYPT_MAX_READ_LOG_N, SCRYPT_WRITE_LOG_N
from app.kit.meeting_key import (
    MEETING_KEY_MAX_LOG_N,
    MeetingKeyPassphraseError,
    MeetingKeyWorkFactorError,
    generate_meeting_key,
    seal_meeting_key,
    unlock_meeting_key,
)
from app.kit.trust import sealed_key_problem

PASSPHRASE = "1111-2222-3333-4444-5555-6666"


def _with_work_factor(log_n: int) -> bytes:
    """A sealed meeting key whose scrypt stanza asks for ``log_n`` (the header MAC no longer
    matches, which a reader only finds out after deriving; it must not get that far)."""
    sealed = seal_meeting_key(generate_meeting_key(), PASSPHRASE, log_n=10)
    changed, count = re.subn(rb"(-> scrypt \S+) 10\n", rb"\g<1> %d\n" % log_n, sealed, count=1)
    assert count == 1
    return changed


def _record_derivations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, every scrypt derivation's log2 work factor (and a cheap wrong key)."""
    seen: list[int] = []

    def fake(passphrase: str, salt: bytes, log_n: int) -> bytes:
        seen.append(log_n)
        return bytes(32)

    monkeypatch.setattr(age_keys, "_scrypt_key", fake)
    return seen


def test_the_cap_is_what_the_program_writes_plus_a_margin() -> None:
    assert MEETING_KEY_MAX_LOG_N == SCRYPT_WRITE_LOG_N + 2 == 20
    assert MEETING_KEY_MAX_LOG_N < SCRYPT_MAX_READ_LOG_N


@pytest.mark.parametrize("log_n", [21, 22])
def test_a_higher_work_factor_is_refused_before_deriving(
    monkeypatch: pytest.MonkeyPatch, log_n: int
) -> None:
    sealed = _with_work_factor(log_n)
    derivations = _record_derivations(monkeypatch)
    with pytest.raises(MeetingKeyWorkFactorError) as caught:
        unlock_meeting_key(sealed, PASSPHRASE)
    assert derivations == []
    en = caught.value.msg.in_language("en")
    assert f"2^{log_n}" in en and "2^20" in en and "more work than this program allows" in en
    assert f"2^{log_n}" in caught.value.msg.in_language("zh_CN")


@pytest.mark.parametrize("log_n", [SCRYPT_WRITE_LOG_N, MEETING_KEY_MAX_LOG_N])
def test_work_factors_up_to_the_cap_are_tried(monkeypatch: pytest.MonkeyPatch, log_n: int) -> None:
    sealed = _with_work_factor(log_n)
    derivations = _record_derivations(monkeypatch)
    with pytest.raises(MeetingKeyPassphraseError):
        unlock_meeting_key(sealed, PASSPHRASE)
    assert derivations == [log_n]


def test_the_real_file_still_opens() -> None:
    key = generate_meeting_key()
    sealed = seal_meeting_key(key, PASSPHRASE, log_n=10)
    assert unlock_meeting_key(sealed, PASSPHRASE).recipient == key.recipient


def test_a_kit_with_a_costly_meeting_key_is_refused() -> None:
    """The kit's own check of ``meeting-key.age`` (builder and reader) applies the cap too."""
    assert sealed_key_problem(_with_work_factor(MEETING_KEY_MAX_LOG_N)) is None
    problem = sealed_key_problem(_with_work_factor(22))
    assert problem is not None and "2^22" in problem
