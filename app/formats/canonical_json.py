"""Signed JSON: canonical bytes out (RFC 8785), strict parsing in.

A signature covers exact bytes, so the writer and every reader must agree on what those
bytes *say*. Python's :func:`json.loads` does not guarantee that: it keeps the last of two
duplicate keys, accepts ``NaN``/``Infinity``, turns ``1e400`` into ``inf`` and raises
``RecursionError`` on deep nesting. This module closes those gaps.

The value model is deliberately small (I-JSON, RFC 7493, minus floats):

* ``None``, ``bool``, ``str`` (no lone surrogates), ``int`` within ±(2**53 - 1),
  ``list`` (``tuple`` is accepted on output and comes back as ``list``) and ``dict`` with
  ``str`` keys.
* **No floats at all**, in either direction. Scores and weights are written as decimal
  *strings* (``"87.5"``), so no reader ever has to decide how to round a binary float, and
  the RFC 8785 number serialisation (ECMAScript ``Number.toString``) never comes into play.

``dumps_canonical`` refuses anything ``loads_strict`` would refuse, so every document we
sign can be read back, and ``loads_strict(dumps_canonical(x)) == x`` for every value.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate, repeat
from typing import Any, Final, cast

import rfc8785

from app.errors import UserFacingError
from app.i18n import Msg

I_JSON_MAX_INT: Final = 2**53 - 1
DEFAULT_MAX_DEPTH: Final = 64
DEFAULT_MAX_SIZE: Final = 16 * 1024 * 1024
_DEPTH_LIMIT_CAP: Final = 1000  # keeps the (recursive) value walk far from Python's limit

_RECOMMEND_SOURCE = Msg.of(
    "The file is damaged or was not written by Expert Review Desk; ask the sender for a new copy."
)


class JsonFormatError(UserFacingError):
    """A JSON document that this program refuses to read or write, with the reason.

    ``path`` is a JSONPath-like location (``$.sheets[2].score``) or ``""`` when the problem
    is not tied to one value (invalid UTF-8, a syntax error, the size limit).
    """

    def __init__(self, reason: Msg, path: str | _Path = "") -> None:
        path = path if isinstance(path, str) else _render(path)
        self.path = path
        message = (
            Msg.of("Invalid JSON at {path}: {reason}", path=path, reason=reason)
            if path
            else Msg.of("Invalid JSON: {reason}", reason=reason)
        )
        super().__init__(message, _RECOMMEND_SOURCE)


# --- writing -----------------------------------------------------------------------------


def dumps_canonical(obj: object, *, max_depth: int = DEFAULT_MAX_DEPTH) -> bytes:
    """The RFC 8785 (JCS) canonical UTF-8 bytes of ``obj``: sign and hash exactly these.

    Raises :class:`JsonFormatError` (naming the path) for a float, an integer outside
    ±(2**53 - 1), a non-string key, a string with a lone surrogate, an unsupported type or
    nesting deeper than ``max_depth`` — i.e. for anything :func:`loads_strict` would refuse.
    """
    _check_depth_limit(max_depth)
    _check_value(obj, _ROOT, 0, max_depth)
    try:
        return canonical_of_parsed(obj)
    except (rfc8785.CanonicalizationError, ValueError, TypeError) as exc:  # pragma: no cover
        # _check_value admits only what rfc8785 accepts; this is a safety net.
        raise JsonFormatError(Msg.of("the value cannot be canonicalised")) from exc


def canonical_of_parsed(value: Any) -> bytes:
    """The canonical bytes of a value :func:`loads_strict` returned (or a part of one),
    without :func:`dumps_canonical`'s walk: such a value holds nothing it would refuse.

    The standard library's C encoder writes exactly RFC 8785's bytes for such values (no
    floats, I-JSON integers, str keys, no lone surrogates): the same escapes (\\" \\\\ \\b
    \\f \\n \\r \\t, other controls as lowercase \\u00xx, nothing else escaped), no
    whitespace, and keys sorted by code point, which is RFC 8785's UTF-16 code-unit order
    as long as no character lies beyond the BMP. Text with such a character goes through
    the reference implementation.
    """
    text = json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, check_circular=False
    )
    encoded = text.encode("utf-8")
    if _BEYOND_BMP.search(encoded) is None:  # 10x faster than max(text) < "\U00010000"
        return encoded
    return rfc8785.dumps(value)


_BEYOND_BMP: Final = re.compile(b"[\xf0-\xf4]")
"""The lead byte of a character beyond the BMP in UTF-8 (and no other byte is one of these)."""


def canonical_members_of_parsed(value: dict[str, Any]) -> tuple[bytes, dict[str, bytes]]:
    """:func:`canonical_of_parsed` of an object :func:`loads_strict` returned, and the
    canonical bytes of each of its members' values, from one encoding.

    RFC 8785 writes an object as its members sorted by the UTF-16 code units of their
    keys, each as the key's canonical string, ``:`` and the value's canonical bytes: the
    object's bytes are the members' bytes joined (so a reader that compares a member's
    bytes later need not encode it a second time).
    """
    members = {key: canonical_of_parsed(item) for key, item in value.items()}
    order = sorted(members, key=_utf16)
    whole = b",".join(canonical_of_parsed(key) + b":" + members[key] for key in order)
    return b"{" + whole + b"}", members


def _utf16(key: str) -> bytes:
    """The sort key of RFC 8785 section 3.2.3: UTF-16 code units (big-endian bytes compare
    as the units do)."""
    return key.encode("utf-16-be")


def _check_value(obj: object, path: _Path, depth: int, max_depth: int) -> None:
    kind = type(obj)
    if kind is str:
        if not cast(str, obj).isascii():
            _check_str(cast(str, obj), path)
        return
    if obj is None or kind is bool:
        return
    if kind is int:
        _check_int(cast(int, obj), path)
        return
    if isinstance(obj, bool):
        return
    if isinstance(obj, int):
        _check_int(obj, path)
    elif isinstance(obj, str):
        _check_str(obj, path)
    elif isinstance(obj, float):
        raise JsonFormatError(
            Msg.of("floating-point numbers are not allowed; write decimals as strings"), path
        )
    elif isinstance(obj, list | tuple):
        _check_nesting(depth + 1, max_depth, path)
        for index, item in enumerate(obj):
            _check_value(item, (path, index), depth + 1, max_depth)
    elif isinstance(obj, dict):
        _check_nesting(depth + 1, max_depth, path)
        for key, item in obj.items():
            if not isinstance(key, str):
                raise JsonFormatError(Msg.of("object keys must be strings"), path)
            child = (path, key)
            if not key.isascii():
                _check_str(key, child)
            _check_value(item, child, depth + 1, max_depth)
    else:
        raise JsonFormatError(
            Msg.of("values of type {type} cannot be written as JSON", type=type(obj).__name__),
            path,
        )


# --- reading -----------------------------------------------------------------------------


class _Float:
    """Placeholder for a number with a fraction or exponent, refused with its path."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Constant(_Float):
    """Placeholder for ``NaN``, ``Infinity`` or ``-Infinity``."""

    __slots__ = ()


