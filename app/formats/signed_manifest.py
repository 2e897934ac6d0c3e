"""The start every signed ``manifest.json`` reader shares (package, meeting kit, result bundle).

A manifest is parsed only after its signature was verified over its exact bytes, and then
strictly, in the same order for every format: strict JSON
(:func:`app.formats.canonical_json.loads_strict`), a JSON object, ``format`` first, then
``version`` (an unknown version is named), then exactly the format's fields. What each
field holds is then the format's own business. Every refusal is the *format's* typed error:
the format passes its error classes in (:class:`ManifestShape`), so a package reader still
raises :class:`~app.package.errors.PackageManifestError`, a kit reader a kit error, and so on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

from app.formats.canonical_json import DEFAULT_MAX_DEPTH, JsonFormatError, loads_strict
from app.formats.fields import FieldError
from app.i18n import Msg

TIME_PATTERN: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
"""An RFC 3339 UTC time to the second, as the manifests write it (``format_time``)."""

_T = TypeVar("_T")

_SHOWN: Final = 80
"""Text taken from the file is cut to this many characters in messages and details."""


@dataclass(frozen=True)
class ManifestShape:
    """What one format's manifest must start with, and how that format says it is wrong."""

    format: str
    version: int
    max_size: int
    error: Callable[[Msg, str], Exception]
    """The format's manifest error, from (reason, technical detail)."""
    version_error: Callable[[object], Exception]
    """The format's unknown-version error, from the version found."""
    wrong_format: Callable[[str], Msg]
    """The reason for a document of another format, from the (cut) format found."""
    max_depth: int = DEFAULT_MAX_DEPTH

    def bad(self, field: str, reason: str) -> Exception:
        """A missing or wrong field (``field`` is a JSON path such as ``members[2].size``)."""
        return self.error(
            Msg.of("the field {field} is missing or wrong.", field=field[:_SHOWN]),
            f"{field}: {reason}",
        )

    def open(self, data: bytes, fields: Sequence[str]) -> dict[str, Any]:
        """Parse ``data`` strictly and check ``format``, ``version`` and exactly ``fields``."""
        try:
            doc = loads_strict(data, max_size=self.max_size, max_depth=self.max_depth)
        except JsonFormatError as exc:
            raise self.error(exc.msg, f"strict JSON: {exc.msg.in_language('en')}") from exc
        if not isinstance(doc, dict):
            raise self.bad("$", "not an object")
        found = doc.get("format")
        if found != self.format:
            shown = str(found)[:_SHOWN]
            raise self.error(self.wrong_format(shown), f"format {shown!r}")
        version = doc.get("version")
        if version != self.version or isinstance(version, bool):
            raise self.version_error(version)
        return self.fields(doc, "$", fields)

    def fields(
        self, value: Any, where: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> dict[str, Any]:
        """``value`` as an object with every ``required`` field and no field not listed."""
        if not isinstance(value, dict):
            raise self.bad(where, "not an object")
        for key in required:
            if key not in value:
                raise self.bad(f"{where}.{key}", "required")
        for key in value:
            if key not in required and key not in optional:
                raise self.bad(f"{where}.{key}", "not part of the format")
        return value

    def check(self, rule: Callable[..., _T], value: Any, where: str, *args: Any) -> _T:
        """``rule(value, where, *args)``, one of the shared field checks of
        :mod:`app.formats.fields`, refused as a wrong field of this format."""
        try:
            return rule(value, where, *args)
        except FieldError as exc:
            raise self.bad(exc.path, exc.reason.in_language("en")) from None

    def time(self, value: Any, where: str) -> datetime:
        """An RFC 3339 UTC time (``2026-03-02T09:00:00Z``) as an aware datetime."""
        if not isinstance(value, str) or not TIME_PATTERN.fullmatch(value):
            raise self.bad(where, "not an RFC 3339 UTC time")
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise self.bad(where, "not a real time") from None


def format_time(moment: datetime) -> str:
    """The manifests' time format (the inverse of :meth:`ManifestShape.time`)."""
    if moment.tzinfo is None:
        raise ValueError("the time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
