"""``manifest.json``: what a package holds (package v1, section 4).

The manifest is parsed only after its signature has been verified over its exact bytes
(:mod:`app.package.reader`), and then strictly: :func:`app.formats.canonical_json.loads_strict`,
``format`` and ``version`` first (an unknown version is named), every field checked, no
unknown field, then :func:`reconcile` against the checked ZIP directory.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from app.domain.ids import UUID_PATTERN
from app.formats.canonical_json import dumps_canonical
from app.formats.fields import sha256_hex
from app.formats.signed_manifest import ManifestShape, format_time
from app.i18n import LocalizedText, Msg
from app.package.errors import PackageManifestError, PackageVersionError
from app.package.zipcheck import ZipDirectory, name_problem

FORMAT: Final = "review-desk/package"
VERSION: Final = 1
MANIFEST_NAME: Final = "manifest.json"
SIGNATURE_NAME: Final = "manifest.json.p7s"
FORM_NAME: Final = "form.json"
ATTACHMENT_PREFIX: Final = "attachments/"
PDF_MEDIA_TYPE: Final = "application/pdf"
MAX_MANIFEST_SIZE: Final = 1024 * 1024
MAX_SIGNATURE_SIZE: Final = 64 * 1024
MAX_TITLE: Final = 300
SUMMARY_FIELDS: Final = ("id", "applicant_unit", "platform_name", "sub_domain", "sub_domain_tags")


class MemberKind(enum.Enum):
    FORM = "form"
    ATTACHMENT = "attachment"


@dataclass(frozen=True)
class ManifestMember:
    """One member as the manifest describes it. ``title``/``media_type`` only for attachments."""

    name: str
    size: int
    sha256: str
    kind: MemberKind
    title: LocalizedText | None = None
    media_type: str | None = None


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest. ``application`` is the JSON summary object (no form parts)."""

    package_id: str
    created_at: datetime
    application: dict[str, Any]
    members: tuple[ManifestMember, ...]

    @property
    def form(self) -> ManifestMember:
        return next(m for m in self.members if m.kind is MemberKind.FORM)

    @property
    def attachments(self) -> tuple[ManifestMember, ...]:
        return tuple(m for m in self.members if m.kind is MemberKind.ATTACHMENT)

    def member(self, name: str) -> ManifestMember | None:
        return next((m for m in self.members if m.name == name), None)


def new_package_id() -> str:
    return str(uuid.uuid4())


def manifest_document(manifest: Manifest) -> dict[str, Any]:
    members: list[dict[str, Any]] = []
    for m in manifest.members:
        doc: dict[str, Any] = {
            "name": m.name,
            "size": m.size,
            "sha256": m.sha256,
            "kind": m.kind.value,
        }
        if m.title is not None:
            doc["title"] = {"en": m.title.en, "zh_CN": m.title.zh_CN}
        if m.media_type is not None:
            doc["media_type"] = m.media_type
        members.append(doc)
    return {
        "format": FORMAT,
        "version": VERSION,
        "package_id": manifest.package_id,
        "created_at": format_time(manifest.created_at),
        "application": manifest.application,
        "members": members,
    }


def manifest_bytes(manifest: Manifest) -> bytes:
    """The canonical (RFC 8785) bytes that are signed and stored."""
    return dumps_canonical(manifest_document(manifest))


# --- reading -----------------------------------------------------------------------------


_SHAPE: Final = ManifestShape(
    format=FORMAT,
    version=VERSION,
    max_size=MAX_MANIFEST_SIZE,
    error=PackageManifestError,
    version_error=PackageVersionError,
    wrong_format=lambda found: Msg.of(
        "it is not a package manifest (format {found}).", found=found
    ),
)
_bad = _SHAPE.bad
_fields = _SHAPE.fields


def _string(value: Any, where: str, limit: int = MAX_TITLE) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _bad(where, "not a non-empty string within the limit")
    return value


def _text(value: Any, where: str) -> LocalizedText:
    obj = _fields(value, where, ("en", "zh_CN"))
    return LocalizedText(
        en=_string(obj["en"], f"{where}.en"), zh_CN=_string(obj["zh_CN"], f"{where}.zh_CN")
    )


def parse_manifest(data: bytes) -> Manifest:
    """Parse verified manifest bytes strictly; :class:`PackageManifestError` on any problem."""
    obj = _SHAPE.open(
        data, ("format", "version", "package_id", "created_at", "application", "members")
    )
    package_id = obj["package_id"]
    if not isinstance(package_id, str) or not UUID_PATTERN.fullmatch(package_id):
        raise _bad("package_id", "not a lower-case UUID")
    created_at = _SHAPE.time(obj["created_at"], "created_at")
    application = _summary(obj["application"])
    members = _members(obj["members"])
    return Manifest(package_id, created_at, application, members)


