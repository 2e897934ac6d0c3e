"""The age v1 header: strict parsing, canonical serialisation and the header MAC.

The grammar is the C2SP age spec's::

    age-encryption.org/v1
    -> TYPE ARG...          (one line per stanza, then its body in base64, 64 columns,
    BODY...                  the last body line shorter than 64 columns, possibly empty)
    --- MAC

Readers must be strict so that every header that parses re-serialises to the same bytes
(the header MAC is computed over the re-serialised form, like the reference code):
LF line endings only, arguments of printable ASCII, canonical unpadded base64.

Limits (ours, to bound work on hostile input): a header is at most
:data:`MAX_HEADER_SIZE` bytes and holds at most :data:`MAX_STANZAS` stanzas.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.crypto.age_errors import AgeHeaderError

VERSION_LINE = b"age-encryption.org/v1"
MAX_HEADER_SIZE = 64 * 1024
MAX_STANZAS = 64
_COLUMNS = 64
_MAC_SIZE = 32


@dataclass(frozen=True)
class Stanza:
    """One recipient stanza: its type (the first argument), further arguments and body."""

    type: str
    args: tuple[str, ...]
    body: bytes

    def __repr__(self) -> str:
        # The body is a wrapped file key: not secret, but there is no reason to print it.
        return f"Stanza(type={self.type!r}, args={len(self.args)}, body={len(self.body)} bytes)"


@dataclass(frozen=True)
class Header:
    """A parsed header. ``mac`` is the 32-byte HMAC-SHA256 found after ``---``."""

    stanzas: tuple[Stanza, ...]
    mac: bytes


def b64encode(data: bytes) -> str:
    """Unpadded standard base64, as age writes it."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: bytes) -> bytes:
    """Decode unpadded standard base64, refusing padding and non-canonical encodings."""
    if len(text) % 4 == 1 or b"=" in text:
        raise AgeHeaderError("invalid base64 length or padding")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise AgeHeaderError("invalid base64") from None
    if b64encode(data).encode("ascii") != text:
        raise AgeHeaderError("non-canonical base64")
    return data


def _is_argument(word: bytes) -> bool:
    return bool(word) and all(0x21 <= c <= 0x7E for c in word)


def encode_stanza(stanza: Stanza) -> bytes:
    """Serialise one stanza (argument line and wrapped body), each line ending in LF."""
    words = (stanza.type, *stanza.args)
    line = ("-> " + " ".join(words)).encode("ascii")
    text = b64encode(stanza.body)
    body_lines = [text[i : i + _COLUMNS] for i in range(0, len(text), _COLUMNS)]
    if not body_lines or len(body_lines[-1]) == _COLUMNS:
        body_lines.append("")
    return line + b"\n" + "".join(b + "\n" for b in body_lines).encode("ascii")


def encode_without_mac(stanzas: tuple[Stanza, ...]) -> bytes:
    """The bytes the header MAC covers: everything up to and including ``---``."""
    return VERSION_LINE + b"\n" + b"".join(encode_stanza(s) for s in stanzas) + b"---"


def encode_header(header: Header) -> bytes:
    """The complete header, ending in the MAC line's LF (the payload follows directly)."""
    mac = b64encode(header.mac).encode("ascii")
    return encode_without_mac(header.stanzas) + b" " + mac + b"\n"


def header_mac(file_key: bytes, stanzas: tuple[Stanza, ...]) -> bytes:
    """HMAC-SHA256 under HKDF(file key, info "header") over the header up to ``---``."""
    key = HKDF(hashes.SHA256(), length=32, salt=None, info=b"header").derive(file_key)
    return hmac.new(key, encode_without_mac(stanzas), "sha256").digest()


def check_mac(file_key: bytes, header: Header) -> bool:
    """True when the header's MAC matches (constant-time comparison)."""
    return hmac.compare_digest(header_mac(file_key, header.stanzas), header.mac)


def _check_argument(word: bytes) -> str:
    if not _is_argument(word):
        raise AgeHeaderError("empty or invalid stanza argument")
    return word.decode("ascii")


def read_header(readline: Callable[[int], bytes]) -> tuple[Header, int]:
    """Parse a header from ``readline(limit)``; return it and its length in bytes.

    ``readline`` must behave like ``BinaryIO.readline``: it returns at most ``limit`` bytes
    and stops after LF, so nothing beyond the header is consumed. Raises
    :class:`AgeHeaderError` on any deviation from the grammar or the limits.
    """
    consumed = 0

    def next_line() -> bytes:
        nonlocal consumed
        line = readline(MAX_HEADER_SIZE - consumed + 1)
        consumed += len(line)
        if consumed > MAX_HEADER_SIZE:
            raise AgeHeaderError(f"header longer than {MAX_HEADER_SIZE} bytes")
        if not line.endswith(b"\n"):
            raise AgeHeaderError("header ends before its MAC line")
        return line[:-1]

    first = next_line()
    if first != VERSION_LINE:
        if first.startswith(b"age-encryption.org/"):
            raise AgeHeaderError("unsupported age version")
        raise AgeHeaderError("not an age file (missing version line)")
    stanzas: list[Stanza] = []
    while True:
        line = next_line()
        if line.startswith(b"--- "):
            mac = b64decode(line[4:])
            if len(mac) != _MAC_SIZE:
                raise AgeHeaderError("header MAC has the wrong length")
            return Header(tuple(stanzas), mac), consumed
        if not line.startswith(b"-> "):
            raise AgeHeaderError("expected a stanza or the MAC line")
        if len(stanzas) == MAX_STANZAS:
            raise AgeHeaderError(f"more than {MAX_STANZAS} recipient stanzas")
        words = [_check_argument(w) for w in line[3:].split(b" ")]
        body = bytearray()
        while True:
            body_line = next_line()
            if len(body_line) > _COLUMNS:
                raise AgeHeaderError("stanza body line longer than 64 columns")
            body += b64decode(body_line)
            if len(body_line) < _COLUMNS:
                break
        stanzas.append(Stanza(words[0], tuple(words[1:]), bytes(body)))


def parse_header(data: bytes) -> tuple[Header, int]:
    """Parse the header at the start of ``data``; return it and its length."""
    position = 0

    def readline(limit: int) -> bytes:
        nonlocal position
        end = data.find(b"\n", position, position + limit)
        stop = position + limit if end < 0 else end + 1
        line = data[position:stop]
        position += len(line)
        return line

    return read_header(readline)
