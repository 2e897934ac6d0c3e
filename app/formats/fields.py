"""Field checks for the JSON documents the program reads: one rule per kind of value.

Each check takes the value found and its JSON path (``items[3].round``) and either returns
the value, typed, or raises :class:`FieldError` with the path and a translated reason; the
reader turns that into the error class of its format (``sheet-v1`` through
:mod:`app.sheets.codec`, which re-exports these, the meeting file, the consolidation rule,
the result bundle). Written once so that "a whole number from 1 to 99" or "true or false"
means the same in every format.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from typing import Any, Final, TypeVar

from app.domain.ids import SIGNED_ID_PATTERN
from app.i18n import Msg

_T = TypeVar("_T")

_SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}")
CONTROL_CHARACTERS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FieldError(Exception):
    """A member that breaks the format; ``path`` such as ``items[3].document``."""

    def __init__(self, path: str, reason: Msg) -> None:
        super().__init__(f"{path}: {reason.in_language('en')}")
        self.path = path
        self.reason = reason


def fields(
    value: Any, path: str, members: Collection[str], optional: Collection[str] = ()
) -> dict[str, Any]:
    """The object at ``path`` with exactly ``members`` (plus any of ``optional``)."""
    if not isinstance(value, dict):
        raise FieldError(path, Msg.of("must be a JSON object."))
    for key in members:
        if key not in value:
            raise FieldError(member_path(path, key), Msg.of("this member is required."))
    for key in value:
        if key not in members and key not in optional:
            raise FieldError(
                member_path(path, key), Msg.of("this member is not part of the format.")
            )
    return value


def identifier(value: Any, path: str) -> str:
    if not isinstance(value, str) or not SIGNED_ID_PATTERN.fullmatch(value):
        raise FieldError(path, Msg.of("must be an identifier (letters, digits, “_.:-”)."))
    return value


def sha256_hex(value: Any, path: str) -> str:
    """A SHA-256 digest as 64 lower-case hexadecimal digits (kit hash, member hashes)."""
    if not isinstance(value, str) or not _SHA256_HEX.fullmatch(value):
        raise FieldError(path, Msg.of("must be 64 lower-case hexadecimal digits."))
    return value


def whole(value: Any, path: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise FieldError(
            path,
            Msg.of(
                "must be a whole number from {minimum} to {maximum}.",
                minimum=minimum,
                maximum=maximum,
            ),
        )
    return value


def text(value: Any, path: str, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise FieldError(path, Msg.of("must be a text."))
    if len(value) > limit:
        raise FieldError(path, Msg.of("is longer than {limit} characters.", limit=limit))
    if CONTROL_CHARACTERS.search(value):
        raise FieldError(path, Msg.of("contains a control character."))
    if required and not value.strip():
        raise FieldError(path, Msg.of("must not be empty."))
    return value


def choice(value: Any, path: str, allowed: Collection[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise FieldError(
            path, Msg.of("must be one of: {allowed}.", allowed=", ".join(sorted(allowed)))
        )
    return value


def exact(value: Any, path: str, expected: str) -> str:
    if value != expected:
        raise FieldError(path, Msg.of("must be “{expected}”.", expected=expected))
    return expected


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise FieldError(path, Msg.of("must be true or false."))
    return value


def array(value: Any, path: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError(path, Msg.of("must be a list."))
    if len(value) > limit:
        raise FieldError(path, Msg.of("has more than {limit} entries.", limit=limit))
    return value


def checked(
    error: Callable[[str, Msg], Exception],
    rule: Callable[..., _T],
    value: Any,
    path: str,
    *args: Any,
) -> _T:
    """``rule(value, path, *args)``, with a :class:`FieldError` raised as the format's own
    ``error`` (built from the path and the reason), for readers with their own error class."""
    try:
        return rule(value, path, *args)
    except FieldError as exc:
        raise error(exc.path, exc.reason) from None


def member_path(path: str, key: str) -> str:
    """The JSON path of member ``key`` of the object at ``path`` (``$`` is the root)."""
    return key if path == "$" else f"{path}.{key}"