def _summary(value: Any) -> dict[str, Any]:
    obj = _fields(value, "application", SUMMARY_FIELDS)
    _string(obj["id"], "application.id", 64)
    for key in ("applicant_unit", "platform_name", "sub_domain"):
        _text(obj[key], f"application.{key}")
    tags = obj["sub_domain_tags"]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _bad("application.sub_domain_tags", "not a list of strings")
    return dict(obj)


def _members(value: Any) -> tuple[ManifestMember, ...]:
    if not isinstance(value, list) or len(value) > 254:
        raise _bad("members", "not a list of at most 254 members")
    members: list[ManifestMember] = []
    names: set[str] = set()
    for i, item in enumerate(value):
        where = f"members[{i}]"
        kind_value = item.get("kind") if isinstance(item, dict) else None
        if kind_value not in (MemberKind.FORM.value, MemberKind.ATTACHMENT.value):
            raise _bad(f"{where}.kind", "neither form nor attachment")
        if kind_value == MemberKind.FORM.value:
            obj = _fields(item, where, ("name", "size", "sha256", "kind"))
        else:
            obj = _fields(item, where, ("name", "size", "sha256", "kind", "title", "media_type"))
        name = obj["name"]
        if not isinstance(name, str) or name_problem(name) is not None:
            raise _bad(f"{where}.name", "not an allowed member name")
        kind = MemberKind(kind_value)
        if kind is MemberKind.FORM and name != FORM_NAME:
            raise _bad(f"{where}.name", "the form member must be form.json")
        if kind is MemberKind.ATTACHMENT and not is_attachment_name(name):
            raise _bad(f"{where}.name", "attachments are attachments/NAME.pdf")
        if name in names:
            raise PackageManifestError(
                Msg.of("it lists the member {name} twice.", name=name), f"duplicate {name!r}"
            )
        names.add(name)
        size = obj["size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise _bad(f"{where}.size", "not a size")
        digest = obj["sha256"]
        _SHAPE.check(sha256_hex, digest, f"{where}.sha256")
        title = media = None
        if kind is MemberKind.ATTACHMENT:
            title = _text(obj["title"], f"{where}.title")
            if obj["media_type"] != PDF_MEDIA_TYPE:
                raise _bad(f"{where}.media_type", "not application/pdf")
            media = PDF_MEDIA_TYPE
        members.append(ManifestMember(name, size, digest, kind, title, media))
    if sum(m.kind is MemberKind.FORM for m in members) != 1:
        raise PackageManifestError(
            Msg.of("it must list form.json exactly once."), "form member count is not 1"
        )
    return tuple(members)


def is_attachment_name(name: str) -> bool:
    """``attachments/NAME.pdf`` with a single, allowed segment for NAME."""
    if not name.startswith(ATTACHMENT_PREFIX) or not name.endswith(".pdf"):
        return False
    rest = name[len(ATTACHMENT_PREFIX) :]
    return "/" not in rest and len(rest) > len(".pdf") and name_problem(name) is None


def reconcile(manifest: Manifest, directory: ZipDirectory) -> None:
    """Every ZIP member (but the manifest and its signature) listed, every listed one present,
    sizes equal. Raises :class:`PackageManifestError`."""
    listed = {m.name: m for m in manifest.members}
    for reserved in (MANIFEST_NAME, SIGNATURE_NAME):
        if reserved in listed:
            raise PackageManifestError(
                Msg.of("it lists the member {name}, which it cannot describe.", name=reserved),
                f"{reserved} listed in members",
            )
    for entry in directory.entries:
        if entry.name in (MANIFEST_NAME, SIGNATURE_NAME):
            continue
        member = listed.get(entry.name)
        if member is None:
            raise PackageManifestError(
                Msg.of(
                    "the member {name} is in the package but not in the manifest.", name=entry.name
                ),
                f"unlisted member {entry.name!r}",
            )
        if member.size != entry.size:
            raise PackageManifestError(
                Msg.of(
                    "the member {name} has {actual} bytes, the manifest says {expected}.",
                    name=entry.name,
                    actual=entry.size,
                    expected=member.size,
                ),
                f"size of {entry.name!r}: {entry.size} != {member.size}",
            )
    present = set(directory.names)
    for name in listed:
        if name not in present:
            raise PackageManifestError(
                Msg.of("the manifest lists {name}, which is missing from the package.", name=name),
                f"missing member {name!r}",
            )
