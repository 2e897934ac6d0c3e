"""``manifest.json`` of a meeting kit (kit v1, section 3): what the kit holds.

Parsed only after the secretary's signature has been verified over its exact bytes, then
strictly (:func:`app.formats.canonical_json.loads_strict`): ``format`` and ``version`` first, every
field checked, no unknown field, then :func:`reconcile` against the checked ZIP directory.
The **kit hash** is the SHA-256 of these exact bytes: every sheet names it, so a sheet is
tied to the one kit (meeting, roster, rubric, packages) its author worked from.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from app.domain.ids import ID_PATTERN, UUID_PATTERN
from app.formats.canonical_json import dumps_canonical
from app.formats.fields import sha256_hex
from app.formats.signed_manifest import ManifestShape, format_time
from app.i18n import Msg
from app.kit.errors import KitManifestError, KitVersionError
from app.package.zipcheck import ZipDirectory

FORMAT: Final = "review-desk/kit"
VERSION: Final = 1
MANIFEST_NAME: Final = "manifest.json"
SIGNATURE_NAME: Final = "manifest.json.p7s"
MEETING_NAME: Final = "meeting.json"
RUBRIC_NAME: Final = "rubric.json"
TRUST_ROOTS_NAME: Final = "trust-roots.pem"
SECRETARY_NAME: Final = "secretary.pem"
MEETING_KEY_NAME: Final = "meeting-key.age"
PACKAGE_PREFIX: Final = "packages/"
PACKAGE_SUFFIX: Final = ".oipkg"
FIXED_MEMBERS: Final = (
    MEETING_NAME,
    RUBRIC_NAME,
    TRUST_ROOTS_NAME,
    SECRETARY_NAME,
    MEETING_KEY_NAME,
)
MAX_MANIFEST_SIZE: Final = 1024 * 1024
MAX_SIGNATURE_SIZE: Final = 64 * 1024
#: Upper bounds of the small members, checked (from the ZIP directory) before any is read.
MEMBER_LIMITS: Final = {
    MEETING_NAME: 32 * 1024 * 1024,
    RUBRIC_NAME: 1024 * 1024,
    TRUST_ROOTS_NAME: 64 * 1024,
    SECRETARY_NAME: 16 * 1024,
    MEETING_KEY_NAME: 64 * 1024,
}

_MAX_SIZE = 0xFFFFFFFF


@dataclass(frozen=True)
class KitMember:
    """One member as the manifest describes it."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class KitManifest:
    kit_id: str
    meeting_id: str
    created_at: datetime
    members: tuple[KitMember, ...]

    def member(self, name: str) -> KitMember | None:
        return next((m for m in self.members if m.name == name), None)

    @property
    def package_members(self) -> tuple[KitMember, ...]:
        return tuple(m for m in self.members if m.name.startswith(PACKAGE_PREFIX))


def new_kit_id() -> str:
    return str(uuid.uuid4())


def package_name(application_id: str) -> str:
    """``packages/<application_id>.oipkg``."""
    return f"{PACKAGE_PREFIX}{application_id}{PACKAGE_SUFFIX}"


def package_application_id(name: str) -> str | None:
    """The application id a package member name stands for, or ``None`` for another name."""
    if not (name.startswith(PACKAGE_PREFIX) and name.endswith(PACKAGE_SUFFIX)):
        return None
    ident = name[len(PACKAGE_PREFIX) : -len(PACKAGE_SUFFIX)]
    return ident if ID_PATTERN.fullmatch(ident) else None


def kit_hash(manifest_data: bytes) -> str:
    """The kit hash: SHA-256 (hex) of the exact ``manifest.json`` bytes."""
    return hashlib.sha256(manifest_data).hexdigest()


def manifest_document(manifest: KitManifest) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "kit_id": manifest.kit_id,
        "meeting_id": manifest.meeting_id,
        "created_at": format_time(manifest.created_at),
        "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in manifest.members],
    }