class _BigInt(_Float):
    """Placeholder for an integer too long to be inside the I-JSON range."""

    __slots__ = ()


class _Pairs:
    """An object's members in document order, before the duplicate-key check."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = pairs


def _parse_int(text: str) -> int | _BigInt:
    # 2**53 - 1 has 16 digits; JSON forbids leading zeros, so a longer literal is out of
    # range, and not calling int() on it avoids Python's 4300-digit conversion limit.
    return _BigInt(text) if len(text.lstrip("-")) > 16 else int(text)


_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_Pairs,
    parse_float=_Float,
    parse_int=_parse_int,
    parse_constant=_Constant,
    strict=True,  # control characters inside strings are refused
)


class _Refused(Exception):
    """Raised by the fast decoder's hooks for anything the full walk must refuse."""


def _fast_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _Refused  # a duplicate key
    return result


def _fast_int(text: str) -> int:
    if len(text) > 17:
        raise _Refused
    value = int(text)
    if not -I_JSON_MAX_INT <= value <= I_JSON_MAX_INT:
        raise _Refused
    return value


def _refuse(_text: str) -> Any:
    raise _Refused


# The common case, decoded in one pass with no walk afterwards: plain values come straight
# out, and anything _finish would refuse (a duplicate key, a fraction or exponent, a
# constant, an integer outside the I-JSON range) raises _Refused, so the full decoder and
# walk run and name it. Used only on text without surrogate escapes and whose nesting the
# bracket scan has bounded.
_FAST_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_fast_object,
    parse_float=_refuse,
    parse_int=_fast_int,
    parse_constant=_refuse,
    strict=True,
)

