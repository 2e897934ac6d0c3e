"""The optional ASCII armor of age files (strict PEM-like encoding, per the C2SP spec).

``-----BEGIN AGE ENCRYPTED FILE-----``, padded standard base64 in lines of exactly 64
columns except a shorter (or full) last line, then ``-----END AGE ENCRYPTED FILE-----``.
LF or CRLF line ends; whitespace is allowed only before the first and after the last line.
No headers, no checksum, no empty or indented lines. Armored files are small by nature, so
they are decoded in memory.
"""

from __future__ import annotations

import base64
import binascii
from typing import BinaryIO

from app.crypto.age_errors import AgeArmorError

BEGIN = b"-----BEGIN AGE ENCRYPTED FILE-----"
END = b"-----END AGE ENCRYPTED FILE-----"
_COLUMNS = 64
_LINE_BYTES = 48
_WHITESPACE = b" \t\r\n"


def looks_armored(prefix: bytes) -> bool:
    """True when ``prefix`` (the first bytes of a file) begins like an armored file."""
    stripped = prefix.lstrip(_WHITESPACE)
    return stripped.startswith(b"-----BEGIN") or (bool(prefix) and not stripped)


def dearmor(data: bytes) -> bytes:
    """Decode an armored file to the binary age file; raise :class:`AgeArmorError`."""
    lines = data.lstrip(_WHITESPACE).split(b"\n")
    if _strip_cr(lines[0]) != BEGIN:
        raise AgeArmorError("missing or invalid BEGIN line")
    decoded = bytearray()
    position = 1
    while True:
        if position >= len(lines):
            raise AgeArmorError("missing END line")
        line = _strip_cr(lines[position])
        position += 1
        if line == END:
            break
        if not line or len(line) > _COLUMNS:
            raise AgeArmorError("empty or over-long armor line")
        try:
            chunk = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise AgeArmorError("invalid base64 in armor") from None
        if base64.b64encode(chunk) != line:
            raise AgeArmorError("non-canonical base64 in armor")
        decoded += chunk
        if len(chunk) < _LINE_BYTES:
            if position >= len(lines) or _strip_cr(lines[position]) != END:
                raise AgeArmorError("short armor line before the end")
    rest = b"\n".join(lines[position:])
    if rest.strip(_WHITESPACE):
        raise AgeArmorError("data after the END line")
    return bytes(decoded)


def _strip_cr(line: bytes) -> bytes:
    return line[:-1] if line.endswith(b"\r") else line


class ArmorWriter:
    """Write-only wrapper that armors what is written to it; call :meth:`finish` at the end."""

    def __init__(self, dst: BinaryIO) -> None:
        self._dst = dst
        self._pending = b""
        dst.write(BEGIN + b"\n")

    def write(self, data: bytes) -> int:
        self._pending += data
        whole = len(self._pending) - len(self._pending) % _LINE_BYTES
        for i in range(0, whole, _LINE_BYTES):
            self._dst.write(base64.b64encode(self._pending[i : i + _LINE_BYTES]) + b"\n")
        self._pending = self._pending[whole:]
        return len(data)

    def finish(self) -> None:
        if self._pending:
            self._dst.write(base64.b64encode(self._pending) + b"\n")
        self._dst.write(END + b"\n")
