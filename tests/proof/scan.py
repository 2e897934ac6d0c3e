"""Looking for canaries in written bytes (M14/M15): each file as stored, and every layer a
reader could peel off without a key - ZIP members (kits, workbooks, plaintext bundles,
report-to-sign files, nested), PDF streams (deflated), and base64 strings inside JSON
(signed envelopes such as round notices). Encrypted layers (age) stay closed: that is the
point."""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]{24,}={0,2}$")
MAX_DEPTH = 4


def layers(where: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """``(where, bytes)`` of the file and of every layer readable without a key."""
    yield where, data
    if depth >= MAX_DEPTH:
        return
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [(i.filename, archive.read(i)) for i in archive.infolist()]
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            members = []
        for name, content in members:
            yield from layers(f"{where}!{name}", content, depth + 1)
    if data[:5] == b"%PDF-":
        for n, match in enumerate(_STREAM.finditer(data)):
            try:
                inflated = zlib.decompress(match.group(1))
            except zlib.error:
                continue
            yield f"{where}#stream{n}", inflated
    if data[:1] in (b"{", b"["):
        try:
            doc = json.loads(data)
        except (ValueError, UnicodeDecodeError):
            return
        for n, text in enumerate(_strings(doc)):
            if _BASE64.match(text):
                try:
                    decoded = base64.b64decode(text, validate=True)
                except (binascii.Error, ValueError):
                    continue
                yield from layers(f"{where}$b64[{n}]", decoded, depth + 1)


def _strings(doc: object) -> Iterator[str]:
    if isinstance(doc, str):
        yield doc
    elif isinstance(doc, dict):
        for value in doc.values():
            yield from _strings(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from _strings(value)


def hits(files: Mapping[str, bytes], canaries: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """``(file, layer, canary kind)`` for every canary found, UTF-8 and UTF-16 (PDF text
    strings and XLSX shared strings use both)."""
    needles = {
        kind: (text.encode("utf-8"), text.encode("utf-16-be"), text.encode("utf-16-le"))
        for kind, text in canaries.items()
    }
    found = []
    for path, data in files.items():
        for where, layer in layers(path, data):
            for kind, spellings in needles.items():
                if any(s in layer for s in spellings):
                    found.append((path, where, kind))
    return found