_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_DEPTH_STEP: Final = {"[": 1, "{": 1, "]": -1, "}": -1}
_NOT_BRACKET: Final = {c: None for c in range(128) if chr(c) not in "[]{}"}

# Strings (so brackets inside them do not count) or one bracket.
_DEPTH_TOKENS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def loads_strict(
    data: bytes, *, max_depth: int = DEFAULT_MAX_DEPTH, max_size: int = DEFAULT_MAX_SIZE
) -> Any:
    """Parse one JSON document from ``data``, refusing anything two readers could disagree on.

    Refused, always with :class:`JsonFormatError` (no other exception escapes): more than
    ``max_size`` bytes, invalid UTF-8, a byte-order mark, a syntax error or trailing
    data, duplicate object keys at any depth, ``NaN``/``Infinity``/``-Infinity``, any
    number with a fraction or exponent (``1.0``, ``1e3``), integers outside ±(2**53 - 1),
    strings with lone surrogates (``"\\ud800"``), and nesting deeper than ``max_depth``
    arrays/objects. Returns plain ``dict``/``list``/``str``/``int``/``bool``/``None``.

    Parse only after the signature over ``data`` has been verified.
    """
    _check_depth_limit(max_depth)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("loads_strict() takes bytes")
    if len(data) > max_size:
        raise JsonFormatError(
            Msg.of(
                "the document has {size} bytes, more than the limit of {limit}",
                size=len(data),
                limit=max_size,
            )
        )
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonFormatError(
            Msg.of("the bytes are not valid UTF-8 (at byte {offset})", offset=exc.start)
        ) from None
    if text.startswith("\ufeff"):
        raise JsonFormatError(Msg.of("the document starts with a byte-order mark"))
    if text.count("[") + text.count("{") > max_depth:  # else no nesting can be too deep
        _check_bracket_depth(text, max_depth)
    surrogates = _SURROGATE_ESCAPE.search(text) is not None
    if not surrogates:
        try:
            return _FAST_DECODER.decode(text)
        except (_Refused, json.JSONDecodeError, RecursionError):
            pass  # the full walk below names the problem and its path
    try:
        raw = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonFormatError(
            Msg.of(
                "syntax error at line {line}, column {column}: {detail}",
                line=exc.lineno,
                column=exc.colno,
                detail=exc.msg,
            )
        ) from None
    except RecursionError:  # pragma: no cover - the bracket scan refuses this first
        raise JsonFormatError(Msg.of("nesting is too deep")) from None
    return _finish(raw, _ROOT, 0, max_depth, surrogates)


