"""The sub-domain overlap check: one platform per concrete sub-domain (DESIGN section 5).

Applications whose ``sub_domain_tags`` share a tag with another application of the meeting,
or with an already-approved national platform, are flagged with the reason: which tags, and
which application or platform. Tags are normalised by the meeting reader, so equal spelling
means equal tag. The approved list is a data file (``resources/approved_platforms.json``,
``review-desk/approved-platforms`` v1) the ministry can edit; its loader is strict.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from app.domain.ids import ID_PATTERN, ApplicationId
from app.domain.meeting import Application
from app.errors import ValidationError
from app.formats.bounded_read import read_bounded
from app.formats.canonical_json import JsonFormatError, loads_strict
from app.i18n import LocalizedText, Msg
from app.paths import RESOURCES
from app.secretary.ports import SecretaryReader
from app.secretary.setup import current_meeting

APPROVED_PLATFORMS: Final = RESOURCES / "approved_platforms.json"
FORMAT: Final = "review-desk/approved-platforms"
_TAG = re.compile(r"[a-z0-9]+(?:[ -][a-z0-9]+)*")
MAX_PLATFORM_LIST_SIZE: Final = 4 * 1024 * 1024


@dataclass(frozen=True)
class ApprovedPlatform:
    id: str
    name: LocalizedText
    approved_year: int
    sub_domain_tags: tuple[str, ...]


class OverlapKind(enum.Enum):
    APPLICATION = "application"
    PLATFORM = "platform"


@dataclass(frozen=True)
class OverlapFinding:
    """``application_id`` shares ``shared_tags`` with ``other_id`` (an application of the
    meeting or an approved platform)."""

    application_id: ApplicationId
    kind: OverlapKind
    other_id: str
    other_name: LocalizedText
    shared_tags: tuple[str, ...]

    @property
    def message(self) -> Msg:
        tags = ", ".join(f"“{t}”" for t in self.shared_tags)
        if self.kind is OverlapKind.APPLICATION:
            return Msg.of(
                "{application} overlaps application {other} ({name}): shared sub-domain {tags}.",
                application=self.application_id,
                other=self.other_id,
                name=self.other_name,
                tags=tags,
            )
        return Msg.of(
            "{application} overlaps the approved platform {other} ({name}): shared sub-domain "
            "{tags}.",
            application=self.application_id,
            other=self.other_id,
            name=self.other_name,
            tags=tags,
        )


class PlatformListError(ValidationError):
    def __init__(self, field: str, reason: Msg) -> None:
        self.field = field
        super().__init__(
            Msg.of("Approved-platform list, {field}: {reason}", field=field, reason=reason),
            Msg.of("Correct the approved-platform file, or restore the shipped one."),
        )


def find_overlaps(
    applications: Sequence[Application], platforms: Sequence[ApprovedPlatform] = ()
) -> tuple[OverlapFinding, ...]:
    """Every overlap, per application in the given order: other applications first (both
    directions are reported, so each application's list is complete), then platforms."""
    findings: list[OverlapFinding] = []
    for app in applications:
        tags = set(app.sub_domain_tags)
        for other in applications:
            shared = _shared(app.sub_domain_tags, tags, other.sub_domain_tags)
            if other.id != app.id and shared:
                findings.append(
                    OverlapFinding(
                        app.id, OverlapKind.APPLICATION, other.id, other.platform_name, shared
                    )
                )
        for platform in platforms:
            shared = _shared(app.sub_domain_tags, tags, platform.sub_domain_tags)
            if shared:
                findings.append(
                    OverlapFinding(app.id, OverlapKind.PLATFORM, platform.id, platform.name, shared)
                )
    return tuple(findings)


def _shared(order: tuple[str, ...], mine: set[str], theirs: tuple[str, ...]) -> tuple[str, ...]:
    other = set(theirs)
    return tuple(t for t in order if t in mine and t in other)


def load_approved_platforms(path: Path | None = None) -> tuple[ApprovedPlatform, ...]:
    """Read the approved-platform list strictly (unknown members, bad tags, duplicate ids
    are refused with the field named)."""
    source = APPROVED_PLATFORMS if path is None else Path(path)
    raw = read_bounded(
        source, MAX_PLATFORM_LIST_SIZE, lambda reason, _detail: PlatformListError("$", reason)
    )
    try:
        doc = loads_strict(raw, max_size=MAX_PLATFORM_LIST_SIZE)
    except JsonFormatError as exc:
        raise PlatformListError("$", exc.msg) from exc
    top = _object(doc, "$", {"format", "version", "platforms"}, {"note"})
    if top["format"] != FORMAT:
        raise PlatformListError("format", Msg.of("this is not an approved-platform list."))
    if type(top["version"]) is not int or top["version"] != 1:
        raise PlatformListError(
            "version", Msg.of("only version 1 can be read; update the program.")
        )
    items = top["platforms"]
    if not isinstance(items, list) or len(items) > 10_000:
        raise PlatformListError("platforms", Msg.of("must be a list of at most 10000 entries."))
    platforms: list[ApprovedPlatform] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"platforms[{i}]"
        obj = _object(item, where, {"id", "name", "approved_year", "sub_domain_tags"})
        pid = obj["id"]
        if not isinstance(pid, str) or not ID_PATTERN.fullmatch(pid) or pid in seen:
            raise PlatformListError(f"{where}.id", Msg.of("must be a new lower-case identifier."))
        seen.add(pid)
        year = obj["approved_year"]
        if type(year) is not int or not 2000 <= year <= 2100:
            raise PlatformListError(f"{where}.approved_year", Msg.of("must be a year."))
        tags = obj["sub_domain_tags"]
        if (
            not isinstance(tags, list)
            or not 1 <= len(tags) <= 12
            or any(not isinstance(t, str) or not _TAG.fullmatch(t) or len(t) > 48 for t in tags)
            or len(set(tags)) != len(tags)
        ):
            raise PlatformListError(
                f"{where}.sub_domain_tags",
                Msg.of("must be 1 to 12 distinct normalised tags (lower case, single spaces)."),
            )
        platforms.append(
            ApprovedPlatform(pid, _text(obj["name"], f"{where}.name"), year, tuple(tags))
        )
    return tuple(platforms)


def _object(
    value: Any, where: str, required: set[str], optional: set[str] | None = None
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PlatformListError(where, Msg.of("must be an object."))
    allowed = required | (optional or set())
    for key in value:
        if key not in allowed:
            raise PlatformListError(f"{where}.{key}", Msg.of("is not a known field."))
    for key in sorted(required):
        if key not in value:
            raise PlatformListError(f"{where}.{key}", Msg.of("is missing."))
    return value


def _text(value: Any, where: str) -> LocalizedText:
    obj = _object(value, where, {"en", "zh_CN"})
    for key in ("en", "zh_CN"):
        text = obj[key]
        if not isinstance(text, str) or not text.strip() or len(text) > 300:
            raise PlatformListError(f"{where}.{key}", Msg.of("must be a non-blank short text."))
    return LocalizedText(obj["en"], obj["zh_CN"])


def meeting_overlaps(
    ws: SecretaryReader, platforms: Sequence[ApprovedPlatform] | None = None
) -> tuple[OverlapFinding, ...]:
    """Overlaps among the meeting's applications (in hearing order) and with ``platforms``
    (default: the shipped approved-platform list)."""
    meeting = current_meeting(ws)
    ordered = {i.application_id: i.position for i in meeting.agenda}
    apps = sorted(meeting.applications, key=lambda a: (ordered.get(a.id, 10**6), a.id))
    listed = load_approved_platforms() if platforms is None else platforms
    return find_overlaps(apps, listed)
