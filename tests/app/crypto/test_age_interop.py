"""Interoperability with the reference ``age`` command (Debian age 1.1.1), both directions.

age reads passphrases from the terminal, so the scrypt tests drive it through a pty.
"""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from app.crypto import (
    AgeReader,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    decrypt_bytes,
    encrypt_bytes,
    parse_identity_file,
    parse_recipient,
)

# The reference tools are test oracles and must be installed (Debian package ``age``).
AGE = shutil.which("age") or "/usr/bin/age"
AGE_KEYGEN = shutil.which("age-keygen") or "/usr/bin/age-keygen"

SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536 + 17, 5 * 1024 * 1024 + 3]
PASSPHRASE = "correct horse battery staple 密码"


def _plaintext(size: int) -> bytes:
    return (os.urandom(4096) * (size // 4096 + 1))[:size]


@pytest.fixture(scope="module")
def keyfile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "key.txt"
    subprocess.run([AGE_KEYGEN, "-o", str(path)], check=True, capture_output=True)
    return path


def test_age_keygen_identity_file_is_accepted(keyfile: Path) -> None:
    text = keyfile.read_text()
    assert text.startswith("# created:")
    identities = parse_identity_file(text)
    assert len(identities) == 1
    public = next(line for line in text.splitlines() if line.startswith("# public key: "))
    assert str(identities[0].recipient) == public.removeprefix("# public key: ")
    shown = subprocess.run(
        [AGE_KEYGEN, "-y", str(keyfile)], check=True, capture_output=True, text=True
    ).stdout
    assert parse_recipient(shown) == identities[0].recipient


@pytest.mark.parametrize("size", SIZES)
def test_our_encryption_decrypts_with_age(size: int, keyfile: Path, tmp_path: Path) -> None:
    plaintext = _plaintext(size)
    (identity,) = parse_identity_file(keyfile.read_text())
    encrypted = tmp_path / "file.age"
    encrypted.write_bytes(encrypt_bytes(plaintext, [identity.recipient]))
    result = subprocess.run(
        [AGE, "-d", "-i", str(keyfile), str(encrypted)], check=True, capture_output=True
    )
    assert result.stdout == plaintext


@pytest.mark.parametrize("size", SIZES)
def test_age_encryption_decrypts_with_us(size: int, keyfile: Path, tmp_path: Path) -> None:
    plaintext = _plaintext(size)
    identities = parse_identity_file(keyfile.read_text())
    encrypted = tmp_path / "file.age"
    source = tmp_path / "plain"
    source.write_bytes(plaintext)
    recipient = str(identities[0].recipient)
    subprocess.run(
        [AGE, "-r", recipient, "-o", str(encrypted), str(source)], check=True, capture_output=True
    )
    assert decrypt_bytes(encrypted.read_bytes(), identities) == plaintext
    with AgeReader(encrypted, identities) as reader:
        assert reader.size == size
        assert reader.read() == plaintext
        if size > 2:
            reader.seek(size // 2)
            assert reader.read(3) == plaintext[size // 2 : size // 2 + 3]


def test_armored_files_interoperate(keyfile: Path, tmp_path: Path) -> None:
    plaintext = _plaintext(70000)
    identities = parse_identity_file(keyfile.read_text())
    ours = tmp_path / "ours.age"
    ours.write_bytes(encrypt_bytes(plaintext, [identities[0].recipient], armor=True))
    result = subprocess.run([AGE, "-d", "-i", str(keyfile), str(ours)], capture_output=True)
    assert result.returncode == 0 and result.stdout == plaintext
    theirs = subprocess.run(
        [AGE, "-a", "-r", str(identities[0].recipient)],
        input=plaintext,
        check=True,
        capture_output=True,
    ).stdout
    assert theirs.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
    assert decrypt_bytes(theirs, identities) == plaintext


def test_other_key_is_no_match_for_age(tmp_path: Path, keyfile: Path) -> None:
    encrypted = tmp_path / "file.age"
    encrypted.write_bytes(encrypt_bytes(b"x", [X25519Identity.generate().recipient]))
    result = subprocess.run([AGE, "-d", "-i", str(keyfile), str(encrypted)], capture_output=True)
    assert result.returncode != 0


def _run_in_pty(argv: list[str], answers: int, passphrase: str, timeout: float = 60) -> bytes:
    """Run ``argv`` on a new pty, typing ``passphrase`` at each of ``answers`` prompts."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execv(argv[0], argv)
    output = b""
    typed = 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            output += data
            if typed < answers and output.lower().count(b"passphrase") > typed:
                os.write(fd, passphrase.encode("utf-8") + b"\r")
                typed += 1
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output
    return output


def test_our_passphrase_file_decrypts_with_age(tmp_path: Path) -> None:
    plaintext = _plaintext(100_000)
    encrypted = tmp_path / "file.age"
    out = tmp_path / "out"
    # The default work factor (18), as we write it for real files.
    encrypted.write_bytes(encrypt_bytes(plaintext, [ScryptRecipient(PASSPHRASE)]))
    _run_in_pty([AGE, "-d", "-o", str(out), str(encrypted)], 1, PASSPHRASE)
    assert out.read_bytes() == plaintext


def test_age_passphrase_file_decrypts_with_us(tmp_path: Path) -> None:
    plaintext = _plaintext(70_000)
    source = tmp_path / "plain"
    source.write_bytes(plaintext)
    encrypted = tmp_path / "file.age"
    _run_in_pty([AGE, "-p", "-o", str(encrypted), str(source)], 2, PASSPHRASE)
    assert decrypt_bytes(encrypted.read_bytes(), [ScryptIdentity(PASSPHRASE)]) == plaintext
    with AgeReader(io.BytesIO(encrypted.read_bytes()), [ScryptIdentity(PASSPHRASE)]) as r:
        assert r.read() == plaintext