def _check_bracket_depth(text: str, max_depth: int) -> None:
    """Refuse deep nesting *before* the recursive C scanner sees it."""
    # Fast exact bound: the brackets left once every string is removed, in order.
    if "\\" in text:
        outside = _STRING.sub("", text)
    else:  # no escapes: every quote opens or closes a string, for the scanner as here
        outside = "".join(text.split('"')[::2])
    brackets = outside.translate(_NOT_BRACKET)
    # The running depth after each character left (non-ASCII ones count 0: the translation
    # table covers ASCII only), its maximum taken in C (no Python-level loop).
    deepest = max(accumulate(map(_DEPTH_STEP.get, brackets, repeat(0))), default=0)
    if deepest <= max_depth:
        return
    depth = 0  # too deep: find where, for the message
    for match in _DEPTH_TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > max_depth:
                raise JsonFormatError(
                    Msg.of(
                        "nesting is deeper than {limit} levels (at character {offset})",
                        limit=max_depth,
                        offset=match.start(),
                    )
                )
        elif token in ("]", "}"):
            depth -= 1


def _finish(raw: Any, path: _Path, depth: int, max_depth: int, surrogates: bool) -> Any:
    """Turn the decoder's placeholders into plain values, refusing what they stand for.

    ``surrogates`` is false when the text has no ``\\uD800``-``\\uDFFF`` escape: valid
    UTF-8 cannot encode a surrogate, so only such an escape can produce one.
    """
    kind = type(raw)
    if kind is str:
        if surrogates:
            _check_str(raw, path)
        return raw
    if kind is int:
        _check_int(raw, path)
        return raw
    if kind is bool or raw is None:
        return raw
    if kind is list:
        _check_nesting(depth + 1, max_depth, path)
        return [
            _finish(item, (path, i), depth + 1, max_depth, surrogates) for i, item in enumerate(raw)
        ]
    if kind is _Pairs:
        _check_nesting(depth + 1, max_depth, path)
        result: dict[str, Any] = {}
        for key, value in raw.pairs:
            child = (path, key)
            if key in result:
                raise JsonFormatError(Msg.of("duplicate key {key}", key=json.dumps(key)), path)
            if surrogates:
                _check_str(key, child)
            result[key] = _finish(value, child, depth + 1, max_depth, surrogates)
        return result
    if kind is _Constant:
        raise JsonFormatError(Msg.of("{value} is not a JSON number", value=raw.text), path)
    if kind is _BigInt:
        raise JsonFormatError(Msg.of("the integer is outside the range ±(2^53 - 1)"), path)
    if kind is _Float:
        raise JsonFormatError(
            Msg.of(
                "the number {value} has a fraction or exponent; decimals must be strings",
                value=raw.text[:40],
            ),
            path,
        )
    raise AssertionError(f"unexpected decoder value {kind!r}")  # pragma: no cover


# --- shared rules ------------------------------------------------------------------------


def _check_depth_limit(max_depth: int) -> None:
    if not 1 <= max_depth <= _DEPTH_LIMIT_CAP:
        raise ValueError(f"max_depth must be between 1 and {_DEPTH_LIMIT_CAP}")


def _check_nesting(depth: int, max_depth: int, path: _Path) -> None:
    if depth > max_depth:
        raise JsonFormatError(
            Msg.of("nesting is deeper than {limit} levels", limit=max_depth), path
        )


def _check_int(value: int, path: _Path) -> None:
    if not -I_JSON_MAX_INT <= value <= I_JSON_MAX_INT:
        raise JsonFormatError(Msg.of("the integer is outside the range ±(2^53 - 1)"), path)


def _check_str(value: str, path: _Path) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise JsonFormatError(
            Msg.of("the text contains a lone surrogate, which is not valid Unicode"), path
        ) from None


# A location in a document, built cheaply while walking (parent, key-or-index) and rendered
# as "$.a[2]" only when an error names it.
_Path = tuple[Any, str | int] | None
_ROOT: _Path = None
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")


def _render(path: _Path) -> str:
    segments: list[str | int] = []
    while path is not None:
        path, segment = path
        segments.append(segment)
    text = "$"
    for segment in reversed(segments):
        if isinstance(segment, int):
            text += f"[{segment}]"
        elif _IDENTIFIER.match(segment):
            text += f".{segment}"
        else:
            text += f"[{json.dumps(segment, ensure_ascii=False)}]"
    return text
