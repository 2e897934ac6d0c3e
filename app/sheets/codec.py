"""Field-level encoding rules shared by every sheet-v1 document (spec: Conventions).

Each value has exactly one accepted spelling (times, scores, base64), so that a document a
reader accepts is the document the writer would have produced for the same values: nothing
two programs could read differently, and nothing a forwarder could re-spell without breaking
the signature. Readers here raise :class:`FieldError` with a JSON path; the callers turn it
into the error class of their stage. The checks every format shares (objects, identifiers,
whole numbers, texts, choices, lists) live in :mod:`app.formats.fields` and are re-exported
here; this module adds the sheet-v1 spellings (times, scores, hashes, base64).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from app.formats.fields import FieldError as FieldError
from app.formats.fields import array as array
from app.formats.fields import boolean as boolean
from app.formats.fields import choice as choice
from app.formats.fields import exact as exact
from app.formats.fields import fields as fields
from app.formats.fields import identifier as identifier
from app.formats.fields import member_path as _at
from app.formats.fields import sha256_hex
from app.formats.fields import text as text
from app.formats.fields import whole as whole
from app.i18n import Msg

MAX_ROUND: Final = 99
MAX_SHEET_VERSION: Final = 999

_FINGERPRINT: Final = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){4}")
_SCORE: Final = re.compile(r"(?:0|[1-9][0-9]{0,5})(?:\.[0-9]{0,3}[1-9])?")
_TIME: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?Z")


kit_hash = sha256_hex
"""The meeting kit hash: SHA-256 of the kit manifest, 64 lower-case hexadecimal digits."""


# --- writing ------------------------------------------------------------------------------


def encode_time(value: dt.datetime) -> str:
    """The one RFC 3339 UTC spelling of ``value`` (aware); microseconds only when non-zero."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("times in signed documents must be timezone-aware")
    utc = value.astimezone(dt.UTC)
    text = f"{utc.year:04d}-" + utc.strftime("%m-%dT%H:%M:%S")  # %Y does not pad years < 1000
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def encode_score(value: Decimal) -> str:
    """The shortest decimal string of ``value`` (``22.5``, ``25``, ``0``)."""
    if not value.is_finite():
        raise ValueError("a score must be a finite number")
    text = format(value.normalize(), "f")
    return "0" if Decimal(text) == 0 else text


def encode_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --- reading ------------------------------------------------------------------------------


def fingerprint(value: Any, path: str) -> str:
    if not isinstance(value, str) or not _FINGERPRINT.fullmatch(value):
        raise FieldError(path, Msg.of("must be a certificate fingerprint such as K3QF-9ZPA-…."))
    return value


def score(value: Any, path: str) -> Decimal:
    if not isinstance(value, str) or not _SCORE.fullmatch(value):
        raise FieldError(
            path, Msg.of("must be a decimal written as a string in its shortest form (“22.5”).")
        )
    return Decimal(value)


def time(value: Any, path: str) -> dt.datetime:
    if isinstance(value, str):
        match = _TIME.fullmatch(value)
        if match and match.group(1) != ".000000":
            micro = int(match.group(1)[1:]) if match.group(1) else 0
            try:  # the constructor refuses what strptime would (month 13, 30 February ...)
                return dt.datetime(
                    int(value[0:4]),
                    int(value[5:7]),
                    int(value[8:10]),
                    int(value[11:13]),
                    int(value[14:16]),
                    int(value[17:19]),
                    micro,
                    tzinfo=dt.UTC,
                )
            except ValueError:
                pass
    raise FieldError(path, Msg.of("must be a UTC time such as “2026-03-02T09:30:00Z”."))


def base64_bytes(value: Any, path: str, limit: int) -> bytes:
    """Strict base64: padded, no whitespace, re-encodes to itself, at most ``limit`` bytes."""
    if not isinstance(value, str) or len(value) > (limit + 2) // 3 * 4:
        raise FieldError(path, Msg.of("must be base64 of at most {limit} bytes.", limit=limit))
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise FieldError(path, Msg.of("is not valid base64.")) from None
    # Only the one spelling encode_base64 writes re-encodes to itself: padded, no
    # whitespace, zero padding bits (so no pattern check is needed before decoding).
    if encode_base64(data) != value:
        raise FieldError(path, Msg.of("is not valid base64."))
    return data


def version_marker(doc: Any, path: str, expected_format: str) -> Mapping[str, Any]:
    """Check ``format`` and ``version`` before anything else; raise :class:`VersionError`."""
    if not isinstance(doc, dict):
        raise FieldError(path, Msg.of("must be a JSON object."))
    found = doc.get("format")
    if found != expected_format:
        raise FieldError(
            _at(path, "format"),
            Msg.of(
                "is “{found}”, but “{expected}” was expected.",
                found=str(found)[:64],
                expected=expected_format,
            ),
        )
    version = doc.get("version")
    if type(version) is not int or version != 1:
        raise VersionError(_at(path, "version"), str(version)[:32])
    return doc


class VersionError(FieldError):
    """A known format in a version this reader does not read."""

    def __init__(self, path: str, version: str) -> None:
        super().__init__(
            path,
            Msg.of(
                "this is format version {version}; this program reads version 1 only.",
                version=version,
            ),
        )
        self.version = version