def manifest_bytes(manifest: KitManifest) -> bytes:
    """The canonical (RFC 8785) bytes that are signed, stored and hashed into the kit hash."""
    return dumps_canonical(manifest_document(manifest))


# --- reading -----------------------------------------------------------------------------


_SHAPE: Final = ManifestShape(
    format=FORMAT,
    version=VERSION,
    max_size=MAX_MANIFEST_SIZE,
    error=KitManifestError,
    version_error=KitVersionError,
    wrong_format=lambda found: Msg.of(
        "it is not a meeting kit manifest (format {found}).", found=found
    ),
)
_bad = _SHAPE.bad
_fields = _SHAPE.fields


def parse_manifest(data: bytes) -> KitManifest:
    """Parse verified manifest bytes strictly; :class:`KitManifestError` on any problem."""
    obj = _SHAPE.open(data, ("format", "version", "kit_id", "meeting_id", "created_at", "members"))
    kit_id = obj["kit_id"]
    if not isinstance(kit_id, str) or not UUID_PATTERN.fullmatch(kit_id):
        raise _bad("kit_id", "not a lower-case UUID")
    meeting_id = obj["meeting_id"]
    if not isinstance(meeting_id, str) or not ID_PATTERN.fullmatch(meeting_id):
        raise _bad("meeting_id", "not a meeting identifier")
    created_at = _SHAPE.time(obj["created_at"], "created_at")
    return KitManifest(kit_id, meeting_id, created_at, _members(obj["members"]))


def _members(value: Any) -> tuple[KitMember, ...]:
    if not isinstance(value, list) or not value:
        raise _bad("members", "not a non-empty list")
    members: list[KitMember] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"members[{index}]"
        obj = _fields(item, where, ("name", "size", "sha256"))
        name, size, digest = obj["name"], obj["size"], obj["sha256"]
        if not isinstance(name, str) or not (
            name in FIXED_MEMBERS or package_application_id(name) is not None
        ):
            raise _bad(f"{where}.name", f"not a kit member name: {str(name)[:80]!r}")
        if name in seen:
            raise KitManifestError(
                Msg.of("the member {name} is listed twice.", name=name), f"duplicate {name}"
            )
        seen.add(name)
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= _MAX_SIZE:
            raise _bad(f"{where}.size", "not a size in bytes")
        _SHAPE.check(sha256_hex, digest, f"{where}.sha256")
        members.append(KitMember(name, size, digest))
    for name in FIXED_MEMBERS:
        if name not in seen:
            raise KitManifestError(
                Msg.of("it does not list {name}.", name=name), f"{name} not listed"
            )
    return tuple(members)


def reconcile(manifest: KitManifest, directory: ZipDirectory) -> None:
    """Every ZIP member (other than the manifest and its signature) is listed, every listed
    member exists, and the sizes agree; raises :class:`KitManifestError` otherwise."""
    names = directory.names
    if names[:2] != (MANIFEST_NAME, SIGNATURE_NAME):
        raise KitManifestError(
            Msg.of("the archive does not start with the manifest and its signature."),
            f"first entries {names[:2]!r}",
        )
    for entry in directory.entries[2:]:
        member = manifest.member(entry.name)
        if member is None:
            raise KitManifestError(
                Msg.of(
                    "the archive holds {name}, which the manifest does not list.", name=entry.name
                ),
                f"unlisted member {entry.name!r}",
            )
        if member.size != entry.size:
            raise KitManifestError(
                Msg.of("the size of {name} differs from the manifest.", name=entry.name),
                f"{entry.name}: {entry.size} != {member.size}",
            )
    for member in manifest.members:
        if directory.get(member.name) is None:
            raise KitManifestError(
                Msg.of(
                    "the manifest lists {name}, which the archive does not hold.", name=member.name
                ),
                f"missing member {member.name!r}",
            )
