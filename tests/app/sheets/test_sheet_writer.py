"""Writing the per-expert sheet file: the writer refuses what the reader would refuse, encrypts
only to the meeting's secretary, checks the copy it wrote and writes canonical JSON."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app.crypto.age_keys import X25519Identity
from app.domain.meeting import Meeting
from app.formats.canonical_json import dumps_canonical
from app.sheets import (
    SheetFileContentError,
    SheetSigningError,
    SignedDocument,
    write_sheet_file,
)
from tests.app.crypto.pki_fixtures import NOW
from tests.app.sheets.factory import (
    People,
    Written,
    context_for,
    write_file,
)

# --- the writer ------------------------------------------------------------------------------


def test_the_writer_refuses_what_the_reader_would_refuse(
    people: People, meeting: Meeting, tmp_path: Path, items: tuple[SignedDocument, ...]
) -> None:
    context = context_for(people, meeting)
    path = tmp_path / "dup.oisheet"
    with pytest.raises(SheetFileContentError):
        write_sheet_file(
            path,
            (items[0], items[0]),
            (),
            context,
            people.expert1,
            people.secretary.certificate,
            NOW,
            round=1,
            trust_roots=people.roots,
        )
    assert not path.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("who", ["expert2", "other_secretary"])
def test_the_writer_encrypts_only_to_the_meetings_secretary(
    people: People, meeting: Meeting, tmp_path: Path, who: str
) -> None:
    with pytest.raises(SheetSigningError):
        write_sheet_file(
            tmp_path / "x.oisheet",
            (),
            (),
            context_for(people, meeting),
            people.expert1,
            getattr(people, who).certificate,
            NOW,
            round=1,
            trust_roots=people.roots,
        )


def test_the_writer_refuses_a_secretary_of_another_ca(
    people: People, meeting: Meeting, tmp_path: Path
) -> None:
    from app.crypto.profile import Role
    from tests.app.crypto.pki_fixtures import in_memory_identity

    foreign = in_memory_identity(people.pki.other_ca, Role.SECRETARY, "假秘书")
    context = context_for(people, meeting, secretary=foreign)
    with pytest.raises(SheetSigningError, match="trust roots"):
        write_sheet_file(
            tmp_path / "x.oisheet",
            (),
            (),
            context,
            people.expert1,
            foreign.certificate,
            NOW,
            round=1,
            trust_roots=people.roots,
        )


def test_the_written_file_is_verified_after_writing(
    people: People, meeting: Meeting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.sheets import SheetFileWriteError, sheet_writer

    def torn_write(path: Path, data: bytes, mode: int = 0o600) -> None:
        Path(path).write_bytes(data[:-1])

    monkeypatch.setattr(sheet_writer, "atomic_write", torn_write)
    with pytest.raises(SheetFileWriteError, match="read back"):
        write_file(people, meeting, tmp_path, context_for(people, meeting), people.expert1)


def test_the_envelope_is_canonical_json(people: People, written: Written) -> None:
    from app.crypto.age_file import decrypt_bytes

    secret = people.secretary.x25519_private_key.private_bytes_raw()
    plain = decrypt_bytes(written.data, [X25519Identity.from_secret_bytes(secret)])
    assert dumps_canonical(json.loads(plain)) == plain
    envelope = base64.b64decode(json.loads(plain)["envelope"])
    assert dumps_canonical(json.loads(envelope)) == envelope
