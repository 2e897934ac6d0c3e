"""Encrypt and decrypt whole age files, streaming; inspect a header without any secret.

* :func:`encrypt` / :func:`encrypt_bytes` — to X25519, hybrid or (alone) scrypt recipients.
* :func:`decrypt` / :func:`decrypt_bytes` — with identities and/or passphrases.
* :func:`inspect_header` — stanza types and sizes, for ``package inspect``.
* Random access without decrypting everything: :class:`app.crypto.age_reader.AgeReader`.

Streaming decryption writes each 64 KiB chunk to ``dst`` as soon as it authenticates, so
on failure ``dst`` holds a verified prefix. age proves nothing about who wrote a file: the
result is confidential and intact, but its origin needs a signature check.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from app.crypto.age_armor import ArmorWriter, dearmor, looks_armored
from app.crypto.age_errors import AgeHeaderError, AgeHmacError, AgeKeyError, AgeNoMatchError
from app.crypto.age_header import (
    MAX_HEADER_SIZE,
    Header,
    check_mac,
    encode_header,
    header_mac,
    read_header,
)
from app.crypto.age_keys import (
    FILE_KEY_SIZE,
    SUPPORTED_TYPES,
    Identity,
    Recipient,
    ScryptIdentity,
    ScryptRecipient,
    check_stanzas,
)
from app.crypto.age_stream import (
    CHUNK_SIZE,
    ENCRYPTED_CHUNK_SIZE,
    NONCE_SIZE,
    Sink,
    decrypt_payload,
    encrypt_payload,
    payload_key,
    read_exact,
)
from app.formats.bounded_read import read_bounded
from app.i18n import Msg

MAX_ARMORED_SIZE = 16 * 1024 * 1024
"""An armored (PEM-like) file is decoded in memory, so it is refused above this size.
The age spec sets no limit; this program never writes armor, and its own formats are binary."""


def encrypt(
    src: BinaryIO, dst: BinaryIO, recipients: Sequence[Recipient], *, armor: bool = False
) -> None:
    """Encrypt ``src`` (read to its end) to ``dst`` for ``recipients``, chunk by chunk.

    Refuses an empty recipient list and a passphrase mixed with other recipients (the age
    spec allows an scrypt stanza only alone). ``armor`` writes the PEM-like text form.
    """
    if not recipients:
        raise AgeKeyError(Msg.of("Choose at least one recipient."), "no recipients")
    if len(recipients) > 1 and any(isinstance(r, ScryptRecipient) for r in recipients):
        raise AgeKeyError(
            Msg.of("A passphrase cannot be combined with other recipients in one file."),
            "scrypt recipient mixed with others",
        )
    file_key = os.urandom(FILE_KEY_SIZE)
    stanzas = tuple(r.wrap(file_key) for r in recipients)
    header = Header(stanzas, header_mac(file_key, stanzas))
    nonce = os.urandom(NONCE_SIZE)
    sink: Sink = ArmorWriter(dst) if armor else dst
    sink.write(encode_header(header) + nonce)
    encrypt_payload(payload_key(file_key, nonce), src, sink)
    if isinstance(sink, ArmorWriter):
        sink.finish()


def encrypt_bytes(
    plaintext: bytes, recipients: Sequence[Recipient], *, armor: bool = False
) -> bytes:
    """Convenience form of :func:`encrypt` for data already in memory."""
    out = io.BytesIO()
    encrypt(io.BytesIO(plaintext), out, recipients, armor=armor)
    return out.getvalue()


def decrypt(src: BinaryIO, dst: BinaryIO, identities: Sequence[Identity]) -> None:
    """Decrypt an age file (binary or armored) from ``src`` to ``dst``, chunk by chunk.

    Raises :class:`~app.crypto.age_errors.AgeError` subclasses. On a payload failure
    ``dst`` already holds the authenticated chunks before the damage: discard it.
    """
    stream, header, _ = read_age_header(src)
    file_key = unwrap_file_key(header, identities)
    nonce = read_exact(stream, NONCE_SIZE)
    if len(nonce) != NONCE_SIZE:
        raise AgeHeaderError("payload nonce missing or short")
    decrypt_payload(payload_key(file_key, nonce), stream, dst)


def decrypt_bytes(data: bytes, identities: Sequence[Identity]) -> bytes:
    """Convenience form of :func:`decrypt`; returns nothing unless the whole file is valid."""
    out = io.BytesIO()
    decrypt(io.BytesIO(data), out, identities)
    return out.getvalue()


def read_age_header(src: BinaryIO) -> tuple[BinaryIO, Header, int]:
    """Parse the header at ``src``'s position; return the stream to read the payload from
    (``src`` itself, or an in-memory copy for an armored file), the header, its length."""
    first = src.readline(MAX_HEADER_SIZE + 1)
    if looks_armored(first):
        rest = read_bounded(src, MAX_ARMORED_SIZE - len(first), _armor_too_large)
        stream: BinaryIO = io.BytesIO(dearmor(first + rest))
        header, length = read_header(stream.readline)
        return stream, header, length
    pending = [first]

    def readline(limit: int) -> bytes:
        return pending.pop() if pending else src.readline(limit)

    header, length = read_header(readline)
    return src, header, length


def _armor_too_large(reason: Msg, detail: str) -> AgeHeaderError:
    return AgeHeaderError(f"armored file: {detail}")


def unwrap_file_key(header: Header, identities: Sequence[Identity]) -> bytes:
    """Find the file key with ``identities`` and check the header MAC with it."""
    check_stanzas(header.stanzas)
    for identity in identities:
        file_key = identity.unwrap(header.stanzas)
        if file_key is not None:
            if not check_mac(file_key, header):
                raise AgeHmacError()
            return file_key
    types = [s.type for s in header.stanzas]
    if "scrypt" in types:
        if any(isinstance(i, ScryptIdentity) for i in identities):
            raise AgeNoMatchError.wrong_passphrase()
        raise AgeNoMatchError.needs_passphrase()
    if not any(t in SUPPORTED_TYPES for t in types):
        raise AgeNoMatchError.unsupported(", ".join(sorted(set(types))) or "-")
    raise AgeNoMatchError.not_a_recipient()


@dataclass(frozen=True)
class HeaderInfo:
    """What a header shows without any key: who it is for (by kind) and how big it is.

    ``stanza_counts`` pairs each stanza type with its count, in order of first appearance.
    ``plaintext_size`` is exact for a well-formed file when the source is seekable and
    ``None`` otherwise (it is computed from the ciphertext length, not authenticated).
    """

    armored: bool
    header_size: int
    stanza_counts: tuple[tuple[str, int], ...]
    passphrase_protected: bool
    payload_size: int | None
    plaintext_size: int | None

    @property
    def stanza_count(self) -> int:
        return sum(count for _, count in self.stanza_counts)


def inspect_header(src: BinaryIO) -> HeaderInfo:
    """Parse (strictly) the header of the age file at ``src``; no identity is needed."""
    start = src.tell() if src.seekable() else None
    stream, header, length = read_age_header(src)
    armored = stream is not src
    payload_size: int | None = None
    if armored:
        payload_size = len(stream.read())
    elif start is not None:
        payload_size = src.seek(0, io.SEEK_END) - start - length
        src.seek(start + length)
    plaintext_size = None if payload_size is None else plaintext_size_for(payload_size)
    counts = Counter(s.type for s in header.stanzas)
    return HeaderInfo(
        armored=armored,
        header_size=length,
        stanza_counts=tuple(counts.items()),
        passphrase_protected="scrypt" in counts,
        payload_size=payload_size,
        plaintext_size=plaintext_size,
    )


def plaintext_size_for(payload_size: int) -> int | None:
    """Plaintext length implied by a payload (nonce + chunks) length; ``None`` if impossible."""
    sealed = payload_size - NONCE_SIZE
    if sealed < 16:
        return None
    chunks = -(-sealed // ENCRYPTED_CHUNK_SIZE)
    last = sealed - (chunks - 1) * ENCRYPTED_CHUNK_SIZE
    if last < 16 or (chunks > 1 and last == 16):
        return None
    return (chunks - 1) * CHUNK_SIZE + last - 16
